from django.urls import path

from trove.people import merge_views, person_views

app_name = "people_merge"
urlpatterns = [
    path("case/<str:code>/duplicates/", merge_views.duplicates, name="duplicates"),
    path("case/<str:code>/person/", person_views.person_edit, name="person_edit"),
    path("merges/", merge_views.merge_list, name="list"),
    path("merges/<int:pk>/undo/", merge_views.merge_undo, name="undo"),
]
