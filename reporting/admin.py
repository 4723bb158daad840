"""Issued packs in the Django admin: to look at, never to change. A pack is issued from
the board pack pages or the command line; once issued it cannot be edited or deleted."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .models import BoardPack, PackDownload, PackJob, PackWithdrawal


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BoardPack)
class BoardPackAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "period_label", "since_date", "issued_by_name", "issued_at"]
    list_filter = ["plan"]
    fields = [
        "plan",
        "period_label",
        "as_at",
        "since_date",
        "previous_pack",
        "issued_by",
        "issued_by_name",
        "issued_at",
        "issue_number",
        "sha256",
        "size",
        "download",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf").select_related("plan")

    @admin.display(description="size (bytes)")
    def size(self, obj):
        return len(obj.pdf)

    @admin.display(description="PDF")
    def download(self, obj):
        url = reverse("board_pack_download", args=[obj.pk])
        return format_html('<a href="{}">Download (recorded)</a>', url)


@admin.register(PackWithdrawal)
class PackWithdrawalAdmin(ReadOnlyAdmin):
    list_display = ["pack", "withdrawn_by_name", "withdrawn_at"]
    list_select_related = ["pack__plan"]
    readonly_fields = ["pack", "reason", "withdrawn_by", "withdrawn_by_name", "withdrawn_at"]


@admin.register(PackDownload)
class PackDownloadAdmin(ReadOnlyAdmin):
    list_display = ["pack", "user", "downloaded_at"]
    list_filter = ["pack__plan"]
    list_select_related = ["pack__plan", "user"]
    readonly_fields = ["pack", "user", "downloaded_at"]


@admin.register(PackJob)
class PackJobAdmin(ReadOnlyAdmin):
    """Packs asked for in the browser and made by the worker. The task queue's own rows
    (with tracebacks of failures) are under "Django Tasks DB"."""

    list_display = ["__str__", "status", "requested_by", "requested_at", "finished_at"]
    list_filter = ["status", "kind", "plan"]
    list_select_related = ["plan", "requested_by"]
    fields = [
        "plan",
        "kind",
        "as_at",
        "since_date",
        "requested_by",
        "requested_at",
        "status",
        "started_at",
        "finished_at",
        "error",
        "pack",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf")
