from django.urls import path

from trove.documents import views

app_name = "documents"

urlpatterns = [
    path("cases/<str:code>/intake-record.docx", views.intake_record, name="intake_record"),
    path("cases/<str:code>/requests/<int:request_id>/letter.docx", views.request_letter, name="request_letter"),
    path("cases/<str:code>/decisions/<int:decision_id>/decision.docx", views.decision_document,
         name="decision_document"),
]
