"""Least privilege on PostgreSQL: what the application's role cannot do, tried as an
attacker holding its credentials would; and what it does, the service still does.

The owner (here the test runner's superuser, which owns the tables) can still rewrite:
that is detected, not prevented (test_verify_history.py runs as the owner on
PostgreSQL)."""

import datetime
import os
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from actionplan.guards import NotAnAppRole, grant_app_role
from agencies.models import AuditEvent
from integrity import chain
from integrity.verify import verify

from .conftest import issue_cheap_pack

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="database roles are PostgreSQL's; this runs in the PostgreSQL run of make test",
)
ROLE = f"actionplan_app_test_{os.getpid()}"
HISTORY = "actionplan_historicalaction"


@pytest.fixture(scope="module")
def app_role(django_db_setup, django_db_blocker):
    """A login role for the application, granted by grant_app_role() as the owner."""
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP ROLE IF EXISTS "{ROLE}"')
            cursor.execute(f'CREATE ROLE "{ROLE}" LOGIN')
        grant_app_role(connection, ROLE)
    yield ROLE
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{ROLE}"')
        cursor.execute(f'DROP ROLE "{ROLE}"')


def connect(user):
    """A plain session of ``user`` on the test database: autocommit, guard on."""
    params = connection.get_connection_params()
    for name in ("options", "cursor_factory", "context", "prepare_threshold"):
        params.pop(name, None)
    params["user"] = user
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True)


ATTEMPTS = [
    # Switch the guard off, then rewrite or remove history.
    ("SET actionplan.history_guard = 'off'", "UPDATE {history} SET rag = 'green'"),
    ("SET actionplan.history_guard = 'off'", "DELETE FROM {history}"),
    # Take the guard away.
    "ALTER TABLE {history} DISABLE TRIGGER ALL",
    "ALTER TABLE {history} DISABLE TRIGGER {history}_refuse_row_change",
    "DROP TRIGGER {history}_refuse_row_change ON {history}",
    "CREATE OR REPLACE FUNCTION actionplan_refuse_history_change() RETURNS trigger AS "
    "$$ BEGIN RETURN COALESCE(NEW, OLD); END; $$ LANGUAGE plpgsql",
    "DROP FUNCTION actionplan_refuse_history_change() CASCADE",
    "SET session_replication_role = replica",
    "TRUNCATE {history}",
    "DROP TABLE {history}",
    # Issued packs: their bytes, hash and fingerprint never change.
    "UPDATE reporting_boardpack SET pdf = 'x'::bytea, sha256 = 'x'",
    "UPDATE reporting_boardpack SET chain_fingerprint = '0000000000000000'",
    "DELETE FROM reporting_boardpack",
    # The audit log and the chain itself.
    "UPDATE agencies_auditevent SET at = now()",
    "DELETE FROM agencies_auditevent",
    "UPDATE integrity_chainlink SET hash = row_hash",
    "DELETE FROM integrity_chainlink",
    "TRUNCATE integrity_chainlink",
    # Make a way round for later.
    "CREATE TABLE public.backdoor (id int)",
]


@pytest.mark.django_db
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_the_app_role_cannot(app_role, plan, attempt):
    with connect(app_role) as raw, pytest.raises(psycopg.errors.InsufficientPrivilege):
        for statement in (attempt,) if isinstance(attempt, str) else attempt:
            raw.execute(statement.format(history=HISTORY))


@pytest.mark.django_db
def test_a_role_given_update_by_mistake_still_cannot_switch_the_guard_off(app_role, plan):
    """Only the tables' owner may switch the guard off: the trigger asks the role, not
    the setting alone."""
    with connect(connection.settings_dict["USER"]) as owner:
        owner.execute(f'GRANT UPDATE, DELETE ON {HISTORY} TO "{app_role}"')
        try:
            with connect(app_role) as raw:
                raw.execute("SET actionplan.history_guard = 'off'")
                for statement in (f"UPDATE {HISTORY} SET rag = 'green'", f"DELETE FROM {HISTORY}"):
                    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                        raw.execute(statement)
        finally:
            owner.execute(f'REVOKE UPDATE, DELETE ON {HISTORY} FROM "{app_role}"')


@pytest.mark.django_db
def test_the_owner_and_superusers_are_not_taken_as_the_app_role(app_role):
    with pytest.raises(NotAnAppRole, match="superuser or a member of the owner"):
        grant_app_role(connection, connection.settings_dict["USER"])
    with pytest.raises(NotAnAppRole, match="There is no role"):
        grant_app_role(connection, "no_such_role_anywhere")


@contextmanager
def as_role(role):
    """The test's Django connection, signed in as ``role`` for a while."""
    connection.close()
    owner = connection.settings_dict["USER"]
    connection.settings_dict["USER"] = role
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["USER"] = owner


@pytest.mark.django_db(transaction=True)
def test_the_app_role_runs_the_service_and_the_chain_grows(app_role, plan, get_action, chair):
    with as_role(app_role):
        get_action("5.1").rate("red", "No progress", by=chair)
        AuditEvent.objects.record(AuditEvent.Event.EXPORT, username="chair")
        issue_cheap_pack(plan)
        report = verify()
    assert report.intact, report.findings
    assert report.packs == 1


@pytest.mark.django_db(transaction=True)
def test_a_back_dated_audit_row_inserted_by_the_app_role_is_detected(app_role, plan):
    """The app role may append (that is its job), so it can write a row without a link,
    or with a well-formed link at the end; both are found."""
    back_then = datetime.datetime(2015, 9, 1, 9, 0, tzinfo=datetime.UTC)
    with connect(app_role) as raw:
        first = raw.execute(
            "INSERT INTO agencies_auditevent (at, event, username, detail) "
            "VALUES (%s, 'sign_in', 'chair', '') RETURNING id",
            [back_then],
        ).fetchone()[0]
        second = raw.execute(
            "INSERT INTO agencies_auditevent (at, event, username, detail) "
            "VALUES (%s, 'sign_in', 'chair', '') RETURNING id",
            [back_then],
        ).fetchone()[0]
        names = chain.columns(AuditEvent)
        row = AuditEvent.objects.filter(pk=second).values(*names).get()
        seq, prev, _ = chain.head()
        digest = chain.row_hash("agencies_auditevent", second, row)
        raw.execute(
            'INSERT INTO integrity_chainlink (seq, "table", row_id, fields, row_hash, '
            "prev_hash, hash, linked_at) VALUES (%s, %s, %s, %s, %s, %s, %s, now())",
            [
                seq + 1,
                "agencies_auditevent",
                second,
                ",".join(names),
                digest,
                prev,
                chain.link_hash(prev, digest),
            ],
        )
    findings = [str(finding) for finding in verify().findings]
    assert (
        f"agencies_auditevent {first}: inserted without a link (written outside the application)"
        in findings
    )
    assert any(f.startswith(f"agencies_auditevent {second}: back-dated") for f in findings)


@pytest.mark.django_db
def test_the_owner_can_switch_the_guard_off_and_rewrite_but_it_is_named(plan, get_action, chair):
    """The test's own session is the tables' owner with the guard off: the bypass works
    for it, as it must for migrations and the test runner, and is then detected."""
    get_action("5.1").rate("red", "No progress", by=chair)
    record = get_action("5.1").history.latest("history_date", "history_id")
    with connection.cursor() as cursor:
        cursor.execute("SHOW actionplan.history_guard")
        assert cursor.fetchone() == ("off",)
        cursor.execute(
            f"UPDATE {HISTORY} SET rag_reason = 'Good progress' WHERE history_id = %s",
            [record.history_id],
        )
        cursor.execute(f"DELETE FROM {HISTORY} WHERE history_id < %s", [record.history_id])
        deleted = cursor.rowcount
    findings = [str(finding) for finding in verify().findings]
    assert f"{HISTORY} {record.history_id}: changed since it was recorded" in findings[0]
    assert sum(": deleted: link" in finding for finding in findings) == deleted > 0
