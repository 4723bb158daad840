"""How every model keeps its history.

``tracked()`` is ``HistoricalRecords()`` with two choices made once for the project:

- each history row keeps the *name* of the person who made the change, so a person
  who leaves keeps their name on every row, even if their user row is deleted;
- the user is kept as a plain id, not a foreign key, so deleting a user never
  updates a history row (PostgreSQL triggers refuse any UPDATE of history);
- each history row joins the hash chain as it is written (integrity/models.py), one at
  a time or in bulk (``bulk_create_with_history``).
"""

from django.contrib.auth import get_user_model
from django.db import models
from django.dispatch import receiver
from simple_history import register
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from integrity.models import Chained, ChainedHistoryManager


class PersonNamedHistory(models.Model):
    history_user_name = models.CharField("changed by", max_length=150, blank=True)  # NAME_LIMIT

    class Meta:
        abstract = True


def _get_user(historical_instance, **kwargs):
    if historical_instance.history_user_id is None:
        return None
    return get_user_model().objects.filter(pk=historical_instance.history_user_id).first()


def _set_user(historical_instance, user):
    historical_instance.history_user_id = user.pk if user else None


def _options(**kwargs):
    return {
        # Every history row joins the hash chain (integrity/) as it is written.
        "bases": [PersonNamedHistory, Chained],
        "history_manager": ChainedHistoryManager,
        "history_user_id_field": models.IntegerField(null=True, blank=True, db_index=True),
        "history_user_getter": _get_user,
        "history_user_setter": _set_user,
        **kwargs,
    }


def tracked(**kwargs):
    return HistoricalRecords(**_options(**kwargs))


def track(model, app, **kwargs):
    """Keep the history of a model this project does not define (the User), the same way
    as ``tracked()``; its history model belongs to ``app``."""
    register(model, app=app, **_options(**kwargs))


NAME_LIMIT = 150  # the history_user_name column; the person form keeps names within it


def person_name(user):
    """The name kept on history rows and printed in packs; never longer than the column,
    whatever route (the admin, a shell) gave the person a longer one."""
    return ((user.get_full_name() or user.username) if user else "")[:NAME_LIMIT]


@receiver(pre_create_historical_record)
def _remember_the_name(sender, history_instance, history_user=None, **kwargs):
    history_instance.history_user_name = person_name(history_user)
