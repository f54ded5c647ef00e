"""The one definition of what readers and researchers can filter by (DESIGN.md, "Filter
parameters"). The listing, the search page, the exports and the feeds all take it."""

from dataclasses import dataclass
from urllib.parse import urlencode

import django_filters
from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.urls import reverse

from . import search
from .caching import cached
from .models import Article, Person, Region, Source
from .querysets import by_name, walk

ISO_DATE = ["%Y-%m-%d"]
CHOICE_DEPTH = 2  # world regions, countries, and what lies directly in a country
CHOICE_PEOPLE = 200


class ArchiveFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


class SlugField(django_filters.fields.ModelMultipleChoiceField):
    def clean(self, value):
        # A form submitted with "Any region" sends region=: no choice, not an unknown one.
        return super().clean([v for v in value or [] if v != ""])


class SlugChoices(django_filters.ModelMultipleChoiceFilter):
    """Several slugs of one parameter mean OR; an unknown slug is a form error."""

    field_class = SlugField

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


@dataclass
class Option:
    value: str
    label: str
    selected: bool = False


class Options(list):
    kept_html = None  # the options' HTML when it was made before (nothing chosen)

    @property
    def multiple(self):
        """More than one chosen: the form must offer a multiple choice to keep them."""
        return sum(option.selected for option in self) > 1

    def html(self):
        """The <option> elements, escaped. Made here rather than in the template: at a
        million articles the region and person lists hold about 800 options, which the
        template language took 40 ms to loop over on every listing and search page."""
        if self.kept_html is not None:
            return self.kept_html
        return mark_safe("".join(
            f'<option value="{escape(o.value)}"{" selected" if o.selected else ""}>{escape(o.label)}</option>'
            for o in self
        ))


@dataclass
class Facet:
    """A count of articles that links to exactly the articles it counts
    (templates/includes/facet_list.html)."""

    name: str
    count: int
    url: str
    page: str = ""  # the region's, person's or source's own page
    detail: str = ""


def listing_url(**params):
    """/articles/ filtered by `params`; empty values are left out."""
    query = urlencode({key: value for key, value in params.items() if value}, doseq=True)
    return reverse("articles:articles") + (f"?{query}" if query else "")


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search", max_length=10_000, strip=True)
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
            # Relevance first when there is something to rank by, newest first otherwise.
            queryset = self.apply_sort(queryset, "sort", "relevance")
        return queryset

    def filter_q(self, queryset, name, text):
        return search.matching(queryset, self.parsed_query) if self.parsed_query else queryset

    @property
    def parsed_query(self):
        """The parsed `q`, or None when there is none."""
        if not hasattr(self, "_parsed_query"):
            text = self.form.cleaned_data.get("q") if self.is_bound and self.form.is_valid() else ""
            self._parsed_query = search.parse(text) if text else None
        return self._parsed_query

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

    def order(self):
        """The order of the results, as the search index takes it: "relevance" when there
        is something to rank by and no other order is chosen, else "newest" or "oldest"."""
        chosen = self.form.cleaned_data.get("sort") if self.is_bound and self.is_valid() else ""
        parsed = self.parsed_query
        if chosen in ("newest", "oldest"):
            return chosen
        return "relevance" if parsed is not None and parsed.tree.include else "newest"

    def apply_sort(self, queryset, name, value):
        if value == "oldest":
            return queryset.oldest_first()
        if value == "newest" or not self.parsed_query:
            return queryset.newest_first()
        return search.ranked(queryset, self.parsed_query)

    def messages(self):
        """Every problem with the filter values, as sentences for the page."""
        if not self.is_bound or self.is_valid():
            return []
        return [message for errors in self.form.errors.values() for message in errors]

    def choices(self):
        """What the form offers (templates/includes/filter_form.html): the sources of
        published articles, the regions they name down to what lies directly in a country
        (as a tree, indented), and the people they quote most, rather than the whole
        gazetteer and everyone: a form of thousands of options would weigh on every page.
        Any other region or person is one link away on its own page, and a value chosen in
        the URL is always offered, so the form keeps it."""
        regions = cached("choices:regions", lambda: [
            (r.slug, "\u2003" * level + r.name)
            for r, level in walk(Region.objects.counted_tree(depth=CHOICE_DEPTH))
        ])
        sources = cached("choices:sources", lambda: [(s.slug, s.name) for s in by_name(Source.objects.public())])
        people = cached(
            "choices:people", lambda: [(p.slug, p.name) for p in by_name(Person.objects.quoted_most(CHOICE_PEOPLE))]
        )
        # Relevance means something only with a search query; without one it is newest first.
        sorts = [
            (value, label) for value, label in self.filters["sort"].extra["choices"]
            if value != "relevance" or (self.data or {}).get("q")
        ]
        return {
            "region": self._options("region", regions),
            "source": self._options("source", sources),
            "person": self._options("person", people),
            # What the listing does when no order is chosen (filter_queryset).
            "sort": self._options("sort", sorts, default="relevance" if (self.data or {}).get("q") else "newest"),
        }

    def _options(self, name, pairs, default=None):
        chosen = set()
        if self.is_bound:
            chosen = set(self.data.getlist(name))
            self.is_valid()  # an invalid form still cleans its good values
            records = self.form.cleaned_data.get(name)
            if records and not isinstance(records, str):
                known = {value for value, _ in pairs}
                pairs = [*pairs, *((r.slug, r.name) for r in records if r.slug not in known)]
        chosen = chosen or {default}
        if chosen == {None}:
            # With nothing chosen (most pages) the options and their HTML are the same until
            # the archive changes: made once, not on every page (2.4 ms of 800 options for
            # the HTML, 2.5 ms more for the options). Pages only read them.
            return cached(f"choices:{name}:options", lambda: self._kept_options(pairs))
        return Options(Option(value, label, value in chosen) for value, label in pairs)

    @staticmethod
    def _kept_options(pairs):
        options = Options(Option(value, label, False) for value, label in pairs)
        options.kept_html = options.html()
        return options
