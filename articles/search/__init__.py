"""Full-text search: the query language, the one text normaliser, and one backend per database.

- ``text``: ``fold``, ``words``, ``tokens`` (what is indexed and queried), ``STOP_WORDS``.
- ``query``: ``parse(q)`` -> ``ParsedQuery`` holding the tree (``All``, ``Any``, ``Phrase``,
  ``Term``) and what the page needs to explain it.
- ``evaluate``: the reference evaluator and the index layout (the oracle of the backend tests).
- ``compile``: tsquery / tsvector text for PostgreSQL, MATCH expression / documents for FTS5.
- ``postgres``, ``sqlite``: the backends; ``backend()`` is the one for the database in use.
- ``indexing``: keeps the index in step with every write.
"""

import math

from .query import All, Any, parse

# Nothing here imports Django at import time: the language modules stay usable without it.

__all__ = [
    "backend", "count", "facet_counts", "matching", "parse", "rank_cap", "ranked", "ranks_every_match", "ranks_title_first",
    "reindex", "rebuild",
]


def backend():
    from django.db import connection

    if connection.vendor == "postgresql":
        from .postgres import PostgresSearch

        return PostgresSearch()
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteSearch

        return SQLiteSearch()
    raise NotImplementedError(f"full-text search has no backend for {connection.vendor}")


def matching(queryset, parsed):
    """The articles of `queryset` that match the parsed query, exactly as the reference
    evaluator would say: everything included must match, nothing excluded may."""
    tree = parsed.tree
    search = backend()
    if tree.include:
        queryset = queryset.filter(pk__in=search.matching_ids(All(tree.include, ())))
    if tree.exclude:
        queryset = queryset.exclude(pk__in=search.matching_ids(All((Any(tree.exclude),), ())))
    return queryset


def ranked(queryset, parsed):
    """`queryset` ordered by relevance to the query; newest first when nothing is included
    (a query of only exclusions has nothing to rank by)."""
    if not parsed.tree.include:
        return queryset.order_by("-published_on", "-media_id")
    return backend().ranked(queryset, All(parsed.tree.include, ()))


def ranks_every_match(criteria):
    """Whether ordering by relevance ranks every match of `criteria` (facets.Criteria)
    however many there are, or only the newest postgres.RANK_CAP (PostgreSQL without RUM,
    or words in most of a big archive); False when nothing is included to rank by."""
    return criteria.include is not None and backend().ranks_every_match(criteria)


def rank_cap(criteria):
    """How many of the newest matches of `criteria` relevance ranks when it does not rank
    every match (see ranks_every_match)."""
    return backend().rank_cap(criteria)


def ranks_title_first(criteria):
    """Whether ordering by relevance ranks the matches with the one searched word in their
    title, then the others newest first (PostgreSQL with RUM, for one word in most of a big
    archive: postgres.PostgresSearch.ranks_title_first)."""
    return criteria.include is not None and backend().ranks_title_first(criteria)


def count(criteria):
    """How many published articles match `criteria` (facets.Criteria), exactly: from the
    counts kept ahead of time when it asks for the whole archive or for one region, source
    or person, else counted in the index."""
    from . import counts
    from .facets import Criteria

    if criteria == Criteria():
        return counts.total()
    for kind, name in (("r", "regions"), ("s", "sources"), ("p", "people")):
        ids = getattr(criteria, name)
        if len(ids) == 1 and criteria == Criteria(**{name: ids}):
            return counts.total(kind, ids[0])
    return backend().count(criteria)


def facet_counts(criteria):
    """facets.FacetCounts of the published articles matching `criteria`: exact, or for a
    broad query estimated from the sparsest of the index's samples that holds enough of its
    matches, and marked so (facets.SAMPLE, facets.LEVELS)."""
    from .facets import ESTIMATE_FROM, LEVELS, Criteria

    from ..caching import cached

    search = backend()
    archive = cached("archive-size", lambda: count(Criteria()))
    # Where the database can say, without reading an entry, about how many entries hold the
    # query's words: start at the sparsest sample that it expects to hold enough. A word in
    # 10 % of a million articles went to the one in 128 first, found 800 (too few), then to
    # the one in 64: two passes over the same sampled matches (20-30 ms each) where one does.
    # Where it expects none to, start at the sparsest, as without an estimate: what that one
    # holds then decides, as below. An estimate only chooses where to start: a sample's
    # counts are used only when it holds ESTIMATE_FROM matches.
    expected = search.estimated_matches_of(criteria)
    sparser = None  # (one in how many, matches) of the last sample counted
    start = next((sample for sample in LEVELS if expected and expected / sample >= ESTIMATE_FROM), None)
    # Where a sparser sample costs as much to read as the densest, only the densest is read.
    for sample in LEVELS if search.sparser_samples_pay(criteria) else LEVELS[-1:]:
        if archive < sample * ESTIMATE_FROM or (start is not None and sample > start):
            continue  # too few entries to hold enough matches, however broad the query
        if sparser is not None and _at_most(*sparser, sample) < ESTIMATE_FROM:
            # The sparser sample shows this one cannot hold what it needs: not read in vain
            # (a phrase at a million: 13 ms of 80; a word in 10 % of 100,000: 8 ms of 35).
            # A denser one may still hold enough: a word in 4 % of a million has about 310
            # matches in the one in 128, 620 in the one in 64, 2,500 in the one in 16. Going
            # straight to exact counts for it read all 40,000 matches (760 ms, not 20).
            continue
        sampled = search.facets(criteria, sample=sample)
        if sampled.total >= ESTIMATE_FROM:
            return sampled.scaled(sample)
        sparser = (sample, sampled.total)
    return search.facets(criteria)


def _at_most(sparser, found, sample):
    """The most matches the sample of one in `sample` can be expected to hold, when the
    sparser one of one in `sparser` (within it) held `found`: three standard deviations
    (a Poisson count's) above the scaled count."""
    return (found + 3 * math.sqrt(found)) * sparser / sample


def reindex(article_ids):
    from articles.caching import changed

    backend().index(article_ids)
    changed()


def rebuild(batch_size=2000, progress=None):
    """Index every published article again, in batches, in one transaction; returns how many
    were indexed. A whole archive of 20,000 articles or more is written as a bulk load
    (importing.BulkLoad): the search tables' indexes, triggers and keys are set aside and made
    again at the end, the entries go in by COPY and are counted once. Row by row, with the
    RUM index kept up to date, 100,000 articles took 3 min 29 s."""
    from articles.caching import changed
    from articles.importing import BulkLoad
    from articles.models import Article

    from .documents import indexed_articles, region_closure

    search = backend()
    ids = list(Article.objects.published().order_by("pk").values_list("pk", flat=True))
    load = BulkLoad.of(len(ids), search_only=True)
    with load.atomic():  # begun first: it runs pending checks, so that the tables may be truncated
        # And the counts: each batch adds to them again, or, in bulk, they are made at the end.
        search.clear(truncate=load.big)
        closure = region_closure()
        for start in range(0, len(ids), batch_size):
            entries = indexed_articles(ids[start : start + batch_size], closure)
            if load.big:
                search.write_bulk(entries, load)
            else:
                search.write(entries)
            if progress:
                progress(min(batch_size, len(ids) - start))
        load.finish(recount=load.big)
    changed()
    return len(ids)
