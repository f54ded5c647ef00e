"""Listings of articles read from the search index: any filters, any order, any depth of
pages, at the cost of one query for a page's ids and one for its articles.

Filtering the article table itself means joins through the region, credit and quote tables
and counting every match for the page count: at a million articles, a country's listing took
seconds. The index holds each published article's regions (with everything above them),
sources, people and date in one narrow row, and the counts kept beside it give the totals.
"""

from . import parallel, search
from .caching import cached
from .models import Article

# The deepest page found on a second connection before it is known to exist: a deeper one is
# rare, and a broad search's page past the end would cost a wasted ranking of that many matches.
MAX_PREFETCHED_PAGE = 50


class IndexedArticles:
    """The published articles matching `criteria` (search.facets.Criteria) in `order`
    ("relevance", "newest" or "oldest"), as a sequence a Paginator can page through.

    `load` gives the articles of a page's ids ({id: article}): by default with what their
    cards show (ArticleQuerySet.cards). `prepare`, if given, is called with each page's
    articles (a list, in order) before they are handed out: on the second connection's
    thread for a page found by prefetch(), so that work on the page (a search page's
    snippets and cards) goes on while the facets are counted.
    """

    def __init__(self, criteria, order, *, count=None, load=None, prepare=None):
        self.criteria, self.order = criteria, order
        self._count = count
        self._ahead = None  # (start, stop, Future of the page's ids and articles) of prefetch()
        self.load = load if load is not None else Article.objects.cards  # ids -> {id: article}
        self.prepare = prepare

    def count(self):
        if self._count is None:
            self._count = search.count(self.criteria)
        return self._count

    def count_from(self, count):
        """Take the number of matches from whoever has counted them already."""
        self._count = count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("IndexedArticles takes a slice, as a Paginator asks for a page")
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        if stop <= start:
            return []
        ahead = self._ahead
        if ahead is not None and ahead[0] == start and stop <= ahead[1]:
            ids, found = ahead[2].result()
            ids = ids[: stop - start]
        else:
            ids, found = self._page(start, stop)
        return [found[pk] for pk in ids if pk in found]

    def prefetch(self, start, stop):
        """Start finding the ids of [start:stop), and their articles, on a second database
        connection (parallel.submit); a slice of them asked for later is taken from there. A
        search page asks for its page this way while it counts the facets."""
        self._ahead = (start, stop, parallel.submit(self._page, start, stop))

    def prefetch_page(self, number, size):
        """prefetch() the page numbered `number` (as the URL gives it) of `size` articles,
        when it is a page number and not too deep to be likely there; returns self. A page
        past the last one would cost a wasted search: a Paginator says why it is not there."""
        if number.isdecimal() and 0 < int(number) <= MAX_PREFETCHED_PAGE:  # isdecimal: int("²") fails
            self.prefetch((int(number) - 1) * size, int(number) * size)
        return self

    def _page(self, start, stop):
        # The articles too, prepared: reading them (their texts from disk, when they have
        # not been read for a while) used to wait for the counts to finish, and so did a
        # search page's snippets (6-8 ms of Python a page at a million articles).
        ids = self._ids(start, stop)
        found = self.load(ids)
        if self.prepare is not None:
            self.prepare([found[pk] for pk in ids if pk in found])
        return ids, found

    def _ids(self, start, stop):
        # The ids of a page are kept until the archive changes: ranking a broad term reads
        # every match's score from the index (200-300 ms at a million articles), and
        # readers page back and forth through the same results.
        return cached(
            f"page:{self.criteria.key()}:{self.order}:{start}:{stop}",
            lambda: search.backend().page(self.criteria, self.order, start, stop - start),
        )
