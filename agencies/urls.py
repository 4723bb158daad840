from django.urls import path

from . import views

urlpatterns = [
    path("", views.manage, name="manage"),
    path("agencies/new/", views.AddAgency.as_view(), name="agency_new"),
    path("agencies/<int:pk>/edit/", views.EditAgency.as_view(), name="agency_edit"),
    path("posts/new/", views.AddPost.as_view(), name="post_new"),
    path("people/new/", views.AddPerson.as_view(), name="person_new"),
    path("people/<int:pk>/edit/", views.EditPerson.as_view(), name="person_edit"),
    path("people/<int:pk>/deactivate/", views.DeactivatePerson.as_view(), name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.ReactivatePerson.as_view(), name="person_reactivate"),
    path(
        "people/<int:pk>/reset-second-factor/",
        views.ResetFactor.as_view(),
        name="person_reset_factor",
    ),
    path("people/<int:pk>/invite/", views.InvitePerson.as_view(), name="person_invite"),
    path("memberships/new/", views.AddMembership.as_view(), name="membership_new"),
    path("audit/", views.audit_log, name="audit_log"),
    path(
        "memberships/<int:pk>/remove/", views.RemoveMembership.as_view(), name="membership_remove"
    ),
]
