import os
import subprocess
import sys

import pytest
from django.db import DatabaseError


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_is_503_when_the_database_does_not(client, db, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def refuse(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_deploy_checks_pass_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "x7!k2m9q#w4e8r1t6y3u0i5o2p9a4s7d1f6g3h8j5k0l2z7x4c9v1b6n3m8q5w2e7r4t1y6",
        "ALLOWED_HOSTS": "archive.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_checks_catch_the_fallback_secret_key():
    env = {**os.environ, "DJANGO_DEBUG": "0", "ALLOWED_HOSTS": "archive.example.org"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr
