"""Cached archive-wide figures follow every change, whichever process makes it."""

import os
import subprocess
import sys

import pytest
from django.core.cache import caches

from articles.caching import changed, cached


def counting():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_a_value_is_computed_once_until_the_archive_changes():
    calls, compute = counting()
    assert cached("test:once", compute) == cached("test:once", compute) == 1
    changed()
    assert cached("test:once", compute) == 2


def test_a_change_made_by_another_process_is_seen_here():
    """Another gunicorn worker or an import command: it shares only the generation."""
    calls, compute = counting()
    cached("test:other", compute)
    env = {**os.environ, "ARCHIVE_GENERATION_DIR": caches["generation"]._dir}
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from articles.caching import changed; changed()"],
        check=True, env={**env, "DJANGO_SETTINGS_MODULE": "archive.settings"},
    )
    cached("test:other", compute)
    assert len(calls) == 2


def test_the_default_cache_keeps_objects_without_pickling_them():
    from django.core.cache import cache

    counted = {"regions": {1: 3}}
    cache.set("kept", counted)
    assert cache.get("kept") is counted  # no copy made on the way in or out
    assert cache.add("kept", {}) is False and cache.add("new", 1) is True
    assert cache.incr("new", 2) == 3
    cache.set("brief", "x", timeout=-1)  # already expired
    assert cache.get("brief", "gone") == "gone"
    cache.clear()
    assert cache.get("kept") is None


def test_a_value_two_threads_ask_for_at_once_is_computed_once():
    import threading
    import time

    from articles.caching import cached_once

    calls, results = [], []

    def compute():
        calls.append(1)
        time.sleep(0.05)  # long enough for the other thread to ask meanwhile
        return ["the value"]

    threads = [threading.Thread(target=lambda: results.append(cached_once("slow-value", compute))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [1] and results == [["the value"]] * 3
    assert cached_once("slow-value", lambda: ["again"]) == ["the value"]  # kept, as cached() keeps it


def test_an_error_computing_a_value_once_reaches_every_thread_and_is_not_kept():
    from articles.caching import cached_once

    def fail():
        raise RuntimeError("the index is gone")

    with pytest.raises(RuntimeError):
        cached_once("failing-value", fail)
    assert cached_once("failing-value", lambda: "computed") == "computed"
