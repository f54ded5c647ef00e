"""Listings of articles read from the search index: any filters, any order, any depth of
pages, at the cost of one query for a page's ids and one for its articles.

Filtering the article table itself means joins through the region, credit and quote tables
and counting every match for the page count: at a million articles, a country's listing took
seconds. The index holds each published article's regions (with everything above them),
sources, people and date in one narrow row, and the counts kept beside it give the totals.
"""

from . import search
from .caching import cached
from .models import Article


class IndexedArticles:
    """The published articles matching `criteria` (search.facets.Criteria) in `order`
    ("relevance", "newest" or "oldest"), as a sequence a Paginator can page through."""

    def __init__(self, criteria, order, *, count=None, queryset=None):
        self.criteria, self.order = criteria, order
        self._count = count
        self.queryset = queryset if queryset is not None else Article.objects.for_listing()

    def count(self):
        if self._count is None:
            self._count = search.count(self.criteria)
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("IndexedArticles takes a slice, as a Paginator asks for a page")
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        if stop <= start:
            return []
        # The ids of a page are kept until the archive changes: ranking a broad term reads
        # every match's score from the index (200-300 ms at a million articles), and
        # readers page back and forth through the same results.
        ids = cached(
            f"page:{self.criteria.key()}:{self.order}:{start}:{stop}",
            lambda: search.backend().page(self.criteria, self.order, start, stop - start),
        )
        found = self.queryset.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]
