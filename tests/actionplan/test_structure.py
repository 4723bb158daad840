"""The business manager keeps the plan's structure: sections, actions, leads, timescales, order."""

import pytest
from django.urls import reverse

from actionplan.models import Action
from agencies.models import Agency
from tests.served import submit


@pytest.fixture
def signed_in_manager(client, manager):
    client.force_login(manager)
    return client


def action_form(action, **changes):
    data = {
        "text": action.text,
        "outcomes": action.outcomes,
        "leads": [
            f"post:{lead.post_id}" if lead.post_id else f"agency:{lead.agency_id}"
            for lead in action.leads.all()
        ],
        "timescale": action.timescale,
    }
    return data | changes


def test_the_manager_revises_a_timescale_with_a_reason(signed_in_manager, get_action):
    action = get_action("4.2")
    response = submit(
        signed_in_manager,
        reverse("edit_action", args=[action.pk]),
        action_form(
            action, timescale="Dec 2015", timescale_reason="Hotel training moved to winter"
        ),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.timescale, action.original_timescale) == ("Dec 2015", "July 2015")
    page = signed_in_manager.get(reverse("action_detail", args=[action.pk])).text
    assert "Originally July 2015, revised to Dec 2015" in page
    assert "Hotel training moved to winter" in page


def test_changing_the_wording_needs_a_reason_kept_in_the_history(signed_in_manager, get_action):
    action = get_action("4.2")
    url = reverse("edit_action", args=[action.pk])
    refused = submit(signed_in_manager, url, action_form(action, text="Train every hotel"))
    assert "Enter the reason for changing the wording" in refused.text
    action.refresh_from_db()
    assert action.text != "Train every hotel"

    saved = submit(
        signed_in_manager,
        url,
        action_form(action, text="Train every hotel", wording_reason="Scope agreed in May"),
    )
    assert saved.status_code == 302
    action.refresh_from_db()
    assert action.text == "Train every hotel"
    assert action.history.latest().history_change_reason == "Scope agreed in May"


def test_changing_a_timescale_needs_a_reason(signed_in_manager, get_action):
    action = get_action("4.2")
    response = submit(
        signed_in_manager,
        reverse("edit_action", args=[action.pk]),
        action_form(action, timescale="Dec 2015"),
    )
    assert "Enter the reason for changing the timescale" in response.text
    action.refresh_from_db()
    assert action.timescale == "July 2015"


def test_a_timescale_that_does_not_parse_is_a_clear_error(signed_in_manager, get_action):
    action = get_action("4.2")
    response = submit(
        signed_in_manager,
        reverse("edit_action", args=[action.pk]),
        action_form(action, timescale="when possible", timescale_reason="x"),
    )
    assert response.status_code == 200
    assert "Enter the timescale as a month and year, like Sept 2015" in response.text
    assert action.history.count() == 1


def test_the_manager_changes_the_leads(signed_in_manager, get_action):
    action = get_action("2.3")
    licensing = Agency.objects.get(slug="licensing")
    awaken = Agency.objects.get(slug="awaken")
    submit(
        signed_in_manager,
        reverse("edit_action", args=[action.pk]),
        action_form(action, leads=[f"agency:{awaken.pk}", f"agency:{licensing.pk}"]),
    )
    assert [lead.agency.slug for lead in action.leads.all()] == ["awaken", "licensing"]


def test_an_action_needs_a_lead(signed_in_manager, get_action):
    action = get_action("2.3")
    response = submit(
        signed_in_manager, reverse("edit_action", args=[action.pk]), action_form(action, leads=[])
    )
    assert "Select at least one lead" in response.text


def test_moving_an_action_keeps_every_other_ref(signed_in_manager, get_action):
    action = get_action("7.6")
    url = reverse("move_action", args=[action.pk])
    refused = submit(
        signed_in_manager,
        url,
        {"section": action.section_id, "position": 1, "reason": "Investigations first"},
    )
    assert "7.1 is already taken: choose a free number (the next is 7.7)" in refused.text
    section_2 = get_action("2.1").section
    moved = submit(
        signed_in_manager,
        url,
        {"section": section_2.pk, "position": "", "reason": "Belongs with prevention"},
        follow=True,
    )
    assert "7.6 is now 2.4." in moved.text
    assert get_action("7.1").text.startswith("BSCB to develop and deliver")  # still 7.1


def test_renumbering_is_a_deliberate_step_with_a_preview_of_old_and_new_refs(
    signed_in_manager, get_action, plan
):
    get_action("7.2").remove("Merged into 7.1")
    url = reverse("renumber_plan", args=[plan.slug])
    preview = signed_in_manager.get(url).text
    assert "4 refs will change" in preview
    for old, new in (("7.3", "7.2"), ("7.6", "7.5")):
        assert f'<td class="govuk-table__cell">{old}</td><td class="govuk-table__cell">{new}' in (
            preview
        )
    no_reason = submit(signed_in_manager, url, {"reason": ""})
    assert "Enter the reason for renumbering the plan" in no_reason.text
    moved = get_action("7.6")

    done = submit(signed_in_manager, url, {"reason": "Agreed at the board"}, follow=True)

    assert "The plan has been renumbered: 4 refs changed." in done.text
    moved.refresh_from_db()
    assert moved.ref == "7.5"
    assert moved.history.latest().history_change_reason == "Agreed at the board"
    assert "renumbering would change nothing" in signed_in_manager.get(url).text


def test_moving_to_a_section_of_another_plan_is_refused(signed_in_manager, get_action, tmp_path):
    import json

    from actionplan.seed import SEED_PLAN, load_plan

    data = json.loads(SEED_PLAN.read_text())
    data["plan"]["slug"] = "other"
    (tmp_path / "other.json").write_text(json.dumps(data))
    other = load_plan(tmp_path / "other.json").plan
    foreign_section = other.sections.get(number=1)
    action = get_action("7.6")
    response = submit(
        signed_in_manager,
        reverse("move_action", args=[action.pk]),
        {"section": foreign_section.pk, "position": 1, "reason": "x"},
    )
    assert "Select a section of this plan" in response.text
    assert get_action("7.6").pk == action.pk


def test_adding_an_action_puts_it_at_the_end_of_the_section(signed_in_manager, plan):
    section = plan.sections.get(number=5)
    awaken = Agency.objects.get(slug="awaken")
    signed_in_manager.post(
        reverse("add_action", args=[section.pk]),
        {
            "text": "Audit the protocol again",
            "leads": [f"agency:{awaken.pk}"],
            "timescale": "March 2016",
        },
    )
    action = Action.objects.get(section=section, position=2)
    assert action.ref == "5.2"
    assert action.history.get().history_change_reason == "Action added"


def test_editing_a_section_records_the_reason(signed_in_manager, plan):
    section = plan.sections.get(number=2)
    submit(
        signed_in_manager,
        reverse("edit_section", args=[section.pk]),
        {
            "title": "Prevention",
            "purpose": "Stop CSE before it starts.",
            "reason": "Agreed at the May meeting",
        },
    )
    section.refresh_from_db()
    assert section.title == "Prevention" and not section.title_reconstructed
    assert section.history.latest().history_change_reason == "Agreed at the May meeting"
