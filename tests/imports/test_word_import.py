"""Importing a plan from a Word document: the seed's layout gives the shipped plan back,
other boards' layouts import with their own words, and bad files write nothing."""

import datetime
import hashlib

import docx
import pytest
from django.core.management import CommandError
from django.utils import timezone

from actionplan.history.moments import end_of_day, rebuild
from actionplan.management.commands.backup_attachments import stored_names
from actionplan.models import Action, EvidenceEntry, Plan
from actionplan.snapshot import plan_snapshot
from agencies.models import Agency, Post
from imports.columns import parse_mapping
from imports.creating import create_plan, end_of_financial_year
from imports.models import PlanImport
from imports.reading import read_plan
from imports.safety import ImportRefused, open_checked
from reporting.exports import rows

from . import documents

pytestmark = pytest.mark.django_db


def import_docx(tmp_path, data, *args, name="plan.docx"):
    return documents.run_command("import_plan", tmp_path, data, *args, name=name)


def content(plan):
    """Everything a reader of the plan sees, action by action."""
    actions = (
        Action.objects.filter(section__plan=plan)
        .select_related("section")
        .prefetch_related("leads__agency", "leads__post", "evidence_entries")
        .order_by("section__number", "position")
    )
    return {
        action.ref: {
            "section": (action.section.title, action.section.purpose),
            "text": action.text,
            "outcomes": action.outcomes,
            "timescale": (action.timescale, action.due_date),
            "rag": action.rag,
            "leads": [
                (lead.agency.slug, lead.post.title if lead.post else None, lead.as_written)
                for lead in action.leads.all()
            ],
            "evidence": [(entry.text, entry.rag) for entry in action.evidence_entries.all()],
        }
        for action in actions
    }


def test_the_seed_layout_imports_to_the_shipped_plan(plan, tmp_path):
    agencies_before = Agency.objects.count()
    posts_before = Post.objects.count()

    import_docx(
        tmp_path, documents.seed_document(), "--title", "CSE plan (imported)",
        "--owner", "CSE Priority Group", "--slug", "cse-imported",
    )  # fmt: skip

    imported = Plan.objects.get(slug="cse-imported")
    assert content(imported) == content(plan)
    assert len(content(imported)) == 19
    assert EvidenceEntry.objects.filter(action__section__plan=imported).count() == 108
    assert imported.owner == plan.owner
    assert imported.notes == plan.notes
    assert (Agency.objects.count(), Post.objects.count()) == (agencies_before, posts_before)
    # Its export matches the shipped plan's, row for row.
    assert list(rows(plan_snapshot(imported))) == list(rows(plan_snapshot(plan)))


def test_the_history_says_which_file_who_and_when(plan, tmp_path, manager):
    data = documents.seed_document()
    import_docx(
        tmp_path, data, "--title", "CSE", "--owner", "CSE Priority Group", "--slug", "cse-2",
        "--as-of", "2015-09-30", "--by", "manager", name="CSE plan Sept 2015.docx",
    )  # fmt: skip

    imported = Plan.objects.get(slug="cse-2")
    record = Action.history.filter(section__plan=imported).earliest("history_date")
    sha = hashlib.sha256(data).hexdigest()
    assert record.history_change_reason == (
        f"Imported from CSE plan Sept 2015.docx (sha256 {sha}) by Manager Tester"
    )
    assert record.history_user_id == manager.pk
    assert timezone.localtime(record.history_date).date() == datetime.date(2015, 9, 30)
    sections = set(imported.sections.values_list("pk", flat=True))

    def actions_as_at(day):
        return [a for a in rebuild(Action, end_of_day(day)) if a.section_id in sections]

    assert len(actions_as_at(datetime.date(2015, 9, 30))) == 19
    assert actions_as_at(datetime.date(2015, 9, 29)) == []
    kept = PlanImport.objects.get(plan=imported)
    assert (kept.file_name, kept.sha256, kept.as_of) == (
        "CSE plan Sept 2015.docx",
        sha,
        datetime.date(2015, 9, 30),
    )
    assert hashlib.sha256(kept.file.read()).hexdigest() == sha
    assert kept.file.name in stored_names()  # backed up with the attachments


def test_history_imported_as_at_a_past_date_is_dated_on_purpose_and_still_verifies(plan, tmp_path):
    from integrity.models import ChainLink
    from integrity.verify import verify

    import_docx(
        tmp_path, documents.seed_document(), "--title", "CSE", "--owner", "CSE Priority Group",
        "--slug", "cse-3", "--as-of", "2015-09-30",
    )  # fmt: skip

    assert verify().intact  # dated 2015 on purpose: not "back-dated"
    marked = ChainLink.objects.filter(dated_on_purpose=True)
    assert marked.exists()
    # The marker is part of the link's hash: taking it off (to hide a real back-dating
    # among them, say) breaks the chain.
    ChainLink.objects.filter(pk=marked.first().pk).update(dated_on_purpose=False)
    report = verify()
    assert not report.intact
    assert any("was changed: its hash does not add up" in str(f) for f in report.findings)


def test_without_as_of_the_history_starts_at_the_import(plan, tmp_path):
    import_docx(tmp_path, documents.seed_document(), "--title", "CSE", "--owner", "X Group")

    imported = Plan.objects.get(slug="cse")
    first = imported.history.earliest("history_date")
    assert timezone.localtime(first.history_date).date() == timezone.localdate()
    assert "by the command line" in first.history_change_reason


def test_a_dry_run_shows_the_preview_and_writes_nothing(plan, tmp_path):
    output = import_docx(
        tmp_path, documents.seed_document(), "--title", "CSE", "--owner", "CSE Priority Group",
        "--slug", "dry", "--dry-run",
    )  # fmt: skip

    assert "7 sections, 19 actions, 27 leads, 108 evidence entries, 14 ratings" in output
    assert "Dry run: nothing was imported." in output
    assert not Plan.objects.filter(slug="dry").exists()


def test_one_table_with_section_rows_imports_with_its_own_words(plan, tmp_path):
    output = import_docx(
        tmp_path, documents.one_table_document(), "--title", "Neglect Strategy Action Plan",
        "--owner", "Neglect Strategy Group",
    )  # fmt: skip

    imported = Plan.objects.get(slug="neglect-strategy-action-plan")
    assert imported.owner.name == "Neglect Strategy Group"
    assert imported.owner.kind == Agency.Kind.GROUP
    assert [(s.number, s.title, s.purpose) for s in imported.sections.all()] == [
        (1, "Early help", "Families get help before problems grow."),
        (2, "Workforce", ""),
    ]
    found = content(imported)
    assert list(found) == ["1.1", "1.2", "2.1"]
    assert found["1.1"]["leads"] == [
        ("childrens-social-care", None, "Children's Social Care"),
        ("health", None, "Health"),
    ]
    assert found["1.1"]["evidence"] == [("Toolkit drafted", ""), ("Training booked for May", "")]
    assert found["1.1"]["rag"] == "amber"
    assert found["1.1"]["timescale"] == ("March 2025", datetime.date(2025, 3, 31))
    assert found["1.2"]["rag"] == "red"
    assert found["1.2"]["timescale"] == ("Ongoing", end_of_financial_year(timezone.localdate()))
    assert found["1.2"]["leads"][0][0] == "neglect-audit-panel"
    assert found["2.1"]["leads"] == [("bscb-training-subgroup", None, "BSCB Training Sub groups")]
    assert found["2.1"]["timescale"] == ("Q2 2024/25", datetime.date(2024, 9, 30))
    assert found["2.1"]["rag"] == "green"
    assert "“Amber/Green” was imported as Amber, the more cautious rating" in output
    assert "1.2: the timescale “Ongoing” is not a date" in output
    assert "New group: Neglect Audit Panel" in output


def test_recommendations_rated_1_to_4_are_kept_as_words_and_left_unrated(plan, tmp_path):
    output = import_docx(
        tmp_path, documents.recommendations_document(), "--title", "Child F SCR",
        "--owner", "BSCB", "--column", "Milestone=evidence",
    )  # fmt: skip

    imported = Plan.objects.get(slug="child-f-scr")
    assert imported.owner.slug == "bscb"
    assert [s.title for s in imported.sections.all()] == ["Child F serious case review"]
    found = content(imported)
    assert found["1.1"]["rag"] == ""
    assert found["1.1"]["leads"] == [
        ("lancashire-police", "Head of Public Protection", "Head of PP Lancs. Police")
    ]
    assert found["1.1"]["evidence"] == [
        ("Policy redrafted", ""),
        ("Consultation closed", ""),
        ("Draft to board", ""),
        ("Status: 3", ""),
    ]
    assert found["1.2"]["leads"] == [("education", None, "Education"), ("awaken", None, "Awaken")]
    assert found["1.2"]["timescale"] == ("31/12/2025", datetime.date(2025, 12, 31))
    assert "“3” in the Status column is not a RAG rating" in output


def test_a_plan_typed_without_heading_styles_imports_too(plan, tmp_path):
    import_docx(tmp_path, documents.plain_document(), "--title", "Missing", "--owner", "BSCB")

    imported = Plan.objects.get(slug="missing")
    assert [(s.number, s.title, s.purpose) for s in imported.sections.all()] == [
        (1, "Prevention", "Children who go missing are found quickly."),
        (2, "Response", ""),
    ]
    assert imported.notes == "Missing from Home and Care Action Plan 2025"
    found = content(imported)
    assert found["1.1"]["text"] == "Agree the missing protocol"
    assert found["1.1"]["rag"] == "blue"
    assert found["1.2"]["leads"] == found["1.1"]["leads"] == [("lancashire-police", None, "Police")]
    assert found["1.2"]["evidence"] == [
        ("Offered in 80% of cases", ""),
        ("Audit due in August", ""),
    ]
    assert found["1.2"]["rag"] == "green"
    assert found["2.1"]["leads"] == [
        ("childrens-social-care", None, "Children's Social Care"),
        ("youth-offending-team", None, "YOT"),
    ]
    assert found["2.1"]["timescale"] == ("1/9/2025", datetime.date(2025, 9, 1))
    assert found["2.1"]["rag"] == "red"


def test_an_unrecognised_column_is_left_out_and_reported_until_it_is_mapped(plan):
    checked = open_checked("scr.docx", documents.recommendations_document())

    preview = read_plan(checked)

    assert preview.unrecognised == ["Milestone"]
    assert [entry.text for entry in preview.actions[0].evidence] == [
        "Policy redrafted", "Consultation closed", "Status: 3",
    ]  # fmt: skip


def test_a_table_without_an_action_column_is_refused_unless_one_is_mapped(plan, tmp_path):
    data = documents.no_action_column_document()
    with pytest.raises(CommandError, match="No column of actions was found"):
        import_docx(tmp_path, data, "--title", "T", "--owner", "BSCB")
    assert not Plan.objects.filter(slug="t").exists()

    import_docx(
        tmp_path, data, "--title", "T", "--owner", "BSCB", "--column", "Task description=action"
    )

    assert content(Plan.objects.get(slug="t"))["1.1"]["text"] == "Do the thing"


BAD_FILES = [
    ("plan.doc", documents.OLE_FILE, "is an older Word document (.doc)"),
    ("plan.docm", documents.macro_enabled_document(), "with macros (.docm)"),
    ("plan.docx", documents.macro_enabled_document(), "with macros (.docm)"),
    ("plan.docx", documents.OLE_FILE, "is password-protected or an older Word format"),
    ("plan.docx", documents.zip_that_is_not_word(), "is not a Word document or is damaged"),
    ("plan.docx", b"PK\x03\x04 broken", "is not a Word document or is damaged"),
    ("plan.pdf", b"%PDF-1.7", "must be a Word document (.docx)"),
    ("plan.docx", documents.no_table_document(), "No table was found in plan.docx"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_written(
    plan, tmp_path, name, data, message
):
    plans, agencies = Plan.objects.count(), Agency.objects.count()

    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_docx(tmp_path, data, "--title", "Bad", "--owner", "New Group", name=name)

    assert (Plan.objects.count(), Agency.objects.count()) == (plans, agencies)


def test_a_zip_bomb_is_refused_before_it_is_opened(plan, tmp_path):
    with pytest.raises(CommandError, match="unpacks to far more than a Word document holds"):
        import_docx(tmp_path, documents.zip_bomb(), "--title", "Bomb", "--owner", "BSCB")
    assert not Plan.objects.filter(slug="bomb").exists()


def test_a_file_over_10_mb_is_refused():
    with pytest.raises(ImportRefused, match="must be smaller than 10 MB"):
        open_checked("big.docx", b"PK" + b"\0" * (10 * 1024 * 1024))


def test_a_slug_in_use_is_refused_so_a_plan_is_imported_once(plan, tmp_path):
    with pytest.raises(CommandError, match="There is already a plan at “cse-operational"):
        import_docx(
            tmp_path, documents.seed_document(), "--title", "CSE", "--owner", "BSCB",
            "--slug", plan.slug,
        )  # fmt: skip


def test_a_failure_half_way_leaves_nothing_behind(plan, monkeypatch):
    checked = open_checked("seed.docx", documents.seed_document())
    preview = read_plan(checked)
    preview.sections[3].actions[0].text = None  # the database refuses it mid-import
    plans, agencies = Plan.objects.count(), Agency.objects.count()

    with pytest.raises(Exception):  # noqa: B017 - any database error
        create_plan(checked, preview, slug="half", title="Half", owner="Half Group")

    assert (Plan.objects.count(), Agency.objects.count()) == (plans, agencies)


def test_a_column_mapping_must_name_a_field():
    assert parse_mapping(["By when=timescale"]) == {"by when": "timescale"}
    with pytest.raises(ValueError, match="“colour” is not a field"):
        parse_mapping(["Status=colour"])


def test_a_plain_paragraph_above_a_table_is_taken_as_its_heading_with_a_warning(plan):
    document = docx.Document()
    document.add_paragraph("Actions from the audit")
    table = document.add_table(rows=1, cols=2)
    documents.fill_header(table, ["Action", "Lead"])
    documents.add_row(table, ["Write the audit tool", "Awaken"])

    preview = read_plan(open_checked("audit.docx", documents.as_bytes(document)))

    assert [(s.number, s.title) for s in preview.sections] == [(1, "Actions from the audit")]
    assert preview.warnings == [
        "Write the audit tool: no timescale was given. The action is due at the end of the "
        "financial year until someone sets one",
        "“Actions from the audit” is taken as a section heading: it is the first paragraph "
        "above a table, and none there is styled as a heading",
    ]
