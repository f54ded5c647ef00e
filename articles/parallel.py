"""Database work a request hands to a second connection, to run while it does other work.

A search page asks two independent things of the index: the page's ids in order of relevance
and the facet counts. Each takes up to a few hundred milliseconds on a broad query at a
million articles, most of it inside PostgreSQL on one core; asked one after the other, a
reader waits for the sum, and on two cores the second one sits idle. `submit()` runs one of
them on a thread of this process with a database connection of its own.

Only where a second connection sees what the first one does: not inside a transaction
(a test's, or ATOMIC_REQUESTS), whose uncommitted rows no other connection can see, and
not on an in-memory SQLite database, which another connection does not share. Elsewhere,
and when settings.ARCHIVE_PARALLEL_QUERIES is off, `submit()` runs the work at once, in the
calling thread: the answers are the same either way, only the time differs.
"""

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connection, connections
from django.urls import get_script_prefix, get_urlconf, set_script_prefix, set_urlconf
from django.utils import translation

# Threads per process: one per thread a gunicorn worker serves requests on (gunicorn.conf.py
# sets GUNICORN_THREADS), so no request waits for another's background work.
THREADS = int(os.environ.get("GUNICORN_THREADS", "4"))

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None


def submit(function, *args) -> Future:
    """`function(*args)` as a Future: run by a background thread where that is safe (see the
    module docstring), else run now."""
    if not _can_run_apart():
        future = Future()
        try:
            future.set_result(function(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever asks for the result
            future.set_exception(exc)
        return future
    # What the request's thread has set for itself, which the work may depend on (a link
    # made by reverse(), a date formatted in the reader's language): carried over.
    context = (get_script_prefix(), get_urlconf(), translation.get_language())
    return _executor().submit(_run, function, args, context)


def _can_run_apart() -> bool:
    if not settings.ARCHIVE_PARALLEL_QUERIES or connection.in_atomic_block:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def _executor() -> ThreadPoolExecutor:
    global _pool, _pool_pid
    with _lock:
        # A pool's threads do not survive a fork: a forked process (a gunicorn worker
        # forked after the master used one) starts its own.
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="archive-db")
            _pool_pid = os.getpid()
        return _pool


def open_connections():
    """Have every thread of this process's pool started, each with its database connections
    open (see warmup.open_connections)."""
    from .warmup import connect, on_every_thread

    if _can_run_apart():
        on_every_thread(_executor().submit, THREADS, connect)


def shutdown():
    """Stop this process's threads, once their work is done: before it forks (a forked child
    inherits no threads, but may inherit a lock one of them held)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True)
            _pool = None


def _run(function, args, context):
    # Each thread keeps its own connection, as a request thread does, with the same rules:
    # one past its CONN_MAX_AGE or broken is replaced before use, and none is kept when
    # connections are not persistent.
    close_old_connections()
    prefix, urlconf, language = context
    set_script_prefix(prefix)
    set_urlconf(urlconf)
    try:
        with translation.override(language):
            return function(*args)
    finally:
        set_urlconf(None)
        set_script_prefix("/")
        if all(connections[alias].settings_dict["CONN_MAX_AGE"] == 0 for alias in connections):
            connections.close_all()
