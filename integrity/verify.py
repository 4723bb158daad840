"""Check the hash chain against the records (``manage.py verify_history`` and the
business manager's page). Nothing is written.

What is found, and how:

- a record **changed** since it was written: its hash, worked out again, differs from
  the one in its link;
- a record **deleted**: its link names a row that is no longer there;
- a record **inserted** outside the application: it has no link;
- a record **inserted out of order** (back-dated): its own time is well before the
  time it joined the chain;
- a **link** changed, deleted or slipped in: the links' numbers, hashes and times no
  longer follow on;
- the **whole chain recomputed** (by someone able to write every table): each issued
  board pack printed the chain's head when it was issued, and stores it; the link at
  that position must still have that hash, and the PDF, whose SHA-256 is stored too,
  must still carry it. The PDFs handed to the board are the witnesses.
"""

import datetime
import hashlib
import re
import zlib
from dataclasses import dataclass, field

from . import chain
from .models import ChainLink

# An issued pack's time is taken before its PDF is made (a minute or more for a large
# plan): a record's own time may be this much before it joined the chain.
MAX_LAG = datetime.timedelta(hours=1)
# Clocks of two application servers may differ a little.
SKEW = datetime.timedelta(minutes=5)
LINKS = ChainLink._meta.db_table


@dataclass(frozen=True)
class Finding:
    table: str
    row: object
    what: str

    def __str__(self):
        return f"{self.table} {self.row}: {self.what}"


@dataclass
class Report:
    links: int = 0
    records: int = 0
    packs: int = 0
    findings: list = field(default_factory=list)

    @property
    def intact(self):
        return not self.findings

    def found(self, table, row, what):
        self.findings.append(Finding(table, row, what))


@dataclass(frozen=True)
class _Link:
    seq: int
    fields: str
    row_hash: str
    hash: str
    linked_at: datetime.datetime
    dated_on_purpose: bool = False


def verify(using="default"):
    from reporting.models import BoardPack

    report = Report()
    # The positions issued packs printed: their hashes are kept while walking the chain.
    wanted = set(BoardPack.objects.using(using).values_list("chain_seq", flat=True))
    by_row, hashes = _walk_links(report, using, wanted)
    for model in chain.chained_models():
        _check_records(report, model, by_row, using)
    for (table, row_id), link in sorted(by_row.items(), key=lambda item: item[1].seq):
        report.found(table, row_id, f"deleted: link {link.seq} names a record no longer there")
    _check_packs(report, hashes, using)
    return report


def _walk_links(report, using, wanted):
    """Follow the links in order; return {(table, row): link} and {seq: hash} for the
    positions issued packs point at."""
    by_row, hashes = {}, {}
    expected, prev, prev_linked_at = 1, chain.GENESIS, None
    rows = (
        ChainLink.objects.using(using)
        .order_by("seq")
        .values_list(
            "seq",
            "table",
            "row_id",
            "fields",
            "row_hash",
            "prev_hash",
            "hash",
            "linked_at",
            "dated_on_purpose",
        )
    )
    for (
        seq,
        table,
        row_id,
        fields,
        row_hash,
        prev_hash,
        hash_,
        linked_at,
        on_purpose,
    ) in rows.iterator(chunk_size=5000):
        report.links += 1
        if seq != expected:
            gap = f"{expected}" if seq == expected + 1 else f"{expected} to {seq - 1}"
            report.found(LINKS, seq, f"links {gap} are missing before link {seq} (deleted)")
        if prev_hash != prev:
            report.found(LINKS, seq, f"link {seq} does not follow the link before it")
        if hash_ != chain.link_hash(prev_hash, row_hash, on_purpose):
            report.found(LINKS, seq, f"link {seq} was changed: its hash does not add up")
        if prev_linked_at and linked_at < prev_linked_at:
            report.found(LINKS, seq, f"link {seq} is dated before the link before it")
        if (table, row_id) in by_row:
            report.found(table, row_id, f"linked twice (links {by_row[table, row_id].seq}, {seq})")
        by_row[table, row_id] = _Link(seq, fields, row_hash, hash_, linked_at, on_purpose)
        if seq in wanted:
            hashes[seq] = hash_
        expected, prev, prev_linked_at = seq + 1, hash_, linked_at
    return by_row, hashes


def _check_records(report, model, by_row, using):
    table = model._meta.db_table
    pk_name = model._meta.pk.attname
    when = chain.time_field(model)
    rows = model._base_manager.using(using).order_by(pk_name).values(*chain.columns(model))
    for row in rows.iterator(chunk_size=2000):
        report.records += 1
        pk = row[pk_name]
        link = by_row.pop((table, pk), None)
        if link is None:
            report.found(table, pk, "inserted without a link (written outside the application)")
            continue
        names = link.fields.split(",")
        if any(name not in row for name in names):
            report.found(table, pk, f"a column it was hashed with is gone (link {link.seq})")
            continue
        covered = {name: row[name] for name in names}
        if chain.row_hash(table, pk, covered) != link.row_hash:
            report.found(table, pk, f"changed since it was recorded (link {link.seq})")
        at = row[when]
        if at is not None and at < link.linked_at - MAX_LAG and not link.dated_on_purpose:
            report.found(
                table,
                pk,
                f"back-dated: dated {at:%Y-%m-%d %H:%M} but recorded at "
                f"{link.linked_at:%Y-%m-%d %H:%M} (link {link.seq})",
            )
        elif at is not None and at > link.linked_at + SKEW:
            report.found(table, pk, f"dated after it was recorded (link {link.seq})")


def _check_packs(report, hashes, using):
    from reporting.models import BoardPack

    own_links = dict(
        ChainLink.objects.using(using)
        .filter(table=BoardPack._meta.db_table)
        .values_list("row_id", "seq")
    )
    table = BoardPack._meta.db_table
    for pk, pdf, sha256, seq, mark in (
        BoardPack.objects.using(using)
        .values_list("pk", "pdf", "sha256", "chain_seq", "chain_fingerprint")
        .iterator(chunk_size=20)
    ):
        report.packs += 1
        pdf = bytes(pdf)
        if hashlib.sha256(pdf).hexdigest() != sha256:
            report.found(table, pk, "the issued PDF does not match its SHA-256")
        if not mark:
            continue  # issued before packs carried the chain's head
        head = chain.GENESIS if seq == 0 else hashes.get(seq)
        if head is None or chain.fingerprint(head) != mark:
            report.found(
                table,
                pk,
                f"the chain no longer passes through the fingerprint {mark} printed in the "
                f"pack (link {seq}): records before the pack were rewritten",
            )
        if seq is not None and own_links.get(pk) is not None and seq >= own_links[pk]:
            report.found(table, pk, f"its fingerprint (link {seq}) is not before its own link")
        if not pdf_mentions(pdf, mark):
            report.found(table, pk, f"the issued PDF does not carry the fingerprint {mark}")


def pdf_mentions(pdf, text):
    """Whether ``text`` is in the PDF: in its bytes or in any of its compressed streams
    (the pack's metadata, where the fingerprint is written, is compressed)."""
    needle = text.encode()
    if needle in pdf:
        return True
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            if needle in zlib.decompressobj().decompress(pdf[match.end() :]):
                return True
        except zlib.error:
            continue
    return False
