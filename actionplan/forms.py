"""Forms validate and turn words into typed values; errors are worded for the reader."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, Membership, Post

from .history import KINDS, date_range
from .models import Rag, Section
from .timescales import TimescaleError, parse_timescale

TEXT_LIMIT = 5000
REASON_LIMIT = 2000
NOT_RATED = "none"


def _required(message, **kwargs):
    return {"required": message, **kwargs}


def version_field():
    """The version of the object when the form was opened (optimistic locking)."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class RateForm(forms.Form):
    version = version_field()
    rag = forms.ChoiceField(
        label="Rating",
        choices=[*Rag.choices, (NOT_RATED, "Not rated")],
        widget=forms.RadioSelect,
        error_messages=_required("Select a rating", invalid_choice="Select a rating from the list"),
    )
    reason = forms.CharField(
        label="Reason for this rating",
        help_text="Say what the rating is based on. The board reads this.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=REASON_LIMIT,
        error_messages=_required(
            "Enter the reason for this rating",
            max_length=f"Reason must be {REASON_LIMIT} characters or fewer",
        ),
    )

    def clean_rag(self):
        value = self.cleaned_data["rag"]
        return "" if value == NOT_RATED else value


class EvidenceForm(forms.Form):
    version = version_field()
    text = forms.CharField(
        label="What was done",
        help_text="One piece of progress or evidence, as it should read in the plan.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_LIMIT,
        error_messages=_required(
            "Enter what was done",
            max_length=f"What was done must be {TEXT_LIMIT} characters or fewer",
        ),
    )
    activity_date = forms.DateField(
        label="Date of the activity",
        help_text="For example, 27/3/2015",
        error_messages=_required(
            "Enter the date of the activity",
            invalid="Date of the activity must be a real date, like 27/3/2015",
        ),
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages=_required(
            "Select the agency this evidence is for",
            invalid_choice="Select one of your agencies that leads this action",
        ),
    )

    def __init__(self, *args, agencies, **kwargs):
        """``agencies``: the person's agencies that lead the action; the only choices."""
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        self.only_agency = agencies[0] if len(agencies) == 1 else None
        if self.only_agency:
            # Nothing to choose: no question asked, but a forged value is still checked.
            self.fields["agency"].required = False
            self.fields["agency"].widget = forms.HiddenInput()
        if not self.is_bound and "activity_date" not in self.initial:
            self.initial["activity_date"] = timezone.localdate()

    def clean_agency(self):
        return self.cleaned_data["agency"] or self.only_agency

    def clean_activity_date(self):
        date = self.cleaned_data["activity_date"]
        if date > timezone.localdate():
            raise forms.ValidationError("Date of the activity must be today or in the past")
        return date


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing this entry?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LIMIT,
        error_messages=_required(
            "Enter the reason for withdrawing this entry",
            max_length=f"Reason must be {REASON_LIMIT} characters or fewer",
        ),
    )


class LeadChoiceField(forms.MultipleChoiceField):
    """Leads are agencies, groups, or posts within them: "agency:3", "post:7"."""

    widget = forms.CheckboxSelectMultiple

    def load_choices(self):
        """Called by the form: the choices are today's agencies and posts."""
        agencies = [(f"agency:{a.pk}", a.name) for a in Agency.objects.filter(is_active=True)]
        posts = [(f"post:{p.pk}", str(p)) for p in Post.objects.select_related("agency")]
        self.choices = agencies + posts

    def to_leads(self, values):
        agencies = {a.pk: a for a in Agency.objects.all()}
        posts = {p.pk: p for p in Post.objects.select_related("agency")}
        leads = []
        for value in dict.fromkeys(values):  # each lead once, in the order given
            kind, pk = value.split(":")
            if kind == "agency":
                leads.append((agencies[int(pk)], None))
            else:
                post = posts[int(pk)]
                leads.append((post.agency, post))
        return leads


def lead_value(lead):
    return f"post:{lead.post_id}" if lead.post_id else f"agency:{lead.agency_id}"


class ActionForm(forms.Form):
    """The business manager's form for an action's words, leads and timescale."""

    version = version_field()
    text = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        error_messages=_required(
            "Enter the action", max_length=f"Action must be {TEXT_LIMIT} characters or fewer"
        ),
    )
    outcomes = forms.CharField(
        label="Anticipated outcomes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        error_messages={"max_length": f"Outcomes must be {TEXT_LIMIT} characters or fewer"},
    )
    leads = LeadChoiceField(
        label="Leads",
        help_text="Select every agency, group or post that leads this action.",
        error_messages=_required(
            "Select at least one lead", invalid_choice="Select leads from the list"
        ),
    )
    timescale = forms.CharField(
        label="Timescale",
        help_text="A month and year, like Sept 2015",
        max_length=50,
        error_messages=_required(
            "Enter the timescale, as a month and year, like Sept 2015",
            max_length="Timescale must be 50 characters or fewer",
        ),
    )
    timescale_reason = forms.CharField(
        label="Reason for changing the timescale",
        required=False,
        help_text="Needed when the timescale changes. The board sees it beside the original.",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_LIMIT,
    )

    def __init__(self, *args, action=None, **kwargs):
        self.action = action
        if action is not None:
            kwargs.setdefault(
                "initial",
                {
                    "text": action.text,
                    "outcomes": action.outcomes,
                    "leads": [lead_value(lead) for lead in action.leads.all()],
                    "timescale": action.timescale,
                    "version": action.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["leads"].load_choices()
        if action is None:
            del self.fields["timescale_reason"]

    def clean_timescale(self):
        label = " ".join(self.cleaned_data["timescale"].split())
        try:
            self.cleaned_data["due_date"] = parse_timescale(label)
        except TimescaleError as error:
            raise forms.ValidationError(str(error)) from None
        return label

    def clean(self):
        cleaned = super().clean()
        timescale = cleaned.get("timescale")
        changed = self.action is not None and timescale and timescale != self.action.timescale
        if changed and not (cleaned.get("timescale_reason") or "").strip():
            self.add_error("timescale_reason", "Enter the reason for changing the timescale")
        return cleaned

    def lead_pairs(self):
        return self.fields["leads"].to_leads(self.cleaned_data["leads"])


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "purpose"]
        error_messages = {
            "title": {"required": "Enter the section title"},
        }
        labels = {"purpose": "Purpose statement"}
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    reason = forms.CharField(
        label="Reason for the change",
        max_length=REASON_LIMIT,
        error_messages=_required("Enter the reason for the change"),
    )


class MoveForm(forms.Form):
    section = forms.ModelChoiceField(
        label="Section",
        queryset=Section.objects.none(),
        empty_label=None,
        error_messages=_required(
            "Select a section", invalid_choice="Select a section of this plan"
        ),
    )
    position = forms.IntegerField(
        label="Position in the section",
        min_value=1,
        max_value=500,
        help_text="1 puts the action first. Actions after it are renumbered.",
        error_messages=_required(
            "Enter the position, as a number like 2",
            invalid="Position must be a whole number, like 2",
            min_value="Position must be 1 or more",
            max_value="Position must be 500 or less",
        ),
    )
    reason = forms.CharField(
        label="Reason for the move",
        max_length=REASON_LIMIT,
        error_messages=_required("Enter the reason for the move"),
    )

    def __init__(self, *args, action, **kwargs):
        kwargs.setdefault("initial", {"section": action.section_id, "position": action.position})
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(plan=action.section.plan)


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why is it being removed?",
        help_text="Nothing is deleted: the history keeps it, with this reason.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LIMIT,
        error_messages=_required(
            "Enter the reason for removing it",
            max_length=f"Reason must be {REASON_LIMIT} characters or fewer",
        ),
    )

    def __init__(self, *args, what, section=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.what, self.section = what, section

    def clean(self):
        cleaned = super().clean()
        if self.section is not None and self.section.actions.current().exists():
            raise forms.ValidationError(
                "Move or remove this section's actions before removing the section"
            )
        return cleaned


class AsAtForm(forms.Form):
    """A past date to rebuild the plan (or an action) at, from the URL: ?as_at=2015-09-30."""

    as_at = forms.DateField(required=False)

    @classmethod
    def date_from(cls, query):
        form = cls(query)
        if not form.is_valid():
            return None
        value = form.cleaned_data["as_at"]
        return value if value and value < timezone.localdate() else None


class ChangeFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of change", choices=[("", "Every kind"), *KINDS.items()], required=False
    )
    person = forms.ModelChoiceField(
        label="Changed by",
        queryset=get_user_model().objects.order_by("last_name", "first_name", "username"),
        required=False,
        empty_label="Anyone",
    )
    agency = forms.ModelChoiceField(
        label="Agency of the person",
        queryset=Agency.objects.all(),
        required=False,
        empty_label="Any agency",
    )
    section = forms.ModelChoiceField(
        label="Section", queryset=Section.objects.none(), required=False, empty_label="Any section"
    )
    start = forms.DateField(
        label="From",
        required=False,
        error_messages={"invalid": "From must be a real date, like 1/7/2015"},
    )
    end = forms.DateField(
        label="To",
        required=False,
        error_messages={"invalid": "To must be a real date, like 30/9/2015"},
    )

    def __init__(self, *args, plan, for_action=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["section"].queryset = Section.objects.filter(plan=plan)
        if for_action:
            for name in ("person", "agency", "section", "start", "end"):
                del self.fields[name]
            self.fields["kind"].choices = [
                choice for choice in self.fields["kind"].choices if choice[0] != "section"
            ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "To must be the same as or after From")
        return cleaned

    def key_filters(self):
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        filters = {"kinds": [data["kind"]] if data.get("kind") else None}
        if "section" in data:
            filters["section"] = data.get("section")
            filters["start"], filters["end"] = date_range(data.get("start"), data.get("end"))
            user_ids = None
            if data.get("person"):
                user_ids = {data["person"].pk}
            if data.get("agency"):
                members = set(
                    Membership.history.filter(agency=data["agency"]).values_list(
                        "user_id", flat=True
                    )
                )
                user_ids = members if user_ids is None else user_ids & members
            filters["user_ids"] = user_ids
        return filters
