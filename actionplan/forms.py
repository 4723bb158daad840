"""Forms validate and turn words into typed values; errors are worded for the reader."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Agency, Post

from .fields import TODAY, BoundedDateField, PlainTextField
from .models import Plan, Rag, Section, save_with_reason
from .timescales import TimescaleError, parse_timescale

TEXT_LIMIT = 5000
REASON_LIMIT = 2000
NOT_RATED = Rag.to_form("")  # the form value for "not rated"


def _required(message, **kwargs):
    return {"required": message, **kwargs}


class VersionedForm:
    """A form that edits a Versioned object carries the version the person saw.

    ``instance=`` gives the object; the hidden ``version`` field starts at its version
    and every template renders the form's hidden fields. A form sent without a version
    (an old page, a forged post) gets version 0, which never matches: the person sees
    the conflict page and nothing is overwritten."""

    def track_version(self, instance):
        self.versioned = instance
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=1
        )
        self.initial.setdefault("version", instance.version)

    def clean_version(self):
        return self.cleaned_data.get("version") or 0


class RateForm(VersionedForm, forms.Form):
    rag = forms.ChoiceField(
        label="Rating",
        choices=Rag.form_choices(),
        widget=forms.RadioSelect,
        error_messages=_required("Select a rating", invalid_choice="Select a rating from the list"),
    )
    reason = PlainTextField(
        label="Reason for this rating",
        help_text="Say what the rating is based on. The board reads this.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=REASON_LIMIT,
        error_messages=_required(
            "Enter the reason for this rating",
            max_length=f"Reason must be {REASON_LIMIT:,} characters or fewer",
        ),
    )

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_version(instance)
        # What each rating means in this plan, under its radio (Plan.rag_meanings).
        self.fields["rag"].choice_hints = instance.section.plan.rag_meanings()

    def clean_rag(self):
        return Rag.from_form(self.cleaned_data["rag"])


class RagDefinitionsForm(forms.ModelForm):
    """What Red, Amber, Green and Blue mean in a plan, changed with a reason."""

    reason = PlainTextField(
        label="Why are the meanings changing?",
        help_text="For example, agreed at the Priority Group meeting on 3 December 2026.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LIMIT,
        error_messages=_required(
            "Enter why the meanings are changing",
            max_length=f"Reason must be {REASON_LIMIT} characters or fewer",
        ),
    )

    class Meta:
        model = Plan
        fields = ["red_means", "amber_means", "green_means", "blue_means"]
        field_classes = dict.fromkeys(fields, PlainTextField)
        error_messages = {
            name: {
                "required": f"Enter what {name.split('_')[0].title()} means",
                "max_length": f"What {name.split('_')[0].title()} means must be 200 characters "
                "or fewer",
            }
            for name in fields
        }

    def save(self, reason):
        return save_with_reason(self.instance, reason)


class EvidenceForm(VersionedForm, forms.Form):
    text = PlainTextField(
        label="What was done",
        help_text="One piece of progress or evidence, as it should read in the plan.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_LIMIT,
        error_messages=_required(
            "Enter what was done",
            max_length=f"What was done must be {TEXT_LIMIT:,} characters or fewer",
        ),
    )
    activity_date = BoundedDateField(
        label="Date of the activity",
        latest=TODAY,
        help_text="For example, 27 3 2015",
        error_messages=_required("Enter the date of the activity"),
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

    def __init__(self, *args, agencies, instance=None, **kwargs):
        """``agencies``: the person's agencies that lead the action; the only choices.
        ``instance``: the entry being edited (none when adding one)."""
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.track_version(instance)
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


class WithdrawForm(VersionedForm, forms.Form):
    reason = PlainTextField(
        label="Why are you withdrawing this entry?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LIMIT,
        error_messages=_required(
            "Enter the reason for withdrawing this entry",
            max_length=f"Reason must be {REASON_LIMIT:,} characters or fewer",
        ),
    )

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_version(instance)


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


class ActionForm(VersionedForm, forms.Form):
    """The business manager's form for an action's words, leads and timescale."""

    text = PlainTextField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        error_messages=_required(
            "Enter the action", max_length=f"Action must be {TEXT_LIMIT:,} characters or fewer"
        ),
    )
    outcomes = PlainTextField(
        label="Anticipated outcomes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        error_messages={"max_length": f"Outcomes must be {TEXT_LIMIT:,} characters or fewer"},
    )
    leads = LeadChoiceField(
        label="Leads",
        help_text="Select every agency, group or post that leads this action.",
        error_messages=_required(
            "Select at least one lead", invalid_choice="Select leads from the list"
        ),
    )
    timescale = PlainTextField(
        label="Timescale",
        help_text="A month and year, like Sept 2015",
        max_length=50,
        error_messages=_required(
            "Enter the timescale, as a month and year, like Sept 2015",
            max_length="Timescale must be 50 characters or fewer",
        ),
    )
    wording_reason = PlainTextField(
        label="Reason for changing the wording",
        required=False,
        help_text="Needed when the action or its outcomes are reworded. It is kept in the "
        "action's history.",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_LIMIT,
    )
    timescale_reason = PlainTextField(
        label="Reason for changing the timescale",
        required=False,
        help_text="Needed when the timescale changes. The board sees it beside the original.",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_LIMIT,
        error_messages={"max_length": f"Reason must be {REASON_LIMIT:,} characters or fewer"},
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
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["leads"].load_choices()
        if action is None:
            del self.fields["timescale_reason"]
            del self.fields["wording_reason"]
        else:
            self.track_version(action)

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
        reworded = self.action is not None and (
            ("text" in cleaned and cleaned["text"] != self.action.text)
            or ("outcomes" in cleaned and cleaned["outcomes"] != self.action.outcomes)
        )
        if reworded and not (cleaned.get("wording_reason") or "").strip():
            self.add_error("wording_reason", "Enter the reason for changing the wording")
        return cleaned

    def lead_pairs(self):
        return self.fields["leads"].to_leads(self.cleaned_data["leads"])


class SectionForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "purpose"]
        field_classes = {"title": PlainTextField, "purpose": PlainTextField}
        error_messages = {
            "title": {"required": "Enter the section title"},
        }
        labels = {"purpose": "Purpose statement"}
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    reason = PlainTextField(
        label="Reason for the change",
        max_length=REASON_LIMIT,
        error_messages=_required("Enter the reason for the change"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_version(self.instance)


class MoveForm(VersionedForm, forms.Form):
    section = forms.ModelChoiceField(
        label="Section",
        queryset=Section.objects.none(),
        empty_label=None,
        error_messages=_required(
            "Select a section", invalid_choice="Select a section of this plan"
        ),
    )
    position = forms.IntegerField(
        label="Number in the section (optional)",
        required=False,
        min_value=1,
        max_value=500,
        help_text="Leave it blank to put the action last, with the next free number. "
        "No other action's ref changes.",
        error_messages={
            "invalid": "Number must be a whole number, like 2",
            "min_value": "Number must be 1 or more",
            "max_value": "Number must be 500 or less",
        },
    )
    reason = PlainTextField(
        label="Reason for the move",
        max_length=REASON_LIMIT,
        error_messages=_required("Enter the reason for the move"),
    )

    def __init__(self, *args, action, **kwargs):
        kwargs.setdefault("initial", {"section": action.section_id})
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(plan=action.section.plan)
        self.track_version(action)


class RenumberForm(forms.Form):
    reason = PlainTextField(
        label="Why is the plan being renumbered?",
        help_text="For example, agreed at the board meeting on 3 December 2026. Minutes that "
        "used the old refs will need the table below.",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_LIMIT,
        error_messages=_required("Enter the reason for renumbering the plan"),
    )


class RemoveForm(VersionedForm, forms.Form):
    reason = PlainTextField(
        label="Why is it being removed?",
        help_text="Nothing is deleted: the history keeps it, with this reason.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LIMIT,
        error_messages=_required(
            "Enter the reason for removing it",
            max_length=f"Reason must be {REASON_LIMIT:,} characters or fewer",
        ),
    )

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_version(instance)

    def clean(self):
        cleaned = super().clean()
        try:
            self.versioned.check_can_remove()
        except ValidationError as error:
            self.add_error(None, error.messages)
        return cleaned
