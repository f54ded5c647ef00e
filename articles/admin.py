from django.contrib import admin, messages
from django.db.models.functions import ExtractYear
from simple_history.admin import SimpleHistoryAdmin

from .models import Article, Person, Quote, Region, Source


class YearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            Article.objects.exclude(published_on=None)
            .annotate(year=ExtractYear("published_on"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(published_on__year=int(value))
        return queryset


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["person", "given_to"]
    fields = [("person", "given_to", "position"), "text"]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["media_id", "title", "published_on", "publication", "status"]
    list_display_links = ["media_id", "title"]
    list_filter = ["status", ("publication", admin.RelatedOnlyFieldListFilter), ("regions", admin.RelatedOnlyFieldListFilter), YearFilter]
    search_fields = ["=media_id", "title"]
    autocomplete_fields = ["publication", "credits", "regions"]
    date_hierarchy = "published_on"
    list_select_related = ["publication"]
    readonly_fields = ["slug", "created", "updated"]
    inlines = [QuoteInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["media_id", "title", "status", "published_on"]}),
        ("Where it comes from", {"fields": ["publication", "credits", "byline", "section", "original_url", "language"]}),
        ("Text", {"fields": ["summary", "body"]}),
        ("Places", {"fields": ["regions"]}),
        ("Record", {"fields": ["slug", "created", "updated"], "classes": ["collapse"]}),
    ]

    @admin.action(description="Publish the selected articles")
    def publish(self, request, queryset):
        undated = list(queryset.filter(status="draft", published_on=None).values_list("media_id", flat=True))
        published = 0
        for article in queryset.filter(status="draft").exclude(published_on=None):
            article.status = Article.Status.PUBLISHED
            article.save()
            published += 1
        if published:
            self.message_user(request, f"Published {published} article(s).", messages.SUCCESS)
        if undated:
            listed = ", ".join(map(str, undated[:20]))
            self.message_user(
                request,
                f"Not published, because they have no publication date yet: {listed}"
                + (" and more" if len(undated) > 20 else ""),
                messages.ERROR,
            )

    @admin.action(description="Unpublish the selected articles (back to draft)")
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(status="published"):
            article.status = Article.Status.DRAFT
            article.save()
            count += 1
        self.message_user(request, f"Unpublished {count} article(s).", messages.SUCCESS)


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "description", "slug"]
    search_fields = ["name", "slug", "aliases", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "iso_code", "path"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "iso_code", "aliases"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    prepopulated_fields = {"slug": ["name"]}
