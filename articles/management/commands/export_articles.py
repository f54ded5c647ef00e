import sys

from django.core.management.base import BaseCommand

from articles.exporting import jsonl_lines
from articles.models import Article


class Command(BaseCommand):
    help = "Write every article, drafts included, as JSON Lines to standard output, ordered by media ID."

    def handle(self, *args, **options):
        # Bytes straight to stdout: the export must be the same to the byte on every platform.
        out = sys.stdout.buffer
        for line in jsonl_lines(Article.objects.order_by("media_id")):
            out.write(line.encode("utf-8"))
        out.flush()
