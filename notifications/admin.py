"""Email in the Django admin: the calendar and preferences with their history, and the
outbox to look at (it is changed by the sender and the outbox page, never by hand)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EmailPreference, OutboxMessage, ReportingCalendar, UpdateDeadline


@admin.register(ReportingCalendar)
class ReportingCalendarAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "quarter_ends", "reminder_days", "review_days"]


@admin.register(UpdateDeadline)
class UpdateDeadlineAdmin(SimpleHistoryAdmin):
    list_display = ["date", "plan"]
    list_filter = ["plan"]


@admin.register(EmailPreference)
class EmailPreferenceAdmin(SimpleHistoryAdmin):
    list_display = ["user", "reminders", "evidence_to_review", "rating_alert"]
    search_fields = ["user__username", "user__email"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
