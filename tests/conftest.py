"""The fixed cast: the chair, an agency lead (Awaken), a lead of another agency
(Lancashire Police), the business manager, a board member, an anonymous visitor."""

import os
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from actionplan.models import Action
from actionplan.seed import load_plan
from agencies.models import Agency, Membership


def pytest_collection_modifyitems(items):
    """Browser tests run last: their live server needs transactional tests, which empty
    the database afterwards, and every other test relies on the plan loaded once."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Production hashing is slow on purpose; tests hash many passwords. Tests do not run
    # collectstatic, which the manifest storage of production needs.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
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
    """The real CSE plan, loaded as `make run` loads it (again, after a flush)."""
    return load_plan().plan


def action(plan, ref):
    section_number, position = (int(part) for part in ref.split("."))
    return Action.objects.get(section__plan=plan, section__number=section_number, position=position)


def make_person(username, agency, role):
    user = get_user_model().objects.create_user(
        username=username, first_name=username.split(".")[0].title(), last_name="Tester"
    )
    membership = Membership(user=user, agency=agency, role=role)
    membership._change_reason = "Test cast"
    membership.save()
    return user


@pytest.fixture
def chair(plan):
    return make_person("chair", plan.owner, Membership.Role.CHAIR)


@pytest.fixture
def awaken_lead(plan):
    return make_person(
        "awaken.lead", Agency.objects.get(slug="awaken"), Membership.Role.AGENCY_LEAD
    )


@pytest.fixture
def police_lead(plan):
    return make_person(
        "police.lead", Agency.objects.get(slug="lancashire-police"), Membership.Role.AGENCY_LEAD
    )


@pytest.fixture
def manager(plan):
    return make_person("manager", Agency.objects.get(slug="bscb"), Membership.Role.BUSINESS_MANAGER)


@pytest.fixture
def board_member(plan):
    return make_person(
        "board.member", Agency.objects.get(slug="bscb"), Membership.Role.BOARD_MEMBER
    )


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

        from simple_history.utils import bulk_create_with_history

        from actionplan.models import ActionLead, EvidenceEntry, Plan, Section

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
