import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actionplan.history import rating_changes, timescale_revisions
from actionplan.models import Action, ActionLead, EvidenceEntry, Plan, Rag, Section
from agencies.models import Agency, Membership, Post

pytestmark = pytest.mark.django_db


def saved(obj, reason="Set up for the test"):
    obj._change_reason = reason
    obj.save()
    return obj


@pytest.fixture
def police():
    return saved(Agency(slug="police", name="Police"))


@pytest.fixture
def small_plan(police):
    group = saved(Agency(slug="group", name="Priority Group", kind=Agency.Kind.GROUP))
    return saved(Plan(slug="small", title="Small plan", partnership="A Board", owner=group))


@pytest.fixture
def section(small_plan):
    return saved(Section(plan=small_plan, number=2, title="Prevention"))


def make_action(section, position, timescale="Sept 2015", **fields):
    return saved(
        Action(
            section=section,
            position=position,
            text=f"Action {position}",
            timescale=timescale,
            **fields,
        )
    )


def refs(section):
    return [(a.text, a.ref) for a in section.actions.order_by("position")]


def test_an_actions_ref_is_its_section_number_and_position(section):
    assert make_action(section, 3).ref == "2.3"


def test_the_timescale_words_are_kept_with_the_end_of_that_month(section):
    action = make_action(section, 1, timescale="Sept 2015")
    action.refresh_from_db()
    assert action.timescale == "Sept 2015"
    assert action.due_date == datetime.date(2015, 9, 30)
    assert action.original_timescale == "Sept 2015"


def test_a_timescale_that_does_not_parse_is_a_validation_error_not_a_crash(section):
    action = Action(section=section, position=1, text="x", timescale="Ongoing")
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert "Enter the timescale as a month and year" in str(error.value.message_dict["timescale"])


def test_moving_an_action_to_a_free_number_changes_no_other_ref(section):
    first, second, third = (make_action(section, n) for n in (1, 2, 3))
    first.move_to(section, 5, reason="Least urgent last")
    assert refs(section) == [("Action 2", "2.2"), ("Action 3", "2.3"), ("Action 1", "2.5")]


def test_moving_an_action_to_a_number_in_use_is_refused_and_changes_nothing(section):
    first, second, third = (make_action(section, n) for n in (1, 2, 3))
    with pytest.raises(ValidationError) as error:
        third.move_to(section, 1, reason="Most urgent first")
    assert "2.1 is already taken" in str(error.value)
    assert "the next is 2.4" in str(error.value)
    assert refs(section) == [("Action 1", "2.1"), ("Action 2", "2.2"), ("Action 3", "2.3")]


def test_moving_an_action_to_another_section_puts_it_last_and_leaves_a_gap(small_plan, section):
    other = saved(Section(plan=small_plan, number=3, title="Protect"))
    a1, a2, a3 = (make_action(section, n) for n in (1, 2, 3))
    b1 = make_action(other, 1)
    a1.move_to(other, None, reason="Belongs with protection")
    assert refs(section) == [("Action 2", "2.2"), ("Action 3", "2.3")]
    assert refs(other) == [("Action 1", "3.1"), ("Action 1", "3.2")]
    b1.refresh_from_db()
    assert b1.ref == "3.1"


def test_renumbering_closes_the_gaps_with_a_reason_and_puts_removed_actions_after(
    small_plan, section
):
    a1, a2, a3, a4 = (make_action(section, n) for n in (1, 2, 3, 4))
    a1.remove("Merged into 2.2")
    a3.move_to(section, 9, reason="Last")
    assert small_plan.renumbering() == [(a2, 1), (a4, 2), (a3, 3)]

    changed = small_plan.renumber("Agreed at the board")

    assert changed == [("2.2", "2.1"), ("2.4", "2.2"), ("2.9", "2.3")]
    for action, ref in ((a2, "2.1"), (a4, "2.2"), (a3, "2.3"), (a1, "2.4")):
        action.refresh_from_db()
        assert action.ref == ref
    assert a2.history.latest().history_change_reason == "Agreed at the board"
    assert small_plan.renumbering() == []


def test_a_move_records_one_history_row_for_the_action_moved_with_the_reason(section):
    first, second, third = (make_action(section, n) for n in (1, 2, 3))
    third.move_to(section, 7, reason="Least urgent last")
    assert [a.history.count() for a in (first, second, third)] == [1, 1, 2]
    assert third.history.latest().history_change_reason == "Least urgent last"


def test_two_actions_cannot_share_a_ref(section):
    make_action(section, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_action(section, 1)


def test_two_sections_of_a_plan_cannot_share_a_number(small_plan, section):
    with pytest.raises(IntegrityError), transaction.atomic():
        saved(Section(plan=small_plan, number=section.number, title="Again"))


def test_overdue_means_the_target_date_has_passed_and_the_action_is_not_complete(section):
    past = make_action(section, 1, timescale="Dec 2014")
    make_action(section, 2, timescale="Dec 2030")
    done = make_action(section, 3, timescale="Dec 2014")
    done.rate(Rag.BLUE, "Completed in November")
    today = datetime.date(2015, 1, 1)
    assert list(section.actions.overdue(today=today)) == [past]
    assert past.is_overdue(today) and not done.is_overdue(today)
    assert not past.is_overdue(datetime.date(2014, 12, 31))


def test_led_by_finds_the_actions_an_agency_leads_directly_or_through_a_post(section, police):
    direct = make_action(section, 1)
    through_post = make_action(section, 2)
    make_action(section, 3)
    saved(ActionLead(action=direct, agency=police))
    head = saved(Post(agency=police, title="Head of Public Protection"))
    saved(ActionLead(action=through_post, agency=police, post=head))
    assert list(Action.objects.led_by(police).order_by("position")) == [direct, through_post]


def test_a_rating_change_is_recorded_with_who_when_and_why(section):
    chair = get_user_model().objects.create_user("chair")
    action = make_action(section, 1)
    action.rate(Rag.RED, "No progress since the last meeting", by=chair)
    record = action.history.latest()
    assert record.rag == "red"
    assert record.history_change_reason == "No progress since the last meeting"
    assert record.rated_by == chair
    assert rating_changes(action)[0]["to"] == "Red"
    assert rating_changes(action)[0]["reason"] == "No progress since the last meeting"


def test_a_rating_needs_a_reason(section):
    action = make_action(section, 1)
    with pytest.raises(ValidationError, match="Enter the reason for this rating"):
        action.rate(Rag.RED, "   ")
    action.refresh_from_db()
    assert action.rag == ""


def test_a_rating_cannot_be_changed_without_a_reason_even_by_a_plain_save(section):
    action = make_action(section, 1)
    action = Action.objects.get(pk=action.pk)
    action.rag = Rag.GREEN
    with pytest.raises(ValidationError, match="needs a reason"):
        action.save()
    assert Action.objects.get(pk=action.pk).rag == ""


def test_an_unknown_rating_is_refused(section):
    action = make_action(section, 1)
    with pytest.raises(ValidationError, match="Select a rating"):
        action.rate("purple", "Because")


def test_a_revised_timescale_keeps_the_original_and_the_reason(section):
    action = make_action(section, 1, timescale="Dec 2014")
    action.revise_timescale("April 2015", "Waiting for the police problem profile")
    action.refresh_from_db()
    assert action.original_timescale == "Dec 2014"
    assert action.timescale == "April 2015"
    assert action.due_date == datetime.date(2015, 4, 30)
    assert action.timescale_revised
    [revision] = timescale_revisions(action)
    assert (revision["from"], revision["to"], revision["reason"]) == (
        "Dec 2014",
        "April 2015",
        "Waiting for the police problem profile",
    )


def test_revising_a_timescale_to_words_that_do_not_parse_changes_nothing(section):
    action = make_action(section, 1, timescale="Dec 2014")
    with pytest.raises(ValidationError, match="Enter the timescale as a month and year"):
        action.revise_timescale("soon", "Because")
    action.refresh_from_db()
    assert action.timescale == "Dec 2014"
    assert action.history.count() == 1


def test_every_model_keeps_a_history_row_for_create_update_and_delete(small_plan, police):
    section = saved(Section(plan=small_plan, number=1, title="Prevention"))
    action = make_action(section, 1)
    post = saved(Post(agency=police, title="Chief"))
    lead = saved(ActionLead(action=action, agency=police, post=post))
    entry = saved(EvidenceEntry(action=action, text="Leaflet produced", agency=police))
    user = get_user_model().objects.create_user("someone")
    membership = saved(Membership(user=user, agency=police, role=Membership.Role.AGENCY_LEAD))
    for obj in (small_plan, section, action, post, lead, entry, membership, police):
        assert [r.history_type for r in obj.history.all()] == ["+"], obj
        obj._change_reason = "Edited"
        obj.save()
        assert [r.history_type for r in obj.history.order_by("history_date")] == ["+", "~"]
    for obj in (membership, entry, lead):
        pk = obj.pk
        obj._change_reason = "Removed"
        obj.delete()
        assert obj.__class__.history.filter(id=pk, history_type="-").exists()


def test_moving_an_action_with_no_number_puts_it_last_in_its_own_section_too(section):
    first, second, third = (make_action(section, n) for n in (1, 2, 3))
    first.move_to(section, None, reason="Least urgent last")
    assert refs(section) == [("Action 2", "2.2"), ("Action 3", "2.3"), ("Action 1", "2.4")]
    history = first.history.count()
    first.move_to(section, None, reason="Already last")
    assert first.history.count() == history  # already last: nothing saved


def test_renumbering_leaves_removed_actions_alone_when_they_are_already_after(small_plan, section):
    a1, a2, a3 = (make_action(section, n) for n in (1, 2, 3))
    a3.remove("Merged")
    a2.move_to(section, 5, reason="Last")
    small_plan.renumber("Tidy")
    a3.refresh_from_db()
    assert a3.position == 3 and a3.history.count() == 2  # made, removed: not moved about
    a2.refresh_from_db()
    assert a2.ref == "2.2"
