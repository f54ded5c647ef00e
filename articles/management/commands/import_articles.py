import sys
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.importing import Importer

# No monitor thread behind the progress bar: worker processes are forked, and forking a
# process with threads running risks a deadlock in the child.
tqdm.monitor_interval = 0


class Command(BaseCommand):
    help = (
        "Import articles from JSON Lines files (one article per line, as export_articles writes them); "
        "'-' reads standard input. Upserts by media ID; a file with a bad line changes nothing "
        "unless --keep-going."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--keep-going", action="store_true", help="Import the good lines of a file that has bad ones.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar, even on a terminal.")

    def handle(self, *args, files, keep_going, no_progress, **options):
        show_progress = not no_progress and sys.stderr.isatty()
        rejected = 0
        importer = None
        for name in files:
            if name == "-":
                stream, size, expected = nullcontext(sys.stdin.buffer), None, 0
            else:
                path = Path(name)
                if not path.is_file():
                    self.stderr.write(f"{name}: no such file")
                    rejected += 1
                    continue
                stream, size = path.open("rb"), path.stat().st_size
                expected = count_lines(path)
            bar = tqdm(total=size, unit="B", unit_scale=True, desc=name, disable=not show_progress, file=sys.stderr)
            if importer is None:
                importer = Importer(keep_going=keep_going, progress=bar.update)
            importer.progress = bar.update
            with stream as lines:
                report = importer.import_lines(name, lines, expected)
            bar.close()
            for rejection in report.rejected:
                self.stderr.write(str(rejection))
            self.stdout.write(report.summary())
            rejected += len(report.rejected)
        if rejected:
            raise CommandError(f"{rejected} line(s) rejected.")


def count_lines(path):
    """A file's lines, counted ahead (a fraction of a second per 100,000 articles) so that a
    big file can be loaded as one."""
    with path.open("rb") as file:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))
