from django.urls import path

from . import views

urlpatterns = [
    path("history-check/", views.history_check, name="history_check"),
]
