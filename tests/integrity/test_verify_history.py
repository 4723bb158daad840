"""verify_history finds each kind of change to the record, on SQLite and on PostgreSQL.

The changes are made as the database owner would make them (raw SQL with the guard
switched off, which only the owner can do; on SQLite, anyone with the file): what
cannot be prevented must be detected. What the application's role cannot even try is
in test_app_role.py."""

import datetime

import pytest
from django.utils import timezone

from agencies.models import AuditEvent
from integrity import chain
from integrity.models import ChainLink
from integrity.verify import verify

from .conftest import (
    execute,
    issue_cheap_pack,
    recompute_chain,
    rewrite_and_recompute,
    rewritten_before,
    verify_history,
)

pytestmark = pytest.mark.django_db


def test_the_record_as_written_verifies_with_a_count(plan, rated):
    AuditEvent.objects.record(AuditEvent.Event.SIGN_IN, username="chair")
    issue_cheap_pack(plan)
    code, out = verify_history()
    count = ChainLink.objects.count()
    assert code == 0
    assert out == f"History intact: {count} records in the chain (1 issued pack checked).\n"


def test_every_history_row_audit_event_and_issued_pack_has_its_link(plan, rated):
    event = AuditEvent.objects.record(AuditEvent.Event.EXPORT, username="manager")
    pack = issue_cheap_pack(plan)
    links = ChainLink.objects.order_by("-seq")[:4]
    assert [(link.table, link.row_id) for link in links][:3] == [
        # The history row is written (and linked) inside the pack's own save().
        ("reporting_boardpack", pack.pk),
        ("reporting_historicalboardpack", pack.history.get().history_id),
        ("agencies_auditevent", event.pk),
    ]
    assert links[3].table == "actionplan_historicalaction"
    assert links[0].prev_hash == links[1].hash
    assert links[0].hash == chain.link_hash(links[1].hash, links[0].row_hash)


def test_history_written_in_bulk_is_linked_too(plan, manager):
    # make_cast() writes the cast's memberships with bulk_create_with_history.
    assert ChainLink.objects.filter(table="agencies_historicalmembership").exists()
    assert verify().intact


def test_a_changed_history_row_is_named(rated):
    execute(
        "UPDATE actionplan_historicalaction SET rag = 'green' WHERE history_id = %s",
        [rated.history_id],
    )
    code, out = verify_history()
    assert code == 1
    assert f"actionplan_historicalaction {rated.history_id}: changed since it was recorded" in out


def test_a_deleted_history_row_is_named(rated):
    execute("DELETE FROM actionplan_historicalaction WHERE history_id = %s", [rated.history_id])
    code, out = verify_history()
    assert code == 1
    assert f"actionplan_historicalaction {rated.history_id}: deleted" in out


def test_a_deleted_link_is_named(rated):
    AuditEvent.objects.record(AuditEvent.Event.SIGN_OUT, username="chair")
    link = ChainLink.objects.get(table="actionplan_historicalaction", row_id=rated.history_id)
    execute("DELETE FROM integrity_chainlink WHERE seq = %s", [link.seq])
    code, out = verify_history()
    assert code == 1
    assert f"integrity_chainlink {link.seq + 1}: links {link.seq} are missing" in out
    assert f"link {link.seq + 1} does not follow the link before it" in out
    assert f"actionplan_historicalaction {rated.history_id}: inserted without a link" in out


def test_a_back_dated_audit_row_without_a_link_is_named(plan):
    insert_back_dated_sign_in()
    code, out = verify_history()
    assert code == 1
    assert "inserted without a link" in out and "agencies_auditevent" in out


def test_a_back_dated_audit_row_with_a_forged_link_at_the_end_is_named(plan):
    """Hashes need no secret, so anyone can append a well-formed link; its date gives the
    back-dated row away."""
    event = insert_back_dated_sign_in()
    forge_link_for(event, linked_at=timezone.now())
    code, out = verify_history()
    assert code == 1
    assert f"agencies_auditevent {event.pk}: back-dated: dated 2015-09-01 09:00" in out


def test_a_forged_link_dated_back_as_well_is_out_of_order(plan):
    event = insert_back_dated_sign_in()
    link = forge_link_for(event, linked_at=event.at)
    code, out = verify_history()
    assert code == 1
    assert f"integrity_chainlink {link.seq}: link {link.seq} is dated before the link" in out


def insert_back_dated_sign_in():
    """A sign-in "on 1 September 2015", written with SQL, not through the application."""
    execute(
        "INSERT INTO agencies_auditevent (at, event, username, detail) "
        "VALUES (%s, 'sign_in', 'chair', '')",
        [datetime.datetime(2015, 9, 1, 9, 0, tzinfo=datetime.UTC)],
    )
    return AuditEvent.objects.get(username="chair", at__year=2015)


def forge_link_for(record, linked_at):
    table = record._meta.db_table
    names = chain.columns(type(record))
    row = type(record).objects.filter(pk=record.pk).values(*names).get()
    seq, prev, _ = chain.head()
    row_hash = chain.row_hash(table, record.pk, row)
    execute(
        "INSERT INTO integrity_chainlink "
        '(seq, "table", row_id, fields, row_hash, prev_hash, hash, linked_at) '
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        [
            seq + 1,
            table,
            record.pk,
            ",".join(names),
            row_hash,
            prev,
            chain.link_hash(prev, row_hash),
            linked_at,
        ],
    )
    return ChainLink.objects.get(seq=seq + 1)


def test_a_changed_issued_pack_hash_is_named(plan):
    pack = issue_cheap_pack(plan)
    execute("UPDATE reporting_boardpack SET sha256 = %s WHERE id = %s", ["0" * 64, pack.pk])
    code, out = verify_history()
    assert code == 1
    assert f"reporting_boardpack {pack.pk}: changed since it was recorded" in out
    assert f"reporting_boardpack {pack.pk}: the issued PDF does not match its SHA-256" in out


def test_a_pack_whose_bytes_and_hash_were_both_replaced_is_named(plan):
    pack = issue_cheap_pack(plan)
    other = b"%PDF-1.7 something else"
    import hashlib

    execute(
        "UPDATE reporting_boardpack SET pdf = %s, sha256 = %s WHERE id = %s",
        [other, hashlib.sha256(other).hexdigest(), pack.pk],
    )
    code, out = verify_history()
    assert code == 1
    assert f"reporting_boardpack {pack.pk}: changed since it was recorded" in out
    assert "does not carry the fingerprint" in out


def test_the_whole_chain_recomputed_after_a_rewrite_is_caught_by_the_issued_pack(rated, plan):
    pack = issue_cheap_pack(plan)
    rewrite_and_recompute(rated)
    assert [str(finding) for finding in verify().findings] == [rewritten_before(pack)]


def test_moving_the_pack_fingerprint_to_the_new_chain_is_caught_by_its_pdf(rated, plan):
    pack = issue_cheap_pack(plan)
    rewrite_and_recompute(rated)
    new_mark = chain.fingerprint(ChainLink.objects.get(seq=pack.chain_seq).hash)
    execute("UPDATE reporting_boardpack SET chain_fingerprint = %s", [new_mark])
    recompute_chain()
    code, out = verify_history()
    assert code == 1
    assert f"the issued PDF does not carry the fingerprint {new_mark}" in out


def test_a_rewrite_after_the_last_pack_is_still_caught_when_links_are_left_alone(rated):
    """(Without a pack after it, a rewrite whose links were all recomputed cannot be
    told from the truth: the README says so. Left alone, the links give it away.)"""
    execute(
        "UPDATE actionplan_historicalaction SET rag = 'blue' WHERE history_id = %s",
        [rated.history_id],
    )
    assert not verify().intact


def test_a_changed_link_is_named(rated):
    link = ChainLink.objects.order_by("-seq").first()
    execute("UPDATE integrity_chainlink SET row_hash = %s WHERE seq = %s", ["f" * 64, link.seq])
    messages = [str(finding) for finding in verify().findings]
    assert (
        f"integrity_chainlink {link.seq}: link {link.seq} was changed: its hash does not add up"
        in messages
    )


def test_a_pack_whose_chain_position_was_blanked_is_named_not_a_crash(plan):
    pack = issue_cheap_pack(plan)
    execute("UPDATE reporting_boardpack SET chain_seq = NULL WHERE id = %s", [pack.pk])
    messages = [str(finding) for finding in verify().findings]
    assert f"reporting_boardpack {pack.pk}: changed since it was recorded (link " in messages[0]
    assert "the chain no longer passes through the fingerprint" in messages[1]


def test_many_history_rows_written_in_bulk_are_linked(synthetic_plan):
    synthetic_plan(200)  # 200 actions, 400 leads, 600 entries: bulk_create_with_history
    assert ChainLink.objects.filter(table="actionplan_historicalevidenceentry").count() >= 600
    assert verify().intact
