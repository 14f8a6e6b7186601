from django.urls import path

from trove.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.batch_list, name="list"),
    path("new/", views.batch_new, name="new"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/sheet/", views.batch_sheet, name="sheet"),
    path("<int:pk>/columns/", views.batch_mapping, name="mapping"),
    path("<int:pk>/preview/", views.batch_preview, name="preview"),
    path("<int:pk>/start/", views.batch_start, name="start"),
    path("<int:pk>/check/", views.batch_check, name="check"),
    path("<int:pk>/resume/", views.batch_resume, name="resume"),
    path("<int:pk>/abandon/", views.batch_abandon, name="abandon"),
    path("<int:pk>/stop/", views.batch_stop, name="stop"),
    path("<int:pk>/undo/", views.batch_undo, name="undo"),
    path("mappings/<int:pk>/delete/", views.mapping_delete, name="mapping_delete"),
]
