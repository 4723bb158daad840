"""The fixed cast: the chair, an agency lead (Awaken), a lead of another agency
(Lancashire Police), the business manager, a board member, an anonymous visitor."""

import pytest
from django.contrib.auth import get_user_model

from actionplan.models import Action
from actionplan.seed import load_plan
from agencies.models import Agency, Membership


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests do not run collectstatic; the manifest storage of production needs it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
