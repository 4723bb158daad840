"""An action's latest rating decisions and timescale revisions, for its page.

``ratings.py`` reads every record of the action to list them all (the board pack wants
all of a quarter's); an action with thousands of records made its page take seconds.
Here the same decisions are chosen in SQL, newest first, and only as many as the page
shows are read:

- a rating decision is the first record if it carries a rating, or a later one in
  which the rating changed or was given again (``rated_at`` moved): the test of
  ``ratings.is_rating_decision``, as the activity feed files it (``pages.with_kinds``,
  one index lookup of the record before, for the records walked only);
- a timescale revision is a record whose timescale differs from the one before; they
  are rare, so the records are compared with the one before in a single pass (LAG),
  rather than looked up one by one.

tests/actionplan/test_history.py and test_integrity.py hold both to ratings.py.
"""

from django.db.models import F, Q, Window
from django.db.models.functions import Coalesce, Lag

from ..historical import person_name
from ..models import Action, Rag
from .pages import with_kinds

RATINGS_SHOWN = 20
REVISIONS_SHOWN = 10


def latest_ratings(action, limit=RATINGS_SHOWN, until=None):
    """(the latest ``limit`` rating decisions on ``action``, newest first, shaped as
    ``ratings.rating_changes`` shapes them; whether there are older ones). With
    ``until``, only those made up to that moment."""
    records, rating, _ = with_kinds(Action.history.filter(id=action.pk))
    records = records.filter((Q(history_type="+") & ~Q(rag="")) | rating)
    if until is not None:
        records = records.annotate(decided=Coalesce("rated_at", "history_date")).filter(
            decided__lte=until
        )
    chosen = list(
        records.select_related("rated_by").order_by("-history_date", "-history_id")[: limit + 1]
    )
    changes = [
        {
            "from": "" if record.history_type == "+" else Rag.label_for(record.prev_rag),
            "to": Rag.label_for(record.rag),
            "rag": record.rag,
            "same": record.history_type != "+" and record.prev_rag == record.rag,
            "reason": record.rag_reason,
            "by": record.history_user_name or person_name(record.rated_by),
            "when": record.rated_at or record.history_date,
        }
        for record in chosen[:limit]
    ]
    return changes, len(chosen) > limit


def latest_timescale_revisions(action, limit=REVISIONS_SHOWN):
    """(the latest ``limit`` changes of timescale, oldest first, shaped as
    ``ratings.timescale_revisions`` shapes them; whether there are older ones)."""
    in_order = [F("history_date").asc(), F("history_id").asc()]
    records = (
        Action.history.filter(id=action.pk)
        .annotate(before=Window(Lag("timescale"), order_by=in_order))
        .filter(before__isnull=False)
        .exclude(before=F("timescale"))
        .order_by("-history_date", "-history_id")
    )
    chosen = list(records[: limit + 1])
    revisions = [
        {
            "from": record.before,
            "to": record.timescale,
            "reason": record.history_change_reason,
            "by": record.history_user_name,
            "when": record.history_date,
        }
        for record in reversed(chosen[:limit])
    ]
    return revisions, len(chosen) > limit
