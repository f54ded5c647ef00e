"""`manage.py bench` times its whole mix against the archive in use and prints every kind."""

import io
import re

from django.core.management import call_command

from tests.builders import COMMITTED

KINDS = [
    "home", "browse", "browse by region (top country)", "region page", "person page", "article page",
    "search: rare term", "search: term in ~10%", "search: term in 25%+", "search: phrase",
    "search: OR with exclusion", "phrases of common words", "search: region + dates", "search: every kind",
    "lists: people, sources, regions", "feeds: latest, country, search", "sitemap index",
]


@COMMITTED  # the in-process server is warmed as gunicorn's workers are, which closes connections
def test_bench_prints_every_kind_first_time_and_again_without_errors(committed):
    call_command("load_regions")
    call_command("generate_corpus", articles=120, seed=5, batch_size=60, workers=1, stdout=io.StringIO())
    out = io.StringIO()
    call_command("bench", rounds=2, stdout=out)
    printed = out.getvalue()
    assert "Archive: 120 published articles" in printed
    for kind in KINDS:
        for label in (kind, f"{kind} (first time)"):
            # request, n, then p50 / p95 / max in ms
            assert re.search(rf"^{re.escape(label)} +\d+ +[\d.]+ +[\d.]+ +[\d.]+$", printed, re.M), label
    # Every search request of the mix, in one line: 35 a round (5 of each kind, 10 broad).
    assert re.search(r"^search: every kind \(first time\) +35 ", printed, re.M)
    assert re.search(r"^search: every kind +35 ", printed, re.M)
    export = [line for line in printed.splitlines() if line.startswith("export.jsonl")]
    assert export and "first byte p50" in export[0]
    assert "errors" not in printed
