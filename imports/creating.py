"""A preview made real: the plan, its sections, actions, leads, evidence entries and the
new agencies, groups and posts, all in one transaction (all or nothing).

Every object is saved through ``save()`` (``save_with_reason``), so each has its first
history row, saying "Imported from <file> (sha256 …) by <person>", dated at the
date the document shows the plan at when one is given: the plan as at any later date,
and the board packs for those dates, then work for the imported plan as for any other.
"""

import contextlib
import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from actionplan.historical import person_name
from actionplan.models import Action, ActionLead, EvidenceEntry, Plan, Section, save_with_reason
from actionplan.plan_forms import RESERVED_SLUGS
from actionplan.timescales import EARLIEST_YEAR
from agencies.models import Agency, Post
from integrity.chain import dated_on_purpose

from .leads import LeadMatcher, NewAgency, words
from .models import PlanImport
from .safety import ImportRefused


def history_moment(as_of):
    """The moment the import's history is dated: the start of ``as_of`` (London), or now."""
    if as_of is None:
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(as_of, datetime.time()))


def check_as_of(as_of):
    """The date a document shows the plan at: not in the future, not before 2000."""
    if as_of is not None and as_of > timezone.localdate():
        raise ImportRefused("The date the document shows the plan at must be today or in the past")
    if as_of is not None and as_of.year < EARLIEST_YEAR:
        raise ImportRefused(
            f"The date the document shows the plan at must be after {EARLIEST_YEAR}"
        )


def end_of_financial_year(date):
    return datetime.date(date.year + 1 if date.month >= 4 else date.year, 3, 31)


def slug_in_use(slug):
    """Taken by a plan, or an address the plan pages use themselves (plan_forms)."""
    return slug in RESERVED_SLUGS or Plan.objects.filter(slug=slug).exists()


def refuse_used_slug(slug):
    try:
        validate_slug(slug)
    except ValidationError:
        raise ImportRefused(
            f"“{slug}” cannot be a plan's short name: use letters, numbers, hyphens and "
            "underscores only"
        ) from None
    if slug_in_use(slug):
        raise ImportRefused(
            f"There is already a plan at “{slug}”. A plan is imported once: choose another "
            f"short name, or update the plan through its spreadsheet"
        )


@transaction.atomic
def create_plan(checked, preview, *, slug, title, owner, by=None, as_of=None, **plan_fields):
    """Create the plan in ``preview`` (read from ``checked``, a safety.CheckedFile).
    ``owner`` names the owning group, created if no agency or group has that name.
    ``plan_fields``: short_title, partnership, parent_plan, protective_marking."""
    if preview.errors:
        raise ImportRefused(preview.errors[0])
    slug = slug or slugify(title)[:80]
    refuse_used_slug(slug)
    check_as_of(as_of)
    # History dated "as at" a past date is dated on purpose: its links say so, and
    # verify_history does not report it as back-dated (integrity/chain.py).
    with dated_on_purpose() if as_of is not None else contextlib.nullcontext():
        maker = _Maker(checked, by, as_of)
        plan = maker.save(
            Plan(
                slug=slug,
                title=title,
                owner=maker.agency(LeadMatcher().agency(owner, kind=Agency.Kind.GROUP)),
                notes="\n".join(preview.notes),
                **{key: value for key, value in plan_fields.items() if value},
            )
        )
        fallback_due = end_of_financial_year(as_of or timezone.localdate())
        for draft in preview.sections:
            section = maker.save(
                Section(
                    plan=plan,
                    number=draft.number,
                    title=draft.title[:200],
                    title_reconstructed=not draft.title_given,
                    purpose=draft.purpose,
                )
            )
            for action_draft in draft.actions:
                maker.action(section, action_draft, fallback_due)
        maker.save(
            PlanImport(
                plan=plan,
                file=ContentFile(checked.data, name=checked.name),
                file_name=checked.name[:255],
                sha256=checked.sha256,
                size=len(checked.data),
                as_of=as_of,
                imported_by=by,
            )
        )
        return plan


class _Maker:
    def __init__(self, checked, by, as_of):
        who = person_name(by) or "the command line"
        self.reason = f"Imported from {checked.name} (sha256 {checked.sha256}) by {who}"
        self.when = history_moment(as_of)
        self.by = by
        self.agencies = {}  # words of a new agency's name -> the Agency created
        self.posts = {}  # (agency id, title in lower case) -> Post

    def save(self, obj):
        return save_with_reason(obj, self.reason, when=self.when, by=self.by)

    def agency(self, found):
        """The Agency for a lead's agency: itself, or the new one (created once)."""
        if not isinstance(found, NewAgency):
            return found
        key = words(found.name)
        if key not in self.agencies:
            existing = Agency.objects.filter(name__iexact=found.name).first()
            self.agencies[key] = existing or self.save(
                Agency(slug=_free_slug(found.slug), name=found.name[:200], kind=found.kind)
            )
        return self.agencies[key]

    def post(self, agency, lead):
        if lead.post is not None:
            return lead.post
        if not lead.post_title:
            return None
        key = (agency.pk, lead.post_title.lower())
        if key not in self.posts:
            existing = Post.objects.filter(agency=agency, title__iexact=lead.post_title).first()
            self.posts[key] = existing or self.save(
                Post(agency=agency, title=lead.post_title[:200])
            )
        return self.posts[key]

    def action(self, section, draft, fallback_due):
        action = self.save(
            Action(
                section=section,
                position=draft.position,
                text=draft.text,
                outcomes=draft.outcomes,
                timescale=draft.timescale,
                due_date=draft.due_date or fallback_due,
                rag=draft.rag,
            )
        )
        written = set()
        for position, lead in enumerate(draft.leads, start=1):
            agency = self.agency(lead.agency)
            post = self.post(agency, lead)
            if (agency.pk, post and post.pk) in written:
                continue  # two spellings of one lead
            written.add((agency.pk, post and post.pk))
            self.save(
                ActionLead(
                    action=action,
                    agency=agency,
                    post=post,
                    position=position,
                    as_written=lead.as_written[:200],
                )
            )
        for entry in draft.evidence:
            self.save(
                EvidenceEntry(action=action, text=entry.text, rag=entry.rag, recorded_at=self.when)
            )
        return action


def _free_slug(slug):
    candidate, number = slug, 2
    while Agency.objects.filter(slug=candidate).exists():
        candidate = f"{slug[:75]}-{number}"
        number += 1
    return candidate
