from django.urls import path

from trove.referrals import followup_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/<str:code>/", views.referral_new, name="new"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/accept/", views.referral_accept, name="accept"),
    path("<int:referral_id>/decline/", views.referral_decline, name="decline"),
    path("<int:referral_id>/services/", views.referral_service, name="service"),
    path("<int:referral_id>/close/", views.referral_close, name="close"),
    path("<int:referral_id>/revoke/", views.referral_revoke, name="revoke"),
    path("case/<str:code>/checklist/", views.checklist_update, name="checklist"),
    path("followup/", followup_views.followup_list, name="followup"),
    path("case/<str:code>/followup/", followup_views.case_followup, name="case_followup"),
    path("case/<str:code>/followup/plan/", followup_views.plan_create, name="plan_create"),
    path("case/<str:code>/followup/activities/", followup_views.activity_record, name="activity_record"),
    path("visits/<int:visit_id>/", followup_views.visit, name="visit"),
]
