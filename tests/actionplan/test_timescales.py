import datetime

import pytest

from actionplan.timescales import TimescaleError, parse_timescale


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
        ("Sept 1815", "Enter a year between 1990 and 2100"),
        ("31/02/2015", "is not a real date"),
        ("13/2015", "13 is not a month"),
        ("Q2 2015/17", "Enter a financial year like 2015/16"),
        ("Dec 2014" + " " * 10 + "x" * 60, "50 characters or fewer"),
    ],
)
def test_a_label_that_does_not_parse_is_a_clear_error(label, message):
    with pytest.raises(TimescaleError, match=message):
        parse_timescale(label)
