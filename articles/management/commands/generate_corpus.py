import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from articles import corpus
from articles.caching import changed
from articles.gazetteer import load_regions
from articles.importing import BulkLoad, Inline, OrderedPool, copy_data
from articles.models import Article, Person, Region, Source
from articles.search import sqlite as sqlite_search
from articles.search.postgres import TABLE as SEARCH_TABLE
from articles.search.documents import region_closure

# No monitor thread behind the progress bar: worker processes are forked, and forking a
# process with threads running risks a deadlock in the child.
tqdm.monitor_interval = 0

# How much coverage each country gets: the archive is about Iraq and Syria first.
COUNTRY_WEIGHTS = {
    "iraq": 10, "syria": 10, "turkey": 2.5, "lebanon": 2, "yemen": 2, "libya": 1.5, "egypt": 1.5,
    "iran": 1.5, "israel": 1, "palestine": 1, "jordan": 1, "saudi-arabia": 1, "afghanistan": 1,
}
KIND_WEIGHTS = {"world_region": 0.3, "country": 4, "province": 1.2, "district": 0.15, "city": 1, "site": 0.4}


def region_weights(seed):
    rng = random.Random(seed)
    weights = []
    for pk, kind, path in Region.objects.order_by("path").values_list("pk", "kind", "path"):
        parts = path.strip("/").split("/")
        country = parts[1] if len(parts) > 1 else None
        base = COUNTRY_WEIGHTS.get(country, 0.4 if parts[0] in ("middle-east", "north-africa") else 0.01)
        weights.append((pk, base * KIND_WEIGHTS[kind] * rng.lognormvariate(0, 1)))
    return weights


class Command(BaseCommand):
    help = "Generate a realistic, deterministic archive of N published articles for measuring the archive."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--workers", type=int, default=2, help="Processes generating text (default 2).")

    def handle(self, *args, articles, seed, batch_size, workers, **options):
        if articles <= 0:
            raise CommandError("--articles must be positive.")
        vendor = connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise CommandError(f"generate_corpus writes to PostgreSQL or SQLite, not {vendor}.")
        started = time.perf_counter()
        if not Region.objects.exists():
            load_regions()
        corpus._plan = self.plan(seed, batch_size, articles, vendor)
        batches = -(-articles // batch_size)
        bar = tqdm(total=articles, unit="articles", disable=not sys.stderr.isatty(), file=sys.stderr)
        if workers > 1:
            # Forked workers must not inherit Django's open connection (they never use it).
            connection.close()
        with OrderedPool(workers) if workers > 1 else Inline() as pool:
            load = BulkLoad.of(articles)
            with load.atomic():
                self.clear_stale_entries(vendor, corpus._plan.first_article_id)
                for batch_no, parts in enumerate(pool.ordered(corpus._batch_rows, range(batches), ahead=2 * workers)):
                    self.write(vendor, load, *parts)
                    bar.update(min(batch_size, articles - batch_no * batch_size))
                self.reset_sequence(vendor)
                # Measurements follow: the planner needs to know. The entries went in past the
                # backend's counting. (Counting them in the workers instead, and adding the
                # sums up at the end, measured slower.)
                load.finish(analyze=True, recount=True)
        changed()
        bar.close()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Generated {articles:,} articles on {vendor} in {elapsed:.1f} s ({articles / elapsed:,.0f} articles/s)."
        )

    def plan(self, seed, batch_size, count, vendor):
        generator = corpus.CorpusGenerator(seed, [(1, 1)])
        sources = []
        for index, name in enumerate(generator.sources):
            kind = Source.Kind.PUBLICATION if index < len(corpus.PUBLICATIONS) else Source.Kind.AGENCY
            sources.append(Source.objects.get_or_create(name=name, defaults={"kind": kind})[0])
        existing = {p.name: p for p in Person.objects.filter(name__in=generator.people)}
        taken = set(Person.objects.values_list("slug", flat=True))
        new = []
        for name, role in zip(generator.people, generator.person_roles):
            if name not in existing:
                slug, n = slugify(name), 1
                while slug in taken:
                    n += 1
                    slug = f"{slugify(name)}-{n}"
                taken.add(slug)
                new.append(Person(name=name, slug=slug, description=role))
        Person.objects.bulk_create(new, batch_size=1000)
        people = {p.name: p for p in Person.objects.filter(name__in=generator.people)}
        max_id = Article.objects.aggregate(m=Max("id"))["m"] or 0
        max_media = Article.objects.aggregate(m=Max("media_id"))["m"] or 0
        return corpus.CorpusPlan(
            seed=seed,
            region_weights=region_weights(seed),
            closure=region_closure(),  # both backends index every region above an article's places
            person_ids=[people[name].pk for name in generator.people],
            person_names=list(generator.people),
            source_ids=[s.pk for s in sources],
            first_article_id=max_id + 1,
            first_media_id=max(max_media + 1, 80_000_000),
            batch_size=batch_size,
            count=count,
            vendor=vendor,
            now=timezone.now(),
        )

    @staticmethod
    def reset_sequence(vendor):
        """Articles come with their ids: move PostgreSQL's id sequence past them."""
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), (SELECT MAX(id) FROM articles_article))"
                )

    @staticmethod
    def clear_stale_entries(vendor, first_id):
        """SQLite's index may hold rows of articles deleted behind its back, under the ids
        about to be used (PostgreSQL's cascades)."""
        if vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {sqlite_search.TABLE} WHERE rowid >= %s", [first_id])
                cursor.execute(f"DELETE FROM {sqlite_search.FACETS} WHERE article_id >= %s", [first_id])

    def write(self, vendor, load, *parts):
        tables = corpus.tables()
        if vendor == "postgresql":
            self.copy(load, zip(tables, parts))
        else:
            self.insert(zip(tables[:-1], parts[:-1]))
            self.insert_entries(parts[-1])

    @staticmethod
    def copy(load, parts):
        """The workers' binary COPY data, passed on as it is: the search rows to where the
        load writes them (importing.BulkLoad.copy_search)."""
        for (table, columns, _), data in parts:
            if table == SEARCH_TABLE:
                load.copy_search(data)
            else:
                copy_data(connection, table, columns, data)

    @staticmethod
    def insert_entries(rows):
        """SQLiteSearch.write_rows, without its stale-row check (done once, up front) or its
        counting (done once, at the end): counting batch by batch took half of a load's time."""
        with connection.cursor() as cursor:
            sqlite_search.SQLiteSearch.insert_rows(cursor, rows)

    @staticmethod
    def insert(parts):
        with connection.cursor() as cursor:
            for (table, columns, _), rows in parts:
                if rows:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
