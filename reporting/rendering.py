"""The board pack as HTML (a Django template) and as a tagged PDF (WeasyPrint).

WeasyPrint fetches whatever a document links to. The pack's document links only to its
own print stylesheets, and ``StaticFilesOnly`` makes sure nothing else is ever read:
no ``file:`` URLs (``<img src=file:///etc/passwd>``), no network, no ``data:``.

The PDF's tags are finished by ``reporting.tagging.finish_tags`` (WeasyPrint's
``finisher`` hook), and the PDF is written with ``KeptPageList``, which makes tagging a
large pack linear instead of quadratic (see its docstring).
"""

import mimetypes
import posixpath
import threading
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

import pydyf
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .tagging import finish_tags

# The document's base URL. Nothing is ever fetched from it: StaticFilesOnly answers
# for this origin from the project's static files (".invalid" can never resolve).
PACK_ORIGIN = "https://board-pack.invalid"
STATIC_PREFIX = "/static/"
PRINT_STYLESHEETS = ["reporting/board-pack.css", "reporting/board-pack-print.css"]


class RefusedURL(ValueError):
    """WeasyPrint asked for something other than one of the project's static files."""


def static_name(url):
    """The static file name that ``url`` stands for, or ``RefusedURL``."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin != PACK_ORIGIN or parts.query or not parts.path.startswith(STATIC_PREFIX):
        raise RefusedURL(f"The board pack may only use its own static files, not {url}")
    name = unquote(parts.path.removeprefix(STATIC_PREFIX))
    segments = name.split("/")
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or any(segment in ("", ".", "..") for segment in segments)
        or posixpath.normpath(name) != name
    ):
        raise RefusedURL(f"Not a static file name: {url}")
    return name


class StaticFilesOnly(URLFetcher):
    """A WeasyPrint URL fetcher that serves the project's static files and refuses
    every other URL. A refused URL is logged by WeasyPrint and left out of the PDF."""

    def fetch(self, url, headers=None):
        name = static_name(url)
        path = finders.find(name)
        if not path:
            raise RefusedURL(f"No static file {name}")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        with open(path, "rb") as stream:
            body = stream.read()
        return URLFetcherResponse(url, body, headers={"Content-Type": content_type})


def stylesheet_urls():
    return [f"{PACK_ORIGIN}{STATIC_PREFIX}{name}" for name in PRINT_STYLESHEETS]


def render_pack_html(context):
    """The print document: the same partials as the screen preview, with print CSS."""
    return render_to_string(
        "reporting/pack/document.html", {**context, "stylesheets": stylesheet_urls()}
    )


def render_pack_pdf(html, url_fetcher=None, *, keep_page_list=True):
    """A tagged PDF (PDF/UA-1: structure tree, language and title from the document).

    ``keep_page_list=False`` writes it with pydyf's own ``PDF``: the same bytes, slower
    (the tests compare the two)."""
    document = HTML(
        string=html, base_url=f"{PACK_ORIGIN}/", url_fetcher=url_fetcher or StaticFilesOnly()
    )
    with pdf_class(KeptPageList if keep_page_list else None):
        return document.write_pdf(pdf_variant="pdf/ua-1", finisher=finish_tags)


# -- the page list, kept -------------------------------------------------------------


class KeptPageList(pydyf.PDF):
    """A ``pydyf.PDF`` that keeps the references of its pages as they are added.

    ``pydyf.PDF.page_references`` builds a new tuple of every page each time it is read,
    and WeasyPrint reads it for every structure element it tags (``weasyprint.pdf.tags``:
    ``pdf.page_references[page_number]``), so tagging costs pages × elements: at 1,000
    actions, half of the time spent writing the PDF. This subclass builds the tuple once
    and only again after a page is added. The PDF written is byte for byte the same.

    Offered upstream (see README "Board packs"): in pydyf, keep the list in ``add_page``;
    in WeasyPrint, read ``page_references[page_number]`` once per page in ``add_tags``.
    """

    def __init__(self):
        self._page_references = None
        super().__init__()

    def add_page(self, page):
        super().add_page(page)
        self._page_references = None

    @property
    def page_references(self):
        if self._page_references is None:
            self._page_references = super().page_references
        return self._page_references


PYDYF_PDF = pydyf.PDF
_pdf_class_lock = threading.Lock()
_pdf_class_users = [0]


@contextmanager
def pdf_class(cls):
    """WeasyPrint makes its PDF with ``pydyf.PDF()`` and offers no hook to choose the
    class, so for the duration of a render ``pydyf.PDF`` is ``cls`` (a subclass with
    the same behaviour); pydyf's own class is put back when the last render ends.
    ``cls=None`` leaves pydyf alone."""
    if cls is None:
        yield
        return
    with _pdf_class_lock:
        if _pdf_class_users[0] == 0:
            pydyf.PDF = cls
        _pdf_class_users[0] += 1
    try:
        yield
    finally:
        with _pdf_class_lock:
            _pdf_class_users[0] -= 1
            if _pdf_class_users[0] == 0:
                pydyf.PDF = PYDYF_PDF
