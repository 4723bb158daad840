"""Agencies, multi-agency groups, the posts within them, and who belongs to which."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models

from actionplan.historical import track, tracked
from integrity.models import Chained

# Who changed a person's name, email address, active flag or superuser status, when and
# why. (Their roles are memberships, tracked below.) Neither the password hash nor the
# time of the last sign-in is kept: saves of those alone make no history row
# (agencies/signals.py).
track(get_user_model(), app="agencies", excluded_fields=["password", "last_login"])


class AgencyQuerySet(models.QuerySet):
    def groups(self):
        return self.filter(kind=Agency.Kind.GROUP)

    def single_agencies(self):
        return self.filter(kind=Agency.Kind.AGENCY)


class Agency(models.Model):
    """A partner agency (Lancashire Police, Awaken) or a multi-agency group
    (CSE Priority Group, BSCB Training Sub-group). Either can lead an action."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "Agency"
        GROUP = "group", "Multi-agency group"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.AGENCY)
    also_known_as = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other names and abbreviations used in plans, separated by commas.",
    )
    is_active = models.BooleanField(default=True)

    objects = AgencyQuerySet.as_manager()
    history = tracked()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies and groups"
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="agency_name_unique",
                violation_error_message="There is already an agency or group with this name",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["agency", "group"]), name="agency_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_group(self):
        return self.kind == self.Kind.GROUP


class Post(models.Model):
    """A post or team within an agency or group: "Head of Public Protection",
    "Corporate Comms", "Chair". A lead can name a post instead of a whole agency."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(max_length=200)

    history = tracked()

    class Meta:
        ordering = ["agency__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "title"],
                name="post_title_unique_in_agency",
                violation_error_message="This agency already has a post with this title",
            ),
        ]

    def __str__(self):
        return f"{self.title}, {self.agency.name}"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(user__is_active=True)

    def with_role(self, role):
        return self.filter(role=role)


class Membership(models.Model):
    """A person's place in the partnership: which agency or group, in what role."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        AGENCY_LEAD = "agency_lead", "Agency lead"
        BUSINESS_MANAGER = "business_manager", "Business manager"
        BOARD_MEMBER = "board_member", "Board member"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )

    objects = MembershipQuerySet.as_manager()
    history = tracked()

    class Meta:
        ordering = ["agency__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                name="membership_unique_role_in_agency",
                violation_error_message="This person already has this role in this agency or group",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    role__in=["chair", "agency_lead", "business_manager", "board_member"]
                ),
                name="membership_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.agency}"


class AuditEventQuerySet(models.QuerySet):
    def record(self, event, request=None, user=None, username="", detail=""):
        """Write one line of the audit log. Never pass evidence text or a password."""
        user = user or (getattr(request, "user", None) if request is not None else None)
        signed_in = user is not None and user.is_authenticated
        return self.create(
            event=event,
            user_id=user.pk if signed_in else None,
            username=(user.get_username() if signed_in else username)[:150],
            ip_address=client_ip(request) if request is not None else None,
            detail=detail[:300],
        )


def client_ip(request):
    """The address Django sees. Behind a proxy, the proxy must set REMOTE_ADDR correctly
    (see README, Deploying); X-Forwarded-For is not trusted here."""
    return request.META.get("REMOTE_ADDR") or None


class AuditEventKind(models.TextChoices):
    """What an AuditEvent records (AuditEvent.Event)."""

    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKOUT = "lockout", "Locked out"
    SIGN_OUT = "sign_out", "Signed out"
    REFUSED = "refused", "Permission refused"
    PACK_DOWNLOAD = "pack_download", "Board pack downloaded"
    EXPORT = "export", "Plan exported"
    ATTACHMENT_DOWNLOAD = "attachment_download", "Attachment downloaded"
    PACK_WITHDRAWN = "pack_withdrawn", "Board pack withdrawn"
    FACTOR_SET_UP = "factor_set_up", "Second factor set up"
    FACTOR_FAILED = "factor_failed", "Wrong second-factor code"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    FACTOR_RESET = "factor_reset", "Second factor reset"
    PERSON_ADDED = "person_added", "Person added"
    PERSON_CHANGED = "person_changed", "Person changed"
    PERSON_DEACTIVATED = "person_deactivated", "Person deactivated"
    PERSON_REACTIVATED = "person_reactivated", "Person reactivated"
    ROLE_GIVEN = "role_given", "Role given"
    ROLE_CHANGED = "role_changed", "Role changed"
    ROLE_REMOVED = "role_removed", "Role removed"


class AuditEvent(Chained):
    """A security event: sign-ins, second factors, refusals, downloads and exports, and
    every change to people and their roles. Append-only, and each event joins the hash
    chain (integrity/) as it is written.

    Not a second audit trail of the plan (that is the history tables): this records
    who looked at or took data out, and who tried to get in."""

    Event = AuditEventKind

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    event = models.CharField(max_length=20, choices=Event.choices)
    # A plain id and the name as typed or held at the time: the log outlives the user row.
    user_id = models.IntegerField(null=True, blank=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event__in=AuditEventKind.values),
                name="audit_event_valid",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_event_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The audit log is append-only.")
        super().save(*args, **kwargs)
