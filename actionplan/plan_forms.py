"""The forms of a plan itself: its details, a copy for next year, a new section."""

from django import forms
from django.utils.text import slugify

from agencies.models import Agency

from .fields import PlainTextField
from .forms import TEXT_LIMIT, _required
from .models import Plan

# Addresses under /plans/ that are pages, not plans.
RESERVED_SLUGS = {"import", "new"}


def plan_slug_field(**kwargs):
    return forms.SlugField(
        label="Short name for addresses",
        max_length=80,
        help_text="Letters, numbers and hyphens, like neglect-2025. Leave empty to make one "
        "from the title",
        error_messages={
            "invalid": "Short name must only include letters, numbers and hyphens",
            "max_length": "Short name must be 80 characters or fewer",
        },
        **kwargs,
    )


def free_slug(slug, title):
    """The slug given, or one made from the title; a ValidationError if a plan has it."""
    slug = slug or slugify(title)[:80]
    if not slug:
        raise forms.ValidationError("Enter a short name for addresses")
    if slug in RESERVED_SLUGS or Plan.objects.filter(slug=slug).exists():
        raise forms.ValidationError(f"There is already a plan at “{slug}”: choose another")
    return slug


class FreeSlugMixin:
    """A form with ``title`` and an optional ``slug``: the slug is made free or refused."""

    def clean(self):
        data = super().clean()
        if data.get("title") and "slug" not in self.errors:
            try:
                data["slug"] = free_slug(data.get("slug"), data["title"])
            except forms.ValidationError as error:
                self.add_error("slug", error)
        return data


class PlanForm(forms.ModelForm):
    """A plan's details. The short name for addresses is chosen once, when it is created:
    links and bookmarks to the plan keep working."""

    class Meta:
        model = Plan
        fields = [
            "title", "short_title", "partnership", "owner", "protective_marking", "parent_plan",
        ]  # fmt: skip
        field_classes = {
            name: PlainTextField
            for name in ["title", "short_title", "partnership", "protective_marking"]
            + ["parent_plan"]
        }
        labels = {
            "title": "Title of the plan",
            "short_title": "Short title",
            "owner": "Owning group",
            "parent_plan": "The wider plan it sits within",
        }
        help_texts = {
            "short_title": "Used where space is short, like “CSE Operational Action Plan”",
            "owner": "The group whose chair rates the actions",
            "protective_marking": "Printed at the top and bottom of every page of a pack",
        }
        error_messages = {
            "title": _required(
                "Enter the title of the plan", max_length="Title must be 200 characters or fewer"
            ),
            "partnership": _required(
                "Enter the partnership, like Blackpool Safeguarding Children Board"
            ),  # fmt: skip
            "owner": _required("Select the group that owns the plan"),
            "protective_marking": _required("Enter the protective marking, like OFFICIAL"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Agency.objects.groups().filter(is_active=True)
        self.fields["owner"].empty_label = "Select a group"


class NewPlanForm(FreeSlugMixin, PlanForm):
    slug = plan_slug_field(required=False)

    class Meta(PlanForm.Meta):
        fields = [*PlanForm.Meta.fields[:2], "slug", *PlanForm.Meta.fields[2:]]


class CopyPlanForm(FreeSlugMixin, forms.Form):
    title = PlainTextField(
        label="Title of the new plan",
        max_length=200,
        error_messages=_required(
            "Enter the title of the new plan", max_length="Title must be 200 characters or fewer"
        ),
    )
    short_title = PlainTextField(label="Short title", max_length=100, required=False)
    slug = plan_slug_field(required=False)


class NewSectionForm(forms.Form):
    number = forms.IntegerField(
        label="Section number",
        min_value=1,
        max_value=99,
        error_messages=_required(
            "Enter the section number, like 8",
            invalid="Section number must be a whole number, like 8",
            min_value="Section number must be 1 or more",
            max_value="Section number must be 99 or less",
        ),
    )
    title = PlainTextField(
        label="Title",
        max_length=200,
        error_messages=_required(
            "Enter the section title", max_length="Title must be 200 characters or fewer"
        ),
    )
    purpose = PlainTextField(
        label="Purpose statement",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the section is for, like “BSCB must be provided with key data…”",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.initial.setdefault("number", plan.next_section_number())

    def clean_number(self):
        number = self.cleaned_data["number"]
        if self.plan.sections.filter(number=number).exists():
            raise forms.ValidationError(f"Section {number} already exists in this plan")
        return number
