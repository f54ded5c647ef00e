"""articles.W001: PostgreSQL without the RUM index that ranks search results."""

import os
import subprocess
import sys

import pytest
from django.core import checks
from django.db import connection

from articles.checks import RUM_INDEX, check_rum_index

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def w001(messages):
    return [m for m in messages if m.id == "articles.W001"]


def rum_available():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        return cursor.fetchone() is not None


def ensure_rum_index():
    """The index as the search migration makes it where the extension exists; created here
    (inside the test's transaction) in case the database predates that migration."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {RUM_INDEX} ON articles_search "
            "USING rum (document rum_tsvector_ops)"
        )


def drop_rum_index():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {RUM_INDEX}")


def test_the_check_is_a_database_check():
    # So a plain `manage.py check` (and `check --deploy`) never connects for it.
    assert checks.Tags.database in check_rum_index.tags
    assert check_rum_index in checks.registry.registry.get_checks()


@on_postgres
@pytest.mark.django_db
def test_warns_without_the_rum_index():
    drop_rum_index()  # rolled back with the test's transaction
    messages = check_rum_index(databases=["default"])
    assert [m.id for m in messages] == ["articles.W001"]
    (warning,) = messages
    assert warning.level == checks.WARNING
    assert warning.msg == "PostgreSQL has no RUM index for search ranking"
    major = connection.pg_version // 10000
    assert f"postgresql-{major}-rum" in warning.hint
    assert "rebuild_search_index" in warning.hint


@on_postgres
@pytest.mark.django_db
def test_rebuild_search_index_makes_the_missing_rum_index():
    """The extension installed after the migrations ran: the command the hint names makes it."""
    from django.core.management import call_command

    if not rum_available():
        pytest.skip("the rum extension is not installed on this PostgreSQL server (postgresql-<major>-rum)")
    from articles.search.postgres import PROMINENT_INDEX, PostgresSearch

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no index is built with checks pending
        cursor.execute(f"DROP INDEX IF EXISTS {PROMINENT_INDEX}")
    drop_rum_index()
    assert w001(check_rum_index(databases=["default"])) != []
    call_command("rebuild_search_index", stdout=open(os.devnull, "w"))
    assert w001(check_rum_index(databases=["default"])) == []
    # And the prominent words' index, which ranks one-word searches.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = %s", [PROMINENT_INDEX]
        )
        assert cursor.fetchall() == [("rum",)]
    assert PostgresSearch._rum_indexes() == {RUM_INDEX, PROMINENT_INDEX}
    connection.connection.archive_rum_indexes = None  # what the rollback brings back is asked again


@on_postgres
@pytest.mark.django_db
def test_silent_with_the_rum_index():
    if not rum_available():
        pytest.skip("the rum extension is not installed on this PostgreSQL server (postgresql-<major>-rum)")
    ensure_rum_index()
    assert w001(check_rum_index(databases=["default"])) == []


@on_postgres
@pytest.mark.django_db
def test_runs_through_the_registry_only_when_given_databases():
    drop_rum_index()
    assert w001(checks.run_checks(databases=["default"])) != []
    assert w001(checks.run_checks()) == []


@on_postgres
@pytest.mark.django_db
def test_a_gin_index_of_that_name_is_not_a_rum_index():
    drop_rum_index()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX {RUM_INDEX} ON articles_search USING gin (document)")
    assert len(w001(check_rum_index(databases=["default"]))) == 1


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite only")
@pytest.mark.django_db
def test_nothing_to_say_on_sqlite():
    assert check_rum_index(databases=["default"]) == []
    assert w001(checks.run_checks(databases=["default"])) == []


def test_an_unreachable_database_is_skipped_not_an_error():
    # Nothing listens on port 1: the check must stay quiet and let the command go on.
    env = {**os.environ, "DATABASE_URL": "postgres://root@127.0.0.1:1/nowhere"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--database", "default"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "articles.W001" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr

