"""Form fields for what people type: free text and dates.

- ``PlainTextField``: free text, with the control characters pasted in from Word or an
  email taken out (``actionplan.text``); a NUL is still refused with a message;
- ``BoundedDateField``: a date between 1 January 2000 and ten years from now (the window
  of ``actionplan.timescales``), or today at the latest where only the past makes sense.

Every free-text and date field of the forms is one of these, so that what is saved can
always be shown, exported and printed, and a mistyped year is caught when it is typed.
"""

import datetime

from django import forms
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


class BoundedDateField(forms.DateField):
    """A date from 1 January 2000 to the end of the year ten years from now.

    ``latest=TODAY`` for a date that must not be in the future. Messages name the field
    (``subject``, or the label): "Date of the activity must be 2000 or later". Override
    them with ``error_messages={"too_early": ..., "too_late": ...}``."""

    def __init__(self, *, subject=None, latest=None, **kwargs):
        self.latest = latest
        error_messages = kwargs.pop("error_messages", None) or {}
        super().__init__(**kwargs)
        subject = subject or self.label or "The date"
        self.error_messages = {
            "too_early": f"{subject} must be {EARLIEST_YEAR} or later",
            "too_late": (
                f"{subject} must be today or in the past"
                if latest == TODAY
                else f"{subject} must be %(latest_year)s or earlier"
            ),
            **self.error_messages,
            **error_messages,
        }

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
