"""Drafts and issued packs: render the pack, and store an issued one for good."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from integrity import chain

from .models import BoardPack, PackKind
from .pack import long_date, pack_context
from .rendering import render_pack_html, render_pack_pdf


class PackAlreadyIssued(Exception):
    """A plan has one issued pack per as-at date, of either kind."""


def draft_pdf(plan, as_at, since=None, *, by=None, kind=PackKind.FULL):
    """A draft pack: the PDF bytes, nothing stored."""
    context = pack_context(plan, as_at, since, kind=kind, generated_by=by)
    return render_pack_pdf(render_pack_html(context))


def already_issued(plan, as_at):
    """Why a pack of ``plan`` as at ``as_at`` cannot be issued (one already is, and has
    not been withdrawn), or None."""
    issued = BoardPack.objects.of_plan(plan).filter(as_at=as_at).not_withdrawn()
    pack = issued.without_pdf().first()
    if pack is None:
        return None
    issued = timezone.localtime(pack.issued_at)
    return (
        f"A board pack as at {long_date(as_at)} has already been issued for this plan"
        f" (on {long_date(issued)} by {pack.issued_by_name})"
    )


def issue_pack(plan, as_at, since=None, *, by=None, kind=PackKind.FULL):
    """Render the pack (the full plan, or an exception report) and store it,
    unchangeable, as the plan's pack as at ``as_at``.

    Raises ``PackAlreadyIssued`` if the plan already has a pack (of either kind) for
    that date that has not been withdrawn, and ``PlanDidNotExist`` for a date before the
    plan existed.
    """
    message = already_issued(plan, as_at)
    if message:
        raise PackAlreadyIssued(message)
    # After any withdrawn ones. Two issued at once get the same number: one is refused.
    issue_number = BoardPack.objects.of_plan(plan).filter(as_at=as_at).count() + 1
    now = timezone.now()
    context = pack_context(
        plan, as_at, since, kind=kind, generated_by=by, generated_at=now, issued=True
    )
    # The head of the hash chain as the pack is made, printed in it and stored with it:
    # verify_history checks the chain still passes through it (integrity/verify.py).
    seq, head, _ = chain.head()
    context["chain"] = {"seq": seq, "fingerprint": chain.fingerprint(head)}
    pdf = render_pack_pdf(render_pack_html(context))
    period = context["period"]
    pack = BoardPack(
        plan=plan,
        kind=kind,
        period_label=context["period_label"],
        as_at=as_at,
        since_date=period.since,
        previous_pack=period.previous_pack,
        issued_by=by,
        issued_by_name=context["generated_by_name"],
        issued_at=now,
        issue_number=issue_number,
        pdf=pdf,
        chain_seq=seq,
        chain_fingerprint=context["chain"]["fingerprint"],
    )
    pack._change_reason = (
        f"Issued: {context['period_label']}, as at {long_date(as_at)} ({pack.get_kind_display()})"
    )
    # Issued in the background worker, there is no request to say who: say it here.
    if by is not None:
        pack._history_user = by
    try:
        with transaction.atomic():
            pack.save()
    except IntegrityError:  # issued by someone else while this one was rendering
        raise PackAlreadyIssued(already_issued(plan, as_at)) from None
    return pack
