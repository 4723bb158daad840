"""The record of each Word import, in the admin to look at, never to change."""

from django.contrib import admin

from reporting.admin import ReadOnlyAdmin

from .models import PlanImport


@admin.register(PlanImport)
class PlanImportAdmin(ReadOnlyAdmin):
    list_display = ["plan", "file_name", "as_of", "imported_by", "imported_at"]
    fields = ["plan", "file_name", "sha256", "size", "as_of", "imported_by", "imported_at"]
    readonly_fields = fields
