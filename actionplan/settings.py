"""Settings, read from the environment.

Out of the box (no environment) this runs in development mode (DEBUG on) on an SQLite file in
``var/``, so that ``make run`` just works. Production sets ``DEBUG=0``, a
``SECRET_KEY``, ``ALLOWED_HOSTS`` and a ``postgres://`` ``DATABASE_URL``.
"""

import datetime
import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Development by default, so that a fresh clone just works; production sets DEBUG=0,
# and then refuses to start without a SECRET_KEY.
DEBUG = env_bool("DEBUG", default=True)


def _secret_key():
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example the output of: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or set DEBUG=1 for local development."
        )
    # Development only: a random key kept in the git-ignored var/ folder, so that
    # sessions survive a restart and no key is ever committed.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "django_filters",
    "axes",
    "csp",
    # The second factor: an authenticator app (TOTP) and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "agencies",
    "actionplan",
    "reporting",
    "notifications",
    "imports",
    "integrity",
]

MIDDLEWARE = [
    # First: behind a proxy, the client's address from X-Forwarded-For (only when
    # TRUSTED_PROXY_COUNT says how many proxies to trust), for everything below.
    "actionplan.security.ReverseProxyMiddleware",
    "actionplan.security.SecurityHeadersMiddleware",
    # X-Frame-Options and the Content Security Policy on every response: above WhiteNoise
    # (static files) and CommonMiddleware (a Host not in ALLOWED_HOSTS gets the 400 page
    # from there), whose responses never reach the middleware below them.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor?
    "django_otp.middleware.OTPMiddleware",
    # After authentication, so that every history row knows who made the change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs a person out 12 hours after they signed in, however active they are (after
    # the messages, so that the sign-in page can say why).
    "actionplan.security.SessionLifetimeMiddleware",
    # People whose roles need a second factor see only its pages (and sign-out) until
    # they have set it up and used it (agencies/factors.py, MFA_REQUIRED_ROLES).
    "agencies.factors.SecondFactorMiddleware",
    # A form that cannot be decoded (a charset other than UTF-8) gets the 400 page
    # before any view or error page reads it.
    "actionplan.security.UnreadableRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "actionplan.urls"
WSGI_APPLICATION = "actionplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actionplan.context_processors.viewer",
            ],
        },
    },
]


def _database():
    default_sqlite = f"sqlite:///{VAR_DIR / 'actionplan.sqlite3'}"
    url = os.environ.get("DATABASE_URL") or default_sqlite
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # Real write locks on SQLite: select_for_update() is a no-op there.
        config.setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's similarity ratio lets "leaverleaver" through for "leaver": this does not.
    {"NAME": "agencies.validators.UsernameInPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # by role: actionplan.views.landing
LOGOUT_REDIRECT_URL = "login"

# -- Security (README, "Security") ----------------------------------------------------
# Production is HTTPS only, behind a reverse proxy that terminates TLS and sets
# X-Forwarded-Proto. Development (DEBUG on, runserver over plain HTTP) leaves the
# HTTPS-only settings off so that http://127.0.0.1:8000 works.
HTTPS_ONLY = not DEBUG
# Django's own defaults already give nosniff, Referrer-Policy same-origin, COOP
# same-origin, X-Frame-Options DENY, HttpOnly and SameSite=Lax session cookies and UTC-
# aware datetimes: they are not restated here but pinned in
# tests/security/test_settings_pinned.py, which fails if an upgrade changes one.
# The proxy must overwrite X-Forwarded-Proto and gunicorn must be reachable only from
# the proxy; otherwise a client could claim HTTPS. Without it the redirect loops.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
# "preload" only consents to the browsers' preload list: nothing changes until the
# owner of the registrable domain submits it at hstspreload.org (hard to undo, and it
# covers every subdomain). HSTS_PRELOAD=0 drops the token where the partnership's IT
# does not want that consent given (check --deploy then warns W021).
SECURE_HSTS_PRELOAD = HTTPS_ONLY and env_bool("HSTS_PRELOAD", default=True)

# Cookies: Secure and "__Host-" (no Domain, Path=/) in production; never readable from
# JavaScript; sent on top-level navigation from other sites (Lax) so that a link in an
# email opens the page signed in, while cross-site POSTs carry no cookie.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS_ONLY
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS_ONLY else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS_ONLY else "csrftoken"
CSRF_COOKIE_HTTPONLY = True  # (the session cookie is HttpOnly by Django's default)

# Sessions end after 30 minutes without a request (every request pushes the expiry
# back), 12 hours after signing in whatever happens (SessionLifetimeMiddleware), and
# when the browser closes. Django gives a new session key at every sign-in.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60

# The largest real form (an action: 5,000 + 5,000 + 2,000 characters, percent-encoded)
# is about 110 KB; anything over 256 KB is refused with the 400 page. The proxy should
# refuse large bodies first (client_max_body_size in the nginx example).
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

# Content Security Policy (django-csp 4): everything from this origin, no inline script
# or style (the templates have none), no plugins, no <base>, never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Sign-in protection (django-axes 8). Ten failed sign-ins lock the username -- on its
# own and together with the address -- for 15 minutes; failures count until 15 minutes
# pass without one, so ten in 5 minutes always lock. While locked even the right
# password is refused, and tries made then do not extend the lock. Unknown usernames
# are counted and locked exactly like real ones, so the pages never tell them apart.
# Not by address alone: a whole agency may share one address. Reset a lock early with
# `manage.py axes_reset_username USERNAME`.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_LOCK_OUT_AT_FAILURE = True
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "actionplan.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "actionplan.security.client_ip"
AXES_ONLY_ADMIN_SITE = False
AXES_NEVER_LOCKOUT_GET = False
# Sign-ins and failures go to the product's own audit log (agencies.AuditEvent).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]
# -- The second factor (README, "Security") ------------------------------------------
# People holding any of these roles (a membership as chair or business manager, or a
# superuser) must set up an authenticator app and enter a code from it after their
# password. Production asks it of all three unless MFA_REQUIRED_ROLES says otherwise;
# development (`make run`, the tests) of nobody unless it is set.
MFA_ROLES = ("chair", "business_manager", "superuser")
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", "" if DEBUG else ",".join(MFA_ROLES))
if set(MFA_REQUIRED_ROLES) - set(MFA_ROLES):
    raise ImproperlyConfigured(
        f"MFA_REQUIRED_ROLES may only name {', '.join(MFA_ROLES)}; "
        f"it says {', '.join(MFA_REQUIRED_ROLES)}."
    )
# Wrong codes: each one doubles the wait before the next try (1, 2, 4 ... seconds), and
# each one also counts towards the sign-in lockout above (agencies/factors.py).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_ISSUER = "Action plan tracker"

# How many reverse proxies in front append to X-Forwarded-For (nginx alone: 1). 0, the
# default, trusts none and takes the address of whoever connects.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Error reports never carry what people typed: no POST values, no local variables.
DEFAULT_EXCEPTION_REPORTER_FILTER = "actionplan.security.NoUserDataExceptionReporterFilter"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# Dates the British way: 30 September 2015, 30/09/2015.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]

STATIC_URL = "static/"
# Static files are for this site's pages only: no "Access-Control-Allow-Origin: *".
WHITENOISE_ALLOW_ALL_ORIGINS = False
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]


def _attachments_storage():
    """Where attached files are kept: a private folder outside every URL by default, or
    any storage class (e.g. django-storages' S3Storage) with options as JSON."""
    backend = os.environ.get("ATTACHMENTS_STORAGE") or "django.core.files.storage.FileSystemStorage"
    options = os.environ.get("ATTACHMENTS_STORAGE_OPTIONS")
    if options:
        try:
            options = json.loads(options)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"ATTACHMENTS_STORAGE_OPTIONS is not JSON: {error}"
            ) from None
    else:
        options = {"location": str(VAR_DIR / "attachments"), "base_url": None}
    return {"BACKEND": backend, "OPTIONS": options}


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    "attachments": _attachments_storage(),
}
# -- Attachments (README, "Attachments") ------------------------------------------------
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB") or 20) * 1024 * 1024
# A clamd daemon's Unix socket: new files are held as "being checked" until it finds them
# clean. Empty: no scanning.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")

# -- Email (README, "Email") -----------------------------------------------------------
# Django's own settings, from the environment under Django's own names. With no
# EMAIL_HOST, development prints emails on the console; production refuses to send (the
# messages wait in the outbox, "Not sent yet", saying why) rather than print them.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
# Seconds to wait for the mail server before trying again later.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT") or 20)
DEFAULT_FROM_EMAIL = (
    os.environ.get("DEFAULT_FROM_EMAIL") or "Action plan tracker <noreply@localhost>"
)
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "notifications.backends.NotConfiguredBackend"


def _site_url():
    """The service's address, for links in emails: SITE_URL, or in production
    https:// and the first of ALLOWED_HOSTS (when it is a name, not a pattern)."""
    url = os.environ.get("SITE_URL", "").strip().rstrip("/")
    if url or DEBUG:
        return url or "http://127.0.0.1:8000"
    host = ALLOWED_HOSTS[0] if ALLOWED_HOSTS else ""
    return f"https://{host}" if host and not host.startswith((".", "*")) else ""


SITE_URL = _site_url()
# A password reset link works for 2 hours (it is made when the email is sent); an
# invitation's for 7 days (notifications.accounts.INVITATION_DAYS).
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60

# History: who, when, what and why -- and never undone from the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Board packs are made in the background (reporting/tasks.py): rendering one takes
# seconds to minutes, too long for a web request. The queue is a database table,
# worked by one `manage.py db_worker` (django-tasks-db; `make run` starts it).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Logs go to standard error (gunicorn and systemd collect them). Django logs the path of
# a failed request and the traceback, never the body: what people typed stays out of the
# logs (tests/security/test_errors.py). gunicorn's access log leaves out query strings
# (gunicorn.conf.py): a search can hold a name.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
