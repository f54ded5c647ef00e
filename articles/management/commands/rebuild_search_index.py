import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import Article
from articles.search import rebuild


class Command(BaseCommand):
    help = "Index every published article for full-text search again (after a change to the normaliser)."

    def handle(self, *args, **options):
        total = Article.objects.published().count()
        with tqdm(total=total, unit="articles", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
            indexed = rebuild(progress=bar.update)
        self.stdout.write(f"Indexed {indexed} published articles.")
