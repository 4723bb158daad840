"""Plans with a past, for the exports and the board pack."""

import datetime
import json
import zoneinfo
from itertools import groupby

import pytest
import time_machine
from django.db import transaction
from pytest_django.fixtures import validate_django_db

from actionplan.models import Action, EvidenceEntry, Plan
from actionplan.seed import SEED_PLAN, load_plan

LONDON = zoneinfo.ZoneInfo("Europe/London")
FAKE_PDF = b"%PDF-1.7 not really a pack"


@pytest.fixture
def fake_pdf(monkeypatch):
    """Most page tests are about who may do what, not about WeasyPrint: skip rendering."""
    from reporting import issuing

    monkeypatch.setattr(issuing, "render_pack_pdf", lambda html: FAKE_PDF)


@pytest.fixture
def immediate(settings):
    """Packs are made during the request, as if the worker took each one at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def london(*args):
    """A moment in Europe/London: london(2015, 9, 30, 23, 30)."""
    return datetime.datetime(*args, tzinfo=LONDON)


def load_seed_copy(folder, slug="cse-2015", copies=1, when=None):
    """Load a copy of the seed plan on 1 April 2015 (or ``when``), so it has a past.
    With ``copies`` > 1 every section holds that many copies of its actions."""
    data = json.loads(SEED_PLAN.read_text())
    data["plan"]["slug"] = slug
    data["plan"]["title"] = data["plan"]["title"] + ("" if slug == "cse-2015" else f" ({slug})")
    for section in data["sections"]:
        originals = section["actions"]
        section["actions"] = [
            {**action, "number": index}
            for index, action in enumerate(
                [action for _ in range(copies) for action in originals], start=1
            )
        ]
    with time_machine.travel(when or london(2015, 4, 1, 9), tick=False):
        copy = folder / f"{slug}.json"
        copy.write_text(json.dumps(data))
        return load_plan(copy).plan


def pytest_collection_modifyitems(items):
    """In each run of one module's tests, those that use the copy of 2015 that the module
    shares go last, so that the others never see it (transactional tests stay apart)."""
    items[:] = [
        item
        for _, run in groupby(items, key=lambda item: (item.path, transactional(item)))
        for item in sorted(run, key=lambda item: SHARED_2015 in getattr(item, "fixturenames", ()))
    ]


def transactional(item):
    """Whether pytest-django runs this test outside a transaction (and empties the
    database afterwards)."""
    marker = item.get_closest_marker("django_db")
    outside, resets, *_ = validate_django_db(marker) if marker else (False, False)
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(outside or resets or fixtures & {"transactional_db", "live_server"})


SHARED_2015 = "_plan_of_2015_for_module"


@pytest.fixture(scope="module")
def _plan_of_2015_for_module(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The pk of the copy of 2015, loaded once for the tests of a module (it takes a
    few hundred saves) in a transaction that stays open around them and is rolled back
    after the last; each test's own changes roll back to a savepoint inside it. None
    (each test loads its own) in a module with a transactional test, a browser test for
    one: it must see committed data, and empties the database."""
    if any(transactional(item) for item in request.session.items if item.path == request.path):
        yield None
        return
    block = transaction.atomic()
    with django_db_blocker.unblock():
        block.__enter__()
    try:
        with django_db_blocker.unblock():
            pk = load_seed_copy(tmp_path_factory.mktemp("plan-of-2015")).pk
        yield pk
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def plan_of_2015(plan, _plan_of_2015_for_module, tmp_path):
    """A copy of the seed plan loaded on 1 April 2015, so it has a past."""
    if _plan_of_2015_for_module is None:
        return load_seed_copy(tmp_path)
    return Plan.objects.get(pk=_plan_of_2015_for_module)


def action_of(plan, ref):
    section, position = (int(n) for n in ref.split("."))
    return Action.objects.get(section__plan=plan, section__number=section, position=position)


def rate_on(plan, ref, rag, reason, moment, by=None):
    action = action_of(plan, ref)
    with time_machine.travel(moment, tick=False):
        action.rate(rag, reason, by=by)
    return action


def add_evidence_on(plan, ref, text, moment, activity_date=None, by=None, agency=None):
    action = action_of(plan, ref)
    with time_machine.travel(moment, tick=False):
        entry = EvidenceEntry(
            action=action,
            text=text,
            activity_date=activity_date,
            recorded_by=by,
            agency=agency or action.leads.first().agency,
        )
        entry._change_reason = "Evidence added"
        entry.save()
    return entry
