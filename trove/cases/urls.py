from django.urls import path

from trove.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<str:code>/", views.case_detail, name="detail"),
    path("<str:code>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<str:code>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
]
