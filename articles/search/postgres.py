"""PostgreSQL full-text search over a narrow table of its own.

`articles_search` holds one row per published article: its date and media ID (for ordering),
the ids of its regions (with every region above them), sources and people (for filters and
facets without joins), and a weighted tsvector of our own tokens (title A, summary B, body
and quotes C), written as a literal so that PostgreSQL never re-parses our words, and the
same for its prominent lexemes alone (the title's words: see compile.PROMINENT_WEIGHT).
"""

import array
import contextlib
import dataclasses
import json

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from ..caching import cached, cached_once
from . import counts
from .compile import to_tsquery, tsvector_literals
from .documents import indexed_articles
from .facets import ESTIMATE_FROM, SAMPLE, Criteria, FacetCounts
from .query import All, Any, Phrase, Term

TABLE = "articles_search"
SAMPLE_TABLE = "articles_search_sample"  # one entry in facets.SAMPLE, kept by a trigger (migration 0009)
RANK_INDEX = "articles_search_rank"  # RUM, where the extension is installed (migration 0007)
# RUM on each entry's prominent lexemes (compile.PROMINENT_WEIGHT), with the other (migration 0012)
PROMINENT_INDEX = "articles_search_prominent"
# Each region's, source's and person's entries in date order, kept by a trigger (migration
# 0010); a big bulk load sets the trigger aside and fills the table with FILL_POSTINGS.
POSTINGS = "articles_search_postings"
POSTINGS_TRIGGER = "articles_search_postings_write"
# The arrays hold each id once (documents.IndexedArticle): no DISTINCT, which tripled the
# fill's time at a million articles (22 s against 6). {table}: the search table, or the one a
# bulk load writes in its place.
FILL_POSTINGS = f"""
    INSERT INTO {POSTINGS} (kind, value, published_on, media_id, article_id)
    SELECT v.kind, v.value, s.published_on, s.media_id, s.article_id FROM {{table}} s,
    LATERAL (SELECT 'r' AS kind, unnest(s.regions) AS value
             UNION ALL SELECT 's', unnest(s.sources) UNION ALL SELECT 'p', unnest(s.people)) v
"""
_KINDS = {"regions": "r", "sources": "s", "people": "p"}
# The newest articles naming each (kind, value), but one: from each value's range of the
# postings index. The kinds as char[], the column's type: as text[], the index went unused
# and an article page took 1.7 s.
RELATED_CANDIDATES = f"""
    SELECT v.kind, p.published_on, p.media_id, p.article_id
    FROM unnest(%s::char[], %s::bigint[]) AS v(kind, value),
    LATERAL (
        SELECT published_on, media_id, article_id FROM {POSTINGS}
        WHERE kind = v.kind AND value = v.value AND article_id <> %s
        ORDER BY published_on DESC, media_id DESC LIMIT %s
    ) p
"""

# With RUM, matches come from the index in order of relevance, but equally relevant ones in
# an order of RUM's own. A page therefore reads matches past its end until one is less
# relevant than its last (so that every equal of the last is among them) and puts them in
# order: most relevant first and, among equals, newest first. The order is total, so pages
# never overlap or skip. The rows come from a cursor, this many past the page's end first,
# then four times as many each round: each row read costs its whole document (the score is
# computed from it), and the ranking is not done again for more rows. A fixed 1,000 rows
# past the end read a rare word's every document: 5,000 pages, 50-100 ms from disk.
RANK_LOOKAHEAD = 20
# A phrase is ranked by scoring its matches one by one, never by the RUM index's ordered
# scan: with a phrase anywhere in the query, that scan returns matches out of the order of
# the scores it gives them (12 of a phrase's 146 at a million; 23 of an OR of two phrases'
# 301), so pages ranked from it overlapped and skipped. Up to this many matches are all scored and sorted; a phrase in more articles has
# its newest this many ranked and the others follow, newest first, as a word in most of the
# archive without RUM (each score reads its document).
PHRASE_RANK_ALL_UP_TO = 1000
# How a phrase's matches are found (_phrase_plan). RUM checks a phrase in the posting lists
# of all its words, and finds every match before it returns the first: at a million, a
# phrase of a word in 30 % and one in 10 % (150-odd matches) 70-100 ms, of two words in 80 %
# 350-900 ms. Its matches are read once, up to PHRASE_READ_UP_TO (their dates too), which
# ranks up to PHRASE_RANK_ALL_UP_TO and finds the newest of more; past that many, the phrase
# is in 5 % of a million articles or more, and its newest matches are quickly found by
# date. Reading by date first is a gamble that only pays for such a phrase: when the planner
# expects its words together in more than PHRASE_BY_DATE_FROM articles, the newest
# PHRASE_SCAN_NEWEST are looked at first ("forces said": its newest thousand in 100 ms,
# against 900 for RUM), and if they hold PHRASE_RANK_ALL_UP_TO matches, or as many as a
# phrase in more than PHRASE_READ_UP_TO articles would, that is the way.
# Reading by date a phrase with few matches would read every article's document: 2.5-12 s
# for "islamic state" (23,000 matches) before.
PHRASE_READ_UP_TO = 50_000
PHRASE_BY_DATE_FROM = 500_000
PHRASE_SCAN_NEWEST = 10_000
# Without RUM, relevance ranks the newest this many matches, and older ones follow newest
# first: ranking every match of a broad term reads every matching vector (seconds at 1M).
RANK_CAP = 5000
# With RUM too, for a query whose words match more articles than this: RUM scores every
# match before returning the first, about a microsecond each (a word in every article of a
# million: 1.06 s), where the newest RANK_CAP matches cost the same whatever the breadth
# (150 ms for that word). By PostgreSQL's estimate (its statistics of the words), so that
# the choice costs no search. At a million articles, words in more than half of them.
RANK_ALL_UP_TO = 500_000
# Or, for one such word, its matches with the word in their title first, ranked, then the
# others newest first, while the titles are no more than this many (by the same estimate):
# RUM scores them all too. At a million: 18,000 titles in 10-18 ms, 100,000 in 66 ms,
# 360,000 in 420 ms, where the newest RANK_CAP took 40-170 ms.
RANK_TITLES_UP_TO = 100_000
# For an OR of words (_page_of_either), the most articles its words but the broadest may
# hold between them, by the planner's estimate: all of those are scored by the whole query.
# At a million, a word in 10 % OR a rare word, without a word in 30 %: 68 ms to rank every
# match, 7 ms to rank the rare word's articles and the 10 % word's titles.
EITHER_OTHERS_UP_TO = 20_000
# How many table pages a search's bitmap scan asks the operating system for ahead of reading
# them (effective_io_concurrency, whose default of 1 leaves each read to wait for the last).
# Counting a word's 7,000 matches in one country over two years read 10,000 pages: 580-660 ms
# with none of them in memory, 215-280 with 16 (32 and 64 gave the same), 97-116 in memory
# either way. PostgreSQL 18 makes 16 its default.
PREFETCH_PAGES = 16


class PostgresSearch:
    vendor = "postgresql"

    def index(self, article_ids, closure=None):
        """Bring the entries of these articles up to date: published ones (re)written,
        everything else removed."""
        article_ids = list(article_ids)
        if article_ids:
            self.write(indexed_articles(article_ids, closure), replace=article_ids)

    def write(self, entries, replace=()):
        """Write index entries (documents.IndexedArticle), first removing those of the
        article ids in `replace`. Bulk loads pass fresh articles and nothing to replace."""
        with connection.cursor() as cursor:
            if replace:
                counts.subtract(replace)
                cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [list(replace)])
            if not entries:
                return
            self.write_rows(map(self.row, entries), cursor)
        counts.add([entry.article_id for entry in entries])

    @staticmethod
    def row(entry):
        """The table row of an index entry; pure, so bulk loaders can make rows in workers."""
        e = entry
        return (
            e.article_id, e.media_id, e.published_on, e.regions, e.sources, e.people,
            *tsvector_literals(list(zip(e.fields, "ABCC"))),
        )

    def write_rows(self, rows, cursor=None):
        copy_sql = f"COPY {TABLE} (article_id, media_id, published_on, regions, sources, people, document, prominent) FROM STDIN"
        with (cursor or connection.cursor()) as cursor:
            with cursor.connection.cursor().copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)

    def clear(self, truncate=False):
        """Empty the index and its counts. TRUNCATE is far faster, but not allowed while the
        transaction has deferred foreign-key checks pending: inside a transaction, only with
        `truncate` (a bulk load, which runs them first)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"TRUNCATE {TABLE}, {SAMPLE_TABLE}, {POSTINGS}" if truncate or not connection.in_atomic_block
                else f"DELETE FROM {TABLE}"
            )
        counts.clear()

    def write_bulk(self, entries, load):
        """Write fresh entries by binary COPY, uncounted: for a bulk load (importing.BulkLoad),
        which recounts at the end."""
        from ..importing import copy_search_rows

        if entries:
            copy_search_rows(entries, load)

    def forget(self, article_ids):
        """Remove these articles' entries (and count them out) now."""
        self.write([], replace=article_ids)

    def recount(self):
        counts.recount()

    def prepare(self):
        """Rank with RUM if this server has the extension and the indexes are missing (it
        was installed after migration 0007 ran): returns whether the index ranks now."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
            if cursor.fetchone() is None:
                return False
            cursor.execute("SELECT 1 FROM pg_indexes WHERE tablename = %s AND indexname = %s", [TABLE, RANK_INDEX])
            if cursor.fetchone() is None:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
                cursor.execute(f"CREATE INDEX {RANK_INDEX} ON {TABLE} USING rum (document rum_tsvector_ops)")
                cursor.execute("DROP INDEX IF EXISTS articles_search_document")  # RUM answers @@ as well
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {PROMINENT_INDEX} ON {TABLE} USING rum (prominent rum_tsvector_ops)")
        connection.connection.archive_rum_indexes = None
        return True

    @staticmethod
    def ranks_with_index():
        """Whether the RUM index ranks matches (else the capped ranking: see RANK_CAP)."""
        return RANK_INDEX in PostgresSearch._rum_indexes()

    @staticmethod
    def _rum_indexes():
        """Which of the RUM indexes are there. Asked once per database connection: a new
        index is seen by the next connection."""
        def ask(cursor):
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname = ANY(%s)",
                           [TABLE, [RANK_INDEX, PROMINENT_INDEX]])
            return frozenset(name for (name,) in cursor.fetchall())

        return _asked_once("archive_rum_indexes", ask)

    def related_candidates(self, article_id, region_ids, person_ids, pool):
        """{id: (date, media ID)} of the newest `pool` articles naming any of these regions
        (or a place in them) and the newest `pool` quoting any of these people, but
        `article_id`: from the postings, by date, whatever the size of the archive."""
        # Each value's newest from its own range of the postings index, all in one query
        # (an article page asked once per place and person: 3-6 round trips); then the
        # newest of them all: the newest `pool` naming any of them are among those.
        values = [("r", value) for value in region_ids or ()] + [("p", value) for value in person_ids or ()]
        if not values:
            return {}
        newest = {"r": set(), "p": set()}
        with connection.cursor() as cursor:
            cursor.execute(RELATED_CANDIDATES, [[kind for kind, _ in values], [value for _, value in values], article_id, pool])
            for kind, date, media_id, pk in cursor.fetchall():
                newest[kind].add((date, media_id, pk))
        found = {}
        for rows in newest.values():
            found.update((pk, (date, media_id)) for date, media_id, pk in sorted(rows, reverse=True)[:pool])
        return found

    def matching_ids(self, tree):
        """SQL of the ids of articles matching `tree` (which includes something)."""
        return RawSQL(f"SELECT article_id FROM {TABLE} WHERE document @@ %s::tsquery", [to_tsquery(tree)])

    def ranked(self, queryset, tree):
        """`queryset` ordered by relevance: title over summary over body, recent first among
        equals. ts_rank's default weights rank A over B over C."""
        rank = RawSQL(
            f"SELECT ts_rank(document, %s::tsquery) FROM {TABLE} WHERE article_id = articles_article.id",
            [to_tsquery(tree)],
        )
        return queryset.annotate(relevance=rank).order_by("-relevance", "-published_on", "-media_id")

    def page(self, criteria, order, offset, limit):
        """The ids of the matching articles (facets.Criteria) from `offset` to `offset + limit`
        in `order`: "relevance" (needs something included), "newest" or "oldest"."""
        where, params = self._where(criteria)
        if order != "relevance" or criteria.include is None:
            way = "ASC" if order == "oldest" else "DESC"
            if (posting := self._one_value(criteria)) is not None:
                # One region, source or person (and dates): a range of the postings index.
                where, params = self._where(criteria, table=POSTINGS)
                sql = (f"SELECT article_id FROM {POSTINGS} WHERE kind = %s AND value = %s AND {where}"
                       f" ORDER BY published_on {way}, media_id {way} LIMIT %s OFFSET %s")
                return [row[0] for row in self._fetch(criteria, sql, [*posting, *params, limit, offset])]
            sql = (f"SELECT article_id FROM {TABLE} WHERE {where} ORDER BY published_on {way}, media_id {way}"
                   " LIMIT %s OFFSET %s")
            return [row[0] for row in self._fetch(criteria, sql, [*params, limit, offset])]
        query = to_tsquery(criteria.include)
        if self._ranks_as_phrase(criteria):
            way, ids, _ = self._phrase_plan(criteria)
            # Every match, or the newest, all scored: the page is among them.
            if way == "all" or (way == "newest" and offset + limit <= len(ids)):
                return self._page_of_scored(criteria, ids, query, offset, limit)
            return self._page_capped(criteria, where, params, query, offset, limit, cap=PHRASE_RANK_ALL_UP_TO,
                                     by_distance=True)
        if self.ranks_every_match(criteria):
            with self._searching() as cursor:
                if (ids := self._page_of_prominent(cursor, criteria, offset, limit)) is not None:
                    return ids
                if (ids := self._page_of_either(cursor, criteria, offset, limit)) is not None:
                    return ids
                return self._page_by_index(cursor, where, params, query, offset, limit)
        if self.ranks_title_first(criteria):
            return self._page_title_first(criteria, where, params, offset, limit)
        return self._page_capped(criteria, where, params, query, offset, limit)

    def rank_cap(self, criteria):
        """How many of the newest matches relevance ranks when it does not rank them all."""
        return PHRASE_RANK_ALL_UP_TO if self._ranks_as_phrase(criteria) else RANK_CAP

    def ranks_title_first(self, criteria):
        """Whether relevance ranks the matches of `criteria` with the word in their title,
        then the others newest first: for one word in most of a big archive (where ranking
        every match would score hundreds of thousands), with RUM. The first pages are then
        those ranking every match gives (see _page_of_prominent), for as many pages as the
        word has titles (a word in half of a million articles: about 35,000)."""
        if (criteria.include is None or self._one_word(criteria.tree) is None
                or PROMINENT_INDEX not in self._rum_indexes() or self.ranks_every_match(criteria)):
            return False
        return cached(
            f"titles-first:{criteria.key()}",
            lambda: self.estimated_matches(criteria.include, column="prominent") <= RANK_TITLES_UP_TO,
        )

    @staticmethod
    def _one_word(tree):
        """The tsquery of the one word that `tree` includes, if that is all it includes."""
        if len(tree.include) != 1 or not isinstance(tree.include[0], Term):
            return None
        return to_tsquery(tree.include[0])

    def ranks_every_match(self, criteria):
        """Whether relevance ranks every match of `criteria` however many there are (with
        RUM, for words in up to RANK_ALL_UP_TO articles, phrases in up to
        PHRASE_RANK_ALL_UP_TO), rather than the newest `rank_cap(criteria)` (without RUM, or
        for more)."""
        if criteria.include is None or not self.ranks_with_index():
            return False
        if self._ranks_as_phrase(criteria):
            return self._phrase_plan(criteria)[0] == "all"
        # Kept until the archive changes, so that every page of a search is ranked the same
        # way even if the statistics are refreshed meanwhile.
        return cached(
            f"ranks-all:{criteria.key()}", lambda: self.estimated_matches(criteria.include) <= RANK_ALL_UP_TO
        )

    def estimated_matches_of(self, criteria):
        """About how many entries hold what `criteria` include, whatever else they ask (so
        more than match them, or about as many), by the planner's estimate; None when they
        include nothing. Kept until the archive changes."""
        if criteria.include is None:
            return None
        words = Criteria(tree=criteria.include)
        return cached(f"estimate:{words.key()}", lambda: self.estimated_matches(criteria.include))

    @staticmethod
    def estimated_matches(tree, column="document"):
        """How many entries PostgreSQL's planner expects to match `tree` (in `column`), from
        its statistics of the words (ANALYZE keeps them): no entry is read."""
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} WHERE {column} @@ %s::tsquery", [to_tsquery(tree)])
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):  # a driver that leaves json as text
            plan = json.loads(plan)
        return plan[0]["Plan"]["Plan Rows"]

    def _page_of_prominent(self, cursor, criteria, offset, limit):
        """The page's ids for a query of one word, ranked among the articles where the word
        is prominent, from their far smaller RUM index (a word in 10 % of a million articles
        is prominent in about 2,000); None when the query is not one word, or when fewer such
        articles match than the page needs.

        The page is the one ranking every match would give: every article where the word is
        prominent outranks every article where it is not (compile.PROMINENT_WEIGHT), and the
        word's score is made of its own positions alone, which the prominent lexemes keep
        whole."""
        word = self._one_word(criteria.tree)
        if word is None or PROMINENT_INDEX not in self._rum_indexes():
            return None
        rows = self._ranked_prominent(cursor, criteria, word, offset + limit)
        return [row[0] for row in rows[offset : offset + limit]] if len(rows) >= offset + limit else None

    def _ranked_prominent(self, cursor, criteria, word, want):
        """`_ranked` for the matches of `criteria` with `word` prominent: at least `want`
        rows, or all of them."""
        # The filters, and the exclusions if any: the word itself is matched in the
        # prominent lexemes, which only hold it where the whole document does.
        where, params = self._where(dataclasses.replace(criteria, tree=All((), criteria.tree.exclude)))
        return self._ranked(cursor, f"prominent @@ %s::tsquery AND {where}", [word, *params], word, want,
                            column="prominent")

    def _page_of_either(self, cursor, criteria, offset, limit):
        """The page's ids for a query of one OR of words (with exclusions or not), the page
        that ranking every match gives, without scoring every match of its broadest word;
        None when the query is not such an OR, or its other words are in too many articles.

        RUM scores an OR as the sum of its words' scores, each from that word's positions
        alone: an article holding none of the other words scores exactly what the broadest
        word alone gives it. So the articles holding another word are ranked by the whole
        query (few: EITHER_OTHERS_UP_TO), the rest as the broadest word alone with the others
        excluded, from its titles where they fill the page (_ranked_prominent), and the two
        rankings merged. Each holds its first `offset + limit` and their equals, so the merge
        holds the page's."""
        include = criteria.tree.include
        if len(include) != 1 or not isinstance(include[0], Any) or PROMINENT_INDEX not in self._rum_indexes():
            return None
        words = include[0].children
        if len(words) < 2 or not all(isinstance(word, Term) for word in words):
            return None
        estimates = {word: cached(f"estimate:{word.token}", lambda word=word: self.estimated_matches(All((word,), ())))
                     for word in words}
        broadest = max(words, key=lambda word: (estimates[word], word.token))
        others = tuple(word for word in words if word != broadest)
        if sum(estimates[word] for word in others) > EITHER_OTHERS_UP_TO:
            return None
        want, excluded = offset + limit, criteria.tree.exclude
        holding_others = dataclasses.replace(criteria, tree=All((Any(others),), excluded))
        where, params = self._where(holding_others)
        rows = self._ranked(cursor, where, params, to_tsquery(criteria.include), want)
        alone = dataclasses.replace(criteria, tree=All((broadest,), (*others, *excluded)))
        word = to_tsquery(broadest)
        rest = self._ranked_prominent(cursor, alone, word, want)
        if len(rest) < want:  # too few titles hold it: rank every article holding it
            where, params = self._where(alone)
            rest = self._ranked(cursor, where, params, word, want)
        rows = sorted(rows + rest, key=lambda row: (row[3], -row[1].toordinal(), -row[2]))
        return [row[0] for row in rows[offset:want]]

    def _page_title_first(self, criteria, where, params, offset, limit):
        word = self._one_word(criteria.tree)
        with self._searching() as cursor:
            rows = self._ranked_prominent(cursor, criteria, word, offset + limit)
            ids = [row[0] for row in rows[offset : offset + limit]]
            if len(rows) < offset + limit:  # every match with the word in its title is read
                start = max(offset, len(rows)) - len(rows)
                cursor.execute(
                    f"SELECT article_id FROM {TABLE} WHERE {where} AND NOT prominent @@ %s::tsquery"
                    " ORDER BY published_on DESC, media_id DESC LIMIT %s OFFSET %s",
                    [*params, word, limit - len(ids), start],
                )
                ids += [row[0] for row in cursor.fetchall()]
        return ids

    def _phrase_plan(self, criteria):
        """How the matches of `criteria` (which hold a phrase) are ranked, those it ranks and,
        up to the most that are ever counted exactly (ESTIMATE_FROM in the sample), every
        match: ("all", the ids of every match, the same) for up to PHRASE_RANK_ALL_UP_TO;
        ("newest", the ids of the newest that many, every match's or None) where more are
        found by reading them all; ("date", None, None) where the newest are found by date
        (see PHRASE_READ_UP_TO). Found once until the archive changes, for every page of the
        search, its exact counts and whether it ranks every match, by one thread at a time: a
        search page asks on two at once."""
        def plan():
            if (self.estimated_matches_of(criteria) or 0) > PHRASE_BY_DATE_FROM:
                where, params = self._where(dataclasses.replace(criteria, tree=None))  # the filters
                sql = f"""
                    SELECT count(*) FROM (
                        SELECT 1 FROM (
                            SELECT document FROM {TABLE} WHERE {where}
                            ORDER BY published_on DESC, media_id DESC LIMIT %s
                        ) newest WHERE document @@ %s::tsquery LIMIT %s
                    ) found
                """
                words = to_tsquery(All(criteria.tree.include, criteria.tree.exclude))
                found = self._fetch(criteria, sql, [*params, PHRASE_SCAN_NEWEST, words, PHRASE_RANK_ALL_UP_TO])[0][0]
                if found >= PHRASE_RANK_ALL_UP_TO:
                    return "date", None, None
                # Fewer, but as common among the newest as a phrase in more articles than are
                # read: found by date too, without reading them ("killed people", in 5.6 % of
                # a million: 585 ms read in vain).
                from . import count

                if found * count(dataclasses.replace(criteria, tree=None)) > PHRASE_READ_UP_TO * PHRASE_SCAN_NEWEST:
                    return "date", None, None
            where, params = self._where(criteria)
            sql = f"SELECT article_id, published_on, media_id FROM {TABLE} WHERE {where} LIMIT %s"
            rows = self._fetch(criteria, sql, [*params, PHRASE_READ_UP_TO + 1])
            if len(rows) <= PHRASE_RANK_ALL_UP_TO:
                ids = [row[0] for row in rows]
                return "all", ids, ids
            if len(rows) <= PHRASE_READ_UP_TO:
                # Kept as 8-byte integers: at most SAMPLE * ESTIMATE_FROM, 128 kB.
                every = array.array("q", (row[0] for row in rows)) if len(rows) < SAMPLE * ESTIMATE_FROM else None
                rows.sort(key=lambda row: (row[1], row[2]), reverse=True)
                return "newest", [row[0] for row in rows[:PHRASE_RANK_ALL_UP_TO]], every
            return "date", None, None

        return cached_once(f"phrase-plan:{criteria.key()}", plan)

    def _page_of_scored(self, criteria, ids, query, offset, limit):
        """The page of these articles scored by `query` and put in `_ranked`'s order."""
        sql = f"SELECT article_id, published_on, media_id, document <=> %s::tsquery FROM {TABLE} WHERE article_id = ANY(%s)"
        rows = sorted(self._fetch(criteria, sql, [query, ids]), key=lambda row: (row[3], -row[1].toordinal(), -row[2]))
        return [row[0] for row in rows[offset : offset + limit]]

    @classmethod
    def _page_by_index(cls, cursor, where, params, query, offset, limit):
        """The page's ids, the entries matching `where` ranked by the RUM index."""
        rows = cls._ranked(cursor, where, params, query, offset + limit)
        return [row[0] for row in rows[offset : offset + limit]]

    @staticmethod
    def _ranked(cursor, where, params, query, want, column="document"):
        """(id, date, media ID, distance) of the entries matching `where`, ranked by the RUM
        index of `column` (in a `_searching` cursor's transaction): the first `want` and
        any more that were read, in order; all of them when fewer match."""
        batch = want + RANK_LOOKAHEAD
        sql = f"""
            SELECT article_id, published_on, media_id, {column} <=> %s::tsquery FROM {TABLE}
            WHERE {where} ORDER BY {column} <=> %s::tsquery
        """
        rows = []
        cursor.execute(f"DECLARE ranked NO SCROLL CURSOR FOR {sql}", [query, *params, query])
        while True:
            cursor.execute(f"FETCH {int(batch)} FROM ranked")
            fetched = cursor.fetchall()
            rows.extend(fetched)
            # Done when every match is read, or when a match less relevant than the page's
            # last one shows that all its equals are among the rows.
            if len(fetched) < batch or rows[-1][3] > rows[want - 1][3]:
                break
            batch *= 4
        cursor.execute("CLOSE ranked")
        rows.sort(key=lambda row: (row[3], -row[1].toordinal(), -row[2]))
        return rows

    def _page_capped(self, criteria, where, params, query, offset, limit, cap=None, by_distance=False):
        """The page when relevance ranks the newest `cap` matches (RANK_CAP) and the others
        follow, newest first: scored by ts_rank, or `by_distance` as RUM scores (a phrase's,
        whose few matches are scored that way too)."""
        ids, cap = [], RANK_CAP if cap is None else cap
        score = "document <=> %s::tsquery" if by_distance else "ts_rank(document, %s::tsquery) DESC"
        if offset < cap:
            sql = f"""
                SELECT article_id FROM (
                    SELECT article_id, published_on, media_id, document FROM {TABLE} WHERE {where}
                    ORDER BY published_on DESC, media_id DESC LIMIT %s
                ) newest ORDER BY {score}, published_on DESC, media_id DESC
                LIMIT %s OFFSET %s
            """
            rows = self._fetch(criteria, sql, [*params, cap, query, min(limit, cap - offset), offset])
            ids.extend(row[0] for row in rows)
        if offset + limit > cap:
            start = max(offset, cap)
            sql = (f"SELECT article_id FROM {TABLE} WHERE {where} ORDER BY published_on DESC, media_id DESC"
                   " LIMIT %s OFFSET %s")
            ids.extend(row[0] for row in self._fetch(criteria, sql, [*params, offset + limit - start, start]))
        return ids

    # --- facets: counts over the matching entries, from the narrow table alone ---------------

    @staticmethod
    def _one_value(criteria):
        """(kind, id) when `criteria` ask for the entries naming one region, source or person,
        within dates or not, and nothing else; else None."""
        if criteria.tree is not None:
            return None
        named = [(name, ids) for name, ids in (("regions", criteria.regions), ("sources", criteria.sources),
                                                ("people", criteria.people)) if ids]
        if len(named) != 1 or len(named[0][1]) != 1:
            return None
        name, (value,) = named[0]
        return _KINDS[name], value

    def _where(self, criteria, table=TABLE):
        """The WHERE clause and parameters of the entries that match `criteria`
        (facets.Criteria), in the index table or its sample (same columns). The arrays are
        GIN-indexed (migrations 0006, 0009) for `&&`. For the postings table, only the
        dates: the caller names the one value."""
        if table == POSTINGS:
            criteria = Criteria(date_from=criteria.date_from, date_to=criteria.date_to)
        clauses, params = ["TRUE"], []
        if criteria.include is not None:
            # What is included and what is excluded in one query, which the index answers
            # alone; as a second condition, every included match's vector was read to test
            # the exclusion (at 100,000 articles, 45,000 pages against 4,300: 58 -> 15 ms).
            clauses.append("document @@ %s::tsquery")
            params.append(to_tsquery(All(criteria.tree.include, criteria.tree.exclude)))
        elif criteria.exclude is not None:
            clauses.append("NOT document @@ %s::tsquery")
            params.append(to_tsquery(criteria.exclude))
        for column, ids in (("regions", criteria.regions), ("sources", criteria.sources), ("people", criteria.people)):
            if ids:
                clauses.append(f"{column} && %s::bigint[]")
                params.append(list(ids))
        if criteria.date_from:
            clauses.append("published_on >= %s")
            params.append(criteria.date_from)
        if criteria.date_to:
            clauses.append("published_on <= %s")
            params.append(criteria.date_to)
        return " AND ".join(clauses), params

    def facets(self, criteria, sample=None):
        """facets.FacetCounts of the entries matching `criteria` (in the sample of one in
        `sample`, if given), in one query: the matching rows are read once, then each array
        is unnested and grouped. Unnested in the select list, not as a function in FROM: a
        function scan per matching row doubled the grouping's time (11,000 matches: 33 ->
        17 ms). Months by date_part, a float, not extract, a numeric. The sample is the one
        the index table's trigger keeps (migration 0009), one in facets.SAMPLE, or a sparser
        one within it."""
        if sample is not None and sample % SAMPLE:
            raise ValueError(f"the index keeps a sample of one in {SAMPLE}: one in {sample} is not within it")
        where, params = self._where(criteria)
        if sample is not None and sample != SAMPLE:
            where += f" AND article_id %% {int(sample)} = 0"  # %%: %
        if sample is None and self._ranks_as_phrase(criteria):
            # A phrase's matches, when few enough to be counted exactly, are read once for its
            # pages and its counts (see PHRASE_READ_UP_TO); else every match is read here.
            if (every := self._phrase_plan(criteria)[2]) is not None:
                where, params = "article_id = ANY(%s)", [list(every)]
        sql = f"""
            WITH hits AS MATERIALIZED (
                SELECT regions, sources, people, published_on FROM {SAMPLE_TABLE if sample else TABLE} WHERE {where}
            )
            SELECT 'r', value, count(*) FROM (SELECT unnest(regions) AS value FROM hits) v GROUP BY value
            UNION ALL SELECT 's', value, count(*) FROM (SELECT unnest(sources) AS value FROM hits) v GROUP BY value
            UNION ALL SELECT 'p', value, count(*) FROM (SELECT unnest(people) AS value FROM hits) v GROUP BY value
            UNION ALL SELECT 'm', (date_part('year', published_on) * 100 + date_part('month', published_on))::bigint,
                count(*) FROM hits GROUP BY 2
        """
        return FacetCounts.from_rows(self._fetch(criteria, sql, params))

    def sparser_samples_pay(self, criteria):
        """Whether a sparser sample than the table's costs less to read: not for a phrase,
        which the sample's GIN index (it has no positions) only narrows to the documents
        holding its words, each read to check the phrase before the sparser sample's ids
        are: "killed people" at a million, 200-250 ms at every level."""
        return not self._holds_phrase(criteria)

    @staticmethod
    def _holds_phrase(criteria):
        """Whether what `criteria` include holds a phrase, alone or in an OR."""
        if criteria.include is None:
            return False
        nodes = [child for node in criteria.include.include for child in (node.children if isinstance(node, Any) else (node,))]
        return any(isinstance(node, Phrase) for node in nodes)

    def _ranks_as_phrase(self, criteria):
        """Whether `criteria` are ranked as a phrase (_phrase_plan): with RUM, whose
        ordered scan cannot rank them."""
        return self._holds_phrase(criteria) and self.ranks_with_index()

    def per_month(self, criteria):
        """[(first day of a month, matching entries)], oldest first; empty months left out."""
        where, params = self._where(criteria)
        sql = f"SELECT date_trunc('month', published_on)::date, count(*) FROM {TABLE} WHERE {where} GROUP BY 1 ORDER BY 1"
        return self._fetch(criteria, sql, params)

    def count(self, criteria):
        where, params = self._where(criteria)
        return self._fetch(criteria, f"SELECT count(*) FROM {TABLE} WHERE {where}", params)[0][0]

    def _fetch(self, criteria, sql, params):
        """The rows of a query over the entries matching `criteria`.

        With words to look up, the GIN index is always the way in: the planner prices
        `document @@ query` like any cheap operator, so for a common word it reads the whole
        table instead, and so decompresses every article's vector (measured on 50,000
        articles matching one word: 350 ms by sequential scan, 55 ms by bitmap index scan).
        """
        if criteria.include is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        with self._searching() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    @staticmethod
    @contextlib.contextmanager
    def _searching():
        """A cursor in a transaction whose settings make words be looked up in the index
        (see _fetch)."""
        # SET LOCAL, in a transaction of its own: safe behind a pooler that hands each
        # transaction to any server connection.
        inside = connection.in_atomic_block
        settings = {"enable_seqscan": "off", "work_mem": "'64MB'", "jit": "off"}
        if PostgresSearch._may_prefetch():
            settings["effective_io_concurrency"] = str(PREFETCH_PAGES)
        with transaction.atomic(), connection.cursor() as cursor:
            # And room to group a broad query's hundreds of thousands of facet values in
            # memory rather than in temporary files (the default work_mem is 4 MB). No JIT:
            # plans over a million rows pass jit_above_cost, and compiling takes longer
            # than these queries run.
            cursor.execute("; ".join(f"SET LOCAL {name} = {value}" for name, value in settings.items()))
            yield cursor
            if inside:  # a savepoint keeps the settings until the outer transaction ends
                cursor.execute("; ".join(f"SET LOCAL {name} TO DEFAULT" for name in settings))

    @staticmethod
    def _may_prefetch():
        """Whether searches may ask for PREFETCH_PAGES pages ahead: where the server can
        prefetch (it was built with posix_fadvise, so its own default is 1, not 0) and
        nobody has chosen a value for it. Asked once per database connection."""
        def ask(cursor):
            cursor.execute("SELECT setting = '1' AND boot_val = '1' FROM pg_settings WHERE name = 'effective_io_concurrency'")
            row = cursor.fetchone()
            return bool(row and row[0])

        return _asked_once("archive_may_prefetch", ask)


def _asked_once(attribute, ask):
    """What `ask(cursor)` answers about the server, kept on the database connection as
    `attribute`: asked again only on a new connection (or after `attribute` is reset to None)."""
    known = getattr(connection.connection, attribute, None)
    if known is None:
        with connection.cursor() as cursor:  # opens the connection if need be
            known = ask(cursor)
        try:
            setattr(connection.connection, attribute, known)
        except AttributeError:  # a connection class that takes no attributes: ask every time
            pass
    return known
