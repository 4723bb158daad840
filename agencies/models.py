"""Agencies, multi-agency groups, the posts within them, and who belongs to which."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


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
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies and groups"
        constraints = [
            models.UniqueConstraint(fields=["name"], name="agency_name_unique"),
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

    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "title"], name="post_title_unique_in_agency"),
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role_in_agency"
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
