"""The board pack as HTML (a Django template) and as a tagged PDF (WeasyPrint).

WeasyPrint fetches whatever a document links to. The pack's document links only to its
own print stylesheets, and ``StaticFilesOnly`` makes sure nothing else is ever read:
no ``file:`` URLs (``<img src=file:///etc/passwd>``), no network, no ``data:``.
"""

import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

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


def render_pack_pdf(html, url_fetcher=None):
    """A tagged PDF (PDF/UA-1: structure tree, language and title from the document)."""
    document = HTML(
        string=html, base_url=f"{PACK_ORIGIN}/", url_fetcher=url_fetcher or StaticFilesOnly()
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")
