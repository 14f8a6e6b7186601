from django.urls import path

from trove.verification import views

app_name = "verification"

urlpatterns = [
    path("deadlines/", views.deadlines, name="deadlines"),
    path("<str:code>/", views.case_verification, name="case"),
    path("<str:code>/steps/<int:step_id>/complete/", views.step_complete, name="step_complete"),
    path("<str:code>/steps/<int:step_id>/skip/", views.step_skip, name="step_skip"),
    path("<str:code>/requests/", views.request_send, name="request_send"),
    path("<str:code>/requests/<int:request_id>/reply/", views.request_reply, name="request_reply"),
    path("<str:code>/requests/<int:request_id>/close/", views.request_close, name="request_close"),
    path("<str:code>/grounds/<int:ground_id>/tick/", views.ground_tick, name="ground_tick"),
    path("<str:code>/grounds/<int:ground_id>/untick/", views.ground_untick, name="ground_untick"),
    path("<str:code>/decisions/", views.decision_propose, name="decision_propose"),
    path("<str:code>/decisions/<int:decision_id>/approve/", views.decision_approve, name="decision_approve"),
    path("<str:code>/decisions/<int:decision_id>/reject/", views.decision_reject, name="decision_reject"),
    path("<str:code>/status/", views.status_change, name="status_change"),
    path("<str:code>/reopen/", views.case_reopen, name="case_reopen"),
]
