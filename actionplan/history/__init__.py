"""Reading the plan's history: the one place that turns django-simple-history's records
into changes people read.

- ``pages``: one page of changes, newest first, by keyset (``change_page``: the rows
  beyond a ``Cursor``, chosen in one query);
- ``feed``: the activity feed and an action's history page (``read_changes`` words a
  page of rows), and the dashboard's latest changes (``latest_changes``);
- ``ratings``: an action's rating decisions and timescale revisions (all of them: the
  board pack); ``latest``: the latest few of them, chosen in SQL, for the action's page;
- ``periods``: what changed between two moments, for the board pack;
- ``moments``: the end of a London day, day ranges, and every object of a model rebuilt
  as at a moment (the plan as at a date is assembled in ``actionplan/snapshot.py``, which
  looks up the latest record of each of the plan's objects instead).

Every summary is worded once, in ``feed`` ("Evidence withdrawn", "Rated Amber").
"""

from .feed import Change, FieldChange, latest_changes, read_changes, word_diff
from .moments import date_range, end_of_day, rebuild
from .pages import KINDS, PAGE_SIZE, ChangePage, Cursor, change_page, cursor_from
from .periods import Changes, changes_between
from .ratings import is_rating_decision, rating_changes, timescale_revisions

__all__ = [
    "KINDS",
    "PAGE_SIZE",
    "Change",
    "ChangePage",
    "Changes",
    "Cursor",
    "FieldChange",
    "change_page",
    "changes_between",
    "cursor_from",
    "date_range",
    "end_of_day",
    "is_rating_decision",
    "latest_changes",
    "rating_changes",
    "read_changes",
    "rebuild",
    "timescale_revisions",
    "word_diff",
]
