from django.urls import path

from trove.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("records/", views.records, name="records"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("my-work/", views.my_work, name="my_work"),
    path("export/", views.export, name="export"),
    path("table.csv", views.table_csv, name="table_csv"),
    path("publication/", views.publication_page, name="publication"),
    path("htcds/", views.htcds_export, name="htcds"),
]
