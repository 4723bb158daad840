"""An existing database gets its chain once (migration integrity 0002)."""

from itertools import pairwise

import pytest

from agencies.models import AuditEvent
from integrity.chain import link_unlinked
from integrity.models import ChainLink
from integrity.verify import verify

from .conftest import execute, issue_cheap_pack

pytestmark = pytest.mark.django_db


def test_records_written_before_the_chain_are_linked_oldest_first_and_verify(plan, rated):
    AuditEvent.objects.record(AuditEvent.Event.SIGN_IN, username="chair")
    issue_cheap_pack(plan)
    records = ChainLink.objects.count()
    execute("DELETE FROM integrity_chainlink")  # as it was before the migration
    execute("UPDATE reporting_boardpack SET chain_seq = NULL, chain_fingerprint = ''")

    assert link_unlinked() == records

    assert verify().intact
    links = list(ChainLink.objects.order_by("seq"))
    assert [link.seq for link in links] == list(range(1, records + 1))
    assert all(link.linked_at <= after.linked_at for link, after in pairwise(links))
    assert link_unlinked() == 0  # nothing left to link
