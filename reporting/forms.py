"""The board pack form: which plan, what kind of pack, as at which date, and changes
since when."""

from django import forms

from actionplan.fields import TODAY, BoundedDateField, PlainTextField
from actionplan.forms import REASON_LIMIT
from actionplan.models import Plan

from .models import PackKind
from .pack import long_date, plan_created_on

DATE_HINT = "For example, 30 9 2015"


class BoardPackForm(forms.Form):
    plan = forms.ModelChoiceField(
        label="Plan",
        queryset=Plan.objects.order_by("title"),
        to_field_name="slug",
        empty_label=None,
        error_messages={
            "required": "Select the plan",
            "invalid_choice": "Select a plan from the list",
        },
    )
    kind = forms.ChoiceField(
        label="What the pack shows",
        choices=[(kind.value, f"{kind.label}: {kind.description}") for kind in PackKind],
        widget=forms.RadioSelect,
        # Left out (a link from before there were two kinds): the full plan, as then.
        required=False,
        help_text="Both kinds have the same cover, summary and changes since the last pack.",
        error_messages={"invalid_choice": "Select full plan or exception report"},
    )
    as_at = BoundedDateField(
        label="As-at date",
        subject="The as-at date",
        latest=TODAY,
        help_text=f"The pack shows the plan as it stood at the end of this day. {DATE_HINT}",
        error_messages={"required": "Enter the as-at date"},
    )
    since = BoundedDateField(
        label="Report changes since (optional)",
        subject="The since date",
        # Before the as-at date, so never in the future; clean() compares the two.
        latest=TODAY,
        required=False,
        help_text=(
            "Changes made after the end of this day are reported. Leave it blank to report "
            "changes since the last issued pack, or since the plan was set up if there is none. "
            f"{DATE_HINT}"
        ),
        error_messages={"too_late": "The since date must be before the as-at date"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plans = list(self.fields["plan"].queryset[:2])
        if len(plans) == 1:
            self.fields["plan"].initial = plans[0].slug
        # What most boards read.
        self.fields["kind"].initial = PackKind.EXCEPTIONS

    def clean_kind(self):
        return PackKind(self.cleaned_data["kind"] or PackKind.FULL)

    def clean(self):
        cleaned = super().clean()
        plan, as_at, since = cleaned.get("plan"), cleaned.get("as_at"), cleaned.get("since")
        if as_at and since and since >= as_at:
            self.add_error("since", "The since date must be before the as-at date")
        if plan and as_at and "as_at" not in self.errors:
            created = plan_created_on(plan)
            if created is None:
                self.add_error(
                    "plan", "This plan has no history, so it cannot be shown as at a date"
                )
            elif as_at < created:
                self.add_error(
                    "as_at",
                    f"The as-at date must be on or after {long_date(created)}, "
                    "the day the plan was set up",
                )
        return cleaned

    def query(self):
        """The cleaned choice as query parameters, for links to the preview and the PDF."""
        data = self.cleaned_data
        params = {
            "plan": data["plan"].slug,
            "kind": data["kind"].value,
            "as_at": data["as_at"].isoformat(),
        }
        if data.get("since"):
            params["since"] = data["since"].isoformat()
        return params


class WithdrawPackForm(forms.Form):
    reason = PlainTextField(
        label="Why are you withdrawing this pack?",
        help_text="For example, issued with the wrong as-at date. Every member will see this.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LIMIT,
        error_messages={
            "required": "Enter the reason for withdrawing this pack",
            "max_length": f"Reason must be {REASON_LIMIT} characters or fewer",
        },
    )
