import datetime

import pytest

from actionplan.models import EvidenceEntry, Section
from agencies.models import Agency


@pytest.fixture
def awaken_entry(get_action, awaken_lead):
    """An entry the Awaken lead recorded on 3.1 (which only Awaken leads)."""
    entry = EvidenceEntry(
        action=get_action("3.1"),
        text="Drop-in sessions running",
        activity_date=datetime.date(2015, 6, 1),
        agency=Agency.objects.get(slug="awaken"),
        recorded_by=awaken_lead,
    )
    entry._change_reason = "Evidence added"
    entry.save()
    return entry


@pytest.fixture
def empty_section(plan):
    """Section 8, "Spare", with no actions."""
    section = Section(plan=plan, number=8, title="Spare")
    section._change_reason = "Test"
    section.save()
    return section
