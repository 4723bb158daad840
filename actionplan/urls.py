from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from agencies import factor_views
from notifications import account_views

from . import history_views, plan_views, review_views, structure_views, views

handler403 = "actionplan.history_views.permission_denied"

urlpatterns = [
    path("", views.plan_overview, name="plan_overview"),
    # Before plans/<slug>/: "import" is a page, not a plan.
    path("", include("imports.urls")),
    path("plans/<slug:slug>/", views.plan_overview, name="plan_overview_for"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("plans/<slug:slug>/dashboard/", views.dashboard, name="dashboard_for"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("welcome/", views.landing, name="landing"),
    path("review/", review_views.review_home, name="review"),
    path("plans/<slug:slug>/review/", review_views.review_start, name="review_start"),
    path("plans/<slug:slug>/review/<int:pk>/", review_views.review_action, name="review_action"),
    path("plans/<slug:slug>/ratings/", review_views.rag_definitions, name="rag_definitions"),
    path("plans/<slug:slug>/renumber/", structure_views.renumber_plan, name="renumber_plan"),
    path("activity/", history_views.activity, name="activity"),
    path("plans/<slug:slug>/activity/", history_views.activity, name="activity_for"),
    path("", include("reporting.export_urls")),
    path("", include("actionplan.attachments.urls")),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/history/", history_views.action_history, name="action_history"),
    path("actions/<int:pk>/rate/", views.rate_action, name="rate_action"),
    path("actions/<int:pk>/evidence/new/", views.add_evidence, name="add_evidence"),
    path("actions/<int:pk>/edit/", structure_views.edit_action, name="edit_action"),
    path("actions/<int:pk>/move/", structure_views.move_action, name="move_action"),
    path("actions/<int:pk>/remove/", structure_views.remove_action, name="remove_action"),
    path("evidence/<int:pk>/edit/", views.edit_evidence, name="edit_evidence"),
    path("evidence/<int:pk>/withdraw/", views.withdraw_evidence, name="withdraw_evidence"),
    path("sections/<int:pk>/edit/", structure_views.edit_section, name="edit_section"),
    path("sections/<int:pk>/remove/", structure_views.remove_section, name="remove_section"),
    path("sections/<int:pk>/actions/new/", structure_views.add_action, name="add_action"),
    path("manage/plans/new/", plan_views.AddPlan.as_view(), name="plan_new"),
    path("manage/plans/<int:pk>/edit/", plan_views.EditPlan.as_view(), name="plan_edit"),
    path("manage/plans/<int:pk>/close/", plan_views.ClosePlan.as_view(), name="plan_close"),
    path("manage/plans/<int:pk>/copy/", plan_views.CopyPlan.as_view(), name="plan_copy"),
    path(
        "manage/plans/<int:pk>/sections/new/", plan_views.AddSection.as_view(), name="section_new"
    ),
    path("manage/", include("agencies.urls")),
    path("manage/", include("integrity.urls")),
    path("packs/", include("reporting.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor, after the password, for the roles in MFA_REQUIRED_ROLES.
    path("accounts/second-factor/", factor_views.verify, name="factor_verify"),
    path("accounts/second-factor/set-up/", factor_views.set_up, name="factor_set_up"),
    path("accounts/second-factor/recovery/", factor_views.recovery, name="factor_recovery"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # "Forgotten your password?" and invitations: links sent by email (notifications).
    path(
        "accounts/password-reset/",
        account_views.ForgottenPassword.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        account_views.ResetLinkSent.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.SetNewPassword.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        account_views.AcceptInvitation.as_view(),
        name="invitation",
    ),
    path("", include("notifications.urls")),
    path("admin/", admin.site.urls),
]
