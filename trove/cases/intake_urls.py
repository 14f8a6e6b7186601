from django.urls import path

from trove.cases import intake_views

app_name = "cases_intake"
urlpatterns = [
    path("", intake_views.intake, name="form"),
    path("draft/", intake_views.intake_autosave, name="autosave"),
    path("draft/discard/", intake_views.intake_discard, name="discard"),
]
