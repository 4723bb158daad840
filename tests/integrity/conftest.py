import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from integrity import chain
from integrity.models import ChainLink
from reporting.models import BoardPack


def verify_history():
    """(exit code, output) of ``manage.py verify_history``."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_history", stdout=out)
    except SystemExit as stop:
        return stop.code, out.getvalue()
    return 0, out.getvalue()


def execute(sql, params=()):
    """Raw SQL on the test's own connection: on PostgreSQL that is the owner (a
    superuser) with the guard switched off (tests/conftest.py), so it may rewrite."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def issue_cheap_pack(plan, as_at=datetime.date(2015, 9, 30)):
    """An issued pack as issue_pack() stores one, its "PDF" a line carrying the chain's
    head: rendering a real one takes seconds (one test does, in test_issued_packs.py)."""
    seq, head, _ = chain.head()
    mark = chain.fingerprint(head)
    pack = BoardPack(
        plan=plan,
        period_label="Quarter 2, 2015/16",
        as_at=as_at,
        since_date=as_at - datetime.timedelta(days=92),
        issued_by_name="Manager Tester",
        pdf=f"%PDF-1.7 record fingerprint {mark} at {seq}".encode(),
        chain_seq=seq,
        chain_fingerprint=mark,
    )
    pack._change_reason = "Issued"
    pack.save()
    return pack


def recompute_chain():
    """What someone able to write every table does to hide a rewrite: work every link's
    hashes out again from the records as they now are."""
    from django.apps import apps

    tables = {model._meta.db_table: model for model in chain.chained_models(apps)}
    prev = chain.GENESIS
    for link in ChainLink.objects.order_by("seq"):
        model = tables[link.table]
        names = link.fields.split(",")
        row = model._base_manager.filter(pk=link.row_id).values(*names).get()
        row_hash = chain.row_hash(link.table, link.row_id, row)
        current = chain.link_hash(prev, row_hash)
        execute(
            "UPDATE integrity_chainlink SET row_hash = %s, prev_hash = %s, hash = %s "
            "WHERE seq = %s",
            [row_hash, prev, current, link.seq],
        )
        prev = current


def rewrite_and_recompute(record):
    """Change a history row's reason, then recompute the whole chain to hide it."""
    execute(
        "UPDATE actionplan_historicalaction SET rag_reason = 'Good progress' WHERE history_id = %s",
        [record.history_id],
    )
    recompute_chain()


def rewritten_before(pack):
    """What verify_history says when the chain no longer passes through ``pack``."""
    return (
        f"reporting_boardpack {pack.pk}: the chain no longer passes through the fingerprint "
        f"{pack.chain_fingerprint} printed in the pack (link {pack.chain_seq}): records "
        "before the pack were rewritten"
    )


@pytest.fixture
def rated(get_action, chair):
    """Action 4.2 rated Red by the chair: one more history row."""
    action = get_action("4.2")
    action.rate("red", "No progress since the last meeting", by=chair)
    return action.history.latest("history_date", "history_id")
