"""Archive-wide figures (the filter form's choices, counts over the whole archive) cached
until the archive changes.

Every write that can change them bumps a generation number (the search index hears of
every write, so `search.reindex` and the bulk loaders call `changed()`), and cached values
are keyed by it: nothing stale is ever shown, and an idle archive answers from memory.
"""

from django.core.cache import cache

GENERATION_KEY = "archive:generation"
TIMEOUT = 60 * 60


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = 0
        cache.add(GENERATION_KEY, value, None)
    return value


def changed():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def cached(name, compute, timeout=TIMEOUT):
    key = f"archive:{generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
