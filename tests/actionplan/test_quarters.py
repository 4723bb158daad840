import datetime

import pytest

from actionplan.quarters import financial_quarter


@pytest.mark.parametrize(
    ("day", "label", "start", "end"),
    [
        ("2015-04-01", "Quarter 1, 2015/16", "2015-04-01", "2015-06-30"),
        ("2015-06-30", "Quarter 1, 2015/16", "2015-04-01", "2015-06-30"),
        ("2015-09-30", "Quarter 2, 2015/16", "2015-07-01", "2015-09-30"),
        ("2015-12-31", "Quarter 3, 2015/16", "2015-10-01", "2015-12-31"),
        ("2016-01-01", "Quarter 4, 2015/16", "2016-01-01", "2016-03-31"),
        ("2016-03-31", "Quarter 4, 2015/16", "2016-01-01", "2016-03-31"),
        ("1999-11-15", "Quarter 3, 1999/00", "1999-10-01", "1999-12-31"),
    ],
)
def test_quarters_follow_the_financial_year_from_april(day, label, start, end):
    quarter = financial_quarter(datetime.date.fromisoformat(day))
    assert quarter.label == label
    assert (quarter.start.isoformat(), quarter.end.isoformat()) == (start, end)
