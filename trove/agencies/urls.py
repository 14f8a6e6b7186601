from django.urls import path

from trove.agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:agency_id>/", views.detail, name="detail"),
    path("mine/", views.my_memberships, name="my_memberships"),
]
