"""A fixed mix of reader and researcher requests, timed against the archive as it is.

The mix is chosen from the data, so it means the same on any archive: the country with most
articles, a busy region and person, and search terms by how many articles they are in
(a rare one, one in about 10 %, one in 25 % or more), estimated from a sample of articles.
"""

import http.client
import random
import statistics
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count
from django.test import Client

from .models import Article, Person, Region
from .search.text import STOP_WORDS, tokens, words


@dataclass
class Timing:
    kind: str
    seconds: list = field(default_factory=list)
    first_byte: list = field(default_factory=list)
    errors: int = 0

    def row(self):
        ms = sorted(s * 1000 for s in self.seconds)
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        line = f"{self.kind:<34} {len(ms):>4} {statistics.median(ms):>9.1f} {p95:>9.1f} {ms[-1]:>9.1f}"
        if self.first_byte:
            line += f"   first byte p50 {statistics.median(self.first_byte) * 1000:.1f} ms"
        if self.errors:
            line += f"   {self.errors} errors"
        return line


def sample_terms(rng, sample=2000):
    """Words by the share of sampled articles they appear in ({word: share}), and the same
    for pairs of words that follow each other in the body ({"word word": share})."""
    ids = list(Article.objects.published().values_list("pk", flat=True)[:200_000])
    chosen = rng.sample(ids, min(sample, len(ids)))
    document_frequency, pair_frequency, surface = Counter(), Counter(), {}
    for title, summary, body in Article.objects.filter(pk__in=chosen).values_list("title", "summary", "body"):
        seen = set()
        for word in words(f"{title} {summary} {body}"):
            if word in STOP_WORDS or len(word) < 4 or not word.isalpha():
                continue
            token = tokens(word)
            if token and token[0] not in seen:
                seen.add(token[0])
                surface.setdefault(token[0], word)
        document_frequency.update(seen)
        content = [word for word in words(body) if word not in STOP_WORDS]
        pair_frequency.update({f"{a} {b}" for a, b in zip(content, content[1:]) if a.isalpha() and b.isalpha()})
    total = max(1, len(chosen))
    shares = {surface[t]: n / total for t, n in document_frequency.items()}
    return shares, {pair: n / total for pair, n in pair_frequency.items()}


def pick(shares, target, rng, count=5):
    """`count` words whose share is closest to `target`."""
    ranked = sorted(shares, key=lambda w: (abs(shares[w] - target), w))
    return ranked[:count]


def plan(rng):
    shares, pair_shares = sample_terms(rng)
    common = [w for w in pick(shares, 0.3, rng, 10) if shares[w] >= 0.25] or pick(shares, 0.3, rng)
    tenth = pick(shares, 0.10, rng)
    rare = [w for w, s in sorted(shares.items(), key=lambda i: (i[1], i[0])) if s > 0][:50]
    rare = rng.sample(rare, min(5, len(rare)))
    countries = list(
        Region.objects.filter(kind="country")
        .annotate(n=Count("articles"))
        .order_by("-n")
        .values_list("slug", flat=True)[:1]
    )
    country = countries[0] if countries else None
    busy_regions = list(
        Region.objects.filter(kind__in=["city", "province"]).annotate(n=Count("articles")).order_by("-n")
        .values_list("slug", flat=True)[:5]
    )
    people = list(Person.objects.annotate(n=Count("quotes")).order_by("-n").values_list("slug", flat=True)[:5])
    articles = list(
        Article.objects.published().order_by("?").values_list("media_id", "slug")[:20]
    )
    years = Article.objects.published().dates("published_on", "year")
    middle_year = years[len(years) // 2].year if years else 2015
    mix = {
        "home": ["/"],
        "browse": ["/articles/", "/articles/?page=3"],
        "browse by region (top country)": [f"/articles/?region={country}"] if country else [],
        "region page": [f"/regions/{slug}/" for slug in busy_regions],
        "person page": [f"/people/{slug}/" for slug in people],
        "article page": [f"/articles/{m}/{s}/" for m, s in articles],
        "search: rare term": [f"/search/?q={w}" for w in rare],
        "search: term in ~10%": [f"/search/?q={w}" for w in tenth],
        "search: term in 25%+": [f"/search/?q={w}" for w in common],
        "search: phrase": [f'/search/?q="{a} {b}"' for a, b in zip(common, tenth)],
        "search: OR with exclusion": [f"/search/?q={a} OR {b} -{c}" for a, b, c in zip(tenth, rare, common[1:])],
        # Beyond the mix, and not in its "every kind": phrases of words in most
        # articles, in 0.5-10 % of them, which cost RUM the posting lists of both words.
        "phrases of common words": [f'/search/?q="{pair}"' for pair in pick(
            {pair: share for pair, share in pair_shares.items() if 0.005 <= share <= 0.1}, 0.03, rng)],
        "search: region + dates": [
            f"/search/?q={w}&region={country}&date_from={middle_year}-01-01&date_to={middle_year + 1}-12-31"
            for w in tenth
        ],
        # Beyond the mix: the other pages a reader or a crawler asks for, each of
        # which once read the whole article table (the people list took 11-16 s at a million).
        "lists: people, sources, regions": ["/people/", "/people/?sort=quotes", "/sources/", "/regions/"],
        "feeds: latest, country, search": [
            "/feeds/latest/", *([f"/feeds/regions/{country}/"] if country else []),
            *(f"/feeds/articles/?q={w}&sort=newest" for w in common[:3]),
        ],
        "sitemap index": ["/sitemap.xml"],
    }
    published = Article.objects.published().count()
    export_term = min(shares, key=lambda w: (abs(shares[w] * published - 10_000), w))
    return mix, export_term, shares


class HTTPClient:
    """What the benchmark needs of Django's test client, over a real connection (kept alive)."""

    def __init__(self, base_url):
        parts = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)

    def get(self, path):
        quoted = urllib.parse.quote(path, safe="/?=&%:+-._~")
        self.connection.request("GET", quoted)
        response = self.connection.getresponse()
        return _Streamed(response)


class _Streamed:
    def __init__(self, response):
        self.response, self.status_code, self.streaming = response, response.status, True

    @property
    def streaming_content(self):
        while chunk := self.response.read(65536):
            yield chunk

    def read(self):
        return self.response.read()


def run(rounds=5, seed=1, out=print, base_url=""):
    """Time the mix `rounds` times. The first round finds every page cold (nothing cached for
    it yet): its figures are printed apart, since an outside check mostly asks new things."""
    rng = random.Random(seed)
    if base_url:
        client = HTTPClient(base_url)
    else:
        from .warmup import warm

        warm()  # as gunicorn warms its workers before their first request
        client = Client(SERVER_NAME="localhost")
    count = Article.objects.published().count()
    out(f"Archive: {count:,} published articles on {connection.vendor} ({connection.settings_dict['NAME']})")
    out(f"Requests: {'HTTP to ' + base_url if base_url else 'Django test client, in this process'}")
    started = time.perf_counter()
    mix, export_term, shares = plan(rng)
    out(f"Chose the mix in {time.perf_counter() - started:.1f} s; search terms and their share of articles:")
    for kind in ("search: rare term", "search: term in ~10%", "search: term in 25%+"):
        out("  " + kind + ": " + ", ".join(f"{u.split('=')[1]} ({shares[u.split('=')[1]]:.1%})" for u in mix[kind]))
    out("")
    out(f"{'request':<34} {'n':>4} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    timings = []
    for kind, urls in mix.items():
        if not urls:
            continue
        timing, cold = Timing(kind), Timing(kind + " (first time)")
        for round_no in range(rounds):
            for url in urls:
                began = time.perf_counter()
                response = client.get(url)
                if base_url:
                    response.read()
                elapsed = time.perf_counter() - began
                (cold if round_no == 0 else timing).seconds.append(elapsed)
                if response.status_code >= 400:
                    (cold if round_no == 0 else timing).errors += 1
        for measured in (cold, timing):
            if measured.seconds:
                timings.append(measured)
                out(measured.row())
    # The target is for search pages whatever their kind: every search request of the mix,
    # first time and again.
    for suffix in (" (first time)", ""):
        every = Timing("search: every kind" + suffix)
        for timing in timings:
            if timing.kind.startswith("search: ") and timing.kind.endswith(suffix) and (
                suffix or not timing.kind.endswith(" (first time)")
            ):
                every.seconds += timing.seconds
                every.errors += timing.errors
        if every.seconds:
            timings.append(every)
            out(every.row())
    export = Timing(f"export.jsonl ~10,000 ({export_term})")
    for _ in range(max(1, rounds // 2)):
        began = time.perf_counter()
        response = client.get(f"/search/export.jsonl?q={export_term}")
        stream = iter(response.streaming_content) if response.streaming else iter([response.content])
        lines = 0
        first = next(stream, b"")
        export.first_byte.append(time.perf_counter() - began)
        lines += first.count(b"\n")
        for chunk in stream:
            lines += chunk.count(b"\n")
        export.seconds.append(time.perf_counter() - began)
        if response.status_code >= 400:
            export.errors += 1
    export.kind += f" [{lines:,} lines]"
    timings.append(export)
    out(export.row())
    return timings
