import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import Article
from articles.search import backend, rebuild


class Command(BaseCommand):
    help = (
        "Index every published article for full-text search again (after a change to the normaliser), "
        "and on PostgreSQL make the RUM ranking index if the extension was installed since the migrations ran."
    )

    def handle(self, *args, **options):
        if backend().vendor == "postgresql":
            ranked = backend().prepare()
            self.stdout.write("Ranking with the RUM index." if ranked else
                              "No RUM extension on this server: ranking is capped (articles.W001).")
        total = Article.objects.published().count()
        with tqdm(total=total, unit="articles", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
            indexed = rebuild(progress=bar.update)
        self.stdout.write(f"Indexed {indexed} published articles.")
