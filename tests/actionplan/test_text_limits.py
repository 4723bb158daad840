"""Text limits are shown as the person types (the GOV.UK character count), never cut
silently, and still checked when the form is sent."""

import pytest
from django.urls import reverse
from lxml import html

from actionplan.models import EvidenceEntry
from tests.served import submit


def text_box(page, name):
    """The textarea called ``name``, its form group and the count's message."""
    tree = html.fromstring(page)
    (box,) = tree.xpath(f'//textarea[@name="{name}"]')
    group = box.getparent()
    (message,) = group.xpath('.//*[contains(@class, "govuk-character-count__message")]')
    return box, group, message


@pytest.mark.parametrize(
    ("who", "page", "name", "limit"),
    [
        ("awaken_lead", lambda get: reverse("add_evidence", args=[get("3.1").pk]), "text", "5,000"),
        ("chair", lambda get: reverse("rate_action", args=[get("3.1").pk]), "reason", "2,000"),
        ("manager", lambda get: reverse("edit_action", args=[get("3.1").pk]), "outcomes", "5,000"),
    ],
)
def test_a_text_box_with_a_limit_counts_the_characters_as_the_person_types(
    client, request, get_action, who, page, name, limit
):
    client.force_login(request.getfixturevalue(who))

    box, group, message = text_box(client.get(page(get_action)).text, name)

    assert group.get("data-module") == "govuk-character-count"
    assert group.get("data-maxlength") == limit.replace(",", "")
    assert "govuk-js-character-count" in box.get("class")
    assert box.get("maxlength") is None  # nothing is cut off as it is typed
    assert message.text_content() == f"You can enter up to {limit} characters"
    assert message.get("id") in box.get("aria-describedby").split()


def test_evidence_over_the_limit_is_refused_with_a_clear_error_and_kept_as_typed(
    client, awaken_lead, get_action
):
    client.force_login(awaken_lead)
    url = reverse("add_evidence", args=[get_action("3.1").pk])
    before = EvidenceEntry.history.count()
    too_long = "x" * 5001

    response = submit(client, url, {"text": too_long})

    assert response.status_code == 200
    assert "What was done must be 5,000 characters or fewer" in response.text
    box, _, _ = text_box(response.text, "text")
    assert box.text.strip() == too_long
    assert EvidenceEntry.history.count() == before
