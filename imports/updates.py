"""The spreadsheet round trip: the Excel export goes round the agencies and comes back
with their changes, which are shown action by action and saved through the same rules
as the pages.

The export carries a hidden sheet (``ROW_IDS``): each action's ref as exported, its
stable id, its version and the plan. Rows are matched back by ref through that sheet,
so a sheet sorted or filtered by the agencies still matches. An action saved in the
tracker since the export (its version moved on) is a conflict: shown, never overwritten.

What a row may change, and who may change it, are the pages' rules
(``actionplan.access.Viewer``): the wording, outcomes and timescale (the business
manager, ``Action.edit``), the rating (the chair, ``Action.rate``) and new lines of the
current position, each a new evidence entry (a lead of the action's agency,
``EvidenceEntry.record``). Anything else is listed as not saved, with the reason.
"""

import io
from dataclasses import dataclass, field

import openpyxl
from django.db import transaction

from actionplan.access import Viewer
from actionplan.models import Action, EditConflict, EvidenceEntry, Plan, Rag
from actionplan.timescales import TimescaleError, parse_timescale

from .columns import rag_word
from .safety import ImportRefused, check_workbook

ROW_IDS = "Row ids"
ROW_ID_HEADINGS = ["Ref", "Action id", "Version", "Plan"]
MAIN_SHEET = "Action plan"
# The export's headings and the fields they hold that a returned sheet may change.
EDITABLE = {"Action": "text", "Outcomes": "outcomes", "Timescale": "timescale"}


def row_ids(snapshot):
    """The rows of the hidden sheet (under ``ROW_ID_HEADINGS``) of an export of the plan
    today; None as at a past date (an export as at a past date is a record, not a form
    to send back)."""
    if snapshot.as_at is not None:
        return None
    return [
        [action.ref, action.pk, action.version, snapshot.plan.slug] for action in snapshot.actions
    ]


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class ActionUpdate:
    ref: str
    action: Action
    version: int
    changes: list = field(default_factory=list)
    new_evidence: list = field(default_factory=list)
    not_saved: list = field(default_factory=list)  # what the person may not change, and why
    conflict: str = ""

    @property
    def saves_anything(self):
        return not self.conflict and bool(self.changes or self.new_evidence)


@dataclass
class UpdatesPreview:
    file_name: str
    sha256: str
    plan: Plan | None = None
    updates: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def to_save(self):
        return [update for update in self.updates if update.saves_anything]

    @property
    def conflicts(self):
        return [update for update in self.updates if update.conflict]


def read_updates(name, data, user, plan_slug=None):
    """What the returned spreadsheet would change, for ``user`` (whose rights decide)."""
    preview = UpdatesPreview(name, check_workbook(name, data))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise ImportRefused(f"{name} is not an Excel workbook or is damaged") from None
    if ROW_IDS not in workbook.sheetnames or MAIN_SHEET not in workbook.sheetnames:
        raise ImportRefused(
            f"{name} was not exported from the tracker for updating. Download the plan as "
            f"Excel, send that round, and import it when it comes back"
        )
    ids = _row_ids(workbook[ROW_IDS])
    slugs = {slug for _, _, slug in ids.values()}
    plan = Plan.objects.filter(slug__in=slugs).first() if len(slugs) == 1 else None
    if plan is None or (plan_slug and plan.slug != plan_slug):
        raise ImportRefused(f"{name} is not an export of the plan “{plan_slug or '?'}”")
    if plan.is_closed:
        raise ImportRefused(f"“{plan}” is closed: nothing in it can be changed")
    preview.plan = plan
    viewer = Viewer(user)
    actions = Action.objects.filter(section__plan=plan).select_related("section__plan")
    actions = actions.prefetch_related("leads__agency", "leads__post", "evidence_entries").in_bulk(
        [pk for pk, _, _ in ids.values()]
    )
    for ref, row in _rows(workbook[MAIN_SHEET]):
        if ref not in ids:
            preview.warnings.append(f"Row “{ref}” is not in the exported plan and was left out")
            continue
        pk, version, _ = ids[ref]
        action = actions.get(pk)
        if action is None or action.is_removed:
            preview.warnings.append(f"{ref} has been removed from the plan since the export")
            continue
        update = _compare(ref, action, version, row, viewer)
        if update.changes or update.new_evidence or update.not_saved or update.conflict:
            preview.updates.append(update)
    return preview


def _row_ids(sheet):
    ids = {}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        ref, pk, version, slug = (list(values) + [None] * 4)[:4]
        if ref and isinstance(pk, int) and isinstance(version, int):
            ids[str(ref)] = (pk, version, slug)
    return ids


def _rows(sheet):
    """(ref, {heading: text}) for each row of the plan's sheet. The headings are the first
    row with a "Ref" column: a filtered download says what it was filtered by above them."""
    rows = sheet.iter_rows(values_only=True)
    headings = []
    for values in rows:
        headings = [str(value or "") for value in values]
        if "Ref" in headings:
            break
    for values in rows:
        row = {heading: _text(value) for heading, value in zip(headings, values, strict=False)}
        if row.get("Ref"):
            yield row["Ref"], row


def _text(value):
    if value is None:
        return ""
    text = str(value).strip()
    return text[1:] if text.startswith("'=") else text


def _compare(ref, action, version, row, viewer):
    update = ActionUpdate(ref, action, version)
    wanted = []
    for heading, name in EDITABLE.items():
        old, new = getattr(action, name), row.get(heading, "")
        if heading not in row or " ".join(new.split()) == " ".join(old.split()):
            continue
        problem = _refused_words(name, new)
        if problem:
            update.not_saved.append(f"{heading}: {problem}")
        else:
            wanted.append(("structure", Change(name, heading, old, new)))
    # A blank RAG cell is left as it is: the export leaves "not rated" blank too.
    rating = _rating(row.get("RAG", "")) if row.get("RAG") else action.rag
    if rating is None:
        update.not_saved.append(f"RAG: “{row['RAG']}” is not a RAG rating")
    elif rating != action.rag:
        old, new = Rag.label_for(action.rag), Rag.label_for(rating)
        wanted.append(("rate", Change("rag", "RAG", old, new)))
    lines = _new_lines(action, row.get("Current position", ""))
    if lines:
        wanted.append(("evidence", None))
    allowed = {
        "structure": viewer.may_edit_structure,
        "rate": viewer.may_rate(action),
        "evidence": viewer.may_add_evidence(action),
    }
    why_not = {
        "structure": "only the business manager changes an action's wording and timescale",
        "rate": "only the chair of the group that owns the plan rates actions",
        "evidence": "only a lead of the action's agencies adds evidence",
    }
    for kind, change in wanted:
        if not allowed[kind]:
            what = change.label if change else "New evidence"
            update.not_saved.append(f"{what}: {why_not[kind]}")
        elif change is None:
            update.new_evidence = lines
        else:
            update.changes.append(change)
    if action.version != version and (update.changes or update.new_evidence):
        update.conflict = (
            f"{ref} has been changed in the tracker since the spreadsheet was exported "
            f"(version {version}, now {action.version}). Nothing from this row is saved: "
            f"make the change on the action's page"
        )
    return update


def _refused_words(name, words):
    """Why the words may not be saved in that field, as the form would say; "" if they may."""
    if name == "text" and not words:
        return "enter the action"
    if name == "timescale":
        try:
            parse_timescale(words)
        except TimescaleError as error:
            return str(error)
    return ""


def _rating(words):
    read = rag_word(words)
    return read[0] if read is not None else None


def _new_lines(action, cell):
    """Lines of the current position that no current evidence entry holds."""
    known = set()
    for entry in action.evidence_entries.all():
        if not entry.is_withdrawn:
            known.update(" ".join(line.split()) for line in entry.text.split("\n"))
    lines = [" ".join(line.split()) for line in cell.split("\n")]
    return [line for line in lines if line and line not in known]


@transaction.atomic
def save_updates(preview, user):
    """Save every change shown, action by action, through the models' own methods; an
    action saved by someone else in between is a conflict and is left as it is."""
    viewer = Viewer(user)
    saved, conflicts = [], []
    for update in preview.to_save:
        action = update.action
        try:
            with transaction.atomic():
                action.check_version(update.version)
                _save_one(update, action, user, viewer, preview.file_name)
        except EditConflict:
            conflicts.append(update.ref)
        else:
            saved.append(update.ref)
    return saved, conflicts


def _save_one(update, action, user, viewer, file_name):
    changed = {change.field: change for change in update.changes}
    if "rag" in changed:
        rating = _rating(changed["rag"].new)
        action.rate(rating, f"Rated in the returned spreadsheet {file_name}", by=user)
    if changed.keys() & set(EDITABLE.values()):
        new = {name: changed[name].new if name in changed else getattr(action, name)
               for name in EDITABLE.values()}  # fmt: skip
        action.edit(
            **new,
            timescale_reason=f"Changed in the returned spreadsheet {file_name}",
            leads=[(lead.agency, lead.post) for lead in action.leads.all()],
            version=None,
        )
    agency = (viewer.leading_agencies_for(action) or [None])[0]
    for line in update.new_evidence:
        EvidenceEntry.record(action, text=line, activity_date=None, agency=agency, by=user)
