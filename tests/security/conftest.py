"""Shared by the security tests: the settings production really runs with, the fixed
cast's world from the access matrix, and counts of every history table."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

# Chromium and signing in through the form, for test_csp_in_the_browser.py.
from tests.browser.conftest import browser_type_launch_args, sign_in  # noqa: F401
from tests.test_access_matrix import world  # noqa: F401  (the objects the URLs point at)

# The settings that make production production, read from a fresh interpreter started
# with production's environment: what the tests override is what really runs.
PRODUCTION_SETTINGS = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE",
    "SESSION_SAVE_EVERY_REQUEST",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "SESSION_ABSOLUTE_TIMEOUT",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "CONTENT_SECURITY_POLICY",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "MIDDLEWARE",
    "AUTHENTICATION_BACKENDS",
]


def production_env(**extra):
    """The environment of a production process (a throwaway key)."""
    env = {
        key: value
        for key, value in os.environ.items()
        # The test run's own settings stay behind (the browser tests allow async-unsafe
        # calls, which check --deploy rightly refuses).
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver,plans.example.org",
        DJANGO_SETTINGS_MODULE="actionplan.settings",
    )
    env.update(extra)
    return env


def run_python(code, env, timeout=120):
    return subprocess.run(  # noqa: S603 -- our own interpreter and code
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def production_settings():
    """{name: value} of the security settings with DEBUG=0, SECRET_KEY and ALLOWED_HOSTS."""
    code = (
        "import json\n"
        "from django.conf import settings\n"
        f"names = {PRODUCTION_SETTINGS!r}\n"
        "print(json.dumps({n: getattr(settings, n) for n in names}))\n"
    )
    result = run_python(code, production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def in_production(settings, production_settings):
    """These tests run with production's security settings (HTTPS only, __Host- cookies
    and the rest). Requests must say they came through the HTTPS proxy: see ``https``."""
    for name, value in production_settings.items():
        setattr(settings, name, value)
    return settings


# What the TLS-terminating proxy adds to every request it passes on.
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "127.0.0.1"}


def history_models():
    """Every django-simple-history table, and the models they track."""
    historical = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    tracked = [m.instance_type for m in historical if hasattr(m, "instance_type")]
    return historical + tracked


def table_counts():
    """{table: row count} for every history table and tracked table, in one query."""
    tables = sorted({model._meta.db_table for model in history_models()})
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))
