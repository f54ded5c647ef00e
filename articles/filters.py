"""The one definition of what readers and researchers can filter by (DESIGN.md, "Filter
parameters"). The listing, the search page, the exports and the feeds all take it."""

import django_filters
from django import forms

from .models import Article, Person, Region, Source

ISO_DATE = ["%Y-%m-%d"]


class ArchiveFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


class SlugChoices(django_filters.ModelMultipleChoiceFilter):
    """Several slugs of one parameter mean OR; an unknown slug is a form error."""

    def __init__(self, queryset, method, label):
        super().__init__(
            queryset=queryset,
            to_field_name="slug",
            method=method,
            label=label,
            error_messages={
                "invalid_choice": f"There is no {label.lower()} “%(value)s” in the archive.",
                "invalid_pk_value": f"“%(pk)s” is not a {label.lower()} of the archive.",
            },
        )


class ArticleFilter(django_filters.FilterSet):
    region = SlugChoices(Region.objects.all(), "filter_region", "Region")
    source = SlugChoices(Source.objects.all(), "filter_source", "Source")
    person = SlugChoices(Person.objects.all(), "filter_person", "Person")
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="From", input_formats=ISO_DATE,
        error_messages={"invalid": "Give the start date as YYYY-MM-DD, a real date."},
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="To", input_formats=ISO_DATE,
        error_messages={"invalid": "Give the end date as YYYY-MM-DD, a real date."},
    )
    sort = django_filters.ChoiceFilter(
        method="apply_sort",
        label="Order",
        empty_label=None,
        choices=[("relevance", "Relevance"), ("newest", "Newest first"), ("oldest", "Oldest first")],
        error_messages={"invalid_choice": "Order by relevance, newest or oldest."},
    )

    class Meta:
        model = Article
        fields = []
        form = ArchiveFilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Article.objects.published()
        super().__init__(data, queryset=queryset, **kwargs)

    @property
    def qs(self):
        # A bad filter value shows its message and no results, rather than silently
        # widening the listing (or an export) to everything.
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.newest_first()
        return queryset

    def filter_region(self, queryset, name, regions):
        return queryset.in_region(*regions) if regions else queryset

    def filter_source(self, queryset, name, sources):
        return queryset.from_source(*sources) if sources else queryset

    def filter_person(self, queryset, name, people):
        return queryset.quoting(*people) if people else queryset

    def filter_date_from(self, queryset, name, value):
        return queryset.between(value, None)

    def filter_date_to(self, queryset, name, value):
        return queryset.between(None, value)

    def apply_sort(self, queryset, name, value):
        if value == "oldest":
            return queryset.oldest_first()
        return queryset.newest_first()

    def messages(self):
        """Every problem with the filter values, as sentences for the page."""
        if not self.is_bound or self.is_valid():
            return []
        return [message for errors in self.form.errors.values() for message in errors]
