"""Reading the plan's history: the one place that turns django-simple-history's records
into changes people read.

- ``feed``: the activity feed and an action's history page (``change_keys`` chooses the
  rows in one UNION query; ``read_changes`` reads a page of them), and the dashboard's
  latest changes (``latest_changes``);
- ``ratings``: an action's rating decisions and timescale revisions;
- ``periods``: what changed between two moments, for the board pack;
- ``moments``: the end of a London day, day ranges, and objects rebuilt as at a moment
  (the plan as at a date is assembled from them in ``actionplan/snapshot.py``).

Every summary is worded once, in ``feed`` ("Evidence withdrawn", "Rated Amber").
"""

from .feed import KINDS, Change, FieldChange, change_keys, latest_changes, read_changes, word_diff
from .moments import date_range, end_of_day, rebuild
from .periods import Changes, changes_between
from .ratings import is_rating_decision, rating_changes, timescale_revisions

__all__ = [
    "KINDS",
    "Change",
    "Changes",
    "FieldChange",
    "change_keys",
    "changes_between",
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
