"""Queries in the newsroom's words: `Article.objects.published().in_region(iraq)`."""

from django.apps import apps
from django.db import models
from django.db.models import Q


def _model(name):
    return apps.get_model("articles", name)


class RegionQuerySet(models.QuerySet):
    def below(self, *regions, include_self=True):
        """The given regions and everything under them, at any depth."""
        if not regions:
            return self.none()
        condition = Q()
        for region in regions:
            condition |= Q(path__startswith=region.path)
        qs = self.filter(condition)
        if not include_self:
            qs = qs.exclude(pk__in=[r.pk for r in regions])
        return qs


class SourceQuerySet(models.QuerySet):
    pass


class PersonQuerySet(models.QuerySet):
    pass


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def drafts(self):
        return self.filter(status="draft")

    def in_region(self, *regions):
        """Articles placed in any of `regions` or anywhere below them, in one query."""
        if not regions:
            return self
        placed = _model("Article").regions.through.objects.filter(
            region__in=_model("Region").objects.below(*regions)
        )
        return self.filter(pk__in=placed.values("article_id"))

    def quoting(self, *people):
        if not people:
            return self
        quotes = _model("Quote").objects.filter(person__in=people)
        return self.filter(pk__in=quotes.values("article_id"))

    def from_source(self, *sources):
        """Published by any of `sources` or crediting one of them."""
        if not sources:
            return self
        credited = _model("Article").credits.through.objects.filter(source__in=sources)
        return self.filter(Q(publication__in=sources) | Q(pk__in=credited.values("article_id")))

    def between(self, date_from=None, date_to=None):
        """Published within the range, both ends inclusive; either end may be open."""
        qs = self
        if date_from:
            qs = qs.filter(published_on__gte=date_from)
        if date_to:
            qs = qs.filter(published_on__lte=date_to)
        return qs

    def newest_first(self):
        return self.order_by("-published_on", "-media_id")

    def oldest_first(self):
        return self.order_by("published_on", "media_id")

    def for_listing(self):
        """What an article card shows, fetched once for a whole page."""
        return self.select_related("publication").prefetch_related("regions", "credits")
