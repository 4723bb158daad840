"""The Django admin for the plan. Every change goes through save(), so history is
kept; revert is disabled (SIMPLE_HISTORY_REVERT_DISABLED) and history is read-only.
RAG ratings change only through "Rate an action", which demands a reason."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, ActionLead, EvidenceEntry, Plan, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["number", "title", "title_reconstructed"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "partnership", "owner", "protective_marking"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["position", "text", "timescale", "rag"]
    readonly_fields = ["rag"]
    show_change_link = True


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "title_reconstructed"]
    list_filter = ["plan"]
    inlines = [ActionInline]


class LeadInline(admin.TabularInline):
    model = ActionLead
    extra = 0
    autocomplete_fields = ["agency"]


class EvidenceInline(admin.StackedInline):
    model = EvidenceEntry
    extra = 0
    fields = ["text", "activity_date", "agency", "recorded_by", "rag"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["ref", "short_text", "timescale", "due_date", "rag"]
    list_filter = ["section__plan", "section", "rag"]
    search_fields = ["text", "outcomes", "evidence_entries__text"]
    list_select_related = ["section"]
    readonly_fields = [
        "due_date",
        "original_timescale",
        "rag",
        "rag_reason",
        "rated_by",
        "rated_at",
    ]
    inlines = [LeadInline, EvidenceInline]

    @admin.display(description="action")
    def short_text(self, obj):
        return obj.text[:80]

    @admin.display(description="ref", ordering="section__number")
    def ref(self, obj):
        return obj.ref

    def save_model(self, request, obj, form, change):
        obj._change_reason = "Edited in the admin"
        super().save_model(request, obj, form, change)


@admin.register(EvidenceEntry)
class EvidenceEntryAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "action", "activity_date", "agency", "recorded_by"]
    list_filter = ["agency", "action__section__plan"]
    search_fields = ["text"]
    list_select_related = ["action__section", "agency", "recorded_by"]
