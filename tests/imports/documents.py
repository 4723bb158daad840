"""Word documents for the import tests, built here with python-docx: the seed plan in its
own layout, other boards' layouts, and files that are no Word document at all."""

import io
import json
import zipfile

import docx
from django.core.management import call_command

from actionplan.seed import SEED_PLAN
from imports.safety import DOCM_MAIN, DOCX_MAIN

RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "blue": "Blue", None: ""}


def run_command(command, tmp_path, data, *args, name):
    """Run ``command`` on ``data`` saved as ``name``; what it printed."""
    path = tmp_path / name
    path.write_bytes(data)
    out = io.StringIO()
    call_command(command, str(path), *args, stdout=out)
    return out.getvalue()


def as_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def fill(cell, paragraphs, bullets=False):
    """Write ``paragraphs`` into ``cell``, one Word paragraph each; a "\n" inside one is a
    line break (Shift+Enter), as people keep a list inside one bullet."""
    for index, text in enumerate(paragraphs):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        lines = text.split("\n")
        run = paragraph.add_run(("• " if bullets else "") + lines[0])
        for line in lines[1:]:
            run.add_break()
            run.add_text(line)


def add_row(table, cells, bullets_in=()):
    row = table.add_row()
    for index, value in enumerate(cells):
        paragraphs = value if isinstance(value, list) else [value]
        fill(row.cells[index], [p for p in paragraphs if p is not None], index in bullets_in)
    return row


def seed_data():
    return json.loads(SEED_PLAN.read_text(encoding="utf-8"))


def seed_document():
    """The shipped CSE plan as its Word table was: one table per section, the heading
    (and purpose) in paragraphs above, the seed's own header words, a bullet per
    evidence entry, and in 1.1 a RAG word against each bullet."""
    data = seed_data()
    document = docx.Document()
    document.add_heading(data["plan"]["title"], 0)
    document.add_paragraph(data["plan"]["short_title"], style="Subtitle")
    for section in data["sections"]:
        document.add_heading(section["title"], 1)
        if section["purpose"]:
            document.add_paragraph(section["purpose"])
        words = section["columns"]
        headers = ["", words["action"], words["outcomes"], "Lead", words["timescale"]]
        headers += [words["current_position"], "RAG"]
        table = document.add_table(rows=1, cols=7)
        fill_header(table, headers)
        for action in section["actions"]:
            add_row(table, seed_row(section, action), bullets_in={5})
        if section["number"] == 1:
            document.add_paragraph(data["plan"]["notes"])
    return as_bytes(document)


def fill_header(table, headers):
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header


def seed_row(section, action):
    evidence = action.get("evidence", [])
    rag = [RAG_WORDS[action.get("rag")]]
    if any(entry.get("rag") for entry in evidence):
        rag += [RAG_WORDS[entry.get("rag")] for entry in evidence]
    if "/" in action["leads_as_written"]:
        leads = [action["leads_as_written"]]
    else:
        leads = [lead["as_written"] for lead in action["leads"]]
    return [
        f"{section['number']}.{action['number']}",
        action["action"].split("\n"),
        action.get("outcomes", "").split("\n"),
        leads,
        action["timescale"],
        [entry["text"] for entry in evidence],
        rag,
    ]


def one_table_document():
    """A neglect plan as one table: the section headings are rows merged across the
    table, the columns in another order and other words ("Ref", "Responsibility",
    "By when", "Update", "RAG status"), one lead per line, a made-up group, a blended
    rating and a timescale nobody can date."""
    document = docx.Document()
    document.add_paragraph("Neglect Strategy Action Plan 2024-25")
    table = document.add_table(rows=1, cols=6)
    fill_header(table, ["Ref", "Action", "Responsibility", "By when", "Update", "RAG status"])
    heading = table.add_row()
    merged = heading.cells[0].merge(heading.cells[5])
    fill(merged, ["Section 1: Early help", "Families get help before problems grow."])
    add_row(
        table,
        ["1.1", "Launch the neglect toolkit", ["Children's Social Care", "Health"],
         "March 2025", ["Toolkit drafted", "Training booked for May"], "Amber/Green"],
    )  # fmt: skip
    add_row(
        table,
        ["1.2", "Audit neglect cases", "Neglect Audit Panel", "Ongoing",
         ["Audit tool agreed"], "R"],
    )  # fmt: skip
    heading = table.add_row()
    merged = heading.cells[0].merge(heading.cells[5])
    fill(merged, ["2. Workforce"])
    add_row(
        table,
        ["2.1", "Train frontline staff", "BSCB Training Sub groups", "Q2 2024/25", [], "G"],
    )
    return as_bytes(document)


def recommendations_document():
    """Serious case review actions: "Recommendation", "Responsibility", "By when",
    "Progress", "Status" rated 1 to 4 (not RAG), and a "Milestone" column nobody knows."""
    document = docx.Document()
    document.add_heading("Child F serious case review", 1)
    table = document.add_table(rows=1, cols=6)
    fill_header(
        table, ["Recommendation", "Responsibility", "By when", "Progress", "Status", "Milestone"]
    )
    add_row(
        table,
        ["Review the escalation policy", "Head of PP Lancs. Police", "Sept 2025",
         ["Policy redrafted", "Consultation closed"], "3", "Draft to board"],
    )  # fmt: skip
    add_row(
        table,
        ["Share learning with schools", "Education / Awaken", "31/12/2025",
         ["Briefing written"], "2", "Briefings held"],
    )  # fmt: skip
    return as_bytes(document)


def plain_document():
    """A missing-from-home plan typed without heading styles: bold headings, the refs
    inside the action's words, a lead merged down two rows, a row carried on, a second
    table that does not repeat the header, and "Complete" for done."""
    document = docx.Document()
    document.add_paragraph("Missing from Home and Care Action Plan 2025")
    document.add_paragraph().add_run("Section 1 – Prevention").bold = True
    document.add_paragraph("Children who go missing are found quickly.")
    table = document.add_table(rows=1, cols=5)
    fill_header(table, ["Action", "Lead officer", "Date", "Update", "Assessment"])
    add_row(table, ["1.1 Agree the missing protocol", "Police", "June 2025",
                    ["Protocol drafted"], "Complete"])  # fmt: skip
    add_row(table, ["1.2 Offer return interviews within 72 hours", "", "July 2025",
                    ["Offered in 80% of cases"], "G"])  # fmt: skip
    add_row(table, ["", "", "", ["Audit due in August"], ""])
    table.cell(1, 1).merge(table.cell(2, 1))
    document.add_paragraph().add_run("2. Response").bold = True
    table = document.add_table(rows=0, cols=5)
    add_row(table, ["2.1 Hold a daily missing meeting", "Children's Social Care; YOT",
                    "1/9/2025", ["Meeting runs daily"], "Red"])  # fmt: skip
    return as_bytes(document)


def no_action_column_document():
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    fill_header(table, ["Task description", "Who", "When"])
    add_row(table, ["Do the thing", "Awaken", "May 2025"])
    return as_bytes(document)


def no_table_document():
    document = docx.Document()
    document.add_heading("Our plan", 1)
    document.add_paragraph("We will write the actions in a table later.")
    return as_bytes(document)


def rezipped(data, change):
    """A copy of the .docx ``data`` with ``change(name, bytes)`` applied to each member."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, change(item.filename, source.read(item.filename)))
    return buffer.getvalue()


def macro_enabled_document():
    def change(name, body):
        if name == "[Content_Types].xml":
            return body.replace(DOCX_MAIN.encode(), DOCM_MAIN.encode())
        return body

    return rezipped(no_table_document(), change)


def zip_bomb():
    """A .docx that unpacks to 120 MB of zeros beside its parts."""
    buffer = io.BytesIO(no_table_document())
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/padding.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(120):
            member.write(b"\0" * (1024 * 1024))
    return buffer.getvalue()


def zip_that_is_not_word():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "Not a Word document")
    return buffer.getvalue()


# An OLE compound file's signature: what Word writes for a .doc and for a .docx with a
# password (the encrypted package is wrapped in one).
OLE_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024
