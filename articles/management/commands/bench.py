from django.core.management.base import BaseCommand

from articles import benchmark


class Command(BaseCommand):
    help = (
        "Time a fixed mix of page, search and export requests against the current database, "
        "through Django's test client or over HTTP (--url), and print p50 / p95 / max per kind."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=5, help="How many times each URL of the mix is fetched.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--url", default="",
            help="A running server of this database (e.g. http://127.0.0.1:8000): time real HTTP requests to it.",
        )

    def handle(self, *args, rounds, seed, url, **options):
        benchmark.run(rounds=rounds, seed=seed, out=self.stdout.write, base_url=url.rstrip("/"))
