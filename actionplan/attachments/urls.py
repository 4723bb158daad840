from django.urls import path

from . import views

urlpatterns = [
    path("evidence/<int:pk>/attachments/new/", views.add_attachment, name="add_attachment"),
    path("attachments/<int:pk>/", views.download_attachment, name="download_attachment"),
    path("attachments/<int:pk>/withdraw/", views.withdraw_attachment, name="withdraw_attachment"),
]
