"""Who may do what. Every permission rule of the product lives here.

Roles come from memberships (agencies.Membership):

- anonymous: sent to sign in; sees nothing of the plan;
- board member (and any other member): reads the plan, actions, history, issued packs;
- agency lead: adds evidence to the actions their agency or group leads, and edits or
  withdraws the entries they recorded themselves;
- chair (of the group that owns the plan): rates any action, with a reason;
- business manager: edits the plan's structure, agencies, people and memberships,
  and generates and issues board packs;
- superuser: everything, and the Django admin.

One rule everywhere: an object that does not exist (or that the person may not see)
is a 404; an object the person may see but may not act on this way is a 403.

Views call one access helper per object type on their first line, e.g.
``action = get_action_for(request, pk, to="add_evidence")``. Templates ask the
``viewer`` (``viewer.may_rate``, ``viewer|may_add_evidence:action``), never the roles.
"""

from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404

from agencies.models import Membership

from .models import Action, EvidenceEntry, Plan, Section


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
        return {m.agency_id for m in self.memberships if m.role == role}

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
        return [m.agency for m in self.memberships if m.role == Membership.Role.AGENCY_LEAD]

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
        return (
            entry.recorded_by_id is not None
            and entry.recorded_by_id == self.user.pk
            and self.is_agency_lead
        )

    @property
    def may_edit_structure(self):
        return self.is_business_manager

    @property
    def may_manage_people(self):
        return self.is_business_manager

    @property
    def may_read_audit_log(self):
        return self.is_business_manager

    @property
    def may_issue_packs(self):
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


def get_plan_for(request, slug=None):
    require_member(request)
    plans = Plan.objects.select_related("owner")
    plan = plans.filter(slug=slug).first() if slug else plans.order_by("pk").first()
    if plan is None:
        raise Http404("No such plan")
    return plan


def get_action_for(request, pk, to="view"):
    """The action ``pk`` if the person may ``to`` ("view", "rate", "add_evidence", "edit")."""
    viewer = require_member(request)
    action = (
        Action.objects.select_related("section__plan__owner", "rated_by")
        .prefetch_related("leads__agency", "leads__post")
        .filter(pk=pk)
        .first()
    )
    if action is None or (action.is_removed and to != "view"):
        raise Http404("No such action")
    allowed = {
        "view": True,
        "rate": lambda: viewer.may_rate(action),
        "add_evidence": lambda: viewer.may_add_evidence(action),
        "edit": lambda: viewer.may_edit_structure,
        "remove": lambda: viewer.may_edit_structure,
    }[to]
    if allowed is not True and not allowed():
        raise PermissionDenied
    return action


def get_evidence_for(request, pk, to="edit"):
    """The evidence entry ``pk`` if the person may ``to`` ("edit", "withdraw")."""
    viewer = require_member(request)
    entry = (
        EvidenceEntry.objects.select_related("action__section__plan", "agency", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("No such evidence entry")
    if to in ("edit", "withdraw") and not viewer.may_edit_evidence(entry):
        raise PermissionDenied
    return entry


def get_section_for(request, pk, to="edit"):
    viewer = require_member(request)
    section = Section.objects.select_related("plan").filter(pk=pk, removed_at=None).first()
    if section is None:
        raise Http404("No such section")
    if to == "edit" and not viewer.may_edit_structure:
        raise PermissionDenied
    return section
