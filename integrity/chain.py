"""Hashing records and appending them to the chain.

A record's hash is SHA-256 over a canonical serialisation of its row: JSON with sorted
keys and no spaces, ``{"pk": …, "row": {column: value}, "table": …}``, datetimes in UTC
with microseconds, dates as ISO 8601, binary columns (an issued pack's PDF) as the
SHA-256 of their bytes. The row is read back from the database before hashing, so the
hash covers what is stored (and what ``verify_history`` reads) rather than what Python
held. A link's hash is SHA-256 of the previous link's hash followed by the row hash.

Appending is serialised: on PostgreSQL by a transaction-level advisory lock; on SQLite
by the write lock every transaction takes first (``transaction_mode`` IMMEDIATE in
settings.py). Either way ``seq`` is unique, so two writers that somehow read the same
head cannot both commit: the chain never forks.
"""

import contextlib
import contextvars
import datetime
import decimal
import hashlib
import json
import uuid

from django.apps import apps as django_apps
from django.db import connections
from django.utils import timezone

GENESIS = "0" * 64
# Any constant bigint: the advisory lock that orders appends (PostgreSQL).
LOCK_KEY = 0x61_63_74_69_6F_6E_14
FINGERPRINT_LENGTH = 16


def chained_models(registry=django_apps):
    """Every model whose records join the chain: all history tables (as the guard in
    actionplan/guards.py finds them), the audit log and issued board packs. Works on a
    migration's app registry too."""
    models = [
        model
        for model in registry.get_models()
        if model.__name__.startswith("Historical") and hasattr(model, "history_id")
    ]
    for app_label, name in (("agencies", "AuditEvent"), ("reporting", "BoardPack")):
        if app_label in {config.label for config in registry.get_app_configs()}:
            models.append(registry.get_model(app_label, name))
    return sorted(models, key=lambda model: model._meta.db_table)


def time_field(model):
    """The column that says when a record was made."""
    if hasattr(model, "history_id"):
        return "history_date"
    return {"agencies_auditevent": "at", "reporting_boardpack": "issued_at"}[model._meta.db_table]


def columns(model):
    return sorted(field.attname for field in model._meta.concrete_fields)


def _canonical(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return value


def row_hash(table, pk, row):
    """The hash of one record, ``row`` being {column: value} as read from the database."""
    document = {
        "table": table,
        "pk": pk,
        "row": {name: _canonical(value) for name, value in row.items()},
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def link_hash(prev_hash, own_row_hash, dated_on_purpose=False):
    marker = DATED_ON_PURPOSE if dated_on_purpose else ""
    return hashlib.sha256((prev_hash + own_row_hash + marker).encode()).hexdigest()


DATED_ON_PURPOSE = ":dated-on-purpose"
_dated_on_purpose = contextvars.ContextVar("dated_on_purpose", default=False)


@contextlib.contextmanager
def dated_on_purpose():
    """Records written inside are dated in the past on purpose (an import "as at" a
    date): their links say so, and verify_history does not report them as back-dated."""
    token = _dated_on_purpose.set(True)
    try:
        yield
    finally:
        _dated_on_purpose.reset(token)


def fingerprint(hash_):
    """The short form printed in an issued pack."""
    return hash_[:FINGERPRINT_LENGTH]


def _lock(using):
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def head(using="default", link_model=None):
    """(seq, hash, linked_at) of the last link; (0, GENESIS, None) for an empty chain."""
    if link_model is None:
        from .models import ChainLink as link_model
    last = (
        link_model.objects.using(using)
        .order_by("-seq")
        .values_list("seq", "hash", "linked_at")
        .first()
    )
    return last or (0, GENESIS, None)


def _hashed_rows(model, pks, using):
    """(pk, {column: value}, row hash) for these rows, read back from the database."""
    names = columns(model)
    table = model._meta.db_table
    pk_name = model._meta.pk.attname
    found = {}
    for start in range(0, len(pks), 500):  # within SQLite's limit on query parameters
        rows = model._base_manager.using(using).filter(pk__in=pks[start : start + 500])
        found.update((row[pk_name], row) for row in rows.values(*names))
    return [(pk, found[pk], row_hash(table, pk, found[pk])) for pk in pks]


def append(records, using="default"):
    """Link saved ``records`` (instances of one model), in order, to the end of the
    chain. Must run inside the transaction that wrote them."""
    if not records:
        return []
    model = type(records[0])
    hashed = _hashed_rows(model, [record.pk for record in records], using)
    fields = ",".join(columns(model))
    return _append_hashed(
        [(model._meta.db_table, pk, fields, digest) for pk, _, digest in hashed], using
    )


def _append_hashed(entries, using, link_model=None, times=None):
    """Append (table, pk, fields, row hash) entries under the lock. ``times`` (the
    migration's back-fill only) gives each entry's own time as its linked_at."""
    if link_model is None:
        from .models import ChainLink as link_model
    _lock(using)
    seq, prev, last_linked = head(using, link_model)
    on_purpose = _dated_on_purpose.get()
    links = []
    for index, (table, pk, fields, digest) in enumerate(entries):
        when = times[index] if times else timezone.now()
        linked_at = max(when, last_linked) if last_linked else when
        seq += 1
        current = link_hash(prev, digest, on_purpose)
        links.append(
            link_model(
                seq=seq,
                table=table,
                row_id=pk,
                fields=fields,
                row_hash=digest,
                prev_hash=prev,
                hash=current,
                linked_at=linked_at,
                **({"dated_on_purpose": True} if on_purpose else {}),
            )
        )
        prev, last_linked = current, linked_at
    link_model.objects.using(using).bulk_create(links, batch_size=500)
    return links


def link_unlinked(registry=django_apps, using="default"):
    """Link every record that has no link yet, oldest first (by its own time, then table
    and id), each linked "at" its own time. For the migration that builds the chain of an
    existing database once; records written since are linked as they are written."""
    link_model = registry.get_model("integrity", "ChainLink")
    pending = []
    for model in chained_models(registry):
        table = model._meta.db_table
        linked = set(
            link_model.objects.using(using).filter(table=table).values_list("row_id", flat=True)
        )
        names = columns(model)
        fields = ",".join(names)
        pk_name = model._meta.pk.attname
        when = time_field(model)
        rows = model._base_manager.using(using).order_by(when, pk_name).values(*names)
        for row in rows.iterator(chunk_size=1000):
            pk = row[pk_name]
            if pk not in linked:
                pending.append((row[when], table, pk, fields, row_hash(table, pk, row)))
    pending.sort(key=lambda entry: entry[:3])
    _append_hashed(
        [entry[1:] for entry in pending],
        using,
        link_model=link_model,
        times=[entry[0] for entry in pending],
    )
    return len(pending)
