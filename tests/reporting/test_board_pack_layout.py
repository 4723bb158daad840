"""The board pack's layout, read back from the PDF as a board member reads it: how many
pages, rows that run on to the next page and say so, the summary that summarises, the
exception report's one-line rows, a chart for a plan of many sections, the running head
and a cover made on the plan's first day."""

import datetime
import io
import re
from dataclasses import dataclass
from functools import cached_property

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from actionplan.models import Rag
from reporting.models import PackKind
from reporting.pack import long_date, pack_context
from reporting.rendering import render_pack_html, render_pack_pdf

from .conftest import load_seed_copy, london, rate_on
from .structure import Structure
from .synthetic import build_plan

pytestmark = pytest.mark.django_db
SEPT_30 = datetime.date(2015, 9, 30)
CONTINUED = re.compile(r"(\S*) continued\b")
TITLE = "Child Sexual Exploitation Operational Action Plan"


@dataclass
class Pack:
    pdf: bytes
    context: dict

    @cached_property
    def reader(self):
        return PdfReader(io.BytesIO(self.pdf))

    @cached_property
    def texts(self):
        return [page.extract_text() for page in self.reader.pages]

    @cached_property
    def bookmarks(self):
        found = {}

        def walk(items):
            for item in items:
                if isinstance(item, list):
                    walk(item)
                else:
                    found[item.title] = self.reader.get_destination_page_number(item)

        walk(self.reader.outline)
        return found

    def lines(self, first=0):
        return [line.strip() for text in self.texts[first:] for line in text.splitlines()]


def render(plan, as_at=SEPT_30, kind=PackKind.FULL, **options):
    context = pack_context(plan, as_at, kind=kind, **options)
    return Pack(render_pack_pdf(render_pack_html(context)), context)


@pytest.fixture(scope="module")
def packs(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seed plan of 2015 with one rating changed in the quarter, in full and as an
    exception report, and a plan of 40 sections; rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed = load_seed_copy(tmp_path_factory.mktemp("seed"))
        rate_on(seed, "7.1", Rag.RED, "Trainer left", london(2015, 8, 3, 10))
        sections = build_plan("forty-sections", sections=40, per_section=1, entries=1)
        made = {
            "full": render(seed),
            "exceptions": render(seed, kind=PackKind.EXCEPTIONS),
            "forty": render(sections, kind=PackKind.EXCEPTIONS),
        }
        transaction.set_rollback(True)
    return made


def test_the_seed_plan_in_full_is_at_most_ten_pages(packs):
    full = packs["full"]
    assert len(full.reader.pages) <= 10
    plan_text = " ".join(full.texts[full.bookmarks["The plan as at 30 September 2015"] :])
    for part in full.context["parts"]:
        for row in part.rows:
            assert row.in_full and row.action.ref in plan_text


def test_the_exception_report_is_shorter_and_puts_every_other_action_on_one_line(packs):
    report, full = packs["exceptions"], packs["full"]
    assert len(report.reader.pages) < len(full.reader.pages)
    assert "Exception report, Quarter 2, 2015/16, as at 30 September 2015" in report.texts[0]
    lines = report.lines(report.bookmarks["The plan as at 30 September 2015"])
    rows = [row for part in report.context["parts"] for row in part.rows]
    words = {row.action.ref: row.action.rag_label for row in rows}
    one_line = [row for row in rows if not row.in_full]
    assert [row.action.ref for row in one_line] == ["2.3", "7.2", "7.3", "7.4", "7.5", "7.6"]
    for row in one_line:
        # Ref, the start of the action, lead, timescale, latest evidence, rating: one line.
        line = next(line for line in lines if line.startswith(row.action.ref + " "))
        assert row.action.text[:30] in line
        assert f"{row.action.timescale} Latest evidence" in line
        assert line.endswith(words[row.action.ref])
    # 7.1 is Green in the seed, but was rated Red in the quarter: in full, marked Changed.
    text = re.sub(r"\s+", " ", " ".join(report.texts))
    assert "Changed" in text and "Trainer left" in text


@pytest.mark.parametrize("kind", ["full", "exceptions"])
def test_a_row_that_runs_on_says_which_action_continues_at_the_top_of_the_next_page(packs, kind):
    full = packs[kind]
    structure = Structure(full.pdf)
    runs_on = {}
    for row in structure.with_role("/TR"):
        cells = [cell for cell in row.kids if cell.role in ("/TH", "/TD")]
        ref = structure.text(cells[0]) if cells else ""
        pages = sorted(set().union(*(cell.pages() for cell in cells))) if cells else []
        if re.fullmatch(r"\d+\.\d+", ref) and len(pages) > 1:
            for page in pages[1:]:
                runs_on[page] = ref
    assert runs_on, "no row of the seed plan runs on to another page"
    for page, text in enumerate(full.texts):
        said = CONTINUED.findall(text)
        assert said == ([runs_on[page]] if page in runs_on else []), f"page {page + 1}"


def test_the_running_head_is_one_line_with_nothing_run_together(packs):
    for text in packs["full"].texts[1:]:
        lines = text.splitlines()
        head = next(line for line in lines if line.startswith("OFFICIAL-SENSITIVE "))
        assert re.sub(r"\s+", " ", head).startswith(
            f"OFFICIAL-SENSITIVE {TITLE} · Board pack as at 30 September 2015, draft"
        )
        assert "PlanBoard" not in text


def test_the_summary_lists_refs_and_the_changes_share_its_page_when_short(packs):
    full = packs["full"]
    summary = full.bookmarks["Summary"]
    assert full.bookmarks["Changes since the last pack"] == summary
    text = re.sub(r"\s+", " ", full.texts[summary])
    overdue = ", ".join(row.action.ref for row in full.context["overdue"])
    assert re.search(r"Overdue Target date before 30 September 2015, .*? 9 " + overdue, text)
    missing = ", ".join(row.action.ref for row in full.context["no_evidence"])
    assert f"{len(full.context['no_evidence'])} {missing}" in text
    # Each overdue action is a ref in the list, not its text again.
    assert full.context["overdue"][0].action.text[:40] not in text
    assert "Rating changes (1)" in text and "Trainer left" in text


def test_a_plan_of_forty_sections_gets_three_charts_and_loses_no_section(packs):
    forty = packs["forty"]
    charts = forty.context["charts"]
    assert [len(chart["bars"]) for chart in charts] == [14, 14, 12]
    summary = forty.bookmarks["Summary"]
    text = " ".join(forty.texts[summary : forty.bookmarks["Changes since the last pack"] + 1])
    for number in range(1, 41):
        assert f"Section {number}\n" in text or f"Section {number} " in text, number
    figures = Structure(forty.pdf).with_role("/Figure")
    assert [str(figure.obj["/Alt"]).split(" by RAG")[0] for figure in figures] == [
        f"Bar chart of the actions in each section (sections {first} to {last})"
        for first, last in [(1, 14), (15, 28), (29, 40)]
    ]
    assert "All sections" in text and re.search(r"All sections( \d+){5} 40", text)


def test_a_pack_made_on_the_plans_first_day_says_so_on_its_cover(plan):
    today = timezone.localdate()
    cover = render(plan, today).texts[0]
    assert (
        f"Changes reported None yet: the plan was set up on {long_date(today)}, the as-at "
        "date, so this pack is its starting point"
    ) in re.sub(r"\s+", " ", cover)
    assert "No days" not in cover and "no days" not in cover
