import multiprocessing
import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from articles import corpus, search
from articles.caching import changed
from articles.gazetteer import load_regions
from articles.models import Article, Person, Quote, Region, Source
from articles.search.documents import region_closure

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
        corpus._cached_generator = None  # made from the plan before, in this process
        batches = -(-articles // batch_size)
        last_batch = articles - (batches - 1) * batch_size
        bar = tqdm(total=articles, unit="articles", disable=not sys.stderr.isatty(), file=sys.stderr)
        context = multiprocessing.get_context("fork")
        if workers > 1:
            # Forked workers must not inherit Django's open connection (they never use it).
            connection.close()
        with context.Pool(workers) if workers > 1 else _Inline() as pool:
            with transaction.atomic():
                dropped = self.drop_search_indexes(vendor) if articles >= 20_000 else []
                for batch_no, rows in enumerate(pool.imap(corpus._batch_rows, range(batches))):
                    if batch_no == batches - 1:
                        rows = tuple(self.trim(part, rows[0][:last_batch]) for part in rows)
                    self.write(vendor, *rows)
                    bar.update(len(rows[0]))
                self.restore_indexes(vendor, dropped)
            self.reset_sequences(vendor)
        # The rows went in by COPY, past the index's incremental counting: count them all.
        search.backend().recount()
        changed()
        bar.close()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Generated {articles:,} articles on {vendor} in {elapsed:.1f} s ({articles / elapsed:,.0f} articles/s)."
        )

    @staticmethod
    def trim(part, kept_articles):
        kept = {row[0] for row in kept_articles}
        if part and len(part[0]) == 15:  # the articles themselves
            return list(kept_articles)
        return [row for row in part if row[0] in kept]

    def plan(self, seed, batch_size, count, vendor):
        rng = random.Random(seed)
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
                from django.utils.text import slugify

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
        del rng
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
            vendor=vendor,
            now=timezone.now(),
        )

    ARTICLE_COLUMNS = (
        "id, media_id, title, slug, summary, body, published_on, publication_id, byline, section, "
        "original_url, language, status, created, updated"
    )

    def write(self, vendor, articles, places, credits, quotes, index):
        regions_table = Article.regions.through._meta.db_table
        credits_table = Article.credits.through._meta.db_table
        tables = [
            (Article._meta.db_table, self.ARTICLE_COLUMNS, articles),
            (regions_table, "article_id, region_id", places),
            (credits_table, "article_id, source_id", credits),
            (Quote._meta.db_table, "article_id, person_id, text, given_to_id, position", quotes),
        ]

        with connection.cursor() as cursor:
            for table, columns, rows in tables:
                if not rows:
                    continue
                if vendor == "postgresql":
                    with cursor.connection.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(rows[0]))
                    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        search.backend().write_rows(index)

    def drop_search_indexes(self, vendor):
        """A big load goes faster with the search table's indexes built once, afterwards."""
        if vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'articles_search' "
                "AND indexname <> 'articles_search_pkey'"
            )
            dropped = cursor.fetchall()
            for name, _ in dropped:
                cursor.execute(f"DROP INDEX {name}")
        return dropped

    def restore_indexes(self, vendor, dropped):
        with connection.cursor() as cursor:
            if dropped:
                # Run the deferred foreign-key checks now: PostgreSQL builds no index on a
                # table with checks pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _, definition in dropped:
                cursor.execute(definition)

    def reset_sequences(self, vendor):
        if vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), (SELECT MAX(id) FROM articles_article))"
            )
            cursor.execute("ANALYZE")


class _Inline:
    """A pool of one: the work done in this process."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def imap(self, function, items):
        return map(function, items)
