"""The business manager creates, edits, closes and copies plans, and adds sections."""

import pytest
from django.urls import reverse

from actionplan.models import Action, EvidenceEntry, Plan
from agencies.models import Agency
from tests.served import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def page_of(client, plan):
    return client.get(reverse("plan_overview_for", kwargs={"slug": plan.slug})).content.decode()


def test_the_manager_creates_a_plan(plan, signed_in):
    group = Agency.objects.get(slug="cse-priority-group")

    response = submit(
        signed_in,
        reverse("plan_new"),
        {
            "title": "Neglect Action Plan 2025-26",
            "short_title": "Neglect plan",
            "partnership": "Blackpool Safeguarding Children Board",
            "owner": group.pk,
            "protective_marking": "OFFICIAL",
            "parent_plan": "The Board's business plan",
        },
    )

    created = Plan.objects.get(slug="neglect-action-plan-2025-26")
    assert response["Location"] == reverse("plan_overview_for", kwargs={"slug": created.slug})
    assert (created.owner, created.protective_marking) == (group, "OFFICIAL")
    assert created.history.get().history_change_reason == "Plan created"
    assert "Neglect Action Plan 2025-26 has been created." in page_of(signed_in, created)


def test_a_plan_needs_a_title_an_owner_and_a_free_address(plan, signed_in):
    response = submit(signed_in, reverse("plan_new"), {"slug": plan.slug, "title": "X"})

    page = response.content.decode()
    assert "Select the group that owns the plan" in page
    assert f"There is already a plan at “{plan.slug}”: choose another" in page
    assert not Plan.objects.filter(title="X").exists()


def test_the_manager_edits_the_plan_details(plan, signed_in):
    submit(
        signed_in,
        reverse("plan_edit", kwargs={"pk": plan.pk}),
        {
            "title": plan.title,
            "partnership": plan.partnership,
            "owner": plan.owner_id,
            "protective_marking": "OFFICIAL",
        },
    )

    plan.refresh_from_db()
    assert plan.protective_marking == "OFFICIAL"
    assert plan.history.latest().history_change_reason == "Plan details edited"


def test_the_manager_adds_a_section_numbered_after_the_last(plan, signed_in):
    url = reverse("section_new", kwargs={"pk": plan.pk})
    assert 'value="8"' in signed_in.get(url).content.decode()

    response = submit(
        signed_in, url, {"number": "8", "title": "Missing from home", "purpose": "Find them"}
    )

    assert response.status_code == 302
    page = page_of(signed_in, plan)
    assert "Section 8, Missing from home, has been added." in page
    assert "8. Missing from home" in page
    section = plan.sections.get(number=8)
    assert section.history.get().history_change_reason == "Section added"


def test_a_section_number_in_use_is_refused(plan, signed_in):
    response = submit(
        signed_in, reverse("section_new", kwargs={"pk": plan.pk}), {"number": "3", "title": "X"}
    )

    assert "Section 3 already exists in this plan" in response.content.decode()


def test_a_closed_plan_can_be_read_but_not_changed(
    plan, signed_in, client, chair, awaken_lead, get_action
):
    url = reverse("plan_close", kwargs={"pk": plan.pk})
    assert "Enter the reason" in submit(signed_in, url, {"reason": ""}).content.decode()

    submit(signed_in, url, {"reason": "Replaced by the 2016 plan"})

    page = page_of(signed_in, plan)
    assert "This plan was closed on" in page
    assert "Replaced by the 2016 plan" in page
    assert "Edit section 1" not in page
    assert "Add a section" not in page
    action = get_action("3.1")
    assert signed_in.get(reverse("edit_action", kwargs={"pk": action.pk})).status_code == 403
    assert signed_in.get(reverse("section_new", kwargs={"pk": plan.pk})).status_code == 403
    client.force_login(chair)
    rating = submit(client, reverse("rate_action", kwargs={"pk": action.pk}), {"rag": "red"})
    assert rating.status_code == 403
    client.force_login(awaken_lead)
    assert client.get(reverse("add_evidence", kwargs={"pk": action.pk})).status_code == 403
    assert (
        "Add evidence"
        not in client.get(reverse("action_detail", args=[action.pk])).content.decode()
    )
    assert client.get(reverse("export_csv_for", kwargs={"slug": plan.slug})).status_code == 200


def test_copying_a_plan_keeps_its_structure_leads_and_timescales_not_its_evidence(plan, signed_in):
    response = submit(
        signed_in,
        reverse("plan_copy", kwargs={"pk": plan.pk}),
        {"title": "CSE Operational Action Plan 2016-17", "slug": "cse-2016"},
    )

    copy = Plan.objects.get(slug="cse-2016")
    assert response["Location"] == reverse("plan_overview_for", kwargs={"slug": "cse-2016"})
    assert copy.owner == plan.owner
    old = Action.objects.in_plan(plan).order_by("section__number", "position")
    new = Action.objects.in_plan(copy).order_by("section__number", "position")

    def shape(actions):
        return [
            (
                a.ref,
                a.text,
                a.timescale,
                a.due_date,
                [(lead.agency_id, lead.post_id) for lead in a.leads.all()],
            )
            for a in actions
        ]

    assert shape(new) == shape(old)
    assert not EvidenceEntry.objects.filter(action__section__plan=copy).exists()
    assert set(new.values_list("rag", flat=True)) == {""}
    assert EvidenceEntry.objects.filter(action__section__plan=plan).count() == 108


@pytest.mark.parametrize("who", ["board_member", "awaken_lead", "chair", "manager"])
def test_with_more_than_one_plan_every_page_has_a_plan_picker(plan, client, request, who):
    client.force_login(request.getfixturevalue(who))
    dashboard = reverse("dashboard_for", kwargs={"slug": plan.slug})
    assert "app-plan-picker" not in client.get(dashboard).content.decode()  # one plan: none

    other = Plan.objects.create(
        slug="neglect", title="Neglect Action Plan", partnership="A Board", owner=plan.owner
    )
    page = client.get(dashboard).content.decode()
    picker = page.split('class="govuk-details app-plan-picker"')[1].split("</details>")[0]
    assert f"Plan: {plan.short_title or plan.title}" in picker
    assert f'href="{reverse("plan_overview_for", kwargs={"slug": plan.slug})}" aria-current' in (
        picker
    )
    assert f'href="{reverse("plan_overview_for", kwargs={"slug": other.slug})}"' in picker
    # The menu's pages are the plan's being read.
    neglect = client.get(reverse("plan_overview_for", kwargs={"slug": "neglect"})).content.decode()
    assert f'href="{reverse("dashboard_for", kwargs={"slug": "neglect"})}"' in neglect
    assert f'href="{reverse("activity_for", kwargs={"slug": "neglect"})}"' in neglect


def test_people_who_are_not_members_see_no_plans_in_the_header(plan, client, django_user_model):
    nobody = django_user_model.objects.create_user("no.member")
    Plan.objects.create(slug="neglect", title="Neglect", partnership="A Board", owner=plan.owner)
    client.force_login(nobody)
    page = client.get(reverse("plan_overview")).content.decode()
    assert "Neglect" not in page and "app-plan-picker" not in page


def test_a_section_number_taken_while_the_form_was_open_is_an_error_not_a_crash(plan, signed_in):
    url = reverse("section_new", kwargs={"pk": plan.pk})
    served = signed_in.get(url)
    plan.add_section(number=8, title="Added meanwhile", purpose="")  # someone else, first

    from tests.served import hidden_fields

    response = signed_in.post(
        url,
        {**hidden_fields(served.content), "number": "8", "title": "Mine", "purpose": ""},
    )

    assert response.status_code == 200
    assert "already" in response.content.decode()
    assert not plan.sections.filter(title="Mine").exists()
