from django.urls import path

from trove.geo import views

app_name = "geo"
urlpatterns = [
    path("units/", views.unit_search, name="units"),
]
