"""Filters for the plan overview. They live in the URL, so a view can be bookmarked."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from agencies.models import Agency

from .models import Action, EvidenceEntry, Rag, Section

NOT_RATED = "none"


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        max_length=200,
        help_text="Words in the action, outcomes, evidence or leads",
    )
    section = django_filters.ModelChoiceFilter(
        queryset=Section.objects.none(), empty_label="All sections"
    )
    rag = django_filters.ChoiceFilter(
        label="RAG rating",
        choices=[*Rag.choices, (NOT_RATED, "Not rated")],
        empty_label="Any rating",
        method="filter_rag",
    )
    lead = django_filters.ModelChoiceFilter(
        label="Lead agency or group",
        queryset=Agency.objects.filter(actions_led__isnull=False).distinct(),
        empty_label="Any lead",
        method="filter_lead",
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only",
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    no_evidence_since = django_filters.DateFilter(
        label="No evidence since",
        method="filter_no_evidence_since",
        help_text="For example, 1/4/2015 for the start of a quarter",
    )

    as_at = django_filters.DateFilter(
        label="Show the plan as at",
        method="filter_as_at",
        help_text="A past date, like 30/9/2015. Leave empty for the plan today.",
    )

    class Meta:
        model = Action
        fields = ["q", "section", "rag", "lead", "overdue", "no_evidence_since", "as_at"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["section"].queryset = Section.objects.filter(plan=plan)
        self.form.fields["no_evidence_since"].error_messages["invalid"] = (
            "No evidence since must be a real date, like 1/4/2015"
        )
        self.form.fields["as_at"].error_messages["invalid"] = (
            "The as-at date must be a real date, like 30/9/2015"
        )
        self.form.clean_as_at = self._clean_as_at

    def _clean_as_at(self):
        value = self.form.cleaned_data.get("as_at")
        if value and value >= timezone.localdate():
            raise forms.ValidationError("The as-at date must be in the past")
        return value

    @property
    def as_at_date(self):
        return self.form.cleaned_data.get("as_at") if self.form.is_valid() else None

    def filter_as_at(self, queryset, name, value):
        # The plan as at a date is rebuilt from history (see matches()), not a queryset.
        return queryset

    def filter_text(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(text__icontains=word)
                | Q(outcomes__icontains=word)
                | Q(leads__agency__name__icontains=word)
                | Q(leads__post__title__icontains=word)
                | Q(evidence_entries__text__icontains=word, evidence_entries__withdrawn_at=None)
            )
        return queryset.distinct() if words else queryset

    def filter_rag(self, queryset, name, value):
        return queryset.not_rated() if value == NOT_RATED else queryset.rated(value)

    def filter_lead(self, queryset, name, value):
        return queryset.led_by(value)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset

    def filter_no_evidence_since(self, queryset, name, value):
        recent = EvidenceEntry.objects.current().filter(
            action=OuterRef("pk"), activity_date__gte=value
        )
        return queryset.filter(~Exists(recent))

    @property
    def is_filtered(self):
        return self.form.is_valid() and any(
            value not in (None, "", False)
            for name, value in self.form.cleaned_data.items()
            if name != "as_at"
        )

    def matches(self, action):
        """The same filters, for an action rebuilt from history (the plan as at a date).

        Reconstructed rows are not a queryset, so this is done in memory, on one plan."""
        data = self.form.cleaned_data
        if data.get("section") and action.section_id != data["section"].pk:
            return False
        if data.get("rag") and action.rag != ("" if data["rag"] == NOT_RATED else data["rag"]):
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
