from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from . import review
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


class ReviewFilter(admin.SimpleListFilter):
    """The review queue: drafts imported from captured pages, by what still keeps them back."""

    title = "page import review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("open", "To review"),
            *((kind, label.capitalize()) for kind, label in review.KINDS.items()),
            ("ready", "Ready to publish"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "open":
            return review.in_review(queryset)
        if value in review.KINDS or value == "ready":
            return review.in_review(queryset, value)
        return queryset


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["person", "given_to"]
    fields = [("person", "given_to", "position"), "text"]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["media_id", "title", "published_on", "publication", "status", "review_state"]
    list_display_links = ["media_id", "title"]
    list_filter = ["status", ReviewFilter, ("publication", admin.RelatedOnlyFieldListFilter), ("regions", admin.RelatedOnlyFieldListFilter), YearFilter]
    search_fields = ["=media_id", "title"]
    autocomplete_fields = ["publication", "credits", "regions"]
    date_hierarchy = "published_on"
    list_select_related = ["publication"]
    readonly_fields = ["slug", "created", "updated", "page_review"]
    inlines = [QuoteInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["media_id", "title", "status", "published_on"]}),
        ("Where it comes from", {"fields": ["publication", "credits", "byline", "section", "original_url", "language"]}),
        ("Text", {"fields": ["summary", "body"]}),
        ("Places", {"fields": ["regions"]}),
        ("Record", {"fields": ["slug", "created", "updated"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        # What the review column and the publish action need, in two queries per page, not two per row.
        return review.with_review_data(super().get_queryset(request))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and review.capture_of(obj) is not None:
            return [("Page import", {"fields": ["page_review"]}), *fieldsets]
        return fieldsets

    def get_urls(self):
        review_view = self.admin_site.admin_view(self.review_view)
        return [path("<int:object_id>/review/", review_view, name="articles_article_review"), *super().get_urls()]

    @admin.display(description="to review")
    def review_state(self, article):
        if article.status != Article.Status.DRAFT or review.capture_of(article) is None:
            return ""
        kinds = dict.fromkeys(review.KINDS[d.kind] for d in review.open_doubts(article))
        url = reverse("admin:articles_article_review", args=[article.pk])
        return format_html('<a href="{}">{}</a>', url, ", ".join(kinds) or "ready to publish")

    @admin.display(description="review")
    def page_review(self, article):
        capture = review.capture_of(article)
        if capture is None:
            return "—"
        doubts = review.open_doubts(article)
        items = format_html_join("", "<li>{}</li>", ((str(d),) for d in doubts)) if doubts else "nothing open"
        return format_html(
            '<a href="{}">Compare with the captured page</a>, imported from {} on {}.<ul>{}</ul>',
            reverse("admin:articles_article_review", args=[article.pk]),
            capture.source_name,
            capture.imported_at.date().isoformat(),
            items,
        )

    def review_view(self, request, object_id):
        article = get_object_or_404(review.for_review_page(Article.objects.all()), pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        capture = review.capture_of(article)
        if capture is None:
            return redirect("admin:articles_article_change", article.pk)
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            capture.doubts_checked_at, capture.doubts_checked_by = timezone.now(), request.user
            capture.save(update_fields=["doubts_checked_at", "doubts_checked_by"])
            self.message_user(request, "The remaining doubts are marked as checked.", messages.SUCCESS)
            return redirect("admin:articles_article_review", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Review: {article.title}",
            "article": article,
            "capture": capture,
            "marked_text": review.marked_text(capture),
            "doubts": review.open_doubts(article),
            "extracted": review.extracted(capture),
            "can_change": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/page_review.html", context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        # The status field is a second way to publish: it refuses what the publish action refuses.
        if article.status == Article.Status.PUBLISHED and "status" in form.changed_data:
            if doubts := review.open_doubts(article):
                article.status = Article.Status.DRAFT
                article.save()
                self.message_user(
                    request,
                    f"Kept as a draft: this page import is incomplete ({'; '.join(map(str, doubts))}).",
                    messages.WARNING,
                )

    @admin.action(description="Publish the selected articles")
    def publish(self, request, queryset):
        incomplete = [(a.media_id, d) for a in review.page_import_drafts(queryset) if (d := review.open_doubts(a))]
        held = [media_id for media_id, _ in incomplete]
        queryset = queryset.exclude(media_id__in=held)
        undated = list(queryset.filter(status="draft", published_on=None).values_list("media_id", flat=True))
        published = 0
        for article in queryset.filter(status="draft").exclude(published_on=None):
            article.status = Article.Status.PUBLISHED
            article.save()
            published += 1
        if published:
            self.message_user(request, f"Published {published} article(s).", messages.SUCCESS)
        for media_id, doubts in incomplete[:10]:
            self.message_user(
                request,
                f"Not published, the page import {media_id} is incomplete: {'; '.join(map(str, doubts))}.",
                messages.ERROR,
            )
        if len(incomplete) > 10:
            self.message_user(request, f"{len(incomplete) - 10} more page imports are incomplete.", messages.ERROR)
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
