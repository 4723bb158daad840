"""An action's own timeline of judgements: its ratings and its timescale revisions.

A *rating decision* is a record in which the chair rated the action: the rating
changed, or the same rating was given again with a new reason (``rated_at`` moved).
The same test is used by the activity feed (``feed.rating_decision``), these lists and
the board pack's changes (``periods``), so they always agree.
"""

from ..historical import person_name
from ..models import Rag


def is_rating_decision(previous, record):
    """Whether ``record`` (after ``previous``; None for the first) is a rating decision."""
    if previous is None:
        return bool(record.rag)
    return record.rag != previous.rag or record.rated_at != previous.rated_at


def _records(action):
    return action.history.order_by("history_date", "history_id")


def rating_changes(action, until=None):
    """Each rating decision on ``action``, newest first, with its reason, who and when;
    only those made up to the moment ``until`` if given."""
    changes = []
    previous = None
    for record in _records(action).select_related("rated_by"):
        if record.history_type != "-" and is_rating_decision(previous, record):
            changes.append(
                {
                    "from": "" if previous is None else Rag.label_for(previous.rag),
                    "to": Rag.label_for(record.rag),
                    "rag": record.rag,
                    "same": previous is not None and previous.rag == record.rag,
                    "reason": record.rag_reason,
                    "by": record.history_user_name or person_name(record.rated_by),
                    "when": record.rated_at or record.history_date,
                }
            )
        previous = record
    if until is not None:
        changes = [change for change in changes if change["when"] <= until]
    return list(reversed(changes))


def timescale_revisions(action):
    """Each change of timescale, oldest first: (from, to, reason, who, when)."""
    revisions = []
    previous = None
    for record in _records(action):
        if previous is not None and record.timescale != previous.timescale:
            revisions.append(
                {
                    "from": previous.timescale,
                    "to": record.timescale,
                    "reason": record.history_change_reason,
                    "by": record.history_user_name,
                    "when": record.history_date,
                }
            )
        previous = record
    return revisions
