from django.urls import reverse

from agencies.models import Agency


def overview(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("plan_overview") + query)


def refs_shown(response):
    return [a.ref for row in response.context["sections"] for a in row.actions]


def test_the_overview_shows_every_section_and_action_in_the_seed_layout(client, board_member):
    response = overview(client, board_member)
    assert response.status_code == 200
    assert len(refs_shown(response)) == 19
    page = response.text
    for heading in ("Ref", "Action", "Outcomes", "Lead", "Timescale", "Current position", "RAG"):
        assert f">{heading}</th>" in page
    assert "BSCB must be provided with key data from partner agencies" in page
    assert "19 actions" in page


def test_rag_is_a_tag_with_the_word(client, board_member):
    page = overview(client, board_member).text
    assert 'app-rag--amber">Amber</strong>' in page
    assert 'app-rag--none">Not rated</strong>' in page


def test_overdue_timescales_are_flagged(client, board_member):
    page = overview(client, board_member).text
    assert "Overdue" in page  # the seed's timescales are all in the past and none is Blue


def test_filter_by_rag_including_not_rated(client, board_member):
    assert refs_shown(overview(client, board_member, "?rag=none")) == [
        "4.2",
        "6.3",
        "6.4",
        "7.3",
        "7.4",
    ]
    response = overview(client, board_member, "?rag=green")
    assert refs_shown(response) == ["1.1", "2.2", "2.3", "7.1", "7.2", "7.5", "7.6"]
    assert "7 of 19 actions match" in response.text


def test_several_ratings_can_be_chosen_at_once(client, board_member):
    response = overview(client, board_member, "?rag=green&rag=none")

    assert refs_shown(response) == sorted(
        ["1.1", "2.2", "2.3", "7.1", "7.2", "7.5", "7.6", "4.2", "6.3", "6.4", "7.3", "7.4"],
        key=lambda ref: tuple(int(n) for n in ref.split(".")),
    )
    assert "12 of 19 actions match" in response.text
    for value in ("green", "none"):
        assert f'type="checkbox" value="{value}" checked' in response.text


def test_filter_by_section_lead_and_text(client, board_member, plan):
    section = plan.sections.get(number=6)
    assert refs_shown(overview(client, board_member, f"?section={section.pk}")) == [
        "6.1",
        "6.2",
        "6.3",
        "6.4",
    ]
    awaken = Agency.objects.get(slug="awaken")
    assert refs_shown(overview(client, board_member, f"?lead={awaken.pk}")) == [
        "2.1",
        "3.1",
        "4.1",
        "4.2",
    ]
    assert refs_shown(overview(client, board_member, "?q=taxi+drivers")) == ["4.2"]


def test_filter_overdue_and_no_evidence_since(client, board_member, get_action):
    assert len(refs_shown(overview(client, board_member, "?overdue=on"))) == 19
    assert len(refs_shown(overview(client, board_member, "?no_evidence_since=01/04/2015"))) == 19


def test_a_bad_filter_date_is_a_clear_error_not_a_crash(client, board_member):
    response = overview(client, board_member, "?no_evidence_since=31/02/2015")
    assert response.status_code == 200
    assert "No evidence since must be a real date" in response.text


def test_anonymous_visitors_are_sent_to_sign_in_and_see_nothing(client):
    response = client.get(reverse("plan_overview"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_signed_in_person_with_no_membership_sees_nothing(client, plan, django_user_model):
    stranger = django_user_model.objects.create_user("stranger")
    client.force_login(stranger)
    response = client.get(reverse("plan_overview"))
    assert response.status_code == 403
    assert "Child Sexual Exploitation" not in response.text
