"""Filters: the forms read from a page's address (``?rag=red``, ``?as_at-day=30&as_at-month=9
&as_at-year=2015``, or a date typed whole as links have it, ``?as_at=2015-09-30``),
so a view can be bookmarked. The plan overview's filters, the as-at date of a page or
download, and the activity feed's filters.

Each overview filter is written once, as a test on an action of the plan snapshot (``matches``):
the plan today and the plan as at a past date are both snapshots (actionplan/snapshot.py),
already in memory for the page, so the same code filters both.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from agencies.models import Agency, Membership

from .fields import TODAY, BoundedDateField
from .history import KINDS, date_range
from .models import Rag, Section
from .snapshot import SectionRow


class PlanFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words in the action, outcomes, evidence or leads",
    )
    section = forms.ModelChoiceField(
        queryset=Section.objects.none(), required=False, empty_label="All sections"
    )
    rag = forms.MultipleChoiceField(
        label="RAG rating",
        choices=Rag.form_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. None selected: any rating",
        error_messages={"invalid_choice": "Select RAG ratings from the list"},
    )
    lead = forms.ModelChoiceField(
        label="Lead agency or group",
        queryset=Agency.objects.filter(actions_led__isnull=False).distinct(),
        required=False,
        empty_label="Any lead",
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    no_evidence_since = BoundedDateField(
        label="No evidence since",
        required=False,
        help_text="For example, 1 4 2015 for the start of a quarter",
    )
    as_at = BoundedDateField(
        label="Show the plan as at",
        subject="The as-at date",
        latest=TODAY,
        required=False,
        help_text="A past date, for example 30 9 2015. Leave it empty for the plan today.",
        error_messages={"too_late": "The as-at date must be in the past"},
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(plan=plan)

    def clean_as_at(self):
        value = self.cleaned_data.get("as_at")
        if value and value >= timezone.localdate():
            raise forms.ValidationError("The as-at date must be in the past")
        return value


class ActionFilter:
    """The overview's filters: ``form`` for the page, ``matches(action)`` for each row."""

    def __init__(self, data, *, plan):
        self.form = PlanFilterForm(data, plan=plan)
        self.is_bound = self.form.is_bound

    @property
    def as_at_date(self):
        return self.form.cleaned_data.get("as_at") if self.form.is_valid() else None

    @property
    def is_filtered(self):
        return self.form.is_valid() and any(
            value not in (None, "", False, [])
            for name, value in self.form.cleaned_data.items()
            if name != "as_at"
        )

    def keep(self, sections):
        """These SectionRows with only the actions that match, and only the sections
        left with any (all of them when nothing is filtered)."""
        if not self.is_filtered:
            return sections
        kept = [
            SectionRow(row.section, [a for a in row.actions if self.matches(a)]) for row in sections
        ]
        return [row for row in kept if row.actions]

    def chosen(self):
        """What was filtered by, one (words, name part) pair a filter: the words for a
        person ("RAG Red"), the part for a file name ("red")."""
        if not self.is_filtered:
            return []
        data, chosen = self.form.cleaned_data, []
        if data.get("section"):
            section = data["section"]
            chosen.append(
                (f"section {section.number}. {section.title}", f"section-{section.number}")
            )
        if data.get("rag"):
            labels = [label for value, label in Rag.form_choices() if value in data["rag"]]
            chosen.append((f"RAG {', '.join(labels)}", "-".join(map(slugify, labels))))
        if data.get("lead"):
            chosen.append((f"lead agency {data['lead'].name}", data["lead"].slug))
        if data.get("overdue"):
            chosen.append(("overdue only", "overdue"))
        since = data.get("no_evidence_since")
        if since:
            chosen.append((f"no evidence since {since:%-d %B %Y}", f"no-evidence-since-{since}"))
        if data.get("q"):
            chosen.append((f"search “{data['q']}”", "search"))
        return chosen

    def description(self):
        """ "Filtered: RAG Red; lead agency Lancashire Police", or blank."""
        chosen = self.chosen()
        return "Filtered: " + "; ".join(words for words, _ in chosen) if chosen else ""

    def name_part(self):
        """ "red-lancashire-police": the filters in a file name, or blank."""
        return "-".join(part for _, part in self.chosen())[:80].strip("-")

    def matches(self, action):
        """Whether a snapshot action (with ``lead_list``, ``evidence_list`` and
        ``overdue``) passes every filter chosen."""
        data = self.form.cleaned_data
        if data.get("section") and action.section_id != data["section"].pk:
            return False
        if data.get("rag") and action.rag not in {Rag.from_form(rag) for rag in data["rag"]}:
            return False
        if data.get("lead") and all(lead.agency_id != data["lead"].pk for lead in action.lead_list):
            return False
        if data.get("overdue") and not action.overdue:
            return False
        since = data.get("no_evidence_since")
        if since and any(
            e.activity_date and e.activity_date >= since for e in action.evidence_list
        ):
            return False
        words = (data.get("q") or "").lower().split()
        if words:
            haystack = " ".join(
                [action.text, action.outcomes]
                + [lead.label for lead in action.lead_list]
                + [entry.text for entry in action.evidence_list]
            ).lower()
            return all(word in haystack for word in words)
        return True


class AsAtForm(forms.Form):
    """A past date to rebuild the plan (or an action) at, from the URL: ?as_at=2015-09-30."""

    as_at = BoundedDateField(required=False)

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
    start = BoundedDateField(label="From", required=False, help_text="For example, 1 7 2015")
    end = BoundedDateField(label="To", required=False, help_text="For example, 30 9 2015")

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
