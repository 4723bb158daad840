"""Production mode: DEBUG=0 with a SECRET_KEY and ALLOWED_HOSTS passes Django's deployment
checks with nothing silenced, and refuses to start without a SECRET_KEY."""

from .conftest import production_env, run_python

ONE_YEAR = 365 * 24 * 60 * 60


def test_check_deploy_passes_at_warning_level_with_nothing_silenced():
    result = run_python(
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(\n"
        "    ['manage.py', 'check', '--deploy', '--fail-level', 'WARNING']\n"
        ")\n",
        production_env(),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]

    result = run_python("import django; django.setup()", env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_refuses_an_empty_secret_key_too():
    result = run_python("import django; django.setup()", production_env(SECRET_KEY=""))

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_is_still_the_default(settings):
    # The test run imports the settings without DEBUG in the environment (pytest-django
    # then turns DEBUG off for the tests themselves): HTTPS-only settings are off.
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SESSION_COOKIE_SECURE is False


def test_hsts_is_one_year_with_subdomains_and_preload(production_settings):
    assert production_settings["SECURE_HSTS_SECONDS"] == ONE_YEAR
    assert production_settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production_settings["SECURE_HSTS_PRELOAD"] is True


def test_https_is_enforced_and_the_proxy_header_is_honoured(production_settings):
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_cookies_are_secure_http_only_same_site_and_host_prefixed(production_settings):
    s = production_settings
    assert (s["SESSION_COOKIE_SECURE"], s["CSRF_COOKIE_SECURE"]) == (True, True)
    assert (s["SESSION_COOKIE_HTTPONLY"], s["CSRF_COOKIE_HTTPONLY"]) == (True, True)
    assert (s["SESSION_COOKIE_SAMESITE"], s["CSRF_COOKIE_SAMESITE"]) == ("Lax", "Lax")
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert s["CSRF_COOKIE_NAME"].startswith("__Host-")


def test_sessions_end_after_30_idle_minutes_and_12_hours(production_settings):
    s = production_settings
    assert s["SESSION_COOKIE_AGE"] == 30 * 60
    assert s["SESSION_SAVE_EVERY_REQUEST"] is True
    assert s["SESSION_ABSOLUTE_TIMEOUT"] == 12 * 60 * 60
    assert "actionplan.security.SessionLifetimeMiddleware" in s["MIDDLEWARE"]


def test_hsts_preload_can_be_switched_off_by_the_domain_owner():
    result = run_python(
        "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)",
        production_env(HSTS_PRELOAD="0"),
    )

    assert result.stdout.strip().splitlines()[-1] == "False"
