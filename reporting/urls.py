from django.urls import path

from . import views

urlpatterns = [
    path("", views.board_packs, name="board_packs"),
    path("new/", views.board_pack_new, name="board_pack_new"),
    path("preview/", views.board_pack_preview, name="board_pack_preview"),
    path("draft.pdf", views.board_pack_draft_pdf, name="board_pack_draft_pdf"),
    path("issue/", views.board_pack_issue, name="board_pack_issue"),
    path("<int:pk>/download/", views.board_pack_download, name="board_pack_download"),
    path("<int:pk>/withdraw/", views.board_pack_withdraw, name="board_pack_withdraw"),
    path("jobs/<int:pk>/", views.board_pack_job, name="board_pack_job"),
    path("jobs/<int:pk>/draft.pdf", views.board_pack_job_pdf, name="board_pack_job_pdf"),
]
