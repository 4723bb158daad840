"""The plan as a spreadsheet: CSV for machines, XLSX for people.

Both take a ``PlanSnapshot`` (the plan now or as at a date) and write one row per
action, with the columns of the plan's own table. Text goes out without control
characters (``actionplan.text``): the forms take them out, but text stored before they
did may hold one, and a single one made the workbook fail for everyone.

Neither holds the whole file in memory: ``csv_lines`` yields the CSV a line at a time
(the download streams it), and the workbook is written by openpyxl's write-only mode,
which sends each row to a temporary file as it is added (a whole-sheet workbook for a
2,000-action plan took 4 s and grew with every cell).
"""

import csv
from copy import copy

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from actionplan.models import Rag
from actionplan.text import clean_text
from imports.updates import add_row_ids

COLUMNS = ["section", "ref", "action", "outcomes", "leads", "timescale", "current_position", "rag"]
HEADINGS = ["Section", "Ref", "Action", "Outcomes", "Leads", "Timescale", "Current position", "RAG"]
WIDTHS = [28, 6, 50, 45, 28, 12, 70, 9]
RAG_FILLS = {
    Rag.RED: "D4351C",
    Rag.AMBER: "F47738",
    Rag.GREEN: "00703C",
    Rag.BLUE: "1D70B8",
}
# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def rows(snapshot):
    """One dict per action, in plan order, with the export's columns."""
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
                "current_position": "\n".join(entry.text for entry in action.evidence_list),
                "rag": Rag(action.rag).label if action.rag else "",
            }


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


def csv_lines(snapshot):
    """The CSV, a line at a time (header first)."""
    writer = csv.DictWriter(_Line(), fieldnames=COLUMNS, lineterminator="\r\n")
    yield writer.writeheader()
    for row in rows(snapshot):
        yield writer.writerow({key: neutralise(clean_text(value)) for key, value in row.items()})


def write_csv(snapshot, stream):
    for line in csv_lines(snapshot):
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


def write_xlsx(snapshot, target):
    """Write a workbook formatted for people: wrapped text, coloured RAG, frozen header."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Action plan")
    # Column widths, panes and print settings go before the first row in write-only mode.
    for number, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = "1:1"
    title = clean_text(snapshot.plan.short_title or snapshot.plan.title)
    marking = clean_text(snapshot.plan.protective_marking)
    as_at = f" as at {snapshot.as_at:%-d %B %Y}" if snapshot.as_at else ""
    sheet.oddHeader.center.text = f"{marking} – {title}{as_at}"
    sheet.oddFooter.center.text = f"{marking} – Page &P of &N"
    # Each look is made once and copied to its cells: setting a style on a cell makes
    # openpyxl hash it to find its number, a third of the time of a 2,000-row sheet.
    top = Alignment(wrap_text=True, vertical="top")
    wrapped = _look(sheet, alignment=top)
    heading = _look(sheet, alignment=top, font=Font(bold=True))
    rated = {
        label: _look(
            sheet,
            alignment=top,
            fill=PatternFill("solid", start_color=colour, end_color=colour),
            font=Font(bold=True, color="FFFFFF" if label != "Amber" else "0B0C0C"),
        )
        for label, colour in ((Rag(rag).label, colour) for rag, colour in RAG_FILLS.items())
    }

    def cell(value, look):
        written = WriteOnlyCell(sheet, value=value)
        # Text is text: never let a cell starting with "=" become a formula.
        if written.data_type == "f":
            written.data_type = "s"
        written._style = copy(look._style)
        return written

    sheet.append([cell(text, heading) for text in HEADINGS])
    count = 0
    for row in rows(snapshot):
        row["current_position"] = fit_in_a_cell(row["current_position"])
        cells = [cell(clean_text(row[key]), wrapped) for key in COLUMNS[:-1]]
        cells.append(cell(row["rag"], rated.get(row["rag"], wrapped)))
        sheet.append(cells)
        count += 1
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    add_row_ids(workbook, snapshot)  # so that the sheet can come back (imports/updates.py)
    workbook.save(target)


def _look(sheet, **styles):
    """A cell carrying these styles, whose style is copied to others."""
    look = WriteOnlyCell(sheet)
    for name, value in styles.items():
        setattr(look, name, value)
    return look
