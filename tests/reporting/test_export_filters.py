"""The downloads keep the filters chosen on the plan overview, say so, and carry who
rated each action, when and why, and where each evidence entry came from (issue 13)."""

import csv
import datetime
import io
import re
import zoneinfo
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from actionplan.models import EvidenceEntry, Rag
from agencies.models import Agency

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def download_link(page, words):
    """The address of the overview's download link with these words."""
    html = page.content.decode()
    downloads = html[html.index('id="downloads"') :].split("</p>")[0]
    return unescape(re.search(rf'href="([^"]*)">{words}</a>', downloads).group(1))


def csv_of(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def refs_in(rows):
    header = rows.index(next(row for row in rows if row[:2] == ["section", "ref"]))
    return [row[1] for row in rows[header + 1 :]]


def csv_row(client, ref):
    """The row of this action in the CSV download of the whole plan."""
    text = client.get(reverse("export_csv")).getvalue().decode()
    return next(row for row in csv.DictReader(io.StringIO(text)) if row["ref"] == ref)


@pytest.fixture
def police():
    return Agency.objects.get(slug="lancashire-police")


@pytest.fixture
def red_police_action(plan, get_action, chair, police_lead, police):
    """Action 4.1, led by the police, rated Red by the chair with evidence from the police."""
    action = get_action("4.1")
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, tzinfo=LONDON), tick=False):
        action.rate(Rag.RED, "No joint visits since June", by=chair)
        entry = EvidenceEntry(
            action=action,
            text="Joint visits restarted in three schools",
            activity_date=datetime.date(2026, 10, 28),
            agency=police,
            recorded_by=police_lead,
        )
        entry._change_reason = "Evidence added"
        entry.save()
    return action


def test_the_download_links_on_a_filtered_overview_keep_the_filters(
    client, board_member, red_police_action, police
):
    client.force_login(board_member)
    overview = client.get(reverse("plan_overview") + f"?rag=red&lead={police.pk}&page=1")

    link = download_link(overview, "CSV")

    assert "rag=red" in link and f"lead={police.pk}" in link and "page" not in link
    assert "this view (1 action, with these filters)" in overview.content.decode()
    rows = csv_of(client.get(link))
    assert rows[0] == ["Filtered: RAG Red; lead agency Lancashire Police"]
    assert refs_in(rows) == ["4.1"]


def test_the_file_name_says_which_filters_were_chosen(
    client, board_member, red_police_action, police
):
    client.force_login(board_member)
    overview = client.get(reverse("plan_overview") + f"?rag=red&lead={police.pk}")

    response = client.get(download_link(overview, "Excel"))

    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="cse-operational-action-plan-red-lancashire-police-{today}.xlsx"'
    )


def test_the_excel_download_of_a_filtered_view_says_so_above_the_headings(
    client, board_member, red_police_action, police
):
    client.force_login(board_member)
    url = reverse("export_xlsx") + f"?rag=red&lead={police.pk}"

    workbook = load_workbook(io.BytesIO(client.get(url).content))

    plan_sheet = workbook["Action plan"]
    assert plan_sheet["A1"].value == "Filtered: RAG Red; lead agency Lancashire Police"
    assert plan_sheet["A2"].value == "Section" and plan_sheet.freeze_panes == "A3"
    assert [row[1].value for row in plan_sheet.iter_rows(min_row=3)] == ["4.1"]
    assert workbook["Evidence"]["A1"].value.startswith("Filtered: RAG Red")


def test_an_unfiltered_download_is_the_whole_plan_without_a_filter_line(client, board_member):
    client.force_login(board_member)
    overview = client.get(reverse("plan_overview"))

    rows = csv_of(client.get(download_link(overview, "CSV")))

    assert rows[0][:2] == ["section", "ref"]
    assert len(refs_in(rows)) == 19


def test_each_rating_comes_with_its_reason_who_rated_and_when(
    client, board_member, red_police_action
):
    client.force_login(board_member)

    row = csv_row(client, "4.1")
    sheet = load_workbook(io.BytesIO(client.get(reverse("export_xlsx")).content))["Action plan"]
    cells = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] == "4.1")

    assert (row["rag"], row["rag_reason"], row["rated_by"], row["rated_on"]) == (
        "Red",
        "No joint visits since June",
        "Chair Tester",
        "2026-11-02",
    )
    assert cells[7:] == ("Red", "No joint visits since June", "Chair Tester", "2026-11-02")


def test_each_evidence_entry_says_its_date_agency_and_recorder(
    client, board_member, red_police_action
):
    client.force_login(board_member)

    row = csv_row(client, "4.1")
    workbook = load_workbook(io.BytesIO(client.get(reverse("export_xlsx")).content))
    evidence = list(workbook["Evidence"].iter_rows(values_only=True))

    assert row["current_position"].splitlines()[-1] == (
        "[2026-10-28 · Lancashire Police · recorded by Police Tester on 2026-11-02] "
        "Joint visits restarted in three schools"
    )
    assert evidence[0] == (
        "Ref",
        "Date of activity",
        "Agency",
        "Recorded by",
        "Recorded on",
        "Evidence",
    )
    assert [row for row in evidence if row[0] == "4.1"][-1] == (
        "4.1",
        datetime.datetime(2026, 10, 28),
        "Lancashire Police",
        "Police Tester",
        datetime.datetime(2026, 11, 2),
        "Joint visits restarted in three schools",
    )
    entries_in_the_plan = EvidenceEntry.objects.filter(
        action__section__plan__slug="cse-operational-action-plan", withdrawn_at=None
    ).count()
    assert len(evidence) == 1 + entries_in_the_plan


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("rag=purple", "Select RAG ratings from the list"),
        ("no_evidence_since=31/02/2015", "No evidence since must be a real date"),
        ("lead=999999", "Select a valid choice"),
    ],
)
def test_filters_that_cannot_be_read_are_a_clear_message_not_a_file(
    client, board_member, query, message
):
    client.force_login(board_member)

    for name in ("export_csv", "export_xlsx"):
        response = client.get(reverse(name) + "?" + query)

        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert "There is a problem" in page and message in page
        assert "The plan could not be downloaded with these filters" in page
        assert f'href="/plans/cse-operational-action-plan/?{query.replace("/", "%2F")}"' in page


def test_every_kind_of_filter_is_named_in_the_first_line_and_the_file_name(
    client, board_member, plan
):
    client.force_login(board_member)
    section = plan.sections.get(number=2)
    query = f"section={section.pk}&rag=none&overdue=on&no_evidence_since=1/4/2015&q=media"

    response = client.get(reverse("export_csv") + "?" + query)

    assert csv_of(response)[0] == [
        "Filtered: section 2. Prevention and Public Confidence; RAG Not rated; overdue only; "
        "no evidence since 1 April 2015; search “media”"
    ]
    assert (
        "-section-2-not-rated-overdue-no-evidence-since-2015-04-01-search-"
        in (response["Content-Disposition"])
    )


def test_several_ratings_can_be_chosen_and_the_download_keeps_them_all(
    client, board_member, red_police_action, police, get_action
):
    client.force_login(board_member)
    overview = client.get(reverse("plan_overview") + f"?rag=red&rag=amber&lead={police.pk}")

    link = download_link(overview, "Excel")
    response = client.get(link)

    assert "rag=red&rag=amber" in link
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == (
        "attachment; "
        f'filename="cse-operational-action-plan-red-amber-lancashire-police-{today}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content))["Action plan"]
    assert sheet["A1"].value == "Filtered: RAG Red, Amber; lead agency Lancashire Police"
    rags = {row[1]: row[7] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rags and set(rags.values()) <= {"Red", "Amber"}
    assert rags["4.1"] == "Red"
