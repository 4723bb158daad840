"""Email settings come from the environment under Django's own names; with no mail
server, development prints emails and production refuses to send (they wait, saying why)."""

import json

from tests.security.conftest import production_env, run_python

NAMES = [
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "SITE_URL",
]


def settings_with(env):
    code = (
        "import json\n"
        "from django.conf import settings\n"
        f"print(json.dumps({{n: getattr(settings, n) for n in {NAMES!r}}}))\n"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_reads_the_mail_server_from_the_environment():
    values = settings_with(
        production_env(
            EMAIL_HOST="smtp.example.org",
            EMAIL_PORT="587",
            EMAIL_HOST_USER="plans",
            EMAIL_HOST_PASSWORD="secret",
            EMAIL_USE_TLS="1",
            DEFAULT_FROM_EMAIL="Action plans <plans@example.org>",
            SITE_URL="https://plans.example.org/",
        )
    )

    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "plans",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "Action plans <plans@example.org>",
        "SITE_URL": "https://plans.example.org",
    }


def test_production_without_a_mail_server_refuses_to_send_and_links_to_its_host():
    values = settings_with(production_env(ALLOWED_HOSTS="plans.example.org,localhost"))

    assert values["EMAIL_BACKEND"] == "notifications.backends.NotConfiguredBackend"
    assert values["SITE_URL"] == "https://plans.example.org"


def test_development_without_a_mail_server_prints_emails_on_the_console():
    env = production_env(DEBUG="1")
    values = settings_with(env)

    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["SITE_URL"] == "http://127.0.0.1:8000"
