"""The plan as a spreadsheet: CSV for machines, XLSX for people.

Both take a ``PlanSnapshot`` (the plan now or as at a date) and write one row per
action, with the columns of the plan's own table and who rated it, when and why. Each
evidence entry keeps its date, agency and recorder: in the CSV at the start of its line
of the current position, in the workbook on a sheet of its own (one row per entry). A
download of a filtered view says so (``filtered``): a first line of the CSV, a first row
of each sheet. Text goes out without control
characters (``actionplan.text``): the forms take them out, but text stored before they
did may hold one, and a single one made the workbook fail for everyone.

Neither holds the whole file in memory: ``csv_lines`` yields the CSV a line at a time
(the download streams it), and the workbook is written by openpyxl's write-only mode,
which sends each row to a temporary file as it is added (a whole-sheet workbook for a
2,000-action plan took 4 s and grew with every cell).
"""

import csv
import datetime
from copy import copy

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from actionplan.historical import person_name
from actionplan.models import Rag
from actionplan.text import clean_text
from imports.updates import add_row_ids

COLUMNS = [
    "section",
    "ref",
    "action",
    "outcomes",
    "leads",
    "timescale",
    "current_position",
    "rag",
    "rag_reason",
    "rated_by",
    "rated_on",
]
HEADINGS = [
    "Section",
    "Ref",
    "Action",
    "Outcomes",
    "Leads",
    "Timescale",
    "Current position",
    "RAG",
    "Reason for the rating",
    "Rated by",
    "Rated on",
]
WIDTHS = [28, 6, 50, 45, 28, 12, 70, 9, 45, 20, 12]
RAG_COLUMN = COLUMNS.index("rag")
EVIDENCE_HEADINGS = ["Ref", "Date of activity", "Agency", "Recorded by", "Recorded on", "Evidence"]
EVIDENCE_WIDTHS = [6, 14, 28, 24, 14, 90]
RAG_FILLS = {
    Rag.RED: "D4351C",
    Rag.AMBER: "F47738",
    Rag.GREEN: "00703C",
    Rag.BLUE: "1D70B8",
}
# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def rows(snapshot, entry_line=None):
    """One dict per action, in plan order, with the export's columns. The current
    position is each entry's text, or ``entry_line(entry)``."""
    entry_line = entry_line or (lambda entry: entry.text)
    for section_row in snapshot.sections:
        section = section_row.section
        for action in section_row.actions:
            yield {
                "section": f"{section.number}. {section.title}",
                "ref": action.ref,
                "action": action.text,
                "outcomes": action.outcomes,
                "leads": "; ".join(lead.label for lead in action.lead_list),
                "timescale": action.timescale,
                "current_position": "\n".join(entry_line(e) for e in action.evidence_list),
                "rag": Rag(action.rag).label if action.rag else "",
                "rag_reason": action.rag_reason if action.rag else "",
                "rated_by": person_name(action.rated_by) if action.rag else "",
                "rated_on": _day(action.rated_at) if action.rag else "",
            }


def _day(moment):
    """The day of a moment, in London, as 2015-09-30 (blank for none)."""
    return timezone.localdate(moment).isoformat() if moment else ""


def recorded(entry):
    """Where an entry came from: its date, agency and who recorded it, on what day
    (blank parts left out; the entries of the original plan have none)."""
    parts = [
        entry.activity_date.isoformat() if entry.activity_date else "",
        entry.agency.name if entry.agency else "",
        f"recorded by {person_name(entry.recorded_by)} on {_day(entry.recorded_at)}"
        if entry.recorded_by
        else "",
    ]
    return " · ".join(part for part in parts if part)


def csv_entry(entry):
    """An entry's line of the CSV's current position: where it came from, then its text."""
    source = recorded(entry)
    return f"[{source}] {entry.text}" if source else entry.text


def neutralise(value):
    """Make text that a spreadsheet would run as a formula read as text."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """A file-like object whose write() returns what it was given: csv.writer then
    hands back each line instead of keeping it."""

    def write(self, value):
        return value


def csv_lines(snapshot, filtered=""):
    """The CSV, a line at a time: what it was filtered by (if it was), then the header."""
    if filtered:
        line = csv.writer(_Line(), lineterminator="\r\n")
        yield line.writerow([neutralise(clean_text(filtered))])
    writer = csv.DictWriter(_Line(), fieldnames=COLUMNS, lineterminator="\r\n")
    yield writer.writeheader()
    for row in rows(snapshot, csv_entry):
        yield writer.writerow({key: neutralise(clean_text(value)) for key, value in row.items()})


def write_csv(snapshot, stream, filtered=""):
    for line in csv_lines(snapshot, filtered):
        stream.write(line)


# Excel holds at most this many characters in a cell; it "repairs" a longer one.
EXCEL_CELL = 32_767


def fit_in_a_cell(position):
    """The current position as it fits in a cell: its latest entries, and how many
    earlier ones are left out (the CSV has them all)."""
    if len(position) <= EXCEL_CELL:
        return position
    entries, kept, size = position.split("\n"), [], 200  # room for the note
    for entry in reversed(entries):
        size += len(entry) + 1
        if size > EXCEL_CELL:
            break
        kept.append(entry)
    left_out = len(entries) - len(kept)
    note = (
        f"[{left_out} earlier entries are left out: Excel holds {EXCEL_CELL:,} characters "
        "in a cell; the CSV download has them all]"
    )
    return "\n".join([note, *reversed(kept)])


def write_xlsx(snapshot, target, filtered=""):
    """Write a workbook formatted for people: wrapped text, coloured RAG, frozen header;
    the plan on one sheet, every evidence entry on the next."""
    workbook = Workbook(write_only=True)
    title = clean_text(snapshot.plan.short_title or snapshot.plan.title)
    as_at = f" as at {snapshot.as_at:%-d %B %Y}" if snapshot.as_at else ""
    heading = f"{title}{as_at}{' (filtered)' if filtered else ''}"
    marking = clean_text(snapshot.plan.protective_marking)
    plan_sheet = _Sheet(workbook, "Action plan", WIDTHS, heading, marking, filtered)
    evidence_sheet = _Sheet(workbook, "Evidence", EVIDENCE_WIDTHS, heading, marking, filtered)
    plan_sheet.append(HEADINGS, plan_sheet.heading)
    evidence_sheet.append(EVIDENCE_HEADINGS, evidence_sheet.heading)
    actions = (action for row in snapshot.sections for action in row.actions)
    # The write-only sheets each write to their own temporary file, so the two are
    # filled side by side and no row is kept.
    for row, action in zip(rows(snapshot), actions, strict=True):
        row["current_position"] = fit_in_a_cell(row["current_position"])
        values = [clean_text(row[key]) for key in COLUMNS]
        looks = [plan_sheet.wrapped] * len(values)
        looks[RAG_COLUMN] = plan_sheet.rated.get(row["rag"], plan_sheet.wrapped)
        plan_sheet.append(values, looks)
        for entry in action.evidence_list:
            evidence_sheet.append(
                [
                    row["ref"],
                    entry.activity_date,
                    entry.agency.name if entry.agency else "",
                    person_name(entry.recorded_by) if entry.recorded_by else "",
                    timezone.localdate(entry.recorded_at) if entry.recorded_by else None,
                    clean_text(entry.text)[:EXCEL_CELL],
                ],
                evidence_sheet.wrapped,
            )
    plan_sheet.finish()
    evidence_sheet.finish()
    add_row_ids(workbook, snapshot)  # so that the sheet can come back (imports/updates.py)
    workbook.save(target)


class _Sheet:
    """A write-only sheet with a header row (after a first row saying what the download
    was filtered by, if it was), counting its rows as they are added (reading
    ``max_row`` in the loop made an export quadratic)."""

    def __init__(self, workbook, name, widths, heading, marking, filtered):
        self.sheet = sheet = workbook.create_sheet(name)
        self.columns = len(widths)
        self.first = 2 if filtered else 1  # the row of the column headings
        # Column widths, panes and print settings go before the first row in write-only mode.
        for number, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        sheet.freeze_panes = f"A{self.first + 1}"
        sheet.print_options.gridLines = True
        sheet.page_setup.orientation = "landscape"
        sheet.print_title_rows = f"1:{self.first}"
        sheet.oddHeader.center.text = f"{marking} – {heading}"
        sheet.oddFooter.center.text = f"{marking} – Page &P of &N"
        # Each look is made once and copied to its cells: setting a style on a cell makes
        # openpyxl hash it to find its number, a third of the time of a 2,000-row sheet.
        top = Alignment(wrap_text=True, vertical="top")
        self.wrapped = _look(sheet, alignment=top)
        self.heading = _look(sheet, alignment=top, font=Font(bold=True))
        self.dated = _look(sheet, alignment=top, number_format="yyyy-mm-dd")
        self.rated = {
            Rag(rag).label: _look(
                sheet,
                alignment=top,
                fill=PatternFill("solid", start_color=colour, end_color=colour),
                font=Font(bold=True, color="FFFFFF" if rag != Rag.AMBER else "0B0C0C"),
            )
            for rag, colour in RAG_FILLS.items()
        }
        self.count = 0
        if filtered:
            sheet.append([self.cell(clean_text(filtered), self.heading)])

    def cell(self, value, look):
        written = WriteOnlyCell(self.sheet, value=value)
        # Text is text: never let a cell starting with "=" become a formula.
        if written.data_type == "f":
            written.data_type = "s"
        if isinstance(value, datetime.date):
            look = self.dated
        written._style = copy(look._style)
        return written

    def append(self, values, looks):
        if not isinstance(looks, list):
            looks = [looks] * len(values)
        self.sheet.append([self.cell(v, look) for v, look in zip(values, looks, strict=True)])
        self.count += 1

    def finish(self):
        last = get_column_letter(self.columns)
        self.sheet.auto_filter.ref = f"A{self.first}:{last}{self.first + self.count - 1}"


def _look(sheet, **styles):
    """A cell carrying these styles, whose style is copied to others."""
    look = WriteOnlyCell(sheet)
    for name, value in styles.items():
        setattr(look, name, value)
    return look
