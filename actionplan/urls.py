from django.contrib import admin
from django.urls import path

from . import views

urlpatterns = [
    path("", views.plan_overview, name="plan_overview"),
    path("admin/", admin.site.urls),
]
