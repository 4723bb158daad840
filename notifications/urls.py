from django.urls import path

from . import views

urlpatterns = [
    path("accounts/emails/", views.my_emails, name="my_emails"),
    path("accounts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("manage/emails/", views.outbox, name="outbox"),
    path(
        "manage/emails/<int:pk>/send-again/",
        views.SendAgain.as_view(),
        name="outbox_send_again",
    ),
    path("manage/plans/<int:pk>/calendar/", views.reporting_calendar, name="reporting_calendar"),
    path(
        "manage/plans/<int:pk>/calendar/edit/",
        views.EditReportingCalendar.as_view(),
        name="reporting_calendar_edit",
    ),
]
