"""What a filtered search asks of the index, and the counts the index gives back.

The search page counts its matches by region, source, person and month. Those counts come
from the search backends' own narrow storage (PostgreSQL: the `regions`, `sources`, `people`
arrays and `published_on` of `articles_search`; SQLite: `articles_search_facets`), so they
cost one pass over the matching entries and no joins with the article tables. `Criteria` is
the FilterSet's cleaned values in the index's terms: ids and dates, and the query tree.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from .query import All, Any

# A broad query's counts are estimated from a fixed sample of the index: the entries whose
# article id is a multiple of SAMPLE (on PostgreSQL, kept in a table of its own). Counting
# every match of a term in a third of a million articles by region, source, person and
# month took 1.5-2.8 s; its sample takes a sixteenth of that. From ESTIMATE_FROM matches in
# the sample (16,000 in all) the page shows the sample's counts times SAMPLE, and says so;
# below, every count is exact. Exports and listings never estimate: they read every match.
# With 1,000 sampled matches the total's standard error is about 3 %, less than rounding it
# to two figures ("about 17,000") moves it. Exact counts cost about 6.5 us a match on SQLite
# (30,000 matches at 100,000 articles: 200 ms), 2,000 would have left those exact.
SAMPLE = 16
ESTIMATE_FROM = 1_000
# Sparser samples within that one, tried first: the entries whose id is a multiple of each
# (a multiple of SAMPLE, so they are in PostgreSQL's sample table). A word in every article
# of a million has 62,500 entries in the sample, whose counts took 267 ms; the one in 128
# has 7,812, counted in 53 ms, and still ESTIMATE_FROM or more wherever it is used. A word
# in 10 % has about 800 in the one in 128, too few, and 1,600 in the one in 64: 14 ms
# against 35 for the one in 16. A level is skipped when the sparser one counted shows that
# it cannot hold ESTIMATE_FROM: its count scaled, three standard deviations up, is less.
LEVELS = (128, 64, SAMPLE)


@dataclass(frozen=True)
class Criteria:
    """Matching entries: the query (if any) and every filter, several ids of one kind meaning
    OR, as in the FilterSet. A region means it and everything below it, which the index holds
    already: an entry lists its regions and every region above them."""

    tree: All | None = None
    regions: tuple = ()
    sources: tuple = ()
    people: tuple = ()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @classmethod
    def of(cls, filters):
        """The criteria of a valid `articles.filters.ArticleFilter`."""
        data = filters.form.cleaned_data
        parsed = filters.parsed_query
        return cls(
            tree=parsed.tree if parsed is not None else None,
            regions=tuple(sorted(r.pk for r in data.get("region") or ())),
            sources=tuple(sorted(s.pk for s in data.get("source") or ())),
            people=tuple(sorted(p.pk for p in data.get("person") or ())),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def key(self) -> str:
        """A short name of these criteria for a cache key."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:32]

    @property
    def include(self) -> All | None:
        """What must match, as a tree the compilers take; None when nothing must."""
        if self.tree is None or not self.tree.include:
            return None
        return All(self.tree.include, ())

    @property
    def exclude(self) -> All | None:
        """What must not match, as one tree (any of the exclusions); None when nothing."""
        if self.tree is None or not self.tree.exclude:
            return None
        return All((Any(self.tree.exclude),), ())


@dataclass
class FacetCounts:
    """Matching articles per region (each region counts the articles in it or anywhere below
    it, each article once), per source (publication or credit), per person quoted and per
    month (the first day of the month)."""

    regions: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    months: dict = field(default_factory=dict)
    estimated: bool = False  # counted in a sample and scaled up (see SAMPLE)
    sample: int = 1  # estimated: counted in one entry in this many

    def scaled(self, factor):
        """These counts of a sample of one entry in `factor`, as estimates for all."""
        return FacetCounts(
            *({value: count * factor for value, count in counted.items()}
              for counted in (self.regions, self.sources, self.people, self.months)),
            estimated=True, sample=factor,
        )

    @property
    def total(self) -> int:
        """Every published article has a date, so the months count every match once."""
        return sum(self.months.values())

    @property
    def years(self) -> dict:
        years: dict = {}
        for month, count in self.months.items():
            years[month.year] = years.get(month.year, 0) + count
        return dict(sorted(years.items()))

    def per_month(self) -> list:
        """[(first day of a month, count)], oldest first, as `ArticleQuerySet.per_month()`."""
        return sorted(self.months.items())

    @classmethod
    def from_rows(cls, rows):
        """From (kind, value, count) rows: kinds 'r', 's', 'p' with ids, 'm' with yyyymm."""
        counts = cls()
        for kind, value, count in rows:
            if kind == "m":
                counts.months[datetime.date(int(value) // 100, int(value) % 100, 1)] = count
            else:
                {"r": counts.regions, "s": counts.sources, "p": counts.people}[kind][int(value)] = count
        return counts
