"""A Word plan read into a preview: the sections, actions, leads, timescales, evidence
entries and ratings an import would create, with a warning for everything guessed.

Nothing is written here; ``creating.create_plan`` makes the preview real. The reader
walks the document in order, paragraphs and tables alike, because boards lay plans out
in different ways:

- one table per section, the section's heading and purpose in paragraphs above it
  (the seed's layout), or one table with the section headings as rows inside it
  (a row whose only words are in its first cell, usually merged across the row);
- a header row of known words (``columns.HEADER_WORDS``) starts a table's columns,
  and may be repeated; a table without one continues the columns before it;
- a row without an action continues the action above it (a row split across pages);
- one paragraph (bullet) of the current position is one evidence entry; a RAG cell
  with a word per bullet rates the bullets as well as the action.
"""

import re
from dataclasses import dataclass, field

from docx.table import Table
from docx.text.paragraph import Paragraph

from actionplan.models import Rag
from actionplan.timescales import MAX_LENGTH, TimescaleError, parse_timescale

from .columns import Field, field_for, header_key, rag_word
from .leads import LeadMatcher, split_cell

BULLET = re.compile(r"^\s*(?:[•●▪◦‣∙·*o-]|\d+[.)])\s+")
REF = re.compile(r"^(\d{1,2})(?:\.(\d{1,2}))?\.?$")
REF_IN_TEXT = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?\s+(.+)$", re.DOTALL)
SECTION_NUMBER = re.compile(r"^(?:section\s+)?(\d{1,2})(?:[.:)]\s*|\s+[-–:]\s*|\s+)(\D.*)$", re.I)


@dataclass
class Evidence:
    text: str
    rag: str = ""


@dataclass
class ActionDraft:
    ref: str
    text: str
    outcomes: str = ""
    leads: list = field(default_factory=list)
    timescale: str = ""
    due_date: object = None  # None: the words are not a date (a warning says so)
    rag: str = ""
    evidence: list = field(default_factory=list)
    position: int = 0
    section_number: int | None = None
    # Gathered while reading, settled when the action is complete.
    lead_words: list = field(default_factory=list)
    timescale_words: list = field(default_factory=list)
    rag_words: list = field(default_factory=list)
    rag_header: str = ""


@dataclass
class SectionDraft:
    number: int | None
    title: str
    purpose: str = ""
    actions: list = field(default_factory=list)
    title_given: bool = True
    guessed: bool = False  # the first paragraph above a table, no heading among them


@dataclass
class Preview:
    """What an import would create. ``errors`` stop it; ``warnings`` are for reading."""

    file_name: str
    sha256: str
    document_title: str = ""
    document_subtitle: str = ""
    sections: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)  # header as written -> field
    unrecognised: list = field(default_factory=list)  # headers as written
    new_agencies: list = field(default_factory=list)

    @property
    def actions(self):
        return [action for section in self.sections for action in section.actions]

    @property
    def new_posts(self):
        seen = {}
        for action in self.actions:
            for lead in action.leads:
                if lead.is_new_post:
                    seen.setdefault(lead.key, lead)
        return list(seen.values())

    @property
    def counts(self):
        actions = self.actions
        return {
            "sections": len(self.sections),
            "actions": len(actions),
            "leads": sum(len(action.leads) for action in actions),
            "evidence": sum(len(action.evidence) for action in actions),
            "ratings": sum(1 for action in actions if action.rag),
        }


def read_plan(checked, mapping=None):
    """The preview of ``checked`` (a safety.CheckedFile), columns mapped by ``mapping``
    ({header key: field}) where the header words are not known."""
    reader = _Reader(Preview(checked.name, checked.sha256), mapping or {})
    tables = 0
    for block in checked.document.iter_inner_content():
        if isinstance(block, Paragraph):
            reader.paragraph(block)
        elif isinstance(block, Table):
            tables += 1
            reader.table(block)
    reader.finish(tables)
    return reader.preview


class _Reader:
    def __init__(self, preview, mapping):
        self.preview, self.mapping = preview, mapping
        self.leads = LeadMatcher()
        self.pending = []  # (text, is_heading) since the last table
        self.heading = None  # a SectionDraft waiting for its first action
        self.section = None
        self.action = None
        self.columns = None  # [(field, header)] of the current table
        self.first_row = None  # the first row's words, if no header row was ever found

    def warn(self, message):
        self.preview.warnings.append(message)

    # -- paragraphs --------------------------------------------------------------------

    def paragraph(self, paragraph):
        text = paragraph.text.strip()
        style = paragraph.style.name if paragraph.style is not None else ""
        if not text:
            return
        if style == "Title" and not self.preview.document_title:
            self.preview.document_title = text
        elif style == "Subtitle" and not self.preview.document_subtitle:
            self.preview.document_subtitle = text
        else:
            self.pending.append((text, style.startswith("Heading") or _bold_line(paragraph)))

    def _take_pending(self):
        """Paragraphs above a table: the last heading names the next section and the
        paragraphs after it are its purpose; anything before it is a note on the plan.
        Without headings, the first paragraph is taken as the heading."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        headings = [index for index, (_, is_heading) in enumerate(pending) if is_heading]
        headings = headings or [
            i for i, (text, _) in enumerate(pending) if SECTION_NUMBER.match(text)
        ]
        at = headings[-1] if headings else 0
        self.preview.notes.extend(text for text, _ in pending[:at])
        self._start_heading(pending[at][0], "\n".join(text for text, _ in pending[at + 1 :]))
        self.heading.guessed = not headings

    def _start_heading(self, text, purpose):
        self._finish_action()  # the action above belongs to the section before
        if self.heading is not None:  # two headings, no action between: the first is a note
            self.preview.notes.append(self.heading.title)
        number, title = None, text
        if match := SECTION_NUMBER.match(text):
            number, title = int(match[1]), match[2].strip(" .:-–")
        self.heading = SectionDraft(number, title, purpose)
        self.section = None

    # -- tables ------------------------------------------------------------------------

    def table(self, table):
        self._finish_action()
        self._take_pending()
        above = []
        for row in table.rows:
            cells, seen, down = [], set(), set()
            for index, cell in enumerate(row.cells):
                # A cell merged across columns repeats: its words are read once. A cell
                # merged down the rows repeats the cell above: its words belong to a new
                # action on this row too (a lead or timescale shared), not to a row that
                # only carries the action above on.
                across = id(cell._tc) in seen
                seen.add(id(cell._tc))
                if index < len(above) and above[index] is cell._tc:
                    down.add(index)
                cells.append([] if across else [p.text for p in cell.paragraphs])
            above = [cell._tc for cell in row.cells]
            self.row(cells, spans=len(seen) == 1 and len(cells) > 1, down=down)

    def row(self, cells, spans, down=frozenset()):
        own = [[] if index in down else paragraphs for index, paragraphs in enumerate(cells)]
        texts = ["\n".join(paragraphs).strip() for paragraphs in own]
        filled = [index for index, text in enumerate(texts) if text]
        if not filled:
            return
        fields = [field_for(text, self.mapping) for text in texts]
        if Field.ACTION in fields and sum(1 for f in fields if f) >= 2:
            return self._header(texts, fields)
        if self.columns is None:
            if self.first_row is None and len(filled) > 1:
                self.first_row = texts
            elif filled == [0]:
                self._start_heading(texts[0].split("\n")[0], "\n".join(cells[0][1:]).strip())
            return
        column_zero = self.columns[0][0] if self.columns else None
        if filled == [0] and (spans or column_zero != Field.ACTION) and not REF.match(texts[0]):
            paragraphs = [p.strip() for p in cells[0] if p.strip()]
            self._start_heading(paragraphs[0], "\n".join(paragraphs[1:]))
            return
        self._data_row(cells, own)

    def _header(self, texts, fields):
        self.columns = []
        for index, (text, found) in enumerate(zip(texts, fields, strict=True)):
            if found is None:
                found = Field.REF if index == 0 and not text else Field.IGNORE
                if text and text not in self.preview.unrecognised:
                    self.preview.unrecognised.append(text)
            if text:
                self.preview.columns[text] = found
            self.columns.append((found, text))

    def _data_row(self, cells, own):
        """A row with an action of its own starts it (cells merged down from the row
        above count for it); a row without continues the action above."""
        text = "\n".join(p.strip() for p in self._values(own).get(Field.ACTION, []) if p.strip())
        if text:
            values = self._values(cells)
            self._start_action(" ".join(values.get(Field.REF, [])).strip(), text)
        elif self.action is None:
            words = " ".join(" ".join(p) for p in own).strip()
            self.warn(f"A row with no action was left out: “{words[:80]}”")
            return
        else:
            values = self._values(own)
        self._add_to_action(values)

    def _values(self, cells):
        """{field: the paragraphs of its columns} for a row; the RAG column's header too."""
        values = {}
        for (kind, header), paragraphs in zip(self.columns, cells, strict=False):
            if kind != Field.IGNORE and any(p.strip() for p in paragraphs):
                values.setdefault(kind, []).extend(paragraphs)
                if kind == Field.RAG:
                    values["rag_header"] = header
        return values

    def _start_action(self, ref, text):
        self._finish_action()
        number = None
        if match := REF.match(ref):
            number = int(match[1]) if match[2] else None
        elif not ref and (match := REF_IN_TEXT.match(text)):
            ref, text, number = f"{match[1]}.{match[2]}", match[3].strip(), int(match[1])
        self.action = ActionDraft(ref=ref, text=text, section_number=number)

    def _add_to_action(self, values):
        action = self.action
        outcomes = "\n".join(p.strip() for p in values.get(Field.OUTCOMES, []) if p.strip())
        action.outcomes = "\n".join(filter(None, [action.outcomes, outcomes]))
        action.lead_words.extend(values.get(Field.LEADS, []))
        action.timescale_words.extend(values.get(Field.TIMESCALE, []))
        action.rag_words.extend(p.strip() for p in values.get(Field.RAG, []) if p.strip())
        action.rag_header = values.get("rag_header", action.rag_header)
        for paragraph in values.get(Field.EVIDENCE, []):
            paragraph = BULLET.sub("", paragraph.strip(), count=1).strip()
            if paragraph:
                action.evidence.append(Evidence(paragraph))

    # -- an action complete --------------------------------------------------------------

    def _finish_action(self):
        action, self.action = self.action, None
        if action is None:
            return
        label = action.ref or action.text[:40]
        for lead_text in split_cell(action.lead_words):
            lead = self.leads.match(lead_text)
            if lead.key not in {existing.key for existing in action.leads}:
                action.leads.append(lead)
        if not action.leads:
            self.warn(f"{label}: no lead was given")
        self._settle_timescale(action, label)
        self._settle_rating(action, label)
        self._section_for(action).actions.append(action)

    def _settle_timescale(self, action, label):
        words = " ".join(" ".join(action.timescale_words).split())
        if len(words) > MAX_LENGTH:
            self.warn(f"{label}: the timescale was cut to {MAX_LENGTH} characters: “{words}”")
            words = words[:MAX_LENGTH].strip()
        action.timescale = words
        if not words:
            self.warn(
                f"{label}: no timescale was given. The action is due at the end of the "
                f"financial year until someone sets one"
            )
            return
        try:
            action.due_date = parse_timescale(words)
        except TimescaleError as error:
            self.warn(
                f"{label}: the timescale “{words}” is not a date ({error}). It is kept as "
                f"written and the action is due at the end of the financial year until "
                f"someone changes it"
            )

    def _settle_rating(self, action, label):
        words = action.rag_words
        if not words:
            return
        read = [rag_word(word) for word in words]
        if None in read:
            header = action.rag_header or "RAG"
            action.evidence.append(Evidence(f"{header}: {' '.join(words)}"))
            self.warn(
                f"{label}: “{' '.join(words)}” in the {header} column is not a RAG rating. "
                f"It is kept as an evidence entry and the action is left unrated"
            )
            return
        for _, note in read:
            if note:
                self.warn(f"{label}: {note}")
        ratings = [rating for rating, _ in read]
        bullets = action.evidence
        if len(ratings) > 1 and len(ratings) in (len(bullets), len(bullets) + 1):
            for entry, rating in zip(bullets, ratings[-len(bullets) :], strict=True):
                entry.rag = rating
            action.rag = ratings[0]
        else:
            action.rag = ratings[-1]
            if len(set(ratings)) > 1:
                self.warn(
                    f"{label}: the RAG cell holds {len(ratings)} ratings that do not match the "
                    f"bullets; the action is rated {Rag(action.rag).label}, the last of them"
                )

    def _section_for(self, action):
        """The section an action goes in: the heading above it, else the section before,
        unless its ref names another section, which then starts without a heading."""
        number = action.section_number
        if self.heading is not None:
            self.section, self.heading = self.heading, None
            self.section.number = self.section.number or number
            self.preview.sections.append(self.section)
            if self.section.guessed:
                self.warn(
                    f"“{self.section.title[:60]}” is taken as a section heading: it is the "
                    f"first paragraph above a table, and none there is styled as a heading"
                )
        elif self.section is None or (number and self.section.number not in (None, number)):
            title = f"Section {number}" if number else "Section"
            self.section = SectionDraft(number, title, title_given=False)
            self.preview.sections.append(self.section)
            self.warn(f"{action.ref or title}: no heading was found for its section")
        return self.section

    # -- the whole document ----------------------------------------------------------------

    def finish(self, tables):
        self._finish_action()
        self.preview.notes.extend(text for text, _ in self.pending)
        if self.heading is not None:
            self.preview.notes.append(self.heading.title)
        preview = self.preview
        if not tables:
            preview.errors.append(f"No table was found in {preview.file_name}")
        elif self.columns is None:
            headers = [text for text in self.first_row or [] if text]
            preview.unrecognised.extend(
                h for h in headers if h not in preview.unrecognised and not field_for(h)
            )
            preview.errors.append(
                "No column of actions was found. Choose which column holds the actions"
                + (f" (the columns are: {', '.join(headers)})" if headers else "")
            )
        elif not preview.actions:
            preview.errors.append("No actions were found in the tables")
        preview.new_agencies = list(self.leads.new_agencies)
        _number(preview)


def _bold_line(paragraph):
    """A short paragraph in bold all through: how many people type a heading."""
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and len(paragraph.text) <= 150 and all(run.bold for run in runs)


def _number(preview):
    """Section numbers as written where they are unique, otherwise the next free one;
    action positions likewise within their section."""
    taken = set()
    for section in preview.sections:
        if section.number in taken or section.number is None:
            wanted = section.number
            section.number = max(taken, default=0) + 1
            if wanted is not None:
                preview.warnings.append(
                    f"Section {wanted} appears twice; the second is numbered {section.number}"
                )
        taken.add(section.number)
        positions = set()
        for action in section.actions:
            match = REF.match(action.ref.strip()) if action.ref else None
            wanted = int(match[2]) if match and match[2] else None
            if wanted is None or wanted in positions:
                wanted = max(positions, default=0) + 1
            action.position = wanted
            positions.add(wanted)
            written = action.ref
            action.ref = f"{section.number}.{action.position}"
            if written and header_key(written) != header_key(action.ref):
                preview.warnings.append(f"{written} is imported as {action.ref}")
