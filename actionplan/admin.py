"""The Django admin for the plan, under the same rules as the pages.

- Nothing of the plan is deleted, not even by a superuser: no delete permission for
  plans, sections, actions, leads or evidence. An action or a section is removed, an
  evidence entry withdrawn, from its change form with a reason ("Remove it from the
  plan, because ..."), exactly as on the pages; history keeps it all. A removed or
  withdrawn object can be looked at, no longer changed.
- Who did what and when is history, not for editing: recorded by and at, rated by and
  at, the rating and its reason (only "Rate an action" changes them), removed or
  withdrawn at and why, the version, the due date (worked out from the timescale) and
  the original timescale are read-only. An action moves on its Move page (renumbering
  the others, with a reason), not by editing its section or position here.
- Every change is saved through ``save()`` with a reason, so history says who, when and
  why: "Edited in the admin", or the reason given for a new timescale, a removal or a
  withdrawal. Revert is disabled (``SIMPLE_HISTORY_REVERT_DISABLED``); history is
  read-only.
- Free text loses pasted control characters and dates stay in the window, as on the
  pages (``actionplan.fields``).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .fields import TODAY, BoundedDateField, PlainTextField
from .models import Action, ActionLead, EvidenceEntry, Plan, Section

ADMIN_REASON = "Edited in the admin"

# History and audit fields: shown, never edited, wherever a model has them.
AUDIT_FIELDS = [
    "version",
    "recorded_by",
    "recorded_at",
    "rag",
    "rag_reason",
    "rated_by",
    "rated_at",
    "withdrawn_at",
    "withdrawn_reason",
    "removed_at",
    "removed_reason",
    "due_date",
    "original_timescale",
]

FORM_FIELDS = {
    models.CharField: {"form_class": PlainTextField},
    models.TextField: {"form_class": PlainTextField},
    models.SlugField: {"widget": widgets.AdminTextInputWidget},  # a slug keeps its field
    # The one date entered here is when an activity happened: never in the future.
    models.DateField: {"form_class": BoundedDateField, "latest": TODAY},
}


def audit_fields(model):
    names = {field.name for field in model._meta.get_fields()}
    return [name for name in AUDIT_FIELDS if name in names]


def is_closed(obj):
    """Removed from the plan, or withdrawn: kept for the record, no longer changed."""
    return getattr(obj, "removed_at", None) is not None or (
        getattr(obj, "withdrawn_at", None) is not None
    )


class PlanRules:
    """What every admin and inline of the plan's objects shares."""

    formfield_overrides = FORM_FIELDS

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and is_closed(obj):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + [name for name in audit_fields(self.model) if name not in readonly]


class PlanObjectAdmin(PlanRules, SimpleHistoryAdmin):
    """Saves the object and its inlines with a reason; takes a soft delete (removal or
    withdrawal, with a reason) from ``form.soft_delete`` when the form has one."""

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:  # nothing to remove or withdraw yet
            fields = [name for name in fields if name not in SOFT_DELETE_FIELDS]
        return fields

    def change_reason(self, form):
        return ADMIN_REASON

    def save_model(self, request, obj, form, change):
        if change and form.soft_delete_reason():
            form.soft_delete(obj, form.soft_delete_reason())
            return
        if not change and "recorded_by" in audit_fields(type(obj)):
            obj.recorded_by = request.user
        obj._change_reason = self.change_reason(form)
        obj.save()

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if instance.pk is None and "recorded_by" in audit_fields(type(instance)):
                instance.recorded_by = request.user
            instance._change_reason = ADMIN_REASON
            instance.save()
        formset.save_m2m()


# -- soft delete, with a reason --------------------------------------------------------

SOFT_DELETE_FIELDS = {"remove_reason", "withdraw_reason"}


KEPT = "Nothing is deleted: history keeps it all, with this reason. Leave blank to keep it."


def reason_field(label, help_text=KEPT):
    return PlainTextField(
        label=label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class PlanObjectForm(forms.ModelForm):
    def soft_delete_reason(self):
        return ""

    def soft_delete(self, obj, reason):
        raise NotImplementedError


class RemovableForm(PlanObjectForm):
    remove_reason = reason_field("Remove it from the plan, because")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_reason") and self.instance.pk:
            try:
                self.instance.check_can_remove()
            except ValidationError as error:
                self.add_error("remove_reason", error.messages)
        return cleaned

    def soft_delete_reason(self):
        return self.cleaned_data.get("remove_reason")

    def soft_delete(self, obj, reason):
        obj.remove(reason)


# -- the admins ------------------------------------------------------------------------


class SectionInline(PlanRules, admin.TabularInline):
    model = Section
    extra = 0
    fields = ["number", "title", "title_reconstructed"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(PlanObjectAdmin):
    form = PlanObjectForm
    list_display = ["title", "partnership", "owner", "protective_marking"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]


class ActionInline(PlanRules, admin.TabularInline):
    """The section's actions, to look at: each is changed, moved or removed on its own
    page, where the reasons are asked for."""

    model = Action
    extra = 0
    fields = ["position", "text", "timescale", "rag"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(PlanObjectAdmin):
    form = RemovableForm
    list_display = ["__str__", "plan", "title_reconstructed"]
    list_filter = ["plan"]
    inlines = [ActionInline]


class LeadInline(PlanRules, admin.TabularInline):
    model = ActionLead
    extra = 0
    autocomplete_fields = ["agency"]


class EvidenceInline(PlanRules, admin.TabularInline):
    """The action's evidence, to look at: each entry is changed or withdrawn on its own
    page (a withdrawn entry is no longer changed)."""

    model = EvidenceEntry
    extra = 0
    fields = ["text", "activity_date", "agency", "recorded_by", "withdrawn_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ActionForm(RemovableForm):
    timescale_reason = reason_field(
        "Reason for changing the timescale",
        "Needed when the timescale changes. The board sees it beside the original.",
    )

    def clean(self):
        cleaned = super().clean()
        changed = self.instance.pk and "timescale" in self.changed_data
        if changed and not cleaned.get("timescale_reason"):
            self.add_error("timescale_reason", "Enter the reason for changing the timescale")
        return cleaned


@admin.register(Action)
class ActionAdmin(PlanObjectAdmin):
    form = ActionForm
    list_display = ["ref", "short_text", "timescale", "due_date", "rag"]
    list_filter = ["section__plan", "section", "rag"]
    search_fields = ["text", "outcomes", "evidence_entries__text"]
    list_select_related = ["section"]
    inlines = [LeadInline, EvidenceInline]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            fields = [name for name in fields if name != "timescale_reason"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly + (["section", "position"] if obj is not None else [])

    @admin.display(description="action")
    def short_text(self, obj):
        return obj.text[:80]

    @admin.display(description="ref", ordering="section__number")
    def ref(self, obj):
        return obj.ref

    def change_reason(self, form):
        return form.cleaned_data.get("timescale_reason") or ADMIN_REASON


class EvidenceEntryForm(PlanObjectForm):
    withdraw_reason = reason_field("Withdraw this entry, because")

    def soft_delete_reason(self):
        return self.cleaned_data.get("withdraw_reason")

    def soft_delete(self, obj, reason):
        obj.withdraw(reason)


@admin.register(EvidenceEntry)
class EvidenceEntryAdmin(PlanObjectAdmin):
    form = EvidenceEntryForm
    list_display = ["__str__", "action", "activity_date", "agency", "recorded_by"]
    list_filter = ["agency", "action__section__plan"]
    search_fields = ["text"]
    list_select_related = ["action__section", "agency", "recorded_by"]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly + (["action"] if obj is not None else [])
