"""The board pack as a PDF, read back with pypdf: what a board member would read."""

import datetime
import io
import re
from dataclasses import dataclass
from functools import cached_property

import pytest
import time_machine
from django.db import connection, transaction
from pypdf import PdfReader

from actionplan.models import Rag
from agencies.models import Agency, Membership
from reporting.pack import pack_context
from reporting.rendering import StaticFilesOnly, render_pack_html, render_pack_pdf
from tests.conftest import make_person

from .conftest import action_of, add_evidence_on, load_seed_copy, london, rate_on

# Every test asks for the database, so that the module's pack is built in the test one.
pytestmark = pytest.mark.django_db
SEPT_30 = datetime.date(2015, 9, 30)
HOSTILE = "<img src=file:///etc/passwd> <script>alert('x')</script> & more"
HUGE_WORD = "W" * 5000
HEADER_ROW = "Action Outcome Lead Timescale Current position RAG"
RAG_WORDS = {"Red", "Amber", "Green", "Blue", "Not rated"}


class RecordingFetcher(StaticFilesOnly):
    """Serves what StaticFilesOnly serves, and remembers every URL asked for."""

    def __init__(self):
        super().__init__()
        self.asked = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        return super().fetch(url, headers)


@dataclass
class RenderedPack:
    pdf: bytes
    reader: PdfReader
    ratings: dict  # ref -> RAG word, as at 30 September 2015
    asked: list

    def page_text(self, index):
        return self.texts[index]

    @cached_property
    def texts(self):
        return [page.extract_text() for page in self.reader.pages]

    def bookmark_pages(self):
        return self.bookmarks

    @cached_property
    def bookmarks(self):
        """{title: 0-based page} for every bookmark, nested ones included."""
        found = {}

        def walk(items):
            for item in items:
                if isinstance(item, list):
                    walk(item)
                else:
                    found[item.title] = self.reader.get_destination_page_number(item)

        walk(self.reader.outline)
        return found

    @property
    def plan_pages(self):
        first = self.bookmark_pages()["The plan as at 30 September 2015"]
        return list(range(first, len(self.reader.pages)))


@pytest.fixture(scope="module")
def pack(django_db_setup, django_db_blocker, tmp_path_factory):
    """One pack, rendered once for the module: the seed plan loaded on 1 April 2015, with
    changes inside the period and after it, and hostile text. Rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        name = str(connection.settings_dict["NAME"])
        assert "test" in name or "memory" in name, f"not a test database: {name}"
        plan = load_seed_copy(tmp_path_factory.mktemp("seed"))
        chair = make_person("chair", plan.owner, Membership.Role.CHAIR)
        manager = make_person(
            "manager", Agency.objects.get(slug="bscb"), Membership.Role.BUSINESS_MANAGER
        )
        rate_on(
            plan, "2.1", Rag.GREEN, "Community events now in place", london(2015, 8, 15, 10), chair
        )
        rate_on(plan, "4.2", Rag.RED, "Licensing visits stalled", london(2015, 10, 1, 0, 30), chair)
        with time_machine.travel(london(2015, 8, 1, 9), tick=False):
            action_of(plan, "3.1").revise_timescale("Dec 2015", "Schools return in September")
        add_evidence_on(plan, "2.2", HOSTILE, london(2015, 8, 2), datetime.date(2015, 8, 2))
        add_evidence_on(plan, "3.1", HUGE_WORD, london(2015, 8, 2), datetime.date(2015, 8, 2))
        with time_machine.travel(london(2015, 10, 2, 8), tick=False):
            context = pack_context(plan, SEPT_30, generated_by=manager)
        ratings = {
            row.action.ref: row.action.rag_label for part in context["parts"] for row in part.rows
        }
        fetcher = RecordingFetcher()
        pdf = render_pack_pdf(render_pack_html(context), url_fetcher=fetcher)
        transaction.set_rollback(True)
    return RenderedPack(pdf, PdfReader(io.BytesIO(pdf)), ratings, fetcher.asked)


def squeeze(text):
    return re.sub(r"\s+", "", text)


def test_every_action_ref_appears_with_its_rag_word(pack):
    lines = [
        line.replace("•", "").strip()
        for index in pack.plan_pages
        for line in pack.page_text(index).splitlines()
    ]
    rag_word = re.compile(r"^({})\b".format("|".join(RAG_WORDS)))
    refs_found = {}
    current = None
    for line in lines:
        ref = line.split(" ", 1)[0]  # the ref's column comes first: the row's first line
        if ref in pack.ratings and current != ref:
            current = ref
            refs_found[current] = None
        elif current and (found := rag_word.match(line)):
            refs_found[current] = found.group(1)  # the RAG cell is the last word of a row
    assert list(refs_found) == list(pack.ratings)
    assert refs_found == pack.ratings
    assert (pack.ratings["2.1"], pack.ratings["4.2"]) == ("Green", "Not rated")


def test_the_cover_gives_partnership_title_period_as_at_marking_and_who(pack):
    cover = pack.page_text(0)
    for fact in [
        "Blackpool Safeguarding Children Board",
        "Child Sexual Exploitation Operational Action Plan",
        "Quarter 2, 2015/16",
        "As at 30 September 2015",
        "OFFICIAL-SENSITIVE",
        "By Manager Tester on 2 October 2015 at 08:00",
        "Draft: not issued".upper(),
    ]:
        assert fact in cover


def test_a_rating_change_in_the_period_is_listed_and_one_after_the_as_at_date_nowhere(pack):
    first, last = pack.bookmark_pages()["Changes since the last pack"], pack.plan_pages[0]
    changes = squeeze_spaces(" ".join(pack.page_text(i) for i in range(first, last)))
    assert "Changes made from 2 April 2015 to 30 September 2015" in changes
    row = re.search(r"2\.1 .*? Amber → Green (.*?) Chair Tester 15 Aug 2015, 10:00", changes)
    assert row and row.group(1) == "Community events now in place"
    everything = " ".join(pack.texts)
    assert "Licensing visits stalled" not in everything
    assert "Red" not in [line.strip() for line in everything.splitlines()]


def squeeze_spaces(text):
    return re.sub(r"\s+", " ", text)


def test_the_pdf_is_tagged_with_a_structure_tree_language_and_title(pack):
    root = pack.reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert pack.reader.metadata.title == (
        "Board pack: Child Sexual Exploitation Operational Action Plan, as at 30 September 2015"
    )
    assert pack.reader.metadata.author == "Blackpool Safeguarding Children Board"


def test_every_page_is_a4_landscape_with_marking_title_and_page_x_of_y(pack):
    total = len(pack.reader.pages)
    for number, page in enumerate(pack.reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)
        text = page.extract_text()
        assert text.count("OFFICIAL-SENSITIVE") >= 2  # header and footer
        assert "Child Sexual Exploitation Operational Action Plan" in text
        assert f"Page {number} of {total}" in text


def test_the_header_row_repeats_on_each_plan_page(pack):
    assert len(pack.plan_pages) > 5
    for index in pack.plan_pages:
        assert HEADER_ROW in squeeze_spaces(pack.page_text(index)), f"page {index + 1}"


def test_contents_page_numbers_match_the_bookmarks_of_each_part_and_section(pack):
    bookmarks = pack.bookmark_pages()
    assert list(bookmarks)[:5] == [
        "Cover",
        "Contents",
        "Summary",
        "Changes since the last pack",
        "The plan as at 30 September 2015",
    ]
    sections = [title for title in bookmarks if re.match(r"\d\. ", title)]
    assert len(sections) == 7
    contents = squeeze_spaces(pack.page_text(bookmarks["Contents"]))
    for title in ["Summary", "Changes since the last pack", *sections]:
        printed = re.search(re.escape(title) + r"[ .]*?(\d+)(?: |$)", contents)
        assert printed and int(printed.group(1)) == bookmarks[title] + 1, title


def test_timescales_show_overdue_and_the_original_when_revised(pack):
    plan_text = squeeze_spaces(" ".join(pack.page_text(i) for i in pack.plan_pages))
    assert "Dec 2015 originally Sept 2015" in plan_text
    assert re.search(r"Dec 2014 Overdue", plan_text)  # 1.1, due December 2014
    assert "Sept 2015 Overdue" not in plan_text  # due on the as-at date itself


def test_the_summary_gives_the_numbers_as_text_beside_the_chart(pack):
    summary = squeeze_spaces(pack.page_text(pack.bookmark_pages()["Summary"]))
    assert "All sections 0 6 8 0 5 19" in summary
    assert "Section 1" in summary  # the chart's own labels are real text too


def test_hostile_evidence_is_printed_as_text_and_fetches_nothing(pack):
    text = squeeze(" ".join(pack.texts))
    assert squeeze(HOSTILE) in text
    assert pack.asked == [
        "https://board-pack.invalid/static/reporting/board-pack.css",
        "https://board-pack.invalid/static/reporting/board-pack-print.css",
    ]


def test_a_five_thousand_character_word_wraps_and_the_pack_stays_bounded(pack):
    # In full in the plan; cut short in the list of changes. Wrapped, so in many lines.
    runs = re.findall(r"W{20,}", " ".join(pack.texts))
    assert len(runs) > 100 and max(len(run) for run in runs) < 100
    assert 5000 < sum(len(run) for run in runs) < 5500
    assert len(pack.reader.pages) < 25


# -- WeasyPrint may read the project's static files and nothing else ----------------


class OutcomeRecorder(StaticFilesOnly):
    def __init__(self):
        super().__init__()
        self.outcomes = {}

    def fetch(self, url, headers=None):
        try:
            response = super().fetch(url, headers)
        except ValueError:
            self.outcomes[url] = "refused"
            raise
        self.outcomes[url] = "served"
        return response


def test_the_url_fetcher_serves_the_packs_own_stylesheets():
    response = StaticFilesOnly().fetch(
        "https://board-pack.invalid/static/reporting/board-pack-print.css"
    )
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///work/main/static/reporting/board-pack.css",
        "http://example.com/board-pack.css",
        "https://example.com/static/reporting/board-pack.css",
        "http://board-pack.invalid/static/reporting/board-pack.css",
        "https://board-pack.invalid/etc/passwd",
        "https://board-pack.invalid/static/../../../etc/passwd",
        "https://board-pack.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://board-pack.invalid/static//etc/passwd",
        "https://board-pack.invalid/static/reporting/..%5c..%5cetc%5cpasswd",
        "https://board-pack.invalid/static/reporting/no-such-file.css",
        "https://board-pack.invalid/static/reporting/board-pack.css?x=1",
        "data:text/css,body{color:red}",
        "ftp://example.com/x.css",
    ],
)
def test_the_url_fetcher_refuses_anything_else(url):
    with pytest.raises(ValueError):
        StaticFilesOnly().fetch(url)


def test_a_document_asking_for_files_and_the_network_gets_nothing_but_still_renders():
    fetcher = OutcomeRecorder()
    html = """<!DOCTYPE html><html lang="en-GB"><head><title>T</title>
      <link rel="stylesheet" href="http://example.com/evil.css">
      <link rel="stylesheet" href="/static/reporting/board-pack.css"></head>
      <body><p>Text</p><img src="file:///etc/passwd" alt="">
      <img src="/static/../../etc/passwd" alt="">
      <img src="https://example.com/pixel.png" alt=""></body></html>"""
    pdf = render_pack_pdf(html, url_fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert fetcher.outcomes == {
        "http://example.com/evil.css": "refused",
        "https://board-pack.invalid/static/reporting/board-pack.css": "served",
        "file:///etc/passwd": "refused",
        "https://board-pack.invalid/etc/passwd": "refused",
        "https://example.com/pixel.png": "refused",
    }
