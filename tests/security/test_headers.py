"""Every URL pattern's response carries the security headers, with production's settings;
cookies are Secure, HttpOnly, SameSite and __Host- after signing in; HTTP goes to HTTPS."""

import re

import pytest
from django.urls import reverse

from tests.test_access_matrix import MATRIX, ROLES, project_url_names

from .conftest import HTTPS

PASSWORD = "a perfectly long test passphrase"
EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script without src
    re.compile(r"<style[\s>]", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),  # onclick= and friends
    re.compile(r"javascript:", re.I),
]


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response, where):
    headers = response.headers
    assert "Content-Security-Policy" in headers, where
    if "download_attachment" in str(where) and response.status_code == 200:
        # An attached document: stricter still, nothing may run even if it is opened.
        assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox", where
    else:
        assert csp_directives(headers["Content-Security-Policy"]) == EXPECTED_CSP, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    assert headers.get("Cross-Origin-Resource-Policy") == "same-origin", where
    assert "camera=()" in headers.get("Permissions-Policy", ""), where
    assert headers.get("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    ), where


def assert_no_inline_script_or_style(response, where):
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    html = response.content.decode()
    for pattern in INLINE:
        match = pattern.search(html)
        assert match is None, (where, match and html[max(0, match.start() - 80) : match.end() + 80])


def role_for(name, method):
    """Who to ask as: someone who gets the page (GET) or whose POST goes through."""
    _, get_expected, post_expected = MATRIX[name]
    expected = get_expected if method == "get" else post_expected
    if isinstance(expected, str):
        return "board_member" if expected == "logout-post" else "anonymous"
    for wanted in ("ok", "done") if method == "get" else ("done", "ok"):
        for role in ROLES[1:]:
            if expected.get(role) == wanted:
                return role
    if method == "post":
        return role_for(name, "get")  # a page that takes no POST (405): as its reader
    return "manager"  # a page that takes no GET (405)


CASES = [(name, method) for name in MATRIX for method in ("get", "post")]


@pytest.mark.parametrize(("name", "method"), CASES)
def test_every_url_pattern_carries_the_security_headers(in_production, client, world, name, method):
    from tests.test_access_matrix import post_data

    kwargs_spec = MATRIX[name][0]
    url = reverse(name, kwargs={key: make(world) for key, make in kwargs_spec.items()})
    role = role_for(name, method)
    if role != "anonymous":
        client.force_login(world["users"][role])
    if method == "get":
        response = client.get(url, **HTTPS)
    else:
        response = client.post(url, post_data(name, world), **HTTPS)

    assert response.status_code < 500, (name, method, role)
    assert_security_headers(response, (name, method, role, response.status_code))
    assert_no_inline_script_or_style(response, (name, method, role))
    if role != "anonymous" and response.status_code == 200:
        # A signed-in person's pages are never kept in a cache.
        assert "no-store" in response["Cache-Control"], (name, method)


def test_the_matrix_covers_every_url_pattern_so_this_walk_does_too():
    board_packs = {name for name in project_url_names() if name.startswith("board_pack")}
    assert project_url_names() - set(MATRIX) - board_packs == set()


@pytest.mark.parametrize(
    "name", ["board_packs", "board_pack_new", "board_pack_preview", "board_pack_issue"]
)
def test_the_board_pack_pages_carry_the_headers(in_production, client, world, name):
    client.force_login(world["users"]["manager"])
    if name == "board_pack_issue":
        response = client.post(reverse(name), {}, **HTTPS)
    else:
        response = client.get(reverse(name), **HTTPS)

    assert response.status_code == 200
    assert_security_headers(response, name)
    assert_no_inline_script_or_style(response, name)


def test_error_pages_carry_the_headers(in_production, client, board_member):
    client.force_login(board_member)

    not_found = client.get("/no-such-page/", **HTTPS)
    forbidden = client.get(reverse("manage"), **HTTPS)

    assert not_found.status_code == 404
    assert forbidden.status_code == 403
    for response in (not_found, forbidden):
        assert_security_headers(response, response.status_code)
        assert_no_inline_script_or_style(response, response.status_code)


def test_the_admin_carries_the_headers(in_production, client, django_user_model, plan):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    anonymous = client.get(reverse("admin:login"), **HTTPS)
    client.force_login(root)
    pages = [
        reverse("admin:index"),
        reverse("admin:actionplan_action_changelist"),
        reverse("admin:actionplan_action_change", args=[plan.sections.first().actions.first().pk]),
        reverse("admin:auth_user_add"),
    ]
    responses = [anonymous] + [client.get(page, **HTTPS) for page in pages]

    for response in responses:
        assert response.status_code == 200
        assert_security_headers(response, response.request["PATH_INFO"])
        # The admin of Django 5.2 has no inline script either (data-* attributes instead).
        html = response.content.decode()
        assert INLINE[0].search(html) is None, response.request["PATH_INFO"]


def test_plain_http_is_redirected_to_https(in_production, client, db):
    direct = client.get("/accounts/login/?next=/dashboard/")
    via_proxy_over_http = client.get("/", HTTP_X_FORWARDED_PROTO="http")

    assert direct.status_code == 301
    assert direct["Location"] == "https://testserver/accounts/login/?next=/dashboard/"
    assert via_proxy_over_http.status_code == 301
    assert via_proxy_over_http["Location"] == "https://testserver/"


def test_https_through_the_proxy_is_not_redirected(in_production, client, db):
    response = client.get("/accounts/login/", **HTTPS)

    assert response.status_code == 200


def test_cookies_after_signing_in_are_secure_http_only_same_site_and_host_only(
    in_production, client, board_member
):
    board_member.set_password(PASSWORD)
    board_member.save()

    page = client.get(reverse("login"), **HTTPS)
    csrf = page.cookies["__Host-csrftoken"]
    signed_in = client.post(
        reverse("login"), {"username": "board.member", "password": PASSWORD}, **HTTPS
    )
    session = signed_in.cookies["__Host-sessionid"]

    assert signed_in.status_code == 302
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""  # __Host-: never sent to other hosts
    # The session cookie dies with the browser; the server ends it after 30 idle minutes.
    assert session["max-age"] == ""
    assert session["expires"] == ""


def test_the_sign_in_page_and_its_lockout_page_carry_the_headers(in_production, client, db):
    for _ in range(10):
        client.post(reverse("login"), {"username": "someone", "password": "wrong"}, **HTTPS)
    locked = client.post(reverse("login"), {"username": "someone", "password": "x"}, **HTTPS)

    assert locked.status_code == 429
    assert_security_headers(locked, "lockout")
    assert_no_inline_script_or_style(locked, "lockout")


def test_a_host_not_allowed_gets_the_400_page_with_every_header(in_production, client, db):
    # Refused by CommonMiddleware, before most of the middleware: the headers still go on.
    client.raise_request_exception = False

    response = client.get("/accounts/login/", HTTP_HOST="evil.example", **HTTPS)

    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()
    assert_security_headers(response, "bad host")
    assert_no_inline_script_or_style(response, "bad host")
    assert "no-store" in response["Cache-Control"]


def test_a_host_not_allowed_over_plain_http_gets_the_400_page_with_the_headers(
    in_production, client, db
):
    # Refused by SecurityMiddleware while working out where to redirect to.
    client.raise_request_exception = False

    response = client.get("/accounts/login/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    headers = response.headers
    assert csp_directives(headers["Content-Security-Policy"]) == EXPECTED_CSP
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in headers["Cache-Control"]


@pytest.fixture
def static_files_served(settings):
    """WhiteNoise serving the files of static/ as it serves collectstatic's in
    production (tests do not run collectstatic)."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.mark.parametrize("path", ["/static/js/app.js", "/static/build/app.css"])
def test_static_files_carry_the_headers_and_are_not_shared_with_other_sites(
    in_production, static_files_served, client, db, path
):
    response = client.get(path, **HTTPS)

    assert response.status_code == 200
    assert_security_headers(response, path)
    assert "Access-Control-Allow-Origin" not in response.headers
