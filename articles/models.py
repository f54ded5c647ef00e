"""The newsroom's records: articles, their sources, the people they quote and the places
they name."""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from .names import fold_name
from .querysets import ArticleQuerySet, PersonQuerySet, QuoteQuerySet, RegionQuerySet, SourceQuerySet


@functools.lru_cache(maxsize=50_000)
def _path(prefix, urlconf, name, args):
    return reverse(name, args=args)


def link(name, *args):
    """reverse(name, args=args), kept per process: a listing or search page links every
    article, place, source and person it shows, about 130 links, and reverse() costs about
    20 us each (3 ms of a page). Keyed by everything the path depends on."""
    return _path(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, name, args)


def unique_slug(model, text, *, exclude_pk=None, max_length=80, fallback="item"):
    """A slug for `text` not yet taken in `model`, with -2, -3... on collision."""
    base = slugify(text)[:max_length].strip("-") or fallback
    slug, n = base, 1
    taken = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base[: max_length - len(str(n)) - 1]}-{n}"
    return slug


def clean_aliases(value):
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise ValidationError("Aliases must be a list of names.")


class Named(models.Model):
    """Something the newsroom refers to by name or by one of its aliases."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        validators=[clean_aliases],
        help_text="Other spellings it answers to, one list item each.",
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def names(self):
        return [self.name, *self.aliases]

    def clean(self):
        super().clean()
        self.name = " ".join(self.name.split())
        if not fold_name(self.name):
            raise ValidationError({"name": "A name needs at least one letter or digit."})
        self.aliases = sorted({" ".join(a.split()) for a in self.aliases if fold_name(a)})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, exclude_pk=self.pk, fallback=self._meta.model_name)
        super().save(*args, **kwargs)


class Source(Named):
    class Kind(models.TextChoices):
        PUBLICATION = "publication", "Publication"
        AGENCY = "agency", "News agency"
        BROADCASTER = "broadcaster", "Broadcaster"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PUBLICATION)
    history = HistoricalRecords()

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return link("articles:source", self.slug)


class Person(Named):
    description = models.CharField(
        max_length=500, blank=True, help_text="Who they are, as articles put it: “Iraqi analyst who monitors ISIS”."
    )
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def get_absolute_url(self):
        return link("articles:person", self.slug)


class Region(Named):
    """A place in the curated gazetteer tree: Middle East > Iraq > Saladin Governorate > Baiji.

    `path` is a materialised path of slugs ("/middle-east/iraq/saladin-governorate/"), so
    "this region and everything below it" is one indexed prefix match at any depth.
    """

    class Kind(models.TextChoices):
        WORLD_REGION = "world_region", "World region"
        COUNTRY = "country", "Country"
        PROVINCE = "province", "Governorate or province"
        DISTRICT = "district", "District"
        CITY = "city", "City or town"
        SITE = "site", "Site"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    iso_code = models.CharField("ISO code", max_length=10, blank=True, db_index=True)
    geonames_id = models.PositiveIntegerField("GeoNames ID", null=True, blank=True)
    path = models.CharField(max_length=1000, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    history = HistoricalRecords(excluded_fields=["path", "depth"])

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["path"]

    def get_absolute_url(self):
        return link("articles:region", self.slug)

    def compute_path(self):
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.slug}/"

    def clean(self):
        super().clean()
        node, seen = self.parent, set()
        while node is not None:
            if node.pk is not None and node.pk == self.pk or node.pk in seen:
                raise ValidationError({"parent": "A region cannot lie inside itself: this parent chain loops."})
            seen.add(node.pk)
            node = node.parent

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Region, self.name, exclude_pk=self.pk, fallback="region")
        old_path = None
        if self.pk:
            old_path = Region.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        self.path = self.compute_path()
        self.depth = self.path.count("/") - 2
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moving or renaming a region carries everything below it along.
                Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + (self.path.count("/") - old_path.count("/")),
                )

    def ancestors(self):
        """From the top of the tree down to the parent, in one query."""
        slugs = self.path.strip("/").split("/")[:-1]
        by_slug = {r.slug: r for r in Region.objects.filter(slug__in=slugs)}
        return [by_slug[s] for s in slugs if s in by_slug]

    def is_below(self, other):
        return self.path.startswith(other.path) and self.path != other.path


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    media_id = models.PositiveBigIntegerField(
        "media ID", unique=True, help_text="The archive's public number for the article."
    )
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=120, allow_unicode=False)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Plain text; paragraphs separated by blank lines.")
    published_on = models.DateField(null=True, blank=True, db_index=True)
    publication = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="published_articles"
    )
    credits = models.ManyToManyField(
        Source, blank=True, related_name="credited_articles", help_text="Agencies and others credited."
    )
    byline = models.CharField(max_length=300, blank=True)
    section = models.CharField(max_length=120, blank=True)
    original_url = models.URLField("original URL", max_length=1000, blank=True)
    language = models.CharField(max_length=12, default="en")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    regions = models.ManyToManyField(Region, blank=True, related_name="articles")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-media_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_on__isnull=False),
                name="published_article_has_date",
                violation_error_message="A published article needs a publication date.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="article_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_on", "-media_id"], name="article_listing"),
            # The archive's last change, which every feed request asks for (Last-Modified)
            # and the sitemap too: read from the end of this index rather than from every
            # article (0.3-0.4 s at a million).
            models.Index(fields=["updated"], name="article_updated"),
        ]

    def __str__(self):
        return f"{self.media_id}: {self.title}"

    def get_absolute_url(self):
        return link("articles:article", self.media_id, self.slug)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def paragraphs(self):
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    def clean(self):
        super().clean()
        self.title = " ".join(self.title.split())
        if self.status == self.Status.PUBLISHED and self.published_on is None:
            raise ValidationError({"published_on": "A published article needs a publication date."})

    def save(self, *args, **kwargs):
        self.slug = article_slug(self.title)
        super().save(*args, **kwargs)


def article_slug(title):
    # Article URLs carry the media ID, so the slug only has to be readable, not unique.
    return slugify(title)[:120].strip("-") or "article"


class Quote(models.Model):
    """Something a person said in an article, directly or as reported speech."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="quotes")
    text = models.TextField()
    given_to = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quotes_given",
        help_text="The outlet the person spoke to, as in “told AFP”.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Order within the article.")
    history = HistoricalRecords()

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="quote_text_not_empty")]
        # Which of some articles quote which people, from the index alone (related articles
        # weigh 200 candidates so): without it, each candidate's quotes were read from the
        # table, quote text and all.
        indexes = [models.Index(fields=["article", "person"], name="quote_article_person")]

    def __str__(self):
        return f"{self.person}: {self.text[:60]}"

    def clean(self):
        super().clean()
        self.text = self.text.strip()
        if not self.text:
            raise ValidationError({"text": "A quote needs its words."})


class PageCapture(models.Model):
    """The captured page a draft was imported from (`import_pages`), and what was found in it.

    `text` is what every span of `extraction` indexes: the capture itself for a plain-text
    page, a plain rendition (title, paragraphs) for saved HTML. `fingerprint` hashes the
    article as the import wrote it: when the article's own fingerprint no longer matches, an
    editor has changed or published it since, and a re-import leaves it alone unless forced.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="page_capture")
    key = models.CharField(
        max_length=1100,
        unique=True,
        help_text="What makes a page the same page again: its media ID, else its URL, else a hash of its text.",
    )
    source_name = models.CharField("file", max_length=1000)
    format = models.CharField(max_length=10, choices=[("text", "Plain text"), ("html", "HTML")])
    text = models.TextField()
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the file as read.")
    extraction = models.JSONField(default=dict, help_text="What was extracted, each item with its span in the text.")
    flags = models.JSONField(default=list, blank=True)
    fingerprint = models.CharField(max_length=64)
    imported_at = models.DateTimeField()
    doubts_checked_at = models.DateTimeField(null=True, blank=True)
    doubts_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return self.source_name
