"""The words boards put at the top of their columns, and the RAG words in their cells.

Header words vary from board to board; each known word names one field of an action.
A header not known here is shown in the preview for the person to map
(in the browser a select, on the command line ``--column "Header=field"``).
"""

import re

from django.db import models

from actionplan.models import Rag


class Field(models.TextChoices):
    REF = "ref", "Ref (e.g. 2.1)"
    ACTION = "action", "Action"
    OUTCOMES = "outcomes", "Outcomes"
    LEADS = "leads", "Lead"
    TIMESCALE = "timescale", "Timescale"
    EVIDENCE = "evidence", "Current position (evidence)"
    RAG = "rag", "RAG rating"
    IGNORE = "ignore", "Leave out"


HEADER_WORDS = {
    Field.REF: ["ref", "no", "number", "item", "#", "ref no"],
    Field.ACTION: [
        "action", "actions", "recommendation", "recommendations", "task", "objective",
        "what will be done", "what we will do", "action required", "key actions",
    ],
    Field.OUTCOMES: [
        "outcome", "outcomes", "outcome s", "anticipated outcome", "anticipated outcomes",
        "expected outcome", "expected outcomes", "intended outcome", "intended outcomes",
        "success measure", "success measures", "success criteria", "impact",
        "measure of success",
    ],
    Field.LEADS: [
        "lead", "leads", "lead s", "responsibility", "responsible", "who", "owner", "by whom",
        "lead agency", "lead officer", "lead person", "responsible officer",
    ],
    Field.TIMESCALE: [
        "timescale", "timescales", "timescale s", "by when", "date", "target date", "deadline",
        "when", "due", "due date", "completion date", "target",
    ],
    Field.EVIDENCE: [
        "activity evidence", "current position", "progress", "update", "evidence",
        "activity", "progress update", "progress to date", "comments", "position",
        "evidence of progress", "update on progress",
    ],
    Field.RAG: ["rag", "rag rating", "rag status", "status", "assessment", "rating"],
}  # fmt: skip

_KNOWN = {word: field for field, words in HEADER_WORDS.items() for word in words}


def header_key(text):
    """A header as compared: lower case, punctuation as spaces ("Timescale(s)" is
    "timescale s", "Activity/Evidence" is "activity evidence")."""
    return " ".join(re.sub(r"[^\w#]+", " ", (text or "").lower()).split())


def field_for(header, mapping=None):
    """The field a header names: the person's mapping first, then the known words.
    None for a header nobody recognised."""
    key = header_key(header)
    if mapping and key in mapping:
        return mapping[key]
    return _KNOWN.get(key)


def parse_mapping(pairs):
    """``["Header=field", ...]`` (the command line's ``--column``) as {header key: field};
    raises ValueError with a message for a pair it cannot read."""
    mapping = {}
    for pair in pairs or []:
        header, sep, field = pair.rpartition("=")
        field = field.strip().lower()
        if not sep or not header.strip():
            raise ValueError(f"Write the column as “Header=field”, not “{pair}”")
        if field not in Field.values:
            raise ValueError(f"“{field}” is not a field. Use one of: {', '.join(Field.values)}")
        mapping[header_key(header)] = field
    return mapping


# -- RAG words ---------------------------------------------------------------------------

_RAG_WORDS = {"red": Rag.RED, "amber": Rag.AMBER, "green": Rag.GREEN, "blue": Rag.BLUE}
_COMPLETE = {"complete", "completed", "done", "achieved"}
_NOT_RATED = {"", "not rated", "n a", "na", "none", "tbc", "-"}


def rag_word(text):
    """(rating, note) for a RAG cell's words: "G", "Gree", "Amber" are ratings; a blend
    such as "Amber/Green" is the more cautious of the two, with a note saying so.
    Returns None when the words are no RAG rating at all ("3", "Partly met")."""
    key = header_key(text).replace("#", "")
    if key in _NOT_RATED:
        return "", ""
    if key in _COMPLETE:
        return Rag.BLUE, ""
    words = key.split()
    ratings = [_rating(word) for word in words]
    if not ratings or None in ratings:
        return None
    if len(set(ratings)) == 1:
        return ratings[0], ""
    worst = min(ratings, key=Rag.rank)
    return worst, f"“{text.strip()}” was imported as {Rag(worst).label}, the more cautious rating"


def _rating(word):
    """A colour word or its start ("g", "gree", "ambe"): the source often cuts them."""
    matches = [rating for name, rating in _RAG_WORDS.items() if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None
