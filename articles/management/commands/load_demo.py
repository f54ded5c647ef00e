from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article

DEMO_FILES = [Path(settings.BASE_DIR) / "fixtures" / "seed.jsonl", Path(settings.BASE_DIR) / "fixtures" / "demo.jsonl"]


class Command(BaseCommand):
    help = "Load the region gazetteer, then the seed article and demo archive into an archive that has no articles yet."

    def handle(self, *args, **options):
        call_command("load_regions", stdout=self.stdout)
        if Article.objects.exists():
            self.stdout.write("The archive already has articles; the demo archive is not loaded again.")
            return
        call_command("import_articles", *map(str, DEMO_FILES), "--no-progress", stdout=self.stdout, stderr=self.stderr)
