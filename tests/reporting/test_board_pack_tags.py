"""The board pack's tags, read as a screen reader and an accessibility checker read them.

Three packs, rendered once for the module: the seed plan in full, its exception report,
and a made-up plan of 200 actions (8 sections of 25) in full. Checked with the external
checker (``pdfua check``, from the pdfua package) and by reading the structure tree back
with pypdf: no empty elements, every header cell scoped, every header a cell names in the
/IDTree, and each row of the plan read whole, Action before Outcome, even when it runs on
to the next page.
"""

import datetime
import json
import re
import subprocess
import sys
from dataclasses import dataclass

import pydyf
import pytest
from django.db import connection, transaction

from reporting.models import PackKind
from reporting.pack import pack_context
from reporting.rendering import render_pack_html, render_pack_pdf

from .conftest import load_seed_copy, london
from .structure import Structure, squeeze
from .synthetic import build_plan

pytestmark = pytest.mark.django_db
SEPT_30 = datetime.date(2015, 9, 30)
PACKS = ["seed, full plan", "seed, exception report", "200 actions, full plan"]
REF = re.compile(r"^\d+\.\d+")


@dataclass
class Rendered:
    pdf: bytes
    html: str
    actions: dict  # ref -> the action as at 30 September 2015

    @property
    def structure(self):
        return Structure(self.pdf)


@pytest.fixture(scope="module")
def packs(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), transaction.atomic():
        assert "test" in str(connection.settings_dict["NAME"]) or "memory" in str(
            connection.settings_dict["NAME"]
        )
        seed = load_seed_copy(tmp_path_factory.mktemp("seed"))
        big = build_plan("synthetic-200", sections=8, per_section=25)
        rendered = {}
        for name, plan, kind in [
            (PACKS[0], seed, PackKind.FULL),
            (PACKS[1], seed, PackKind.EXCEPTIONS),
            (PACKS[2], big, PackKind.FULL),
        ]:
            context = pack_context(plan, SEPT_30, kind=kind, generated_at=london(2015, 10, 1, 9))
            html = render_pack_html(context)
            actions = {row.action.ref: row.action for part in context["parts"] for row in part.rows}
            rendered[name] = Rendered(render_pack_pdf(html), html, actions)
        transaction.set_rollback(True)
    return rendered


def pdfua_check(pdf, tmp_path):
    """The external checker's verdict, as JSON (it exits 2 on warnings, 3 on errors)."""
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    completed = subprocess.run(  # noqa: S603 -- the checker, on a file we wrote
        [sys.executable, "-m", "pdfua", "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode in (0, 1, 2, 3), completed.stderr
    return json.loads(completed.stdout)


@pytest.mark.parametrize("name", PACKS)
def test_the_external_checker_finds_no_error_and_no_warning(packs, name, tmp_path):
    verdict = pdfua_check(packs[name].pdf, tmp_path)
    assert verdict["findings"] == []
    assert verdict["summary"]["errors"] == verdict["summary"]["warnings"] == 0
    # Every rule it has was run: none was skipped because it could not read the tree.
    assert verdict["skipped"] == [] and verdict["summary"]["rules_skipped"] == 0
    assert verdict["exit_code"] == 0


@pytest.mark.parametrize("name", PACKS)
def test_no_structure_element_is_empty(packs, name):
    structure = packs[name].structure
    empty = [element.role for element in structure.walk() if not element.has_content()]
    assert empty == []


@pytest.mark.parametrize("name", PACKS)
def test_every_header_cell_is_scoped_column_in_a_tables_head_and_row_elsewhere(packs, name):
    structure = packs[name].structure
    headers = structure.with_role("/TH")
    assert headers
    for table in structure.with_role("/Table"):
        heads = [group for group in table.kids if group.role == "/THead"]
        in_head = {id(cell) for group in heads for row in group.kids for cell in row.kids}
        for cell in table.descendants():
            if cell.role == "/TH":
                expected = "/Column" if id(cell) in in_head else "/Row"
                assert cell.attributes.get("/Scope") == expected, structure.text(cell)


@pytest.mark.parametrize("name", PACKS)
def test_every_header_a_cell_names_is_in_the_id_tree(packs, name):
    structure = packs[name].structure
    ids = structure.id_tree()
    headers = {id(element.obj) for element in structure.with_role("/TH")}
    assert ids and {id(obj) for obj in ids.values()} <= headers
    named = [str(h) for element in structure.walk() for h in element.attributes.get("/Headers", [])]
    assert named and set(named) <= set(ids)


@pytest.mark.parametrize("name", [PACKS[0], PACKS[2]])
def test_each_row_of_the_plan_reads_whole_action_before_outcome(packs, name):
    pack = packs[name]
    structure = pack.structure
    rows = [
        cells
        for row in structure.with_role("/TR")
        if len(cells := [cell for cell in row.kids if cell.role in ("/TH", "/TD")]) == 7
        and cells[0].role == "/TH"
        and REF.match(structure.text(cells[0]))
    ]
    assert sorted(REF.match(structure.text(cells[0])).group() for cells in rows) == sorted(
        pack.actions
    )
    runs_on = 0
    for ref_cell, action_cell, outcome_cell, *_ in rows:
        action = pack.actions[REF.match(structure.text(ref_cell)).group()]
        assert squeeze(structure.text(action_cell)) == squeeze(action.text)
        assert squeeze(structure.text(outcome_cell)) == squeeze(action.outcomes or "–")
        runs_on += len(action_cell.pages() | outcome_cell.pages()) > 1
    # Some rows do run on to the next page: they are read whole all the same.
    assert runs_on >= 2


def test_keeping_the_page_list_changes_no_byte_of_the_pdf(packs):
    html = packs[PACKS[0]].html
    assert render_pack_pdf(html) == render_pack_pdf(html, keep_page_list=False)
    assert pydyf.PDF.__module__ == "pydyf"  # pydyf's own class is back after the render
