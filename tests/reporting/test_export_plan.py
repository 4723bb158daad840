import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from actionplan.models import Action, EvidenceEntry, Plan, Rag

# plan_of_2015, a copy of the seed plan with a past, comes from tests/reporting/conftest.py
pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
HEADER = (
    "section,ref,action,outcomes,leads,timescale,current_position,rag,rag_reason,rated_by,rated_on"
)


def export(*args):
    out = io.StringIO()
    call_command("export_plan", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def rows_of(text):
    return {row["ref"]: row for row in csv.DictReader(io.StringIO(text))}


def test_csv_goes_to_stdout_with_the_exact_header_and_one_row_per_action(plan):
    text = export()
    assert text.splitlines()[0] == HEADER
    rows = rows_of(text)
    assert len(rows) == 19
    assert list(rows)[:4] == ["1.1", "2.1", "2.2", "2.3"]


def test_csv_joins_leads_lists_evidence_one_per_line_and_words_the_rating(plan):
    rows = rows_of(export())
    assert rows["4.1"]["leads"] == "Head of Public Protection, Lancashire Police; Awaken"
    assert rows["2.1"]["section"] == "2. Prevention and Public Confidence"
    assert rows["2.1"]["timescale"] == "Sept 2015"
    lines = rows["2.1"]["current_position"].split("\n")
    assert len(lines) == 6
    assert lines[-1].startswith("Current Gap")
    assert rows["2.1"]["rag"] == "Amber"
    assert rows["1.1"]["rag"] == "Green"
    assert rows["4.2"]["rag"] == ""


def test_csv_output_to_a_file(plan, tmp_path):
    target = tmp_path / "plan.csv"
    export("--output", str(target))
    assert target.read_text(encoding="utf-8").splitlines()[0] == HEADER


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(plan, get_action):
    action = get_action("2.2")
    action.text = '=HYPERLINK("http://evil.example","click")'
    action._change_reason = "Test"
    action.save()
    assert rows_of(export())["2.2"]["action"].startswith("'=HYPERLINK")


def test_xlsx_has_the_same_columns_formatted_for_people(plan, tmp_path):
    target = tmp_path / "plan.xlsx"
    export("--format", "xlsx", "--output", str(target))
    sheet = load_workbook(target).active
    headings = [cell.value for cell in sheet[1]]
    assert [h.lower().replace(" ", "_") for h in headings[:8]] == HEADER.split(",")[:8]
    assert headings[8:] == ["Reason for the rating", "Rated by", "Rated on"]
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 20
    refs = [sheet.cell(row=r, column=2).value for r in range(2, 21)]
    assert refs[0] == "1.1" and refs[-1] == "7.6"
    first = sheet[2]
    assert all(cell.alignment.wrap_text for cell in first)
    rag = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=8) for r in range(2, 21)}
    assert rag["1.1"].value == "Green"
    assert rag["1.1"].fill.start_color.rgb.endswith("00703C")
    assert rag["2.1"].fill.start_color.rgb.endswith("F47738")
    assert rag["4.2"].value is None
    assert "\n" in sheet.cell(row=3, column=7).value  # one evidence entry per line


def test_xlsx_prints_landscape_with_its_headings_and_marking_on_every_page(plan, tmp_path):
    plan.short_title = "Health & Police plan"  # an "&" is a code in a page header
    plan.save()
    target = tmp_path / "plan.xlsx"
    export("--format", "xlsx", "--output", str(target))
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Action plan", "Evidence", "Row ids"]
    assert workbook["Row ids"].sheet_state == "hidden"
    for name, last_column in (("Action plan", "K"), ("Evidence", "F")):
        sheet = workbook[name]
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.print_options.gridLines
        assert sheet.auto_filter.ref == f"A1:{last_column}{sheet.max_row}"
        assert sheet.oddHeader.center.text == (f"{plan.protective_marking} – Health && Police plan")
        assert sheet.oddFooter.center.text == f"{plan.protective_marking} – Page &P of &N"


def test_the_workbook_is_zipped_at_the_fast_level_xlsxwriter_is_given():
    """reporting/exports.py gives XlsxWriter's ZipFile a compression level (it has no
    option for it); a release that makes its zip another way would lose that quietly."""
    import inspect

    import xlsxwriter.workbook

    source = inspect.getsource(xlsxwriter.workbook.Workbook._store_workbook)
    assert "ZipFile(" in source
    assert xlsxwriter.workbook.ZipFile.keywords == {"compresslevel": 1}


def test_xlsx_keeps_formula_like_text_as_text(plan, get_action, tmp_path):
    action = get_action("2.2")
    action.text = "=1+1"
    action._change_reason = "Test"
    action.save()
    target = tmp_path / "plan.xlsx"
    export("--format", "xlsx", "--output", str(target))
    cell = load_workbook(target).active["C4"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


# Pasted from Word before the forms took control characters out: a vertical tab for a
# line break in a table cell, a form feed, an escape, DEL, a C1 control, a NUL.
PASTED = "Drop-in sessions\x0bweekly from June\x0c\x1b[0m\x7f\x9b\x00\ufffe\r\nAttended by 12"
CLEAN = "Drop-in sessions\nweekly from June\n[0m\nAttended by 12"


@pytest.fixture
def pasted_entry(get_action):
    """An entry saved with control characters, as entries were before issue 10. SQLite
    keeps a NUL; PostgreSQL cannot store one, so there it is left out."""
    from django.db import connection

    action = get_action("2.2")
    text = PASTED if connection.vendor == "sqlite" else PASTED.replace("\x00", "")
    entry = EvidenceEntry(action=action, text=text, activity_date=datetime.date(2015, 6, 1))
    entry._change_reason = "Saved before control characters were taken out"
    entry.save()
    return entry


def test_the_excel_download_opens_even_with_control_characters_in_stored_text(
    client, board_member, pasted_entry
):
    client.force_login(board_member)

    response = client.get(reverse("export_xlsx"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    position = {row[1].value: row[6].value for row in sheet.iter_rows(min_row=2)}["2.2"]
    assert CLEAN in position


def test_the_csv_download_has_no_control_characters_either(client, board_member, pasted_entry):
    client.force_login(board_member)

    response = client.get(reverse("export_csv"))

    assert response.status_code == 200
    position = rows_of(response.getvalue().decode())["2.2"]["current_position"]
    assert CLEAN in position


def test_xlsx_needs_an_output_file(plan):
    with pytest.raises(CommandError, match="--format xlsx needs --output FILE"):
        export("--format", "xlsx")


def rate_on(plan, ref, rag, reason, moment):
    section, position = (int(n) for n in ref.split("."))
    action = Action.objects.get(section__plan=plan, section__number=section, position=position)
    with time_machine.travel(moment, tick=False):
        action.rate(rag, reason)


def test_as_at_shows_the_rating_as_it_stood_at_the_end_of_that_day(plan_of_2015):
    # 23:30 on 30 September in London is still 30 September (22:30 UTC)
    rate_on(
        plan_of_2015,
        "4.2",
        Rag.RED,
        "No progress",
        datetime.datetime(2015, 9, 30, 23, 30, tzinfo=LONDON),
    )
    rate_on(
        plan_of_2015,
        "2.1",
        Rag.GREEN,
        "Gap closed",
        datetime.datetime(2015, 10, 1, 0, 30, tzinfo=LONDON),
    )
    before = rows_of(export("--plan", "cse-2015", "--as-at", "2015-09-29"))
    at = rows_of(export("--plan", "cse-2015", "--as-at", "2015-09-30"))
    now = rows_of(export("--plan", "cse-2015"))
    assert (before["4.2"]["rag"], at["4.2"]["rag"], now["4.2"]["rag"]) == ("", "Red", "Red")
    assert (before["2.1"]["rag"], at["2.1"]["rag"], now["2.1"]["rag"]) == (
        "Amber",
        "Amber",
        "Green",
    )


def test_as_at_rebuilds_text_leads_and_evidence_too(plan_of_2015):
    action = Action.objects.get(section__plan=plan_of_2015, section__number=2, position=2)
    with time_machine.travel(datetime.datetime(2015, 11, 2, 10, tzinfo=LONDON), tick=False):
        action.text = "A new wording"
        action._change_reason = "Reworded"
        action.save()
        entry = action.evidence_entries.first()
        entry._change_reason = "Wrong action"
        entry.delete()
        lead = action.leads.get()
        lead._change_reason = "Lead moved"
        lead.delete()
    old = rows_of(export("--plan", "cse-2015", "--as-at", "2015-11-01"))["2.2"]
    new = rows_of(export("--plan", "cse-2015"))["2.2"]
    assert old["action"].startswith("Agree a multi-agency Media strategy")
    assert new["action"] == "A new wording"
    assert old["leads"] == "Corporate Comms, Lancashire Police" and new["leads"] == ""
    assert old["current_position"].count("\n") == new["current_position"].count("\n") + 1


def test_as_at_before_the_plan_existed_is_a_clear_error(plan_of_2015):
    with pytest.raises(CommandError, match="had not been created by 31 March 2015"):
        export("--plan", "cse-2015", "--as-at", "2015-03-31")


def test_a_malformed_as_at_date_is_a_clear_error(plan):
    with pytest.raises(CommandError, match="--as-at must be a date like 2015-09-30"):
        export("--as-at", "30/09/2015")


def test_with_several_plans_a_missing_or_unknown_plan_lists_the_plans(plan_of_2015):
    with pytest.raises(CommandError, match="There are 2 plans: choose one with --plan") as error:
        export()
    assert "cse-2015" in str(error.value) and "cse-operational-action-plan" in str(error.value)
    with pytest.raises(CommandError, match="There is no plan “nope”. The plans are:"):
        export("--plan", "nope")


def test_with_no_plan_the_command_says_how_to_load_one(db):
    for plan in Plan.objects.all():
        for section in plan.sections.all():
            for action in section.actions.all():
                action.evidence_entries.all().delete()
            section.actions.all().delete()
        plan.sections.all().delete()
        plan.delete()
    with pytest.raises(CommandError, match="load_seed_plan"):
        export()


# -- the downloads at a real Board's scale (issue 17) ---------------------------------


def test_the_csv_download_streams_the_same_rows_as_the_command(client, board_member, plan_of_2015):
    """The download reads only the text of each entry and writes a line at a time; what
    it writes is what the command (which reads whole entries) writes, now and as at a
    date, with an entry and a lead deleted since."""
    action = Action.objects.get(section__plan=plan_of_2015, section__number=2, position=2)
    with time_machine.travel(datetime.datetime(2015, 11, 2, 10, tzinfo=LONDON), tick=False):
        entry = action.evidence_entries.first()
        entry._change_reason = "Wrong action"
        entry.delete()
        lead = action.leads.get()
        lead._change_reason = "Lead moved"
        lead.delete()
    client.force_login(board_member)
    url = reverse("export_csv_for", args=["cse-2015"])
    for query, args in (("", []), ("?as_at=2015-11-01", ["--as-at", "2015-11-01"])):
        response = client.get(url + query)
        assert response.streaming
        assert response["Content-Disposition"].startswith('attachment; filename="cse-2015-')
        assert response.getvalue().decode() == export("--plan", "cse-2015", *args)


def test_a_current_position_too_long_for_an_excel_cell_keeps_its_latest_entries(
    client, board_member, get_action
):
    from simple_history.utils import bulk_create_with_history

    action = get_action("3.1")
    bulk_create_with_history(
        [
            EvidenceEntry(
                action=action,
                text=f"Entry {n} " + "words " * 60,
                activity_date=datetime.date(2016, 1, 1) + datetime.timedelta(days=n),
            )
            for n in range(200)
        ],
        EvidenceEntry,
        default_change_reason="Evidence added",
    )
    client.force_login(board_member)
    sheet = load_workbook(io.BytesIO(client.get(reverse("export_xlsx")).content)).active
    position = {row[1].value: row[6].value for row in sheet.iter_rows(min_row=2)}["3.1"]
    assert len(position) <= 32_767
    assert position.startswith("[") and "earlier entries are left out" in position
    assert position.rstrip().endswith("Entry 199 " + "words " * 59 + "words")
    csv_position = rows_of(client.get(reverse("export_csv")).getvalue().decode())["3.1"]
    assert "Entry 0 " in csv_position["current_position"]
