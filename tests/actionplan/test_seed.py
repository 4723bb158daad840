"""The real plan ships with the product, faithfully: checked against the seed document."""

import json

import pytest
from django.core.management import CommandError, call_command

from actionplan.models import Action, ActionLead, EvidenceEntry, Plan, Section
from actionplan.seed import SEED_PLAN, load_plan
from agencies.models import Agency, Post

pytestmark = pytest.mark.django_db

# ref: (lead agencies, in the seed's order; timescale as written; RAG as the seed gives it)
SEED = {
    "1.1": (["Blackpool CSE Priority Group"], "Dec 2014", "green"),
    "2.1": (["Awaken", "Pan-Lancashire CSE Strategic Group"], "Sept 2015", "amber"),
    "2.2": (["Lancashire Police"], "April 2015", "green"),
    "2.3": (["CSE Operational Group"], "Sept 2015", "green"),
    "3.1": (["Awaken"], "Sept 2015", "amber"),
    "3.2": (["Children's Social Care"], "April 2015", "amber"),
    "4.1": (["Lancashire Police", "Awaken"], "April 2015", "amber"),
    "4.2": (["Awaken", "Blackpool CSE Priority Group", "Trading Standards"], "July 2015", ""),
    "5.1": (
        ["BSCB Multi-Agency Audit Group", "Blackpool CSE Priority Group"],
        "Sept 2015",
        "amber",
    ),
    "6.1": (["Lancashire Police"], "April 2015", "amber"),
    "6.2": (["Lancashire Police", "Children's Social Care"], "Dec 2014", "amber"),
    "6.3": (["Blackpool CSE Priority Group"], "April 2015", ""),
    "6.4": (["Blackpool Safeguarding Children Board"], "April 2015", ""),
    "7.1": (
        ["BSCB Training Sub-group", "Blackpool Safeguarding Children Board"],
        "April 2016",
        "green",
    ),
    "7.2": (
        ["BSCB Training Sub-group", "Blackpool Safeguarding Children Board"],
        "April 2016",
        "green",
    ),
    "7.3": (["Pan-Lancashire E-Safety Group"], "April 2016", ""),
    "7.4": (["Blackpool CSE Priority Group"], "April 2016", ""),
    "7.5": (["CSE Strategic Sub-group"], "April 2016", "green"),
    "7.6": (["Lancashire Police"], "Dec 2015", "green"),
}


def test_every_action_of_the_seed_is_there_with_its_leads_timescale_and_rating(plan):
    actions = {a.ref: a for a in Action.objects.in_plan(plan).prefetch_related("leads__agency")}
    assert sorted(actions) == sorted(SEED)
    for ref, (agencies, timescale, rag) in SEED.items():
        action = actions[ref]
        assert [lead.agency.name for lead in action.leads.all()] == agencies, ref
        assert action.timescale == timescale, ref
        assert action.rag == rag, ref


def test_the_posts_named_as_leads_are_kept(plan, get_action):
    assert [lead.label for lead in get_action("1.1").leads.all()] == [
        "Chair, Blackpool CSE Priority Group"
    ]
    assert [lead.label for lead in get_action("4.1").leads.all()] == [
        "Head of Public Protection, Lancashire Police",
        "Awaken",
    ]
    assert get_action("2.2").leads.get().post.title == "Corporate Comms"


def test_sections_are_numbered_one_to_seven_and_reconstructed_titles_are_marked(plan):
    sections = list(Section.objects.filter(plan=plan))
    assert [s.number for s in sections] == [1, 2, 3, 4, 5, 6, 7]
    kept = {s.number: s.title for s in sections if not s.title_reconstructed}
    assert kept == {
        3: "Protect: Protecting, Supporting, Safeguarding",
        6: "Intelligence and Performance Monitoring",
    }
    assert sections[5].purpose == (
        "BSCB must be provided with key data from partner agencies to gain greater knowledge "
        "and understanding of CSE in the area."
    )


def test_full_action_and_outcome_text_is_kept(plan, get_action):
    action = get_action("2.1")
    assert action.text == (
        "Ensure that a range of community engagement activities are delivered in identified "
        "localities to increase awareness and confidence within our diverse local communities."
    )
    assert action.outcomes.endswith("in reporting any concerns regarding CSE.")


def test_each_evidence_bullet_is_its_own_entry(plan, get_action):
    texts = [e.text for e in get_action("2.1").evidence_entries.all()]
    assert "Operation Spectra (operational order with Awaken)" in texts
    assert texts[-1] == (
        "Current Gap – Blackpool BME communities/community events – requires development"
    )
    assert EvidenceEntry.objects.filter(action__section__plan=plan).count() == 108


def test_section_one_point_one_carries_rag_words_on_its_bullets(plan, get_action):
    words = [e.rag for e in get_action("1.1").evidence_entries.all()]
    assert words.count("green") >= 5


def test_the_plan_knows_its_owner_partnership_and_marking(plan):
    assert plan.title == "Child Sexual Exploitation Operational Action Plan"
    assert plan.owner.slug == "cse-priority-group"
    assert plan.partnership == "Blackpool Safeguarding Children Board"
    assert plan.protective_marking == "OFFICIAL-SENSITIVE"


def counts():
    models = (Agency, Post, Plan, Section, Action, ActionLead, EvidenceEntry)
    return {m.__name__: (m.objects.count(), m.history.count()) for m in models}


def test_loading_twice_changes_nothing(plan):
    before = counts()
    result = load_plan()
    assert not result.created
    assert counts() == before


def test_the_command_says_what_it_did(plan, capsys, tmp_path):
    data = json.loads(SEED_PLAN.read_text())
    data["plan"]["slug"] = "a-copy"
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps(data))
    call_command("load_seed_plan", file=str(copy))
    assert (
        "Loaded “Child Sexual Exploitation Operational Action Plan”: 7 sections, 19 actions."
        in (capsys.readouterr().out)
    )
    call_command("load_seed_plan", file=str(copy))
    assert "already loaded; nothing changed" in capsys.readouterr().out


def test_a_missing_or_broken_file_is_a_clear_error(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    for path in (broken, tmp_path / "missing.json"):
        with pytest.raises(CommandError, match="Could not load"):
            call_command("load_seed_plan", file=str(path))


def test_loading_leaves_one_initial_history_record_for_every_object(plan):
    for model in (Agency, Post, Plan, Section, Action, ActionLead, EvidenceEntry):
        for obj in model.objects.all():
            records = list(obj.history.all())
            assert [r.history_type for r in records] == ["+"], obj
            assert records[0].history_change_reason == "Loaded from the seed plan"
