"""Nothing edits, reverts or deletes history."""

import ast
import re
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from actionplan.guards import guarded_tables

ROOT = Path(settings.BASE_DIR)
SOURCES = [
    path
    for folder in (
        "actionplan",
        "agencies",
        "reporting",
        "notifications",
        "integrity",
        "bench",
        "loadtest",
    )
    for path in (ROOT / folder).rglob("*.py")
    if "migrations" not in path.parts
]
TRACKED = {
    "Plan",
    "Section",
    "Action",
    "ActionLead",
    "EvidenceEntry",
    "Agency",
    "Post",
    "Membership",
    "BoardPack",
    "IssuedPack",
    "PackDownload",
    "AuditEvent",
}
# Writes to tables with no history of their own: the hash chain's links (append-only,
# guarded like history) are written in bulk when many records are linked at once.
NOT_TRACKED = {("integrity/chain.py", "bulk_create")}
HISTORY_AWARE = {"bulk_create_with_history", "bulk_update_with_history"}


def test_no_code_bypasses_history_with_update_bulk_writes_or_raw_sql():
    """`.update(`, `bulk_create`, `bulk_update` and raw SQL write no history rows. Raw SQL
    that writes (INSERT, UPDATE, DELETE, TRUNCATE) is allowed only in the history guard
    itself (actionplan/guards.py, which installs the triggers); reading, and creating or
    dropping a scratch database in benchmarks, is fine."""
    offences = []
    for path in SOURCES:
        text = path.read_text()
        where = path.relative_to(ROOT)
        for node in ast.walk(ast.parse(text)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            if (
                name in ("update", "bulk_create", "bulk_update")
                and _on_a_queryset(node)
                and (str(where), name) not in NOT_TRACKED
            ):
                offences.append(f"{where}:{node.lineno} .{name}(")
            if name in ("raw", "extra"):
                offences.append(f"{where}:{node.lineno} .{name}(")
            if name in ("execute", "executemany") and path.name != "guards.py":
                sql = ast.unparse(node.args[0]) if node.args else ""
                literal = (
                    isinstance(node.args[0], ast.Constant | ast.JoinedStr) if node.args else False
                )
                if not literal or re.search(r"\b(INSERT|UPDATE|DELETE|TRUNCATE)\b", sql, re.I):
                    offences.append(f"{where}:{node.lineno} .{name}({sql[:40]}")
        if re.search(r"\bRawSQL\b", text):
            offences.append(f"{where}: RawSQL")
    assert offences == []


def _on_a_queryset(node):
    """dict.update() and set.update() are fine; a queryset's is not. Querysets here are
    reached through a manager or queryset method, e.g. Model.objects.filter(...).update()."""
    source = ast.unparse(node.func.value)
    return any(word in source for word in ("objects", "filter(", "exclude(", "all()", "history"))


def test_the_scan_would_catch_a_bypass(tmp_path):
    tree = ast.parse("Action.objects.filter(pk=1).update(rag='red')")
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.func.attr == "update")
    assert _on_a_queryset(call)
    tree = ast.parse("options.update(extra)")
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert not _on_a_queryset(call)


def test_every_domain_model_is_guarded():
    tables = set(guarded_tables())
    for name in (
        "actionplan_historicalaction",
        "actionplan_historicalevidenceentry",
        "actionplan_historicalactionlead",
        "actionplan_historicalsection",
        "actionplan_historicalplan",
        "agencies_historicalagency",
        "agencies_historicalmembership",
        "agencies_historicalpost",
        "agencies_auditevent",
    ):
        assert name in tables


@pytest.mark.django_db(transaction=False)
def test_on_postgresql_update_delete_and_truncate_of_history_fail(plan):
    if connection.vendor != "postgresql":
        pytest.skip("the triggers are PostgreSQL's; this runs in the PostgreSQL run of make test")
    params = connection.get_connection_params()
    params.pop("options", None)  # a plain session: the guard is on
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    # The seed plan was committed once per session, so a second connection sees it.
    with psycopg.connect(
        **{k: v for k, v in params.items() if v is not None}, autocommit=True
    ) as raw:
        for table in guarded_tables():
            exists = raw.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_name = %s", [table]
            ).fetchone()
            if not exists:
                continue
            has_rows = raw.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] > 0
            # CASCADE: issued packs are referenced by other tables' foreign keys.
            statements = [f'TRUNCATE "{table}" CASCADE']
            if has_rows:  # row triggers fire only on rows
                statements += [f'UPDATE "{table}" SET id = id', f'DELETE FROM "{table}"']
            for statement in statements:
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                    raw.execute(statement)
        # Inserting is how history grows: still allowed.
        count = raw.execute('SELECT count(*) FROM "actionplan_historicalaction"').fetchone()[0]
        assert count > 0
