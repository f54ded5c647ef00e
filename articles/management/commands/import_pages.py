import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.page_import import PageImporter, PageOutcome, capture_paths, totals


class Command(BaseCommand):
    help = (
        "Import captured article pages (plain text like the seed, or saved HTML) as drafts for review. "
        "Arguments are files, folders (their .txt and .html files) or globs. Re-importing a page updates "
        "its draft; an article edited or published since its import is skipped unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR_OR_GLOB")
        parser.add_argument(
            "--force", action="store_true",
            help="Overwrite articles edited or published since their import (they go back to draft).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar, even on a terminal.")

    def handle(self, *args, paths, force, no_progress, **options):
        found = capture_paths(paths)
        importer = PageImporter(force=force)
        outcomes = []
        show_progress = not no_progress and sys.stderr.isatty()
        with tqdm(total=len(found), unit="page", disable=not show_progress, file=sys.stderr) as bar:
            for name, path, problem in found:
                if path is None:
                    outcome = PageOutcome(name, "refused", reason=problem)
                else:
                    outcome = importer.import_file(name, path)
                outcomes.append(outcome)
                with tqdm.external_write_mode():
                    self.stdout.write(outcome.summary())
                bar.update()
        self.stdout.write(totals(outcomes))
        failed = sum(o.failed for o in outcomes)
        if failed:
            raise CommandError(f"{failed} page(s) could not be imported.")
