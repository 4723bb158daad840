"""Timescales as people write them in plans, turned into real dates.

A timescale is a target month in words ("Dec 2014", "Sept 2015", "April 2016").
The words are kept as written; the date is the last day of that month, so that
"Sept 2015" is overdue from 1 October 2015. Also accepted: a full date
("26 November 2015", "26/11/2015", "2015-11-26"), "end of March 2016", and a
financial-year quarter ("Q2 2015/16", "Quarter 2 2015/16": the quarter's last day).

Every date a person enters, a timescale or a date in a form, falls between 2000 and ten
years from now (``EARLIEST_YEAR``, ``latest_year()``): a typo such as "0015" or "2105"
is refused with a clear message rather than stored, or taken for a year it is not.
Digits are 0 to 9 only: "２０１５" (full-width) or "٢٠١٥" is refused, not read.
"""

import calendar
import datetime
import re

from django.utils import timezone

MONTHS = {
    "jan": 1, "january": 1,
    "feb": 2, "february": 2,
    "mar": 3, "march": 3,
    "apr": 4, "april": 4,
    "may": 5,
    "jun": 6, "june": 6,
    "jul": 7, "july": 7,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip

MAX_LENGTH = 50
EXAMPLE = "a month and year, like Sept 2015"
EARLIEST_YEAR = 2000
YEARS_AHEAD = 10


def latest_year(today=None):
    """The last year a date may fall in: the end of the year ten years from today."""
    return (today or timezone.localdate()).year + YEARS_AHEAD


class TimescaleError(ValueError):
    """The words do not name a month or a date. The message is for the person who typed them."""


def _end_of_month(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _out_of_window():
    return TimescaleError(f"Timescale must be between {EARLIEST_YEAR} and {latest_year()}")


def _year(text):
    """A year as written: "2015", or "15" for 2015. "0015" is the year 15, not 2015."""
    year = int(text)
    if len(text) == 2:
        year += 2000
    if not EARLIEST_YEAR <= year <= latest_year():
        raise _out_of_window()
    return year


def _month(word):
    month = MONTHS.get(word.lower().rstrip("."))
    if month is None:
        raise TimescaleError(f"“{word}” is not a month. Enter {EXAMPLE}")
    return month


def _day(year, month, day):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise TimescaleError(f"{day}/{month}/{year} is not a real date. Enter {EXAMPLE}") from None


# re.ASCII: \d is 0-9 only (not "２" or "٢", which int() would read), [a-z] ASCII letters.
_ASCII_I = re.ASCII | re.IGNORECASE
_MONTH_YEAR = re.compile(r"^(?:end\s+(?:of\s+)?)?([a-z]+\.?),?\s+(\d{4}|'?\d{2})$", _ASCII_I)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+\.?),?\s+(\d{4})$", _ASCII_I)
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", re.ASCII)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_NUMERIC_MONTH = re.compile(r"^(\d{1,2})[/.-](\d{4})$", re.ASCII)
_QUARTER = re.compile(r"^(?:q|quarter\s*)([1-4])\s+(\d{4})\s*[/-]\s*(\d{2}|\d{4})$", _ASCII_I)


def parse_timescale(label):
    """Return the target date a timescale label stands for, or raise TimescaleError."""
    text = " ".join((label or "").split())
    if not text:
        raise TimescaleError(f"Enter a timescale, as {EXAMPLE}")
    if len(text) > MAX_LENGTH:
        raise TimescaleError(f"Timescale must be {MAX_LENGTH} characters or fewer")
    if any(char.isdigit() and not char.isascii() for char in text):
        raise TimescaleError(f"Enter the timescale with the digits 0 to 9, as {EXAMPLE}")
    date = _parse(text)
    if date.year > latest_year():  # the end of a quarter whose year starts in the window
        raise _out_of_window()
    return date


def _parse(text):
    if match := _MONTH_YEAR.match(text):
        return _end_of_month(_year(match[2].lstrip("'")), _month(match[1]))
    if match := _DAY_MONTH_YEAR.match(text):
        return _day(_year(match[3]), _month(match[2]), int(match[1]))
    if match := _ISO_DATE.match(text):
        return _day(_year(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC_DATE.match(text):
        return _day(_year(match[3]), int(match[2]), int(match[1]))
    if match := _NUMERIC_MONTH.match(text):
        month = int(match[1])
        if not 1 <= month <= 12:
            raise TimescaleError(f"{month} is not a month. Enter {EXAMPLE}")
        return _end_of_month(_year(match[2]), month)
    if match := _QUARTER.match(text):
        return _end_of_financial_quarter(int(match[1]), _year(match[2]), match[3])
    raise TimescaleError(f"Enter the timescale as {EXAMPLE}")


def _end_of_financial_quarter(quarter, start_year, end_text):
    end_year = int(end_text) if len(end_text) == 4 else (start_year // 100) * 100 + int(end_text)
    if end_year != start_year + 1:
        raise TimescaleError(
            f"Enter a financial year like {start_year}/{(start_year + 1) % 100:02d}"
        )
    # Financial quarters: Q1 April–June, Q2 July–September, Q3 October–December, Q4 January–March.
    if quarter == 4:
        return _end_of_month(end_year, 3)
    return _end_of_month(start_year, 3 + 3 * quarter)
