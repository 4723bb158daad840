from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.plan_overview, name="plan_overview"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
