from django.urls import path

from trove.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("cases/<str:code>/access/", views.access_request_new, name="access_new"),
    path("cases/<str:code>/erase/", views.erase, name="erase"),
    path("requests/<int:pk>/", views.request_report, name="report"),
    path("requests/<int:pk>/report.docx", views.request_report_download, name="report_download"),
    path("requests/<int:pk>/answer/", views.request_answer, name="answer"),
]
