"""Removing a section: the page says up front when the section must first be emptied,
and the plan overview says when a section has no actions (issue 13)."""

import pytest
from django.urls import reverse

from actionplan.models import Section
from tests.served import submit

pytestmark = pytest.mark.django_db


def test_removing_a_section_with_actions_says_first_to_move_or_remove_them(client, manager, plan):
    client.force_login(manager)
    section = Section.objects.get(plan=plan, number=2)

    page = client.get(reverse("remove_section", args=[section.pk])).content.decode()

    assert "Section 2 cannot be removed yet: it still has 3 actions." in page
    assert "Move each action to another section, or remove it" in page
    assert 'name="reason"' not in page and ">Remove</button>" not in page


def test_a_section_with_actions_is_still_refused_if_posted_anyway(client, manager, plan):
    client.force_login(manager)
    section = Section.objects.get(plan=plan, number=2)

    response = submit(client, reverse("remove_section", args=[section.pk]), {"reason": "Merged"})

    assert response.status_code == 200
    assert "Move or remove this section&#x27;s actions before removing the section" in (
        response.content.decode()
    )
    section.refresh_from_db()
    assert not section.is_removed


def test_an_empty_section_is_removed_with_a_reason(client, manager, empty_section):
    client.force_login(manager)
    url = reverse("remove_section", args=[empty_section.pk])
    assert "The section has no actions." in client.get(url).content.decode()

    response = submit(client, url, {"reason": "Not needed after all"})

    assert response.status_code == 302
    empty_section.refresh_from_db()
    assert empty_section.is_removed


def test_the_plan_overview_says_when_a_section_has_no_actions(client, board_member, empty_section):
    client.force_login(board_member)

    page = client.get(reverse("plan_overview")).content.decode()

    assert "8. Spare" in page
    assert "There are no actions in section 8." in page
    assert "There are no actions in section 2." not in page
