"""What the board pack shows: the plan as at a date, and what moved in the period."""

import datetime

import pytest
import time_machine

from actionplan.models import Rag, Section
from actionplan.snapshot import PlanDidNotExist
from reporting.models import BoardPack
from reporting.pack import pack_context

from .conftest import action_of, add_evidence_on, load_seed_copy, london, rate_on

pytestmark = pytest.mark.django_db
SEPT_30 = datetime.date(2015, 9, 30)


def issued_on(plan, as_at, since):
    """An issued pack (its PDF is not what these tests are about)."""
    pack = BoardPack(
        plan=plan,
        period_label="Quarter",
        as_at=as_at,
        since_date=since,
        issued_by_name="Test",
        pdf=b"%PDF-1.7 test",
    )
    pack.save()
    return pack


def refs(items):
    return [item.ref for item in items]


def test_the_period_label_is_the_financial_quarter_of_the_as_at_date(plan_of_2015):
    assert pack_context(plan_of_2015, SEPT_30)["period_label"] == "Quarter 2, 2015/16"
    december = pack_context(plan_of_2015, datetime.date(2015, 12, 31))
    assert december["period_label"] == "Quarter 3, 2015/16"


def test_with_no_pack_and_no_since_date_the_period_starts_when_the_plan_was_set_up(
    plan_of_2015,
):
    period = pack_context(plan_of_2015, SEPT_30)["period"]
    assert (period.since, period.baseline, period.previous_pack) == (
        datetime.date(2015, 4, 1),
        "creation",
        None,
    )
    assert period.days == "2 April 2015 to 30 September 2015"


def test_the_last_issued_pack_before_the_as_at_date_is_the_baseline(plan_of_2015):
    issued_on(plan_of_2015, datetime.date(2015, 3, 31), datetime.date(2015, 3, 1))
    june = issued_on(plan_of_2015, datetime.date(2015, 6, 30), datetime.date(2015, 4, 1))
    issued_on(plan_of_2015, datetime.date(2015, 12, 31), datetime.date(2015, 9, 30))
    period = pack_context(plan_of_2015, SEPT_30)["period"]
    assert (period.since, period.baseline, period.previous_pack) == (
        datetime.date(2015, 6, 30),
        "pack",
        june,
    )
    assert "the last pack, issued as at 30 June 2015" in period.description


def test_an_explicit_since_date_wins_over_the_last_pack(plan_of_2015):
    issued_on(plan_of_2015, datetime.date(2015, 6, 30), datetime.date(2015, 4, 1))
    period = pack_context(plan_of_2015, SEPT_30, since=datetime.date(2015, 8, 31))["period"]
    assert (period.since, period.baseline, period.days) == (
        datetime.date(2015, 8, 31),
        "date",
        "1 September 2015 to 30 September 2015",
    )


def test_a_since_date_on_or_after_the_as_at_date_is_refused(plan_of_2015):
    with pytest.raises(ValueError, match="The since date must be before the as-at date"):
        pack_context(plan_of_2015, SEPT_30, since=SEPT_30)


def test_a_date_before_the_plan_existed_is_refused(plan_of_2015):
    with pytest.raises(PlanDidNotExist, match="had not been created by 31 March 2015"):
        pack_context(plan_of_2015, datetime.date(2015, 3, 31))


def test_the_pack_shows_the_plan_as_it_stood_at_the_end_of_the_as_at_day(plan_of_2015):
    rate_on(plan_of_2015, "4.2", Rag.RED, "No progress", london(2015, 9, 30, 23, 30))
    rate_on(plan_of_2015, "2.1", Rag.GREEN, "Gap closed", london(2015, 10, 1, 0, 30))
    rows = {
        row.action.ref: row.action
        for part in pack_context(plan_of_2015, SEPT_30)["parts"]
        for row in part.rows
    }
    assert len(rows) == 19
    assert (rows["4.2"].rag, rows["4.2"].rag_reason) == (Rag.RED, "No progress")
    assert (rows["2.1"].rag, rows["2.1"].rag_reason) == (Rag.AMBER, "")


def test_rating_changes_in_the_period_are_listed_with_reason_who_and_when(plan_of_2015, chair):
    rate_on(plan_of_2015, "2.1", Rag.RED, "Before the period", london(2015, 6, 15, 10))
    rate_on(plan_of_2015, "2.1", Rag.GREEN, "Gap closed", london(2015, 8, 15, 10), by=chair)
    rate_on(plan_of_2015, "4.2", Rag.AMBER, "First rating", london(2015, 8, 20, 10))
    rate_on(plan_of_2015, "2.2", Rag.AMBER, "After the as-at date", london(2015, 10, 1, 0, 30))
    issued_on(plan_of_2015, datetime.date(2015, 6, 30), datetime.date(2015, 4, 1))

    ratings = pack_context(plan_of_2015, SEPT_30)["changes"].ratings

    assert [(c.ref, c.old_label, c.new_label, c.reason, c.direction) for c in ratings] == [
        ("2.1", "Red", "Green", "Gap closed", "up"),
        ("4.2", "Not rated", "Amber", "First rating", "first rated"),
    ]
    assert ratings[0].by == "Chair Tester"
    assert ratings[0].when == london(2015, 8, 15, 10)


def test_loading_the_plan_is_not_a_change_of_rating(plan_of_2015):
    changes = pack_context(plan_of_2015, SEPT_30, since=datetime.date(2015, 3, 31))["changes"]
    assert changes.ratings == []
    assert len(changes.added) == 19  # the plan was set up after the since date


def test_movement_counts_up_down_unchanged_and_treats_not_rated_apart(plan_of_2015):
    rate_on(plan_of_2015, "2.1", Rag.GREEN, "Up", london(2015, 7, 10, 10))
    rate_on(plan_of_2015, "2.2", Rag.RED, "Down", london(2015, 7, 10, 10))
    rate_on(plan_of_2015, "4.2", Rag.AMBER, "First", london(2015, 7, 10, 10))
    rate_on(plan_of_2015, "1.1", "", "Rating withdrawn", london(2015, 7, 10, 10))
    rate_on(plan_of_2015, "3.1", Rag.RED, "Down then up", london(2015, 7, 11, 10))
    rate_on(plan_of_2015, "3.1", Rag.AMBER, "Back again", london(2015, 7, 12, 10))

    movement = {m["key"]: m for m in pack_context(plan_of_2015, SEPT_30)["movement"]}

    assert {key: m["count"] for key, m in movement.items()} == {
        "up": 1,
        "down": 1,
        "same": 15,
        "first rated": 1,
        "unrated": 1,
        "added": 0,
    }
    assert movement["up"]["refs"] == ["2.1"] and movement["unrated"]["refs"] == ["1.1"]
    assert "3.1" in movement["same"]["refs"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (Rag.RED, Rag.AMBER, "up"),
        (Rag.GREEN, Rag.BLUE, "up"),
        (Rag.BLUE, Rag.RED, "down"),
        (Rag.AMBER, Rag.AMBER, "same"),
        ("", "", "same"),
        ("", Rag.RED, "first rated"),
        (Rag.GREEN, "", "unrated"),
    ],
)
def test_ratings_rank_red_amber_green_blue(old, new, expected):
    assert Rag.direction(old, new) == expected


def test_evidence_added_changed_and_withdrawn_in_the_period_is_listed(plan_of_2015, awaken_lead):
    new = add_evidence_on(
        plan_of_2015,
        "3.1",
        "Schools toolkit launched",
        london(2015, 8, 3, 11),
        activity_date=datetime.date(2015, 8, 1),
        by=awaken_lead,
    )
    changed, withdrawn, untouched = action_of(plan_of_2015, "2.1").evidence_entries.all()[:3]
    with time_machine.travel(london(2015, 8, 4, 9), tick=False):
        changed.text = "CSE Awareness Week, 9 November 2015"
        changed._change_reason = "Date corrected"
        changed.save()
        withdrawn.withdraw("Recorded against the wrong action")
        untouched._change_reason = "Saved with no change"
        untouched.save()
    add_evidence_on(plan_of_2015, "3.1", "Too late for the pack", london(2015, 10, 2, 9))

    evidence = pack_context(plan_of_2015, SEPT_30)["changes"].evidence

    assert [(e.ref, e.status, e.text[:24], e.reason) for e in evidence] == [
        ("2.1", "Changed", "CSE Awareness Week, 9 No", "Date corrected"),
        ("2.1", "Withdrawn", "CSE Awareness Day - Marc", "Recorded against the wrong action"),
        ("3.1", "New", "Schools toolkit launched", ""),
    ]
    assert (evidence[2].by, evidence[2].agency) == ("Awaken Tester", "Awaken")
    assert new.pk


def test_actions_added_moved_and_completed_in_the_period_are_listed(plan_of_2015):
    from actionplan.models import Action

    section_2 = Section.objects.get(plan=plan_of_2015, number=2)
    section_3 = Section.objects.get(plan=plan_of_2015, number=3)
    with time_machine.travel(london(2015, 8, 5, 10), tick=False):
        added = Action(section=section_2, position=4, text="A new action", timescale="Dec 2015")
        added._change_reason = "Agreed at the August meeting"
        added.save()
    with time_machine.travel(london(2015, 8, 6, 10), tick=False):
        action_of(plan_of_2015, "2.3").move_to(section_3, None, "Belongs with protection")
    rate_on(plan_of_2015, "7.1", Rag.BLUE, "Training delivered", london(2015, 8, 7, 10))

    context = pack_context(plan_of_2015, SEPT_30)
    changes = context["changes"]

    assert [(c.ref, c.action_text) for c in changes.added] == [("2.4", "A new action")]
    # No other action's ref changes (refs are how minutes refer to actions).
    assert [(c.ref, c.detail, c.reason) for c in changes.moved] == [
        ("3.3", "Was 2.3, now 3.3", "Belongs with protection"),
    ]
    assert [(c.ref, c.reason) for c in changes.completed] == [("7.1", "Training delivered")]
    assert {m["key"]: m["refs"] for m in context["movement"]}["added"] == ["2.4"]


def test_overdue_means_due_before_the_as_at_date_and_not_blue(plan_of_2015):
    rate_on(plan_of_2015, "2.2", Rag.BLUE, "Done", london(2015, 9, 1, 10))
    overdue = refs(row.action for row in pack_context(plan_of_2015, SEPT_30)["overdue"])
    # Due Dec 2014, April 2015 or July 2015; "Sept 2015" is due on the as-at date itself.
    assert overdue == ["1.1", "3.2", "4.1", "4.2", "6.1", "6.2", "6.3", "6.4"]


def test_open_actions_with_no_evidence_dated_in_the_period_are_listed(plan_of_2015):
    add_evidence_on(
        plan_of_2015, "2.1", "Dated in", london(2015, 8, 3), activity_date=datetime.date(2015, 8, 1)
    )
    # Recorded in the period about something done before it: not evidence of the period.
    add_evidence_on(
        plan_of_2015, "2.2", "Old news", london(2015, 8, 3), activity_date=datetime.date(2015, 3, 1)
    )
    add_evidence_on(plan_of_2015, "2.3", "Undated, recorded in the period", london(2015, 8, 3))
    rate_on(plan_of_2015, "7.1", Rag.BLUE, "Complete", london(2015, 8, 7))
    issued_on(plan_of_2015, datetime.date(2015, 6, 30), datetime.date(2015, 4, 1))

    missing = refs(row.action for row in pack_context(plan_of_2015, SEPT_30)["no_evidence"])

    assert "2.1" not in missing and "2.3" not in missing
    assert "2.2" in missing
    assert "7.1" not in missing  # complete
    assert len(missing) == 19 - 3


def test_rag_counts_per_section_add_up(plan_of_2015):
    context = pack_context(plan_of_2015, SEPT_30)
    totals = {label: count for _, label, count in context["totals"]["counts"]}
    assert totals == {"Red": 0, "Amber": 7, "Green": 7, "Blue": 0, "Not rated": 5}
    assert context["totals"]["total"] == 19
    section_7 = context["parts"][6]
    assert [(label, n) for _, label, n in section_7.counts if n] == [
        ("Green", 4),
        ("Not rated", 2),
    ]
    bar_7 = context["chart"]["bars"][6]
    assert [s["count"] for s in bar_7["segments"]] == [4, 2]


def test_building_the_pack_takes_the_same_number_of_queries_whatever_the_size(
    plan_of_2015, tmp_path, chair, django_assert_num_queries
):
    big = load_seed_copy(tmp_path, slug="cse-2015-big", copies=6)
    for plan in (plan_of_2015, big):
        rate_on(plan, "2.1", Rag.GREEN, "Better", london(2015, 8, 1), by=chair)
        add_evidence_on(plan, "2.2", "More", london(2015, 8, 2), by=chair)
    assert action_of(big, "7.36").text == action_of(big, "7.6").text

    # The snapshot: plan, sections, actions, leads, evidence, agencies (then and now),
    # posts (then and now), people; the entries' attachments. The period: the last pack,
    # the day the plan was set up. The changes: the history of sections, actions and
    # evidence.
    with django_assert_num_queries(16):
        small = pack_context(plan_of_2015, SEPT_30)
    with django_assert_num_queries(16):
        large = pack_context(big, SEPT_30)
    assert (len(small["changes"].ratings), len(large["changes"].ratings)) == (1, 1)
    assert sum(part.total for part in large["parts"]) == 19 * 6


def test_each_entry_lists_the_attachments_it_had_at_the_as_at_date_by_name(
    plan_of_2015, awaken_lead
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from actionplan.models import Attachment
    from reporting.rendering import render_pack_html

    entry = add_evidence_on(plan_of_2015, "3.1", "Audit done", london(2015, 8, 1, 10))

    def attach_on(moment, title):
        with time_machine.travel(moment, tick=False):
            upload = SimpleUploadedFile(f"{title}.pdf", b"%PDF-1.7 secret content")
            return Attachment.add_file(
                entry, upload, title=title, content_type="application/pdf", by=awaken_lead
            )

    attach_on(london(2015, 8, 2, 10), "Audit report")
    with time_machine.travel(london(2015, 8, 3, 10), tick=False):
        Attachment.add_link(
            entry, url="https://example.org/strategy", title="Strategy", by=awaken_lead
        )
    withdrawn = attach_on(london(2015, 8, 4, 10), "Wrong minutes")
    with time_machine.travel(london(2015, 8, 5, 10), tick=False):
        withdrawn.withdraw("Not this meeting")
    attach_on(london(2015, 10, 2, 10), "Later report")

    html = render_pack_html(pack_context(plan_of_2015, SEPT_30))

    assert "Attached: Audit report (PDF); Strategy (web link)</p>" in html
    assert "Wrong minutes" not in html
    assert "Later report" not in html
    assert "secret content" not in html
