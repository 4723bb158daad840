from django.urls import path

from . import update_views, views

urlpatterns = [
    path("plans/import/", views.upload, name="plan_import"),
    path("plans/import/preview/", views.preview, name="plan_import_preview"),
    path("plans/<slug:slug>/imported-from/", views.imported_document, name="plan_import_document"),
    path("plans/<slug:slug>/updates/", update_views.upload_updates, name="plan_updates"),
    path("plans/<slug:slug>/updates/check/", update_views.check_updates, name="plan_updates_check"),
    path(
        "plans/<slug:slug>/updates/save/",
        update_views.save_updates_from_sheet,
        name="plan_updates_save",
    ),
]
