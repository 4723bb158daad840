"""The fixed cast: the chair, an agency lead (Awaken), a lead of another agency
(Lancashire Police), the business manager, a board member, an anonymous visitor."""

import json
import os
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from simple_history.utils import bulk_create_with_history

from actionplan.models import Action, Plan
from actionplan.seed import SEED_PLAN, load_plan
from agencies.models import Agency, Membership

SEED_PLAN_SLUG = json.loads(SEED_PLAN.read_text(encoding="utf-8"))["plan"]["slug"]

# fixture name: (username, agency slug, role); no slug means the plan's owner.
CAST = {
    "chair": ("chair", None, Membership.Role.CHAIR),
    "awaken_lead": ("awaken.lead", "awaken", Membership.Role.AGENCY_LEAD),
    "police_lead": ("police.lead", "lancashire-police", Membership.Role.AGENCY_LEAD),
    "manager": ("manager", "bscb", Membership.Role.BUSINESS_MANAGER),
    "board_member": ("board.member", "bscb", Membership.Role.BOARD_MEMBER),
}


def pytest_collection_modifyitems(items):
    """Browser tests run last: their live server needs transactional tests, which empty
    the database afterwards, and every other test relies on the plan loaded once.
    Browser and property-based (Hypothesis) tests are ``slow``: `make test-quick` leaves
    them out."""
    for item in items:
        hypothesis = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        if hypothesis or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    # Production hashing is slow on purpose; tests hash many passwords. Tests do not run
    # collectstatic, which the manifest storage of production needs. Attached files go
    # to the test's own temporary folder, never the developer's var/attachments.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Nobody needs a second factor unless the test says so (tests/agencies/
    # test_second_factor.py), whatever MFA_REQUIRED_ROLES the environment has.
    settings.MFA_REQUIRED_ROLES = []
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments"), "base_url": None},
        },
    }


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL, history tables refuse TRUNCATE (actionplan/guards.py); the test
    database is emptied between transactional tests, so its sessions switch that off.
    The tamper tests open their own connection, without it. On SQLite, a file."""
    from django.conf import settings

    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.postgresql":
        options = default.setdefault("OPTIONS", {})
        options["options"] = "-c actionplan.history_guard=off"
    else:
        # A file, not memory: threads then get connections of their own, and the
        # concurrency tests see SQLite's real write locks.
        # One file per test run, so that runs side by side do not share it.
        name = Path(tempfile.gettempdir()) / f"actionplan-test-{os.getpid()}.sqlite3"
        default.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real plan once into the test database; each test's changes roll back."""
    with django_db_blocker.unblock():
        load_plan()


@pytest.fixture
def plan(db):
    """The real CSE plan, as `make run` loads it: loaded once for the session (and again
    after a transactional test has emptied the database)."""
    return Plan.objects.filter(slug=SEED_PLAN_SLUG).first() or load_plan().plan


def action(plan, ref):
    section_number, position = (int(part) for part in ref.split("."))
    return Action.objects.get(section__plan=plan, section__number=section_number, position=position)


def run_at_once(target, arguments, timeout=60):
    """Run ``target(argument)`` for each argument, each in a thread of its own (and so on
    a database connection of its own), and wait for them all."""
    import threading

    threads = [threading.Thread(target=target, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)


def make_person(username, agency, role):
    user = get_user_model().objects.create_user(
        username=username, first_name=username.split(".")[0].title(), last_name="Tester"
    )
    membership = Membership(user=user, agency=agency, role=role)
    membership._change_reason = "Test cast"
    membership.save()
    return user


def make_cast(plan, names):
    """{fixture name: user} for these members of the cast, made together: four queries
    however many they are (make_person() takes four each), with the same history."""
    if not names:
        return {}
    people = [CAST[name] for name in names]
    agencies = Agency.objects.in_bulk({slug for _, slug, _ in people if slug}, field_name="slug")
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=username,
            first_name=username.split(".")[0].title(),
            last_name="Tester",
            password=make_password(None),  # unusable, as create_user() leaves it
        )
        for username, _, _ in people
    )
    bulk_create_with_history(
        [
            Membership(user=user, agency_id=agencies[slug].pk if slug else plan.owner_id, role=role)
            for user, (_, slug, role) in zip(users, people, strict=True)
        ],
        Membership,
        default_change_reason="Test cast",
    )
    return dict(zip(names, users, strict=True))


@pytest.fixture
def _cast(request, plan):
    """The people of the cast that this test uses, made at once; one asked for later
    (request.getfixturevalue) is made when asked."""
    people = make_cast(plan, [name for name in CAST if name in request.fixturenames])

    def person(name):
        if name not in people:
            people.update(make_cast(plan, [name]))
        return people[name]

    return person


@pytest.fixture
def chair(_cast):
    return _cast("chair")


@pytest.fixture
def awaken_lead(_cast):
    return _cast("awaken_lead")


@pytest.fixture
def police_lead(_cast):
    return _cast("police_lead")


@pytest.fixture
def manager(_cast):
    return _cast("manager")


@pytest.fixture
def board_member(_cast):
    return _cast("board_member")


@pytest.fixture
def get_action(plan):
    def get(ref, in_plan=None):
        return action(in_plan or plan, ref)

    return get


@pytest.fixture
def synthetic_plan(plan):
    """make(n) builds a plan of n actions (2 leads and 3 evidence entries each)."""

    def make(n_actions, slug=None):
        import datetime

        from actionplan.models import ActionLead, EvidenceEntry, Section

        reason = "Synthetic plan for a test"
        agencies = list(Agency.objects.order_by("pk")[:3])
        synthetic = Plan(
            slug=slug or f"synthetic-{n_actions}",
            title=f"Synthetic plan of {n_actions} actions",
            partnership="Test Board",
            owner=plan.owner,
        )
        synthetic._change_reason = reason
        synthetic.save()
        per_section = max(1, n_actions // 5)
        sections = bulk_create_with_history(
            [
                Section(plan=synthetic, number=n + 1, title=f"Section {n + 1}")
                for n in range((n_actions + per_section - 1) // per_section)
            ],
            Section,
            default_change_reason=reason,
        )
        actions = bulk_create_with_history(
            [
                Action(
                    section=sections[index // per_section],
                    position=index % per_section + 1,
                    text=f"Action {index}",
                    timescale="Sept 2015",
                    original_timescale="Sept 2015",
                    due_date=datetime.date(2015, 9, 30),
                    rag="amber",
                )
                for index in range(n_actions)
            ],
            Action,
            default_change_reason=reason,
        )
        bulk_create_with_history(
            [
                ActionLead(action=action, agency=agency, position=n)
                for index, action in enumerate(actions)
                for n, agency in enumerate(agencies[index % 2 : index % 2 + 2], start=1)
            ],
            ActionLead,
            default_change_reason=reason,
        )
        bulk_create_with_history(
            [
                EvidenceEntry(
                    action=action,
                    text=f"Evidence {day}",
                    activity_date=datetime.date(2015, 6, day + 1),
                    agency=agencies[0],
                )
                for action in actions
                for day in range(3)
            ],
            EvidenceEntry,
            default_change_reason=reason,
        )
        return synthetic

    return make
