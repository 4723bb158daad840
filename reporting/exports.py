"""The plan as a spreadsheet: CSV for machines, XLSX for people.

Both take a ``PlanSnapshot`` (the plan now or as at a date) and write one row per
action, with the columns of the plan's own table. Text goes out without control
characters (``actionplan.text``): the forms take them out, but text stored before they
did may hold one, and a single one made the workbook fail for everyone.
"""

import csv

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

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


def write_csv(snapshot, stream):
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(snapshot):
        writer.writerow({key: neutralise(clean_text(value)) for key, value in row.items()})


def write_xlsx(snapshot, target):
    """Write a workbook formatted for people: wrapped text, coloured RAG, frozen header."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(HEADINGS)
    for cell, width in zip(sheet[1], WIDTHS, strict=True):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = width
    top_wrap = Alignment(wrap_text=True, vertical="top")
    # Rows counted here: reading sheet.max_row in the loop makes the export quadratic.
    for row_number, row in enumerate(rows(snapshot), start=2):
        sheet.append([clean_text(row[key]) for key in COLUMNS])
        for cell in sheet[row_number]:
            # Text is text: never let a cell starting with "=" become a formula.
            if cell.data_type == "f":
                cell.data_type = "s"
            cell.alignment = top_wrap
        rag_cell = sheet.cell(row=row_number, column=len(COLUMNS))
        fill = RAG_FILLS.get(row["rag"].lower())
        if fill:
            rag_cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
            rag_cell.font = Font(bold=True, color="FFFFFF" if row["rag"] != "Amber" else "0B0C0C")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = "1:1"
    title = clean_text(snapshot.plan.short_title or snapshot.plan.title)
    marking = clean_text(snapshot.plan.protective_marking)
    as_at = f" as at {snapshot.as_at:%-d %B %Y}" if snapshot.as_at else ""
    sheet.oddHeader.center.text = f"{marking} – {title}{as_at}"
    sheet.oddFooter.center.text = f"{marking} – Page &P of &N"
    add_row_ids(workbook, snapshot)  # so that the sheet can come back (imports/updates.py)
    workbook.save(target)
