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
(the download streams it), and the workbook is written by XlsxWriter in its
constant-memory mode, which sends each row to a temporary file as the next begins (a
2,000-action plan with 20,000 entries: 1 MB of Python memory at the peak). XlsxWriter,
not openpyxl: openpyxl's write-only mode spends ~20 µs a cell, 3 s on that plan's
140,000 cells, over the download's 2 s goal (issue 17); XlsxWriter takes a third of
that. openpyxl still reads workbooks (the imports).
"""

import csv
import datetime
import functools
import zipfile

import xlsxwriter
import xlsxwriter.workbook
from django.utils import timezone

from actionplan.historical import person_name
from actionplan.models import Rag
from actionplan.text import clean_text
from imports.updates import ROW_ID_HEADINGS, ROW_IDS, row_ids

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


# Day 0 of Excel's dates (day 60, 29 February 1900, which never was, is behind every
# date a plan holds).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
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


# XlsxWriter zips at zlib's default level: 0.43 s of a 2,000-action workbook (14 MB of
# XML), where the fastest level takes 0.09 s for a file a fifth larger (3.7 MB, not
# 3.0 MB). It has no option for the level (jmcnamara/XlsxWriter#853), so the ZipFile it
# makes the workbook with is given one (tests/reporting/test_export_plan.py checks it).
xlsxwriter.workbook.ZipFile = functools.partial(zipfile.ZipFile, compresslevel=1)


def write_xlsx(snapshot, target, filtered=""):
    """Write a workbook formatted for people to ``target`` (a file or a writable
    response): wrapped text, coloured RAG, frozen header; the plan on one sheet, every
    evidence entry on the next, and the hidden sheet that lets it come back
    (imports/updates.py)."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            # Text is text: a cell starting with "=" or looking like a number or an
            # address stays as it was written.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    looks = _Looks(workbook)
    title = clean_text(snapshot.plan.short_title or snapshot.plan.title)
    as_at = f" as at {snapshot.as_at:%-d %B %Y}" if snapshot.as_at else ""
    heading = f"{title}{as_at}{' (filtered)' if filtered else ''}"
    marking = clean_text(snapshot.plan.protective_marking)
    plan_sheet = _Sheet(workbook, looks, "Action plan", WIDTHS, heading, marking, filtered)
    evidence_sheet = _Sheet(
        workbook, looks, "Evidence", EVIDENCE_WIDTHS, heading, marking, filtered
    )
    plan_sheet.append(HEADINGS, looks.heading)
    evidence_sheet.append(EVIDENCE_HEADINGS, looks.heading)
    actions = (action for row in snapshot.sections for action in row.actions)
    # Each sheet writes to a temporary file of its own, a row at a time, so the two are
    # filled side by side and no row is kept.
    for row, action in zip(rows(snapshot), actions, strict=True):
        row["current_position"] = fit_in_a_cell(row["current_position"])
        plan_sheet.append(
            [clean_text(row[key]) for key in COLUMNS],
            looks.wrapped,
            {RAG_COLUMN: looks.rated.get(row["rag"], looks.wrapped)},
        )
        for entry in action.evidence_list:
            evidence_sheet.append_entry(row["ref"], entry)
    plan_sheet.finish()
    evidence_sheet.finish()
    ids = row_ids(snapshot)
    if ids is not None:
        sheet = workbook.add_worksheet(ROW_IDS)
        sheet.hide()
        for number, values in enumerate([ROW_ID_HEADINGS, *ids]):
            sheet.write_row(number, 0, values)
    workbook.close()


class _Looks:
    """The workbook's cell formats, each made once."""

    def __init__(self, workbook):
        top = {"text_wrap": True, "valign": "top"}
        self.wrapped = workbook.add_format(top)
        self.heading = workbook.add_format(top | {"bold": True})
        self.dated = workbook.add_format(top | {"num_format": "yyyy-mm-dd"})
        self.rated = {
            Rag(rag).label: workbook.add_format(
                top
                | {
                    "pattern": 1,
                    "bg_color": f"#{colour}",
                    "bold": True,
                    "font_color": "#0B0C0C" if rag == Rag.AMBER else "#FFFFFF",
                }
            )
            for rag, colour in RAG_FILLS.items()
        }


# Excel's limit on a page header or footer, and its escape for "&" in one.
HEADER_LIMIT = 255


def _header_text(text):
    return text.replace("&", "&&")


class _Sheet:
    """A sheet written a row at a time, with a header row (after a first row saying what
    the download was filtered by, if it was) repeated on every printed page."""

    def __init__(self, workbook, looks, name, widths, heading, marking, filtered):
        self.sheet = sheet = workbook.add_worksheet(name)
        self.looks = looks
        self.columns = len(widths)
        self.row = 0
        for number, width in enumerate(widths):
            sheet.set_column(number, number, width)
        self.headings = 1 if filtered else 0  # the row of the column headings
        sheet.freeze_panes(self.headings + 1, 0)
        sheet.repeat_rows(0, self.headings)
        sheet.hide_gridlines(0)  # printed with gridlines, like the Word table
        sheet.set_landscape()
        # Cut before "&" is doubled, so that no "&" is left alone (a code to Excel).
        header = _header_text(f"{marking} – {heading}"[: (HEADER_LIMIT - 2) // 2])
        sheet.set_header(f"&C{header}")
        sheet.set_footer(f"&C{_header_text(marking[:100])} – Page &P of &N")
        if filtered:
            self.append([clean_text(filtered)], looks.heading)

    def append(self, values, look, looks_of=None):
        """A row of text ("" an empty cell, which wraps what is typed in it too)."""
        sheet, row = self.sheet, self.row
        for column, value in enumerate(values):
            this = looks_of.get(column, look) if looks_of else look
            if value:
                sheet.write_string(row, column, value, this)
            else:
                sheet.write_blank(row, column, None, this)
        self.row += 1

    def append_entry(self, ref, entry):
        """A row of the Evidence sheet (20,000 of them for a 2,000-action plan)."""
        sheet, row, wrapped = self.sheet, self.row, self.looks.wrapped
        sheet.write_string(row, 0, ref, wrapped)
        self._date(row, 1, entry.activity_date)
        if entry.agency:
            sheet.write_string(row, 2, entry.agency.name, wrapped)
        else:
            sheet.write_blank(row, 2, None, wrapped)
        if entry.recorded_by:
            sheet.write_string(row, 3, person_name(entry.recorded_by), wrapped)
            self._date(row, 4, timezone.localdate(entry.recorded_at))
        else:
            sheet.write_blank(row, 3, None, wrapped)
            sheet.write_blank(row, 4, None, wrapped)
        sheet.write_string(row, 5, clean_text(entry.text)[:EXCEL_CELL], wrapped)
        self.row += 1

    def _date(self, row, column, day):
        """A day as Excel's day number in the date format (cheaper than XlsxWriter's
        conversion of a date, which works out times too)."""
        if day is None:
            self.sheet.write_blank(row, column, None, self.looks.wrapped)
        else:
            self.sheet.write_number(row, column, (day - EXCEL_EPOCH).days, self.looks.dated)

    def finish(self):
        self.sheet.autofilter(self.headings, 0, max(self.row - 1, self.headings), self.columns - 1)
