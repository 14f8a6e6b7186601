from django.urls import path

from trove.cases import exploitation_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<str:code>/", views.case_detail, name="detail"),
    path("<str:code>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<str:code>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("<str:code>/lifecycle/", views.case_lifecycle, name="lifecycle"),
    path("<str:code>/exploitation/", exploitation_views.case_exploitation, name="exploitation"),
    path("<str:code>/close/", views.case_close, name="close"),
    path("<str:code>/reopen/", views.case_reopen, name="reopen"),
    path("<str:code>/transfers/", views.transfer_request, name="transfer_request"),
    path("<str:code>/transfers/<int:transfer_id>/accept/", views.transfer_accept, name="transfer_accept"),
    path("<str:code>/transfers/<int:transfer_id>/reject/", views.transfer_reject, name="transfer_reject"),
]
