"""Quarters of the financial year, as boards use them: Q1 is April to June."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Quarter:
    number: int
    start: datetime.date
    end: datetime.date

    @property
    def financial_year(self):
        first = self.start.year if self.number < 4 else self.start.year - 1
        return f"{first}/{(first + 1) % 100:02d}"

    @property
    def label(self):
        """e.g. "Quarter 2, 2015/16"."""
        return f"Quarter {self.number}, {self.financial_year}"

    def __str__(self):
        return self.label


def financial_quarter(date):
    """The financial-year quarter that ``date`` falls in."""
    # Financial quarters line up with calendar quarters, numbered from April.
    start = datetime.date(date.year, (date.month - 1) // 3 * 3 + 1, 1)
    next_start = (
        datetime.date(start.year + 1, 1, 1)
        if start.month == 10
        else datetime.date(start.year, start.month + 3, 1)
    )
    number = (date.month - 4) % 12 // 3 + 1
    return Quarter(number=number, start=start, end=next_start - datetime.timedelta(days=1))
