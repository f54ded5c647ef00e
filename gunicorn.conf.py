"""gunicorn's settings for the archive. gunicorn reads this file by default when started from
the project folder (`make serve`, or `.venv/bin/gunicorn`; the app is archive.wsgi).

Overridable from the environment: GUNICORN_BIND (comma-separated for several), WEB_CONCURRENCY
(worker processes), GUNICORN_THREADS (threads per worker), GUNICORN_MAX_REQUESTS (recycle a
worker after that many requests; off by default), GUNICORN_ACCESS_LOG ('-' for stdout).

How the numbers were chosen: wrk -t1 -c16 -d12s on loopback, 2 cores, PostgreSQL with
100,000 generated articles, production settings, 2-8 interleaved runs per variant. The machine
was shared (load average 6-14), so only the comparison means anything. Mean requests/s:

    variant (workers x threads)   article   home   /healthz   CPU ms per article request
    sync 2 x 1                       14.1    21.4      234        59
    sync 4 x 1                       16.8    21.1       -         65
    gthread 1 x 8                    20.7    25.1      420        58
    gthread 2 x 2                    13.1    26.1       -         63
    gthread 2 x 4 (chosen)           18.1    28.1      683        63
    gthread 2 x 6                    19.2    31.4      634        65
    gthread 2 x 8                    21.3    30.2      752        65
    gthread 3 x 4                    18.6    31.7      613        65
    gthread 4 x 2                    16.4    29.3       -         56

An article page costs ~40 ms of Python and ~22 ms of PostgreSQL CPU. Sync workers wait idle
for the database and cannot keep connections alive (234 against 683 requests/s on a cheap
page); one process cannot use the second core; more processes than cores bought nothing. Eight
threads made 10-18 % more requests than four, but only by taking more of the shared machine's
CPU (1.38 cores against 1.14 on the article page) at a slightly higher CPU cost per request,
with twice the database connections and more requests over 2 s on the home page: on a
dedicated machine four threads per core already cover the database waits. Where PostgreSQL is
on another host (longer waits), GUNICORN_THREADS=8 is worth trying.
"""

import os


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "archive.wsgi:application"

bind = [b.strip() for b in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if b.strip()]

workers = int(os.environ.get("WEB_CONCURRENCY") or _cores())
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)

# Behind a proxy that keeps connections open; a few seconds is plenty for browsers too.
keepalive = 5
timeout = 30
graceful_timeout = 30

# Workers are not recycled after N requests (max_requests = 0). A recycled worker starts with
# empty caches (archive-wide figures and rendered pages are kept per process; recomputing the
# home page's figures takes seconds at 100,000 articles) and new database connections; at the hundreds of
# requests a second the article page aims for, max_requests = 5000 recycled a worker every
# 10-20 s in the measurements. No leak has been seen; set GUNICORN_MAX_REQUESTS if one is.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 0)
max_requests_jitter = max_requests // 10

# Load Django once in the master, then fork: workers start at once, share memory, and a broken
# release fails at start rather than in every worker. (Reloading code therefore needs a
# restart, not SIGHUP.) Loading opens no database connection, so none is shared across fork.
preload_app = True

# Persistent database connections, for gunicorn only: settings.py keeps DATABASE_CONN_MAX_AGE
# at 0 for runserver (a new thread per request, so a kept connection would never be reused)
# and for the management commands. Safe here because a gthread worker serves every request on
# one of a fixed pool of `threads` long-lived threads, and Django's connections are per thread:
# each thread reuses its own connection, no two requests ever share one at the same time, and
# the total stays bounded at workers x threads x 2 (16 on two cores, well below PostgreSQL's
# default max_connections of 100): a search also finds its page's ids on a second connection,
# from a pool of as many threads (articles/parallel.py). CONN_HEALTH_CHECKS (on in settings.py) replaces a
# connection the server dropped before a request uses it, and Django closes one left unusable
# by an error at the end of the request. An explicit DATABASE_CONN_MAX_AGE wins.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")

def when_ready(server):
    """In the master, with Django loaded and before the workers fork: compute the archive-wide
    figures once, so that every worker starts with them (articles/warmup.py). A database that
    is not there or not migrated yet only means workers compute them on demand."""
    from articles.warmup import warm

    try:
        warm()
    except Exception as exc:  # the server must start whatever the database's state
        server.log.warning("Archive figures not computed ahead (%s); workers will compute them.", exc)


def post_worker_init(worker):
    """In each worker, before its first request: its request threads started, each with its
    database connections open, and the threads they hand database work to (articles/warmup.py).
    A database that cannot be reached now only means threads connect at their first request."""
    from articles.warmup import open_connections

    try:
        open_connections(worker.tpool.submit, worker.cfg.threads)
    except Exception as exc:  # the worker must start whatever the database's state
        worker.log.warning("Database connections not opened ahead (%s); threads will open them.", exc)


# No runtime control socket ($HOME/.gunicorn/gunicorn.ctl): two servers on one machine would
# share its path, and nothing here uses gunicornc.
control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
