"""Requests gunicorn hands to the application, built by hand: what the test client
cannot send, because it builds its own requests."""

from wsgiref.util import setup_testing_defaults

import pytest

from actionplan.wsgi import application


def serve(**environ):
    """Call the WSGI application as gunicorn does; (status, headers, body)."""
    env = {}
    setup_testing_defaults(env)
    env.update({"HTTP_HOST": "testserver", **environ})
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(application(env, start_response))
    return seen["status"], seen["headers"], body


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["rot13", "base64", "hex", "zlib", "no-such-charset"])
def test_a_get_declaring_a_charset_that_is_not_text_still_gets_the_page(charset):
    status, headers, body = serve(
        REQUEST_METHOD="GET",
        PATH_INFO="/accounts/login/",
        QUERY_STRING="next=%2F",
        CONTENT_TYPE=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert status.startswith("200"), status
    assert b"Sign in" in body
    assert "Content-Security-Policy" in headers


@pytest.mark.django_db
def test_a_get_in_latin_1_is_read_in_latin_1():
    status, _, body = serve(
        REQUEST_METHOD="GET",
        PATH_INFO="/accounts/login/",
        QUERY_STRING="next=%2F",
        CONTENT_TYPE="text/plain; charset=latin-1",
    )
    assert status.startswith("200")
