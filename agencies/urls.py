from django.urls import path

from . import views

urlpatterns = [
    path("", views.manage, name="manage"),
    path("agencies/new/", views.agency_form, name="agency_new"),
    path("agencies/<int:pk>/edit/", views.agency_form, name="agency_edit"),
    path("posts/new/", views.post_new, name="post_new"),
    path("people/new/", views.person_form, name="person_new"),
    path("people/<int:pk>/edit/", views.person_form, name="person_edit"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("memberships/new/", views.membership_new, name="membership_new"),
    path("audit/", views.audit_log, name="audit_log"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
]
