from django.urls import path

from trove.documents import views

app_name = "documents"

urlpatterns = [
    path("cases/<str:code>/intake-record.docx", views.intake_record, name="intake_record"),
]
