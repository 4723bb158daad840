"""Two writers at once, on two connections: the chain stays one line, every record in it."""

import threading

import pytest
from django.db import connections

from agencies.models import AuditEvent
from integrity.models import ChainLink
from integrity.verify import verify
from tests.conftest import run_at_once

WRITES = 15


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_each_get_their_own_place_in_the_chain(plan, get_action, chair):
    before = ChainLink.objects.count()
    barrier = threading.Barrier(2)
    errors = []

    def rate(ref):
        try:
            action = get_action(ref)
            barrier.wait(timeout=10)
            for n in range(WRITES):
                action.rate("amber", f"Round {n}", by=chair)
                AuditEvent.objects.record(AuditEvent.Event.EXPORT, username=f"writer {ref}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    run_at_once(rate, ("1.1", "2.1"))
    assert errors == []
    # Each rating writes one history row; each audit event is a record of its own.
    assert ChainLink.objects.count() == before + 2 * WRITES * 2
    seqs = list(ChainLink.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    report = verify()
    assert report.intact, report.findings
