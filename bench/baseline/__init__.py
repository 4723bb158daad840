"""The board pack as it was before issue 16, frozen for ``make bench``: the baseline.

Its context code (``pack.py``), templates and print CSS are copies of the product's as
they stood then, rendered here the way they were (plain WeasyPrint, PDF/UA-1), so that
the bench measures today's layout and that one side by side in the same run. Nothing in
the product uses it. It reads the plan through the same public functions as the product
(``plan_snapshot``, ``changes_between``), so it keeps working as long as they do.
"""

from pathlib import Path

from django.template import Context, Engine
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .pack import pack_context

HERE = Path(__file__).resolve().parent
ORIGIN = "https://baseline-pack.invalid/static/"
STYLESHEETS = ["board-pack.css", "board-pack-print.css"]
ENGINE = Engine(dirs=[str(HERE / "templates")], autoescape=True)


class BaselineStylesheets(URLFetcher):
    """Serves the baseline's two stylesheets and nothing else."""

    def fetch(self, url, headers=None):
        name = url.removeprefix(ORIGIN)
        if not url.startswith(ORIGIN) or name not in STYLESHEETS:
            raise ValueError(f"The baseline pack only reads its own stylesheets, not {url}")
        body = (HERE / "static" / name).read_bytes()
        return URLFetcherResponse(url, body, headers={"Content-Type": "text/css"})


def baseline_html(plan, as_at):
    context = pack_context(plan, as_at)
    stylesheets = [ORIGIN + name for name in STYLESHEETS]
    html = ENGINE.get_template("baseline/document.html").render(
        Context({**context, "stylesheets": stylesheets})
    )
    return context, html


def baseline_pdf(html):
    document = HTML(string=html, base_url=ORIGIN, url_fetcher=BaselineStylesheets())
    return document.write_pdf(pdf_variant="pdf/ua-1")
