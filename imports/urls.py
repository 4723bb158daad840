from django.urls import path

from . import views

urlpatterns = [
    path("plans/import/", views.upload, name="plan_import"),
    path("plans/import/preview/", views.preview, name="plan_import_preview"),
]
