"""Keeping the search index in step with every write an editor makes in the admin or the
shell. Bulk paths (the importers, the corpus generator) call `reindex` themselves, since
bulk writes send no signals."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from . import backend, reindex


def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex([instance.pk])


def article_deleting(sender, instance, **kwargs):
    # Before the row goes: PostgreSQL's ON DELETE CASCADE would take the entry with it
    # unseen, and the counts kept beside the index need its regions, sources and people.
    backend().forget([instance.pk])


def article_deleted(sender, instance, **kwargs):
    reindex([instance.pk])  # nothing published left under this id: its entry goes


def article_relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # a region or source gained or lost articles
        if pk_set:
            reindex(list(pk_set))
    else:
        reindex([instance.pk])


def quote_changed(sender, instance, raw=False, origin=None, **kwargs):
    from articles.models import Article

    # A quote deleted along with its article: the article's own deletion removes the
    # entry, and indexing it again halfway (its credits already gone) would count it twice.
    if raw or getattr(origin, "model", type(origin)) is Article:
        return
    reindex([instance.article_id])


def person_saved(sender, instance, raw=False, **kwargs):
    # Speakers' names are searchable: a renamed person changes the articles quoting them.
    if not raw:
        reindex(list(instance.quotes.values_list("article_id", flat=True).distinct()))


def region_saved(sender, instance, raw=False, **kwargs):
    # Entries list every region above an article's places; a moved region changes them.
    if not raw:
        from articles.models import Article

        reindex(list(Article.objects.in_region(instance).values_list("pk", flat=True)))


def source_saved(sender, instance, raw=False, **kwargs):
    # Sources are not indexed, but the archive-wide figures name them.
    from articles.caching import changed

    changed()


def connect():
    from articles.models import Article, Person, Quote, Region, Source

    post_save.connect(article_saved, sender=Article, dispatch_uid="search-article-saved")
    pre_delete.connect(article_deleting, sender=Article, dispatch_uid="search-article-deleting")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="search-article-deleted")
    m2m_changed.connect(article_relations_changed, sender=Article.regions.through, dispatch_uid="search-regions")
    m2m_changed.connect(article_relations_changed, sender=Article.credits.through, dispatch_uid="search-credits")
    post_save.connect(quote_changed, sender=Quote, dispatch_uid="search-quote-saved")
    post_delete.connect(quote_changed, sender=Quote, dispatch_uid="search-quote-deleted")
    post_save.connect(person_saved, sender=Person, dispatch_uid="search-person-saved")
    post_save.connect(region_saved, sender=Region, dispatch_uid="search-region-saved")
    post_save.connect(source_saved, sender=Source, dispatch_uid="search-source-saved")
