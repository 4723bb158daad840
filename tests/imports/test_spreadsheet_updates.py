"""The spreadsheet round trip: the Excel export goes round, comes back, and its changes
are shown per action and saved through the pages' rules; conflicts are not overwritten."""

import io

import openpyxl
import pytest
from django.core.management import CommandError

from actionplan.models import Action, EvidenceEntry
from actionplan.snapshot import plan_snapshot
from imports.updates import ROW_IDS
from reporting.exports import write_xlsx

from . import documents

pytestmark = pytest.mark.django_db


def exported(plan):
    target = io.BytesIO()
    write_xlsx(plan_snapshot(plan), target)
    return target.getvalue()


def returned(data, changes, sort=False):
    """The workbook ``data`` with {ref: {heading: new words}} typed in, as an agency would;
    ``sort`` turns the rows upside down, as a sheet sorted by an agency."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Action plan"]
    headings = [cell.value for cell in sheet[1]]
    if sort:
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
        for row_cells, values in zip(sheet.iter_rows(min_row=2), reversed(rows), strict=True):
            for cell, value in zip(row_cells, values, strict=True):
                cell.value = value
    for row in sheet.iter_rows(min_row=2):
        ref = row[headings.index("Ref")].value
        for heading, value in changes.get(ref, {}).items():
            row[headings.index(heading)].value = value
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def import_updates(tmp_path, data, *args, name="returned.xlsx"):
    return documents.run_command("import_updates", tmp_path, data, *args, name=name)


def test_the_export_carries_each_actions_id_and_version_on_a_hidden_sheet(plan, get_action):
    workbook = openpyxl.load_workbook(io.BytesIO(exported(plan)))

    ids = workbook[ROW_IDS]
    assert ids.sheet_state == "hidden"
    action = get_action("3.1")
    assert ["3.1", action.pk, action.version, plan.slug] in [
        [cell.value for cell in row] for row in ids.iter_rows(min_row=2)
    ]


def test_a_lead_adds_evidence_and_the_chair_rates_from_the_returned_sheet(
    plan, tmp_path, get_action, awaken_lead, chair
):
    action = get_action("3.1")
    position = "\n".join(e.text for e in action.evidence_entries.all())
    data = returned(
        exported(plan),
        {"3.1": {"Current position": position + "\nDrop-in sessions now weekly", "RAG": "Green"}},
        sort=True,
    )

    output = import_updates(tmp_path, data, "--by", "awaken.lead")

    assert "New evidence: Drop-in sessions now weekly" in output
    assert "RAG: only the chair of the group that owns the plan rates actions" in output
    entry = action.evidence_entries.get(text="Drop-in sessions now weekly")
    assert (entry.recorded_by, entry.agency.slug) == (awaken_lead, "awaken")
    assert get_action("3.1").rag == "amber"

    import_updates(tmp_path, data, "--by", "chair")

    rated = get_action("3.1")
    assert rated.rag == "green"
    assert rated.rag_reason == "Rated in the returned spreadsheet returned.xlsx"
    assert rated.evidence_entries.filter(text="Drop-in sessions now weekly").count() == 1


def test_the_manager_changes_a_timescale_through_the_same_rules_as_the_page(
    plan, tmp_path, get_action, manager
):
    data = returned(
        exported(plan), {"2.2": {"Timescale": "Dec 2015"}, "2.3": {"Timescale": "Soon"}}
    )

    output = import_updates(tmp_path, data, "--by", "manager")

    assert "Timescale: “April 2015” → “Dec 2015”" in output
    assert "2.3\n  Not saved: Timescale: Enter the timescale as a month and year" in output
    action = get_action("2.2")
    assert (action.timescale, action.original_timescale) == ("Dec 2015", "April 2015")
    assert get_action("2.3").timescale == "Sept 2015"


def test_a_row_changed_in_the_tracker_since_the_export_is_a_conflict_not_overwritten(
    plan, tmp_path, get_action, chair
):
    data = returned(exported(plan), {"5.1": {"RAG": "Red"}})
    get_action("5.1").rate("green", "Protocol signed off at the meeting", by=chair)

    output = import_updates(tmp_path, data, "--by", "chair")

    assert "Conflict: 5.1 has been changed in the tracker since the spreadsheet was exported" in (
        output
    )
    assert get_action("5.1").rag == "green"


def test_a_dry_run_shows_the_changes_and_saves_nothing(plan, tmp_path, get_action, chair):
    data = returned(exported(plan), {"5.1": {"RAG": "Red"}})

    output = import_updates(tmp_path, data, "--by", "chair", "--dry-run")

    assert "RAG: “Amber” → “Red”" in output
    assert get_action("5.1").rag == "amber"


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("plan.xls", lambda plan: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is not an Excel workbook"),
        ("plan.xlsx", lambda plan: b"PK\x03\x04 broken", "is not an Excel workbook or is damaged"),
        (
            "plan.xlsx",
            lambda plan: _without_ids(exported(plan)),
            "was not exported from the tracker",
        ),
    ],
)
def test_a_file_that_is_not_a_returned_export_is_refused(
    plan, tmp_path, chair, name, make, message
):
    entries = EvidenceEntry.objects.count()

    with pytest.raises(CommandError, match=message):
        import_updates(tmp_path, make(plan), "--by", "chair", name=name)

    assert EvidenceEntry.objects.count() == entries
    assert not Action.history.filter(history_change_reason__contains="spreadsheet").exists()


def _without_ids(data):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    del workbook[ROW_IDS]
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def test_a_filtered_download_comes_back_too(plan, tmp_path, get_action, manager):
    target = io.BytesIO()
    write_xlsx(plan_snapshot(plan), target, "Filtered: RAG Amber")
    workbook = openpyxl.load_workbook(io.BytesIO(target.getvalue()))
    sheet = workbook["Action plan"]
    assert sheet["A1"].value == "Filtered: RAG Amber"  # above the headings
    headings = [cell.value for cell in sheet[2]]
    for row in sheet.iter_rows(min_row=3):
        if row[headings.index("Ref")].value == "2.2":
            row[headings.index("Timescale")].value = "Dec 2015"
    returned_file = io.BytesIO()
    workbook.save(returned_file)

    output = import_updates(tmp_path, returned_file.getvalue(), "--by", "manager")

    assert "Timescale: “April 2015” → “Dec 2015”" in output
    assert get_action("2.2").timescale == "Dec 2015"
