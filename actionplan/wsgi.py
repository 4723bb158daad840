"""The WSGI application gunicorn serves (``actionplan.wsgi:application``)."""

import codecs
import os

import django
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.utils.http import parse_header_parameters

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionplan.settings")


class Request(WSGIRequest):
    """Django's request, except that a charset which is not a text encoding (``rot13``,
    ``base64``: Python knows them, but they turn bytes into bytes) is ignored like an
    unknown one. Django would try it on the query string while building the request,
    before any middleware, and the person would get the server's bare 500 page."""

    def _set_content_type_params(self, meta):
        self.content_type, self.content_params = parse_header_parameters(
            meta.get("CONTENT_TYPE", "")
        )
        charset = self.content_params.get("charset")
        if charset:
            try:
                info = codecs.lookup(charset)
            except LookupError:
                return
            if getattr(info, "_is_text_encoding", True):
                self.encoding = charset


class Handler(WSGIHandler):
    request_class = Request


django.setup(set_prefix=False)
application = Handler()
