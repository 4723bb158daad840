"""Promises that must hold through the pages: a rating given again is a rating decision,
withdrawn evidence is read-only, and rights follow the person's memberships today."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplan.models import EvidenceEntry
from agencies.models import Agency, Membership
from tests.served import submit

REASON = "Still Amber: the consultation has slipped to the autumn"


def rating_rows(html):
    """The rows of the action page's rating history table."""
    table = html.split('id="ratings"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table, re.S)[1:]


@pytest.fixture
def rated_again(client, chair, get_action):
    """The chair gives 3.1 (Amber) the same rating again, with a new reason."""
    action = get_action("3.1")
    assert action.rag == "amber"
    client.force_login(chair)
    before = rating_rows(client.get(reverse("action_detail", args=[action.pk])).content.decode())
    response = submit(
        client, reverse("rate_action", args=[action.pk]), {"rag": "amber", "reason": REASON}
    )
    assert response.status_code == 302
    return action, before


def test_rating_again_with_a_new_reason_is_in_the_rating_history(client, rated_again):
    action, before = rated_again
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    rows = rating_rows(page)
    assert len(rows) == len(before) + 1
    assert REASON in rows[0]  # newest first
    assert "Amber" in rows[0]


def test_rating_again_is_a_rating_in_the_activity_feed(client, rated_again):
    action, _ = rated_again
    ratings = client.get(reverse("activity") + "?kind=rating").content.decode()
    assert "Rated Amber again" in ratings
    assert REASON in ratings
    history = client.get(reverse("action_history", args=[action.pk]) + "?kind=rating")
    assert "Rated Amber again" in history.content.decode()


def test_rating_again_is_in_the_board_packs_rating_changes(client, rated_again, manager, plan):
    client.force_login(manager)
    today = timezone.localdate()
    since = today - datetime.timedelta(days=1)
    page = client.get(
        reverse("board_pack_preview"),
        {"plan": plan.slug, "as_at": today.isoformat(), "since": since.isoformat()},
    ).content.decode()
    changes = page.split("Rating changes (", 1)[1]
    assert changes.startswith("1)")
    assert REASON in changes.split("</table>", 1)[0]


# -- withdrawn evidence is read-only --------------------------------------------------


def test_a_withdrawn_entry_can_be_neither_edited_nor_withdrawn_again(
    client, awaken_lead, awaken_entry
):
    client.force_login(awaken_lead)
    withdraw_url = reverse("withdraw_evidence", args=[awaken_entry.pk])
    assert submit(client, withdraw_url, {"reason": "Duplicate"}).status_code == 302
    edit_url = reverse("edit_evidence", args=[awaken_entry.pk])

    assert client.get(edit_url).status_code == 403
    assert client.get(withdraw_url).status_code == 403
    edited = client.post(
        edit_url, {"text": "Rewritten", "activity_date": "01/06/2015", "version": 99}
    )
    again = client.post(withdraw_url, {"reason": "Overwriting the reason", "version": 99})

    assert (edited.status_code, again.status_code) == (403, 403)
    awaken_entry.refresh_from_db()
    assert (awaken_entry.text, awaken_entry.withdrawn_reason) == (
        "Drop-in sessions running",
        "Duplicate",
    )
    page = client.get(reverse("action_detail", args=[awaken_entry.action_id])).content.decode()
    assert edit_url not in page and withdraw_url not in page


# -- rights follow today's memberships --------------------------------------------------


def test_a_lead_who_moved_agency_cannot_edit_the_old_agencys_entries(
    client, awaken_lead, awaken_entry
):
    old = Membership.objects.get(user=awaken_lead)
    old._change_reason = "Moved to Lancashire Police"
    old.delete()
    new = Membership(
        user=awaken_lead,
        agency=Agency.objects.get(slug="lancashire-police"),
        role=Membership.Role.AGENCY_LEAD,
    )
    new._change_reason = "Moved from Awaken"
    new.save()
    client.force_login(awaken_lead)
    edit_url = reverse("edit_evidence", args=[awaken_entry.pk])

    assert client.get(edit_url).status_code == 403
    response = client.post(
        edit_url, {"text": "Changed after moving", "activity_date": "01/06/2015", "version": 1}
    )
    assert response.status_code == 403
    awaken_entry.refresh_from_db()
    assert awaken_entry.text == "Drop-in sessions running"
    page = client.get(reverse("action_detail", args=[awaken_entry.action_id])).content.decode()
    assert edit_url not in page


def test_leads_of_a_deactivated_agency_cannot_add_evidence(client, awaken_lead, get_action):
    awaken = Agency.objects.get(slug="awaken")
    awaken.is_active = False
    awaken._change_reason = "Service decommissioned"
    awaken.save()
    action = get_action("3.1")
    client.force_login(awaken_lead)
    url = reverse("add_evidence", args=[action.pk])
    count = EvidenceEntry.objects.count()

    assert client.get(url).status_code == 403
    response = client.post(
        url, {"text": "After closure", "activity_date": "01/06/2015", "agency": awaken.pk}
    )

    assert response.status_code == 403
    assert EvidenceEntry.objects.count() == count
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert url not in page
