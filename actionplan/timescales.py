"""Timescales as people write them in plans, turned into real dates.

A timescale is a target month in words ("Dec 2014", "Sept 2015", "April 2016").
The words are kept as written; the date is the last day of that month, so that
"Sept 2015" is overdue from 1 October 2015. Also accepted: a full date
("26 November 2015", "26/11/2015", "2015-11-26"), "end of March 2016", and a
financial-year quarter ("Q2 2015/16", "Quarter 2 2015/16": the quarter's last day).
"""

import calendar
import datetime
import re

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


class TimescaleError(ValueError):
    """The words do not name a month or a date. The message is for the person who typed them."""


def _end_of_month(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _year(text):
    year = int(text)
    if year < 100:
        year += 2000
    if not 1990 <= year <= 2100:
        raise TimescaleError(f"Enter a year between 1990 and 2100, like {EXAMPLE}")
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


_MONTH_YEAR = re.compile(r"^(?:end\s+(?:of\s+)?)?([a-z]+\.?),?\s+(\d{4}|'?\d{2})$", re.I)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+\.?),?\s+(\d{4})$", re.I)
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_MONTH = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_QUARTER = re.compile(r"^(?:q|quarter\s*)([1-4])\s+(\d{4})\s*[/-]\s*(\d{2}|\d{4})$", re.I)


def parse_timescale(label):
    """Return the target date a timescale label stands for, or raise TimescaleError."""
    text = " ".join((label or "").split())
    if not text:
        raise TimescaleError(f"Enter a timescale, as {EXAMPLE}")
    if len(text) > MAX_LENGTH:
        raise TimescaleError(f"Timescale must be {MAX_LENGTH} characters or fewer")

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
