"""Form fields for what people type: free text and dates.

- ``PlainTextField``: free text, with the control characters pasted in from Word or an
  email taken out (``actionplan.text``); a NUL is still refused with a message;
- ``BoundedDateField``: a date between 1 January 2000 and ten years from now (the window
  of ``actionplan.timescales``), or today at the latest where only the past makes sense.
  It is asked the GOV.UK way, as Day, Month and Year boxes (``DateInput``), and still
  takes a date typed whole (``?as_at=30/09/2015`` in a link, a line of a list of dates).

Every free-text and date field of the forms is one of these, so that what is saved can
always be shown, exported and printed, and a mistyped year is caught when it is typed.
"""

import datetime
import re
from typing import NamedTuple

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone

from .text import clean_text
from .timescales import EARLIEST_YEAR, latest_year


class PlainTextField(forms.CharField):
    """A CharField whose value has no control characters and "\\n" line breaks.

    Cleaned before the length is checked, so an invisible character never counts."""

    def to_python(self, value):
        value = super().to_python(value)
        # A NUL stays, so that the field's ProhibitNullCharactersValidator refuses it.
        return clean_text(value, keep_nul=True)


TODAY = "today"

PARTS = ("day", "month", "year")
MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        datetime.date(2000, number, 1).strftime("%B").lower(),
        datetime.date(2000, number, 1).strftime("%b").lower(),
    )
} | {"sept": 9}
DIGITS = re.compile(r"[0-9]+")


class DateParts(NamedTuple):
    """What was typed in the Day, Month and Year boxes, as typed."""

    day: str = ""
    month: str = ""
    year: str = ""

    @classmethod
    def of(cls, value):
        """The boxes' values for a date, for a date typed whole (from a link), or empty."""
        if isinstance(value, DateParts):
            return value
        if isinstance(value, str):
            try:
                value = forms.DateField().to_python(value.strip())
            except forms.ValidationError:
                return cls()
        if isinstance(value, datetime.date):
            return cls(str(value.day), str(value.month), str(value.year))
        return cls()


class DateInput(forms.Widget):
    """The GOV.UK date input: three boxes named ``<name>-day``, ``<name>-month`` and
    ``<name>-year``. A single ``<name>`` value (a link made before the boxes, a post from
    an old page) is still read when the boxes are not sent."""

    template_name = "includes/date_input.html"

    def value_from_datadict(self, data, files, name):
        parts = DateParts(*(data.get(f"{name}-{part}") or "" for part in PARTS))
        if any(parts) or name not in data:
            return parts
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}-{part}" not in data for part in PARTS)

    def id_for_label(self, id_):
        return f"{id_}-day" if id_ else id_

    def parts(self, name, value, base_id, error_parts=()):
        """Each box, for the template: name, id, label, value, width and error."""
        return [
            {
                "name": f"{name}-{part}",
                "id": f"{base_id}-{part}",
                "label": part.capitalize(),
                "value": typed,
                "width": 4 if part == "year" else 2,
                "error": part in error_parts,
            }
            for part, typed in zip(PARTS, DateParts.of(value), strict=True)
        ]

    def render(self, name, value, attrs=None, renderer=None):
        base_id = (attrs or {}).get("id") or self.attrs.get("id") or name
        return render_to_string(
            self.template_name, {"id": base_id, "parts": self.parts(name, value, base_id)}
        )


class BoundedDateField(forms.DateField):
    """A date from 1 January 2000 to the end of the year ten years from now, asked as
    Day, Month and Year boxes.

    ``latest=TODAY`` for a date that must not be in the future. Messages name the field
    (``subject``, or the label), in the GOV.UK words: "Date of the activity must include
    a month", "... must be a real date", "... must be 2000 or later". Override them with
    ``error_messages={"too_early": ..., "too_late": ...}``. An error about some of the
    boxes names them in its ``params["parts"]``, so that only those are marked."""

    widget = DateInput

    def __init__(self, *, subject=None, latest=None, **kwargs):
        self.latest = latest
        error_messages = kwargs.pop("error_messages", None) or {}
        super().__init__(**kwargs)
        subject = subject or self.label or "The date"
        self.error_messages = {
            **self.error_messages,
            "invalid": f"{subject} must be a real date",
            "incomplete": f"{subject} must include a %(missing)s",
            "year_digits": "Year must include 4 numbers",
            "too_early": f"{subject} must be {EARLIEST_YEAR} or later",
            "too_late": (
                f"{subject} must be today or in the past"
                if latest == TODAY
                else f"{subject} must be %(latest_year)s or earlier"
            ),
            **error_messages,
        }

    def to_python(self, value):
        if isinstance(value, DateParts):
            return self.from_parts(value)
        return super().to_python(value)

    def from_parts(self, parts):
        typed = dict(zip(PARTS, (part.strip() for part in parts), strict=True))
        missing = [part for part in PARTS if not typed[part]]
        if len(missing) == len(PARTS):
            return None
        if missing:
            raise self._error("incomplete", missing, missing=" and ".join(missing))
        # GOV.UK: accept a month typed as a word ("Sept", "December") as well as a number.
        typed["month"] = str(MONTHS.get(typed["month"].lower().rstrip("."), typed["month"]))
        wrong = [part for part in PARTS if not DIGITS.fullmatch(typed[part])]
        if wrong:
            raise self._error("invalid", wrong)
        if len(typed["year"]) != 4:
            raise self._error("year_digits", ["year"])
        day, month, year = (int(typed[part]) for part in PARTS)
        if not 1 <= month <= 12:
            raise self._error("invalid", ["month"])
        if not 1 <= day <= 31:
            raise self._error("invalid", ["day"])
        try:
            return datetime.date(year, month, day)
        except ValueError:  # 31 February: the date as a whole is wrong
            raise self._error("invalid", list(PARTS)) from None

    def _error(self, code, parts, **params):
        return forms.ValidationError(
            self.error_messages[code], code=code, params={"parts": parts, **params}
        )

    def latest_date(self):
        today = timezone.localdate()
        if self.latest == TODAY:
            return today
        return datetime.date(latest_year(today), 12, 31)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        if value < datetime.date(EARLIEST_YEAR, 1, 1):
            raise forms.ValidationError(self.error_messages["too_early"], code="too_early")
        latest = self.latest_date()
        if value > latest:
            raise forms.ValidationError(
                self.error_messages["too_late"],
                code="too_late",
                params={"latest_year": latest.year},
            )
