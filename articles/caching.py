"""Archive-wide figures (the filter form's choices, counts over the whole archive, a
query's facets) cached until the archive changes.

Every write that can change them calls `changed()` (the search index hears of every write,
so `search.reindex` and the bulk loaders do), which gives the archive a new generation
token; cached values are keyed by it. Each process caches values in its own memory, but the
token lives in a cache every process shares (settings.CACHES["generation"]), so a write in
one gunicorn worker or in an import command is seen by all of them: nothing stale is shown,
and an idle archive answers from memory.
"""

import functools
import hashlib
import threading
import uuid
import zlib
from concurrent.futures import Future

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.http import HttpResponse

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


class ObjectCache(LocMemCache):
    """Django's per-process memory cache, keeping the objects themselves rather than pickles
    of them (settings.CACHES["default"]). The values kept here are read, never changed: the
    filter form's choices, the region facets' regions, a search's counts. Unpickling them on
    every read cost a search page 2-5 ms (the facets' 600 regions alone 2 ms)."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            self._cache[key] += delta
            self._cache.move_to_end(key, last=False)
            return self._cache[key]


def _key(name):
    return f"archive:{generation()}:{name}"


def cached(name, compute, timeout=TIMEOUT):
    key = _key(name)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


_flights: dict = {}  # cache key -> Future of the value a thread is computing (cached_once)
_flights_lock = threading.Lock()


def cached_once(name, compute, timeout=TIMEOUT):
    """cached(), computed by one thread at a time in this process: a thread asking while
    another computes the value waits for it. For a value that two threads of one request
    ask for at once (a search page's page and its facets) and that costs hundreds of ms."""
    key = _key(name)
    value = cache.get(key)
    if value is not None:
        return value
    with _flights_lock:
        flight = _flights.get(key)
        computing = flight is None
        if computing:
            flight = _flights[key] = Future()
    if not computing:
        return flight.result()
    try:
        value = compute()
        cache.set(key, value, timeout)
        flight.set_result(value)
        return value
    except BaseException as exc:
        flight.set_exception(exc)
        raise
    finally:
        with _flights_lock:
            del _flights[key]


def cached_page(view):
    """Keep the page a view renders until the archive changes, for readers without a session.

    An article read by many at once (a link shared widely) then costs a cache lookup, not
    a render: an article page takes ~10 ms of Python to render, and wrk asked for hundreds a
    second; a search asked for again (a shared link, a researcher going back) costs no
    search. Only plain 200 responses are kept, in settings.CACHES["pages"], by full path;
    editors (who have a session, and may see drafts' links) always get a fresh page.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        pages = caches["pages"]
        # Hashed: a search's path may be 10,000 characters long, or hold characters that
        # memcached does not take in a key (which allows 250 characters, no spaces).
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = _key(f"page:{path}")
        kept = pages.get(key)
        if kept is not None:
            headers, content = kept
            return HttpResponse(zlib.decompress(content), headers=headers)
        response = view(request, *args, **kwargs)
        if getattr(response, "is_rendered", True) is False:
            response.render()  # a TemplateResponse (the sitemaps'), rendered to be kept
        if response.status_code == 200 and not response.streaming and not response.cookies:
            # Compressed: a search page with its timeline runs to 140 kB of HTML, and a
            # tenth of that keeps a full cache small (well under a millisecond either way).
            pages.set(key, (dict(response.items()), zlib.compress(response.content, 1)), TIMEOUT)
        return response

    return wrapper
