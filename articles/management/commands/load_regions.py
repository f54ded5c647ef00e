from django.core.management.base import BaseCommand

from articles.gazetteer import GAZETTEER_FILE, load_regions


class Command(BaseCommand):
    help = "Create or update the region tree from the gazetteer committed with the archive."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=GAZETTEER_FILE, help="A regions.jsonl file (default: the committed one).")

    def handle(self, *args, file, **options):
        report = load_regions(file)
        self.stdout.write(
            f"Regions: {report.created} created, {report.updated} updated, {report.unchanged} unchanged."
        )
