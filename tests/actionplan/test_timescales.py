import datetime

import pytest
import time_machine

from actionplan.timescales import TimescaleError, latest_year, parse_timescale

LATEST = latest_year()
WINDOW = f"Timescale must be between 2000 and {LATEST}"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # every form used in the seed plan
        ("Dec 2014", datetime.date(2014, 12, 31)),
        ("Sept 2015", datetime.date(2015, 9, 30)),
        ("April 2015", datetime.date(2015, 4, 30)),
        ("July 2015", datetime.date(2015, 7, 31)),
        ("April 2016", datetime.date(2016, 4, 30)),
        ("Dec 2015", datetime.date(2015, 12, 31)),
        # other ways people write a month
        ("sep 2015", datetime.date(2015, 9, 30)),
        ("September 2015", datetime.date(2015, 9, 30)),
        ("Feb 2016", datetime.date(2016, 2, 29)),
        ("Feb. 2015", datetime.date(2015, 2, 28)),
        ("March '16", datetime.date(2016, 3, 31)),
        ("end of March 2016", datetime.date(2016, 3, 31)),
        ("  Dec   2014 ", datetime.date(2014, 12, 31)),
        ("06/2015", datetime.date(2015, 6, 30)),
        # a full date
        ("26th November 2015", datetime.date(2015, 11, 26)),
        ("26/11/2015", datetime.date(2015, 11, 26)),
        ("2015-11-26", datetime.date(2015, 11, 26)),
        # financial-year quarters (April start)
        ("Q1 2015/16", datetime.date(2015, 6, 30)),
        ("Quarter 2 2015/16", datetime.date(2015, 9, 30)),
        ("Q3 2015-16", datetime.date(2015, 12, 31)),
        ("Q4 2015/2016", datetime.date(2016, 3, 31)),
    ],
)
def test_it_turns_the_words_into_the_target_date(label, expected):
    assert parse_timescale(label) == expected


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("", "Enter a timescale"),
        ("   ", "Enter a timescale"),
        (None, "Enter a timescale"),
        ("Ongoing", "Enter the timescale as a month and year"),
        ("Septembre 2015", "“Septembre” is not a month"),
        ("Sept", "Enter the timescale as a month and year"),
        ("Sept 1815", WINDOW),
        ("31/02/2015", "is not a real date"),
        ("13/2015", "13 is not a month"),
        ("Q2 2015/17", "Enter a financial year like 2015/16"),
        ("Dec 2014" + " " * 10 + "x" * 60, "50 characters or fewer"),
    ],
)
def test_a_label_that_does_not_parse_is_a_clear_error(label, message):
    with pytest.raises(TimescaleError, match=message):
        parse_timescale(label)


@pytest.mark.parametrize(
    "label",
    [
        "Jan 0001",  # once taken for January 2001
        "Dec 0000",
        "Dec 0099",
        "Dec 1999",
        "31/12/1999",
        "1999-12-31",
        "Q4 1999/00",
        f"Jan {LATEST + 1}",
        f"1/{LATEST + 1}",
        f"Q4 {LATEST}/{(LATEST + 1) % 100:02d}",  # ends in March of the year after
        "Dec 99",  # 2099
        "Dec 9999",
    ],
)
def test_a_year_outside_2000_to_ten_years_ahead_is_refused(label):
    with pytest.raises(TimescaleError, match=WINDOW):
        parse_timescale(label)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Jan 2000", datetime.date(2000, 1, 31)),
        ("Jan '00", datetime.date(2000, 1, 31)),
        (f"Dec {LATEST}", datetime.date(LATEST, 12, 31)),
        (f"Q3 {LATEST}/{(LATEST + 1) % 100:02d}", datetime.date(LATEST, 12, 31)),
    ],
)
def test_the_first_and_last_years_of_the_window_are_taken(label, expected):
    assert parse_timescale(label) == expected


@pytest.mark.parametrize(
    "label",
    ["Sept ２０１５", "Sept ٢٠١٥", "٢٦/١١/٢٠١٥", "Q２ 2015/16", "Sept 2015²", "Sept ১৫"],
)
def test_digits_other_than_0_to_9_are_refused_not_read(label):
    with pytest.raises(TimescaleError, match="Enter the timescale with the digits 0 to 9"):
        parse_timescale(label)


def test_the_window_moves_on_with_the_years():
    with time_machine.travel(datetime.datetime(2030, 6, 1, 12, tzinfo=datetime.UTC)):
        assert parse_timescale("Dec 2040") == datetime.date(2040, 12, 31)
        with pytest.raises(TimescaleError, match="between 2000 and 2040"):
            parse_timescale("Jan 2041")
