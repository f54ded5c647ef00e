"""A generated archive for measuring the archive: realistic in shape, deterministic for a seed.

Real conflict-news words ranked by a Zipf law with a long tail of rarer words, English
stop words at their real share of running text, titles and summaries, bodies of 150-600
words, dates over fifteen years with bursts of coverage, places weighted like real
coverage (Iraq and Syria first), a few thousand people quoted with a long tail, and sources
with agency credits. None of it is news: the sentences are word salad with news grammar,
which is all a search index or a page needs to be measured.
"""

import bisect
import datetime
import itertools
import random
from dataclasses import dataclass, field

import numpy as np

CONTENT_WORDS = """
forces attack city government military security killed people fighters group state islamic
militants troops said officials region border attacks control province offensive civilians
army war syrian iraqi kurdish opposition rebels regime strikes air coalition police
operation area villages town fighting local sources told news agency report reported
minister president leader leaders talks peace ceasefire agreement negotiations political
council national international united nations refugees humanitarian aid displaced camps
bombing suicide car bomb explosion explosive device checkpoint convoy soldiers officer
commander brigade units militia militias tribal tribes sheikh clan oil refinery fields
pipeline gas electricity water supply routes road highway bridge dam river valley desert
mountain front frontline lines positions siege besieged encircled surrounded retreat
withdrew advance advanced captured recaptured liberated seized stormed clashes heavy
artillery shelling rockets mortar missiles drones drone helicopter jets warplanes raids
airstrikes bombardment casualties dead wounded injured victims children women families
residents population hospital medical doctors school schools mosque church market shops
houses homes buildings destroyed damage ruins reconstruction return returned fled flee
escape smuggling smugglers weapons arms ammunition funding money economy prices salaries
unemployment protest protests protesters demonstrations crackdown arrested detained
prisoners prison release released kidnapped hostages executed execution court trial
sentence judge law justice rights abuses violations investigation evidence crimes torture
sectarian sunni shiite shia christian yazidi minority minorities ethnic arab arabs turkmen
persian iranian turkish russian american british french western european gulf saudi
qatari emirati jordanian lebanese israeli palestinian egyptian libyan yemeni houthi
hezbollah qaeda nusra jihadist jihadists extremist extremists terrorist terrorism terror
insurgents insurgency guerrilla cell cells sleeper networks recruitment recruits foreign
volunteers propaganda media video statement claimed responsibility spokesman channel
website online social accounts intelligence surveillance spy informants assassination
leaderships strategy strategic tactics defensive offensive initiative momentum pressure
losses gains territory territories caliphate stronghold strongholds headquarters base
bases airport airbase port harbor crossing crossings corridor buffer zone zones safe
truce deal accord plan envoy mediation mediator delegation summit conference meeting
elections parliament vote referendum constitution reform corruption protesters budget
reconstruction investment donors billion million thousands hundreds dozens several
week weeks month months year years day days night morning evening recent latest new
former senior deputy chief head spokesperson analyst analysts expert experts observers
monitor monitors observatory researcher researchers professor institute center study
according statement warned warning threat threats risk fears concern concerns crisis
situation conditions tensions escalation violence conflict insurgency stability
reconciliation transition future power authority authorities administration
""".split()

# A tail of rarer words, made from syllables so that rare terms exist at every frequency.
SYLLABLES = "ba da ka la ma na ra sa ta za bi di ki li mi ni ri si ti zi bu du ku lu mu nu ru su tu zu".split()

STOP_WORDS_IN_TEXT = "the of and to in a that for on with by as at from was is were has have had it its this which be been their they after but also an who or more".split()

FIRST_NAMES = """Ahmed Ali Omar Hassan Hussein Karim Samir Nabil Tariq Walid Yusuf Ziad Bashar Fadi Hisham Jamal
Khaled Mahmoud Mustafa Rami Salim Adel Amira Dalia Farah Hala Layla Mona Nadia Rania Salma Yasmin Zeina Fatima
Nour Huda Lina Maya Sara Reem Fabrice Anne Pierre Claire Thomas Emma Jonas Lena Michael Sarah David Rachel
Charles Helen Robert Julia Marco Sofia Ivan Olga Mehmet Ayse Emre Zeynep Reza Maryam Dariush Shirin""".split()
LAST_NAMES = """al-Hashimi al-Jaburi al-Obeidi al-Dulaimi al-Ani al-Tikriti al-Rawi al-Saadi al-Khalil Haddad
Mansour Nasser Khoury Darwish Saleh Hamdan Aziz Barakat Habib Jaber Karam Sabbagh Shami Halabi Zubaidi Kurdi
Balanche Dupont Moreau Laurent Girard Weber Fischer Keller Schmidt Brennan Walsh Carter Hughes Morgan Foster
Rossi Bianchi Petrov Volkov Yilmaz Kaya Demir Celik Sahin Tehrani Rahimi Karimi Hosseini Moradi Abbasi""".split()
ROLES = [
    "Iraqi analyst who monitors ISIS", "Syria analyst and geographical expert", "security expert",
    "military spokesman", "provincial council member", "researcher at a Beirut institute",
    "local official", "tribal leader", "humanitarian coordinator", "former intelligence officer",
    "political scientist", "commander of a local militia", "journalist based in Erbil",
]
PUBLICATIONS = [
    "Asharq Al-Awsat", "The Levant Times", "Gulf Observer", "Tigris Daily", "Euphrates Herald",
    "Desert Courier", "Mediterranean Review", "Northern Front Weekly", "Cedar Post", "Nile Ledger",
    "Anatolia Monitor", "Persian Gulf Chronicle", "Baghdad Evening", "Aleppo Voice", "Red Sea Gazette",
]
AGENCIES = ["AFP", "Reuters", "AP", "dpa", "Anadolu", "Xinhua", "ANSA", "EFE"]
SECTIONS = ["Middle East", "World", "Analysis", "Security", "Politics", "Economy"]

# Bursts of coverage: (centre, spread in days, weight).
BURSTS = [
    (datetime.date(2011, 3, 15), 120, 3.0),
    (datetime.date(2013, 8, 21), 60, 2.0),
    (datetime.date(2014, 6, 10), 90, 6.0),
    (datetime.date(2014, 10, 1), 100, 3.0),
    (datetime.date(2015, 5, 20), 60, 2.0),
    (datetime.date(2016, 10, 17), 150, 6.0),
    (datetime.date(2016, 12, 10), 40, 3.0),
    (datetime.date(2017, 6, 15), 120, 5.0),
    (datetime.date(2019, 3, 20), 40, 2.0),
]
FIRST_DAY = datetime.date(2005, 1, 1)
LAST_DAY = datetime.date(2019, 12, 31)


def tail_words(count, rng):
    seen, words = set(), []
    while len(words) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((3, 3, 4, 4, 5))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_weights(count, s=1.07):
    return [1 / (rank**s) for rank in range(1, count + 1)]


class Zipf:
    """Draw items with probability falling as 1 / rank**s."""

    def __init__(self, items, s=1.07):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(zipf_weights(len(self.items), s)))

    def draw(self, rng):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


class _Lookup:
    """`np.searchsorted(cumulative, u, side="right")` for many `u` in [0, 1), with the same
    answers in a fraction of the time: a table over equal slices of [0, 1) answers outright
    wherever a slice lies within one item's share (every common word), and only the rest
    are searched."""

    SLICES = 1 << 18  # a power of two: a slice's bounds, and u's slice, are exact in floating point

    def __init__(self, cumulative):
        self.cumulative = cumulative
        edges = np.arange(self.SLICES + 1) / self.SLICES
        self.low = np.searchsorted(cumulative, edges[:-1], side="right")
        self.high = np.searchsorted(cumulative, edges[1:], side="right")

    def __call__(self, u):
        slices = (u * self.SLICES).astype(np.intp)
        found = self.low[slices]
        unsure = found != self.high[slices]
        found[unsure] = np.searchsorted(self.cumulative, u[unsure], side="right")
        return found


@dataclass
class GeneratedArticle:
    media_id: int
    title: str
    summary: str
    body: str
    published_on: datetime.date
    publication: int  # index into the generator's sources
    credits: list
    regions: list  # region keys given by the caller
    quotes: list = field(default_factory=list)  # (person index, text, given_to source index or None)
    section: str = ""
    byline: str = ""
    tokens: list = field(default_factory=list)  # the search fields' tokens, as documents.article_fields gives


class CorpusGenerator:
    """Articles from a seed. Words are drawn a whole article at a time (numpy) from one
    vocabulary, stop words at their share of running text and content words by a Zipf law,
    and each word's search token is worked out once per vocabulary word, so that generating
    and indexing a million articles stays fast. `tokens()` of the text gives the same tokens
    (a test checks it)."""

    STOP_SHARE = 0.38

    def __init__(self, seed, regions, *, people=3000, tail=20000, names=None):
        """`regions` is a list of (key, weight) from the caller's gazetteer; `names`, if
        given, the names of the people quoted (by index), else the ones drawn here."""
        from .search.text import tokens

        self.seed = seed
        rng = random.Random(seed)
        content = CONTENT_WORDS + tail_words(tail, random.Random(seed + 1))
        content_weights = np.array(zipf_weights(len(content)))
        weights = np.concatenate(
            [
                np.full(len(STOP_WORDS_IN_TEXT), self.STOP_SHARE / len(STOP_WORDS_IN_TEXT)),
                content_weights * (1 - self.STOP_SHARE) / content_weights.sum(),
            ]
        )
        self.cumulative = np.cumsum(weights) / weights.sum()
        self.draw_words = _Lookup(self.cumulative)
        self.words = np.array(STOP_WORDS_IN_TEXT + content, dtype=object)
        self.tokens = np.array([(tokens(w) or [None])[0] for w in self.words], dtype=object)
        self.is_token = np.array([t is not None for t in self.tokens])
        self.word_list, self.token_list = self.words.tolist(), self.tokens.tolist()
        self.first_content = len(STOP_WORDS_IN_TEXT)
        self.content_cumulative = np.cumsum(zipf_weights(len(content)))
        self.content_cumulative /= self.content_cumulative[-1]
        drawn = sorted({f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(people * 2)})[:people]
        rng.shuffle(drawn)
        self.person_roles = [rng.choice(ROLES) for _ in drawn]
        self.people = drawn if names is None else list(names)
        self.person_tokens = [tokens(name) for name in self.people]
        self.quoted_cumulative = np.cumsum(zipf_weights(len(drawn), 1.1))
        self.quoted_cumulative /= self.quoted_cumulative[-1]
        self.sources = PUBLICATIONS + AGENCIES
        self.publication_cumulative = np.cumsum(zipf_weights(len(PUBLICATIONS), 0.9))
        self.publication_cumulative /= self.publication_cumulative[-1]
        self.region_keys = [key for key, _ in regions]
        cumulative = np.cumsum([weight for _, weight in regions])
        self.region_cumulative = cumulative / cumulative[-1]
        self.days = (LAST_DAY - FIRST_DAY).days
        self.burst_weights = np.array([b[2] for b in BURSTS]) / sum(b[2] for b in BURSTS)
        self.use(0)

    def use(self, batch_no):
        """Draw from the stream of one batch: batches are independent, so workers can make
        them in any order and the archive is still the same for a seed."""
        self.rng = np.random.default_rng([self.seed, batch_no])

    def _draw(self, cumulative, size=None):
        return np.searchsorted(cumulative, self.rng.random(size), side="right")

    def batch(self, batch_no, first_media_id, count):
        """`count` articles, drawn with a handful of vector draws for the whole batch."""
        self.use(batch_no)
        rng = self.rng
        lengths = rng.integers(150, 601, size=count).tolist()
        summary_lengths = np.where(rng.random(count) < 0.8, rng.integers(15, 31, size=count), 0).tolist()
        quote_counts = rng.choice([0, 1, 1, 2, 2, 3], size=count).tolist()
        quote_lengths = rng.integers(10, 31, size=sum(quote_counts)).tolist()
        total = sum(lengths) + sum(summary_lengths) + sum(quote_lengths)
        ids = self.draw_words(rng.random(total))
        words = self.words[ids].tolist()
        # The tokens of the words from `start` to `end` are found[before[start]:before[end]].
        is_token = self.is_token[ids]
        found = self.tokens[ids[is_token]].tolist()
        before = np.concatenate([[0], np.cumsum(is_token)])
        breaks = iter(rng.integers(9, 27, size=total // 9 + 4 * count).tolist())
        paragraph_breaks = iter(rng.integers(40, 111, size=total // 40 + count).tolist())
        commas = iter((rng.random(total // 9 + 4 * count) < 0.4).tolist())
        position = 0

        def text(count):
            """The next `count` words as sentences, punctuated where they lie in `words`:
            one join per text rather than one per sentence."""
            nonlocal position
            start = first = position
            end = position = position + count
            while start < end:
                stop = min(end, start + next(breaks))
                words[start] = words[start].capitalize()
                if next(commas) and stop - start > 8:
                    words[start + (stop - start) // 2] += ","
                words[stop - 1] += "."
                start = stop
            return " ".join(words[first:end])

        def tokens_since(start):
            return found[int(before[start]) : int(before[position])]

        title_ids = (self.first_content + self._draw(self.content_cumulative, count * 9)).tolist()
        title_lengths = rng.integers(4, 10, size=count).tolist()
        quoted = self._draw(self.quoted_cumulative, len(quote_lengths)).tolist()
        given = np.where(
            rng.random(len(quote_lengths)) < 0.3, rng.integers(len(PUBLICATIONS), len(self.sources), size=len(quote_lengths)), -1
        ).tolist()
        credited = np.where(
            rng.random(count) < 0.5, rng.integers(len(PUBLICATIONS), len(self.sources), size=count), -1
        ).tolist()
        publications = self._draw(self.publication_cumulative, count).tolist()
        region_counts = rng.choice([1, 1, 2, 2, 2, 3, 4], size=count).tolist()
        region_draws = iter(self._draw(self.region_cumulative, sum(region_counts)).tolist())
        in_burst = (rng.random(count) < 0.45).tolist()
        bursts = self._draw(np.cumsum(self.burst_weights), count).tolist()
        offsets = rng.normal(0, 1, size=count).tolist()
        days = rng.integers(self.days + 1, size=count).tolist()
        sections = rng.integers(len(SECTIONS), size=count).tolist()
        bylines = np.where(rng.random(count) < 0.6, rng.integers(len(FIRST_NAMES) * len(LAST_NAMES), size=count), -1).tolist()
        quote_no = 0
        articles = []
        word_list, token_list = self.word_list, self.token_list
        for n in range(count):
            paragraphs, left, start = [], lengths[n], position
            while left > 0:
                size = min(left, next(paragraph_breaks))
                paragraphs.append(text(size))
                left -= size
            body_tokens = tokens_since(start)
            summary, summary_tokens = "", []
            if summary_lengths[n]:
                start = position
                summary = text(summary_lengths[n])
                summary_tokens = tokens_since(start)
            quotes, quote_tokens = [], []
            for _ in range(quote_counts[n]):
                person, start = quoted[quote_no], position
                spoken = text(quote_lengths[quote_no])
                quotes.append((person, spoken, given[quote_no] if given[quote_no] >= 0 else None))
                quote_tokens.extend(self.person_tokens[person])
                quote_tokens.extend(tokens_since(start))
                quote_no += 1
            chosen = title_ids[n * 9 : n * 9 + title_lengths[n]]
            title = " ".join([word_list[i] for i in chosen]).capitalize()
            title_tokens = [token_list[i] for i in chosen if token_list[i] is not None]
            regions = []
            for _ in range(region_counts[n]):
                key = self.region_keys[next(region_draws)]
                if key not in regions:
                    regions.append(key)
            if in_burst[n]:
                centre, spread, _ = BURSTS[bursts[n]]
                day = centre + datetime.timedelta(days=int(offsets[n] * spread / 2))
                day = min(max(day, FIRST_DAY), LAST_DAY)
            else:
                day = FIRST_DAY + datetime.timedelta(days=days[n])
            byline = ""
            if bylines[n] >= 0:
                first, last = divmod(bylines[n], len(LAST_NAMES))
                byline = f"By {FIRST_NAMES[first]} {LAST_NAMES[last]}"
            articles.append(
                GeneratedArticle(
                    media_id=first_media_id + n,
                    title=title,
                    summary=summary,
                    body="\n\n".join(paragraphs),
                    published_on=day,
                    publication=publications[n],
                    credits=[credited[n]] if credited[n] >= 0 else [],
                    regions=regions,
                    quotes=quotes,
                    section=SECTIONS[sections[n]],
                    byline=byline,
                    tokens=[title_tokens, summary_tokens, body_tokens, quote_tokens],
                )
            )
        return articles


# Writing ------------------------------------------------------------------------------------

# What the worker processes share, set before they fork.
_plan = None


@dataclass
class CorpusPlan:
    """Everything a worker needs to turn a batch number into rows, identically everywhere."""

    seed: int
    region_weights: list  # (region id, weight)
    closure: dict  # region id -> ids of it and every region above it
    person_ids: list  # person index -> id
    person_names: list
    source_ids: list  # source index -> id
    first_article_id: int
    first_media_id: int
    batch_size: int
    count: int  # articles in all
    vendor: str
    now: object

    def generator(self):
        # Asking for len(person_ids) people draws another list than the plan's (names repeat
        # in the drawing, so there are fewer than asked for); the articles have always been
        # drawn from it, and quote the plan's people by its indexes: they keep doing so, and
        # are indexed under the names of the people the database has them quote.
        return CorpusGenerator(self.seed, self.region_weights, people=len(self.person_ids), names=self.person_names)


def _batch_rows(batch_no):
    """One batch of generated articles, ready to write: a part per table of `tables()`,
    PostgreSQL binary COPY data made here in a worker, so that the main process only hands
    bytes on; for SQLite, rows (and the search backend's rows for the index)."""
    plan = _plan
    first = batch_no * plan.batch_size
    # The last batch is drawn whole and cut: an article is the same whatever the total.
    drawn = _generator().batch(batch_no, plan.first_media_id + first, plan.batch_size)
    *parts, entries = _rows(plan, first, drawn[: plan.count - first])
    if plan.vendor == "postgresql":
        from .importing import copy_binary, search_row

        parts.append([search_row(entry) for entry in entries])
        return tuple(copy_binary(part, types) for part, (_, _, types) in zip(parts, tables()))
    from .search.sqlite import SQLiteSearch

    return (*parts, [SQLiteSearch.row(entry) for entry in entries])


def _rows(plan, first, drawn):
    """Rows of articles, places, credits and quotes, and the search index entries."""
    from django.utils.text import slugify

    from .search.documents import IndexedArticle

    articles, places, credits, quotes, entries = [], [], [], [], []
    for n, generated in enumerate(drawn, first):
        article_id = plan.first_article_id + n
        publication = plan.source_ids[generated.publication]
        credit_ids = sorted({plan.source_ids[c] for c in generated.credits})
        articles.append(
            (
                article_id, generated.media_id, generated.title, slugify(generated.title)[:120] or "article",
                generated.summary, generated.body, generated.published_on, publication, generated.byline,
                generated.section, "", "en", "published", plan.now, plan.now,
            )
        )
        places.extend((article_id, region) for region in generated.regions)
        credits.extend((article_id, source) for source in credit_ids)
        for position, (person, text, given_to) in enumerate(generated.quotes, 1):
            given_to_id = plan.source_ids[given_to] if given_to is not None else None
            quotes.append((article_id, plan.person_ids[person], text, given_to_id, position))
        entries.append(
            IndexedArticle(
                article_id=article_id,
                media_id=generated.media_id,
                published_on=generated.published_on,
                fields=generated.tokens,
                regions=sorted({r for region in generated.regions for r in plan.closure.get(region, [region])}),
                sources=sorted({publication, *credit_ids}),
                people=sorted({plan.person_ids[p] for p, _, _ in generated.quotes}),
            )
        )
    return articles, places, credits, quotes, entries


ARTICLE_COLUMNS = (
    "id", "media_id", "title", "slug", "summary", "body", "published_on", "publication_id", "byline", "section",
    "original_url", "language", "status", "created", "updated",
)


def tables():
    """(table, columns, their types for `copy_binary` on PostgreSQL) of each part of a
    batch, in order."""
    from django.db import connection

    from .importing import SEARCH_COLUMNS, SEARCH_TYPES, copy_types
    from .models import Article, Quote
    from .search.postgres import TABLE as SEARCH_TABLE

    parts = [
        (Article, ARTICLE_COLUMNS),
        (Article.regions.through, ("article_id", "region_id")),
        (Article.credits.through, ("article_id", "source_id")),
        (Quote, ("article_id", "person_id", "text", "given_to_id", "position")),
    ]
    copying = connection.vendor == "postgresql"
    return [
        *((model._meta.db_table, columns, copying and copy_types(model, columns)) for model, columns in parts),
        (SEARCH_TABLE, SEARCH_COLUMNS, SEARCH_TYPES),
    ]


_cached_generator = (None, None)  # (plan, its generator): made once per process and plan


def _generator():
    global _cached_generator
    if _cached_generator[0] is not _plan:
        _cached_generator = (_plan, _plan.generator())
    return _cached_generator[1]
