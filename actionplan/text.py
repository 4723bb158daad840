"""Text as people paste it, made safe to keep and to hand on.

Evidence is often pasted from Word or an email, and brings invisible control characters
with it: a vertical tab (U+000B) for a line break inside a Word cell, a form feed for a
page break, an escape. Nobody means them, no page shows them, and a spreadsheet refuses
them: one such character in one entry made the Excel export fail for everyone.

``clean_text`` takes them out on the way in (``actionplan.fields.PlainTextField``, every
free-text field of the forms) and on the way out (``reporting.exports``, for anything
stored before). Tabs and line breaks stay, all as "\\n": Windows and old Mac line breaks,
and the characters Word uses for a break (vertical tab: a line break in a table cell;
form feed: a page break; NEL), so that pasted lines do not run together.
"""

import re

_LINE_BREAK = re.compile(r"\r\n?|[\x0b\x0c\x85]")
# What is left of the C0 controls once tab, line feed and the line breaks above are
# dealt with, DEL, the C1 controls, and what XML refuses: lone surrogates and the two
# "noncharacters".
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_CONTROL_AND_NUL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Any of the above: most text has none, and one look for them is half the time of two
# substitutions (an export cleans every cell).
_ANY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value, keep_nul=False):
    """``value`` without control characters, its line breaks as "\\n".

    With ``keep_nul`` a NUL character stays, for the form field's validator to refuse
    with a message: a NUL is no accident of copying and pasting."""
    if not value or not isinstance(value, str) or not _ANY.search(value):
        return value
    value = _LINE_BREAK.sub("\n", value)
    return (_CONTROL if keep_nul else _CONTROL_AND_NUL).sub("", value)
