"""The plan's downloads (CSV and Excel), mounted at the site's root by actionplan/urls.py:
``/export.csv`` for the first plan, ``/plans/<slug>/export.csv`` for any plan."""

from django.urls import path

from .export_views import export_plan

urlpatterns = [
    path("export.csv", export_plan, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", export_plan, {"fmt": "xlsx"}, name="export_xlsx"),
    path("plans/<slug:slug>/export.csv", export_plan, {"fmt": "csv"}, name="export_csv_for"),
    path("plans/<slug:slug>/export.xlsx", export_plan, {"fmt": "xlsx"}, name="export_xlsx_for"),
]
