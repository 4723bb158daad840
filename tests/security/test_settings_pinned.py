"""Security settings the service relies on, pinned here rather than restated in
settings.py: Django's defaults for these are right today, and this test says so if a
Django upgrade (or a well-meant edit) ever changes one."""

from django.conf import settings


def test_the_security_defaults_the_service_relies_on_are_in_force():
    pinned = {
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "SIMPLE_HISTORY_REVERT_DISABLED": True,
        "WHITENOISE_ALLOW_ALL_ORIGINS": False,
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 256 * 1024,
        "DATA_UPLOAD_MAX_NUMBER_FIELDS": 1000,
        "USE_TZ": True,
        "TIME_ZONE": "Europe/London",
    }
    actual = {name: getattr(settings, name, None) for name in pinned}
    assert actual == pinned


def test_history_and_sign_in_protection_are_switched_on():
    assert "simple_history.middleware.HistoryRequestMiddleware" in settings.MIDDLEWARE
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", ["username", "ip_address"]]


def test_attachments_are_kept_in_a_private_folder_unless_configured(monkeypatch):
    from actionplan import settings as project

    monkeypatch.delenv("ATTACHMENTS_STORAGE", raising=False)
    monkeypatch.delenv("ATTACHMENTS_STORAGE_OPTIONS", raising=False)
    default = project._attachments_storage()
    assert default["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert default["OPTIONS"]["location"].endswith("attachments")
    assert default["OPTIONS"]["base_url"] is None

    monkeypatch.setenv("ATTACHMENTS_STORAGE", "storages.backends.s3.S3Storage")
    monkeypatch.setenv("ATTACHMENTS_STORAGE_OPTIONS", '{"bucket_name": "plans"}')
    s3 = project._attachments_storage()
    assert s3 == {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "plans"}}


def test_storage_options_that_are_not_json_are_refused_clearly(monkeypatch):
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from actionplan import settings as project

    monkeypatch.setenv("ATTACHMENTS_STORAGE_OPTIONS", "bucket=plans")
    with pytest.raises(ImproperlyConfigured, match="not JSON"):
        project._attachments_storage()
