"""An issued pack prints the chain's head and stores it; verification holds it to both."""

import pytest
from django.utils import timezone

from integrity import chain
from integrity.models import ChainLink
from integrity.verify import pdf_mentions, verify
from reporting.issuing import issue_pack
from reporting.pack import pack_context
from reporting.rendering import render_pack_html

from .conftest import rewrite_and_recompute, rewritten_before

pytestmark = pytest.mark.django_db
# The seed plan was loaded today: a pack as at today.
TODAY = timezone.localdate()


def test_an_issued_pack_prints_and_stores_the_head_of_the_chain(plan, manager):
    seq, head, _ = chain.head()
    pack = issue_pack(plan, TODAY, by=manager)
    assert (pack.chain_seq, pack.chain_fingerprint) == (seq, head[:16])
    assert pdf_mentions(bytes(pack.pdf), pack.chain_fingerprint)
    assert ChainLink.objects.get(table="reporting_boardpack", row_id=pack.pk).seq > seq
    assert verify().intact


def test_the_fingerprint_is_on_the_cover_of_an_issued_pack_only(plan):
    context = pack_context(plan, TODAY, issued=True)
    context["chain"] = {"seq": 42, "fingerprint": "0123456789abcdef"}
    html = render_pack_html(context)
    assert "Record fingerprint" in html and "0123456789abcdef at record 42" in html
    assert "Record fingerprint" not in render_pack_html(pack_context(plan, TODAY))


def test_a_real_pack_catches_the_chain_recomputed_after_a_rewrite(plan, manager, get_action):
    action = get_action("2.1")
    action.rate("amber", "Partly done", by=manager)
    record = action.history.latest("history_date", "history_id")
    pack = issue_pack(plan, TODAY, by=manager)
    rewrite_and_recompute(record)
    assert [str(finding) for finding in verify().findings] == [rewritten_before(pack)]


def test_pdf_mentions_reads_compressed_streams():
    import zlib

    pdf = (
        b"%PDF-1.7\n1 0 obj\n<</Filter /FlateDecode>>\nstream\n"
        + zlib.compress(b"record fingerprint 0123456789abcdef")
        + b"\nendstream\n"
    )
    assert pdf_mentions(pdf, "0123456789abcdef")
    assert not pdf_mentions(pdf, "fedcba9876543210")


def test_the_board_packs_page_shows_each_pack_fingerprint(client, plan, board_member):
    from django.urls import reverse

    from .conftest import issue_cheap_pack

    pack = issue_cheap_pack(plan)
    client.force_login(board_member)
    page = client.get(reverse("board_packs")).text
    assert f"Record fingerprint <code>{pack.chain_fingerprint}</code>" in page
