"""How every model keeps its history.

``tracked()`` is ``HistoricalRecords()`` with two choices made once for the project:

- each history row keeps the *name* of the person who made the change, so a person
  who leaves keeps their name on every row, even if their user row is deleted;
- the user is kept as a plain id, not a foreign key, so deleting a user never
  updates a history row (PostgreSQL triggers refuse any UPDATE of history);
- each history row joins the hash chain as it is written (integrity/models.py), one at
  a time or in bulk (``bulk_create_with_history``);
- with ``tracked(in_plan=...)``, each history row of a part of a plan (an action, its
  leads, evidence and attachments) keeps the id of the plan it belongs to, so that a
  plan's activity feed walks an index of that plan's rows alone (plan_id, history_date,
  history_id; migration actionplan 0009): walking every plan's history newest first
  and testing each row, a quiet plan's feed waded through every busier plan's changes
  since (300 ms for one of 2,000 actions behind another's 100,000 rows).
"""

from collections import defaultdict

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


class InPlanHistory(models.Model):
    """The plan a history row's object belongs to: a plain id like history_user_id (a
    history row is never updated), set as the row is written. Nothing leaves its plan:
    an action moves only between the plan's own sections."""

    plan_id = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


def plans_of(instances, path):
    """The plan id of each of ``instances`` (of one model), found along ``path`` (the
    foreign keys that lead to a section, e.g. ("action", "section")): from the objects
    already loaded where they are, else with one query per kind of parent for them all."""
    found, wanted = [], defaultdict(set)
    for instance in instances:
        obj, step = instance, None
        for number, hop in enumerate(path):
            parent = obj._state.fields_cache.get(hop)
            if parent is None:
                field = obj._meta.get_field(hop)
                rest = "__".join([*path[number + 1 :], "plan_id"])
                step = (field.related_model, rest, getattr(obj, field.attname))
                wanted[step[:2]].add(step[2])
                break
            obj = parent
        found.append(step if step else obj.plan_id)
    looked_up = {
        (model, rest): dict(model._base_manager.filter(pk__in=ids).values_list("pk", rest))
        for (model, rest), ids in wanted.items()
    }
    return [looked_up[plan[:2]].get(plan[2]) if isinstance(plan, tuple) else plan for plan in found]


class InPlanHistoryManager(ChainedHistoryManager):
    """``bulk_create_with_history`` too gives each history row its plan."""

    def bulk_history_create(self, objs, *args, custom_historical_attrs=None, **kwargs):
        objs = list(objs)
        by_plan = defaultdict(list)
        for obj, plan_id in zip(objs, plans_of(objs, self.model.plan_path), strict=True):
            by_plan[plan_id].append(obj)
        created = []
        for plan_id, group in by_plan.items():
            attrs = {**(custom_historical_attrs or {}), "plan_id": plan_id}
            created += (
                super().bulk_history_create(group, *args, custom_historical_attrs=attrs, **kwargs)
                or []
            )
        return created


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


def tracked(in_plan=None, **kwargs):
    """``in_plan``: the foreign keys that lead from the model to its section, for a part
    of a plan whose history rows keep their plan's id."""
    if in_plan is None:
        return HistoricalRecords(**_options(**kwargs))
    plan_path = type("PlanPath", (), {"plan_path": tuple(in_plan)})  # read by plans_of()
    return HistoricalRecords(
        **_options(
            bases=[PersonNamedHistory, InPlanHistory, plan_path, Chained],
            history_manager=InPlanHistoryManager,
            **kwargs,
        )
    )


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


@receiver(pre_create_historical_record)
def _remember_the_plan(sender, instance, history_instance, **kwargs):
    if isinstance(history_instance, InPlanHistory):
        history_instance.plan_id = plans_of([instance], history_instance.plan_path)[0]
