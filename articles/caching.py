"""Archive-wide figures (the filter form's choices, counts over the whole archive, a
query's facets) cached until the archive changes.

Every write that can change them calls `changed()` (the search index hears of every write,
so `search.reindex` and the bulk loaders do), which gives the archive a new generation
token; cached values are keyed by it. Each process caches values in its own memory, but the
token lives in a cache every process shares (settings.CACHES["generation"]), so a write in
one gunicorn worker or in an import command is seen by all of them: nothing stale is shown,
and an idle archive answers from memory.
"""

import uuid

from django.core.cache import cache, caches
from django.db import connection, transaction

GENERATION_KEY = "archive:generation"
TIMEOUT = 60 * 60


def generation():
    shared = caches["generation"]
    value = shared.get(GENERATION_KEY)
    if value is None:
        value = _bump()
    return value


def _bump():
    # A fresh token rather than a counter: two writers can never land on the same value.
    value = uuid.uuid4().hex
    caches["generation"].set(GENERATION_KEY, value, None)
    return value


def changed():
    _bump()
    if connection.in_atomic_block:
        # Again once the change is visible to others: a request in between may have
        # counted the archive as it was and cached that under the first token.
        transaction.on_commit(_bump)


def cached(name, compute, timeout=TIMEOUT):
    key = f"archive:{generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
