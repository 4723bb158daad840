"""Who may do what. Every permission rule of the product lives here.

Roles come from memberships (agencies.Membership):

- anonymous: sent to sign in; sees nothing of the plan;
- board member (and any other member): reads the plan, actions, history, issued packs;
- agency lead: adds evidence to the actions their agency or group leads, and edits or
  withdraws the entries they recorded themselves;
- chair (of the group that owns the plan): rates any action, with a reason;
- business manager: edits the plan's structure, agencies, people and memberships,
  and generates, issues and (issued by mistake) withdraws board packs -- but never
  changes a superuser, nor their own roles (the "person" rules);
- superuser: everything, and the Django admin.

One rule everywhere: an object that does not exist (or that the person may not see)
is a 404; an object the person may see but may not act on this way is a 403.

Views call one access helper per object type on their first line, e.g.
``action = get_action_for(request, pk, to="add_evidence")``; what each ``to`` allows
is the table ``RULES`` (an unknown name raises, it never allows). Templates ask the
``viewer`` (``viewer.may_rate``, ``viewer|may_add_evidence:action``), never the roles.
"""

from functools import cached_property

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404

from agencies.models import Membership

from .models import Action, Attachment, EvidenceEntry, Plan, Section


class Viewer:
    """The signed-in person and what they may do, worked out from one query."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def memberships(self):
        if not (self.user.is_authenticated and self.user.is_active):
            return []
        return list(Membership.objects.filter(user=self.user).select_related("agency"))

    def _agency_ids(self, role):
        """The agencies in which the person holds ``role`` today; an agency that has
        been deactivated gives no one any rights."""
        return {m.agency_id for m in self.memberships if m.role == role and m.agency.is_active}

    @property
    def is_superuser(self):
        return self.user.is_authenticated and self.user.is_active and self.user.is_superuser

    @property
    def may_view(self):
        return self.is_superuser or bool(self.memberships)

    @cached_property
    def lead_agency_ids(self):
        return self._agency_ids(Membership.Role.AGENCY_LEAD)

    @property
    def lead_agencies(self):
        return [
            m.agency
            for m in self.memberships
            if m.role == Membership.Role.AGENCY_LEAD and m.agency_id in self.lead_agency_ids
        ]

    @property
    def is_agency_lead(self):
        return bool(self.lead_agency_ids)

    @property
    def is_business_manager(self):
        return self.is_superuser or bool(self._agency_ids(Membership.Role.BUSINESS_MANAGER))

    def is_chair_of(self, plan):
        return self.is_superuser or plan.owner_id in self._agency_ids(Membership.Role.CHAIR)

    @property
    def chaired_group_ids(self):
        return self._agency_ids(Membership.Role.CHAIR)

    # -- what they may do -------------------------------------------------------------

    def may_rate(self, action):
        return self.is_chair_of(action.section.plan)

    @property
    def may_rate_any(self):
        return self.is_superuser or bool(self.chaired_group_ids)

    def leading_agencies_for(self, action):
        """The person's agencies that lead ``action`` (uses prefetched leads if any)."""
        leads = getattr(action, "lead_list", None)
        if leads is None:
            leads = action.leads.all()
        return [lead.agency for lead in leads if lead.agency_id in self.lead_agency_ids]

    def may_add_evidence(self, action):
        return bool(self.leading_agencies_for(action))

    def may_edit_evidence(self, entry):
        """Their own entry, not withdrawn (withdrawn is read-only), for an agency they
        lead today: a lead who moves agency leaves the old agency's entries behind."""
        return (
            entry.recorded_by_id is not None
            and entry.recorded_by_id == self.user.pk
            and not entry.is_withdrawn
            and entry.agency_id in self.lead_agency_ids
        )

    @property
    def may_edit_structure(self):
        return self.is_business_manager

    @property
    def may_create_plans(self):
        """New plans, typed in or imported from Word."""
        return self.is_business_manager

    @property
    def may_manage_people(self):
        return self.is_business_manager

    @property
    def may_read_audit_log(self):
        return self.is_business_manager

    @property
    def may_check_history(self):
        """See whether the history, audit log and issued packs are as written (integrity/)."""
        return self.is_business_manager

    @property
    def may_issue_packs(self):
        return self.is_business_manager

    @property
    def may_manage_emails(self):
        """The reporting calendar and the outbox of emails sent (notifications)."""
        return self.is_business_manager


def viewer_for(request):
    """The Viewer for this request, worked out once per request."""
    if not hasattr(request, "_viewer"):
        request._viewer = Viewer(request.user)
    return request._viewer


def require_member(request):
    """Any page of the plan: signed in (the view's decorator sees to that) and a member."""
    viewer = viewer_for(request)
    if not viewer.may_view:
        raise PermissionDenied("You are not a member of any agency or group in this partnership.")
    return viewer


def require(request, permission):
    """A page about no single object, e.g. require(request, "may_manage_people")."""
    viewer = require_member(request)
    if not getattr(viewer, permission):
        raise PermissionDenied
    return viewer


# -- the rule table: what each object type allows, by the name of what the person wants ---


def _anyone(viewer, obj):
    return True


def _structure(viewer, obj):
    return viewer.may_edit_structure


def _manages(viewer, person):
    """The business manager manages people, except superusers (only a superuser may)."""
    return viewer.may_manage_people and (viewer.is_superuser or not person.is_superuser)


def _someone_else(viewer, person):
    """Nobody changes their own roles, active flag or second factor: another business
    manager (or a superuser) has to."""
    return _manages(viewer, person) and person.pk != viewer.user.pk


RULES = {
    "plan": {
        "view": _anyone,
        "edit": _structure,
        "close": _structure,
        "copy": _structure,
        "add_section": _structure,
        # A returned spreadsheet: anyone may bring one back; each change in it is saved
        # only if its own rule allows the person (imports/updates.py).
        "import_updates": _anyone,
        # The Word document an imported plan came from.
        "download_document": lambda viewer, plan: viewer.is_business_manager,
        # Closing the gaps in the refs: a deliberate step of its own.
        "renumber": _structure,
        # The chair's review meeting (and their landing page).
        "review": lambda viewer, plan: viewer.is_chair_of(plan),
        # What each rating means in the plan: its owner's chair, or the business manager.
        "define_ratings": lambda viewer, plan: (
            viewer.is_chair_of(plan) or viewer.is_business_manager
        ),
    },
    "section": {"view": _anyone, "edit": _structure},
    "action": {
        "view": _anyone,
        "rate": lambda viewer, action: viewer.may_rate(action),
        "add_evidence": lambda viewer, action: viewer.may_add_evidence(action),
        "edit": _structure,
        "remove": _structure,
    },
    "evidence": {
        "view": _anyone,
        "edit": lambda viewer, entry: viewer.may_edit_evidence(entry),
        "withdraw": lambda viewer, entry: viewer.may_edit_evidence(entry),
        "attach": lambda viewer, entry: viewer.may_edit_evidence(entry),
    },
    "person": {
        "edit": _manages,
        "invite": lambda viewer, person: person.is_active and _manages(viewer, person),
        "deactivate": lambda viewer, person: person.is_active and _someone_else(viewer, person),
        "reactivate": lambda viewer, person: not person.is_active and _manages(viewer, person),
        "change_roles": _someone_else,
        "reset_factor": _someone_else,
    },
    "attachment": {
        # A withdrawn attachment stays retrievable, for the business manager only.
        "download": lambda viewer, attachment: (
            not attachment.is_withdrawn or viewer.is_business_manager
        ),
        "withdraw": lambda viewer, attachment: (
            not attachment.is_withdrawn and viewer.may_edit_evidence(attachment.entry)
        ),
    },
    "pack": {
        # A withdrawn pack is kept, and read as it was issued (marked withdrawn).
        "download": _anyone,
        "withdraw": lambda viewer, pack: viewer.may_issue_packs and not pack.is_withdrawn,
    },
}


# What may still be done with a closed plan: read it, download its files, copy it.
ON_A_CLOSED_PLAN = {"view", "download", "download_document", "copy"}


# The kinds of object that belong to a plan, and the way from each to it.
PLAN_KINDS = {
    "plan": "",
    "section": "plan",
    "action": "section.plan",
    "evidence": "action.section.plan",
    "attachment": "entry.action.section.plan",
}


def plan_of(kind, obj):
    """The plan an object belongs to."""
    path = PLAN_KINDS[kind]
    for step in filter(None, path.split(".")):
        obj = getattr(obj, step)
    return obj


def allowed(viewer, kind, obj):
    """The names of what ``viewer`` may do to ``obj``, for pages that list controls."""
    return {to for to, rule in RULES[kind].items() if rule(viewer, obj)}


def check(viewer, kind, obj, to):
    """Raise PermissionDenied unless the table allows ``viewer`` to ``to`` the ``obj``.
    A name the table does not know is a programming error, never a silent yes. Nothing
    of a closed plan changes, whoever asks."""
    try:
        rule = RULES[kind][to]
    except KeyError:
        raise ValueError(f"No access rule for {to!r} on a {kind}") from None
    if not rule(viewer, obj):
        raise PermissionDenied
    if kind in PLAN_KINDS and to not in ON_A_CLOSED_PLAN and plan_of(kind, obj).is_closed:
        raise PermissionDenied("This plan is closed: it can be read but not changed")


def _found(obj, what):
    if obj is None:
        raise Http404(f"No such {what}")
    return obj


def get_plan_for(request, slug=None, to="view", pk=None):
    """The plan named by ``slug`` or ``pk`` (the first plan when neither is in the address)."""
    viewer = require_member(request)
    plans = Plan.objects.select_related("owner")
    if pk is not None:
        plan = plans.filter(pk=pk).first()
    else:
        plan = plans.filter(slug=slug).first() if slug else plans.order_by("pk").first()
    check(viewer, "plan", _found(plan, "plan"), to)
    return plan


def get_action_for(request, pk, to="view"):
    """The action ``pk`` if the person may ``to`` it; a removed action can only be viewed."""
    viewer = require_member(request)
    action = (
        Action.objects.select_related("section__plan__owner", "rated_by")
        .prefetch_related("leads__agency", "leads__post")
        .filter(pk=pk)
        .first()
    )
    if action is not None and action.is_removed and to != "view":
        action = None
    check(viewer, "action", _found(action, "action"), to)
    return action


def get_evidence_for(request, pk, to="view"):
    """The evidence entry ``pk`` if the person may ``to`` it."""
    viewer = require_member(request)
    entry = (
        EvidenceEntry.objects.select_related("action__section__plan", "agency", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    check(viewer, "evidence", _found(entry, "evidence entry"), to)
    return entry


def get_section_for(request, pk, to="view"):
    """The section ``pk`` (not removed) if the person may ``to`` it."""
    viewer = require_member(request)
    section = Section.objects.select_related("plan").filter(pk=pk, removed_at=None).first()
    check(viewer, "section", _found(section, "section"), to)
    return section


def get_person_for(request, pk, to):
    """The person (user) ``pk`` if the viewer may ``to`` them ("edit", "deactivate",
    "reactivate", "change_roles", "reset_factor", "invite")."""
    viewer = require_member(request)
    person = get_user_model().objects.filter(pk=pk).first()
    check(viewer, "person", _found(person, "person"), to)
    return person


def get_attachment_for(request, pk, to):
    """The attachment ``pk`` if the person may ``to`` ("download", "withdraw") it."""
    viewer = require_member(request)
    attachment = (
        Attachment.objects.select_related("entry__action__section__plan", "entry__agency")
        .filter(pk=pk)
        .first()
    )
    check(viewer, "attachment", _found(attachment, "attachment"), to)
    return attachment


def get_pack_for(request, pk, to="download"):
    """The issued board pack ``pk`` if the person may ``to`` ("download", "withdraw") it."""
    from reporting.models import BoardPack  # reporting builds on the plan, not the reverse

    viewer = require_member(request)
    pack = BoardPack.objects.select_related("plan", "withdrawal").filter(pk=pk)
    if to != "download":
        pack = pack.defer("pdf")
    pack = pack.first()
    check(viewer, "pack", _found(pack, "board pack"), to)
    return pack
