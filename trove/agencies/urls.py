from django.urls import path

from trove.agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:agency_id>/", views.detail, name="detail"),
    path("mine/", views.my_memberships, name="my_memberships"),
    path("<int:agency_id>/members/add/", views.member_add, name="member_add"),
    path("<int:agency_id>/members/<int:membership_id>/end/", views.member_end, name="member_end"),
]
