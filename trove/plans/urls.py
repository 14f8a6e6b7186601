from django.urls import path

from trove.plans import activity_views, progress_views, views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/references/", views.reference_add, name="reference_add"),
    path("<int:pk>/references/<int:ref_id>/remove/", views.reference_remove, name="reference_remove"),
    path("<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("<int:pk>/indicators/<int:indicator_id>/remove/", views.indicator_remove, name="indicator_remove"),
    path("<int:pk>/indicators/<int:indicator_id>/", progress_views.indicator_records, name="indicator"),
    path("<int:pk>/items/new/", views.item_edit, name="item_new"),
    path("<int:pk>/items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:item_id>/remove/", views.item_remove, name="item_remove"),
    path("<int:pk>/duties/new/", views.duty_edit, name="duty_new"),
    path("<int:pk>/duties/<int:duty_id>/edit/", views.duty_edit, name="duty_edit"),
    path("<int:pk>/duties/<int:duty_id>/remove/", views.duty_remove, name="duty_remove"),
    path("<int:pk>/issue/", views.plan_issue, name="issue"),
    path("<int:pk>/revise/", views.plan_revise, name="revise"),
    path("<int:pk>/copy/", views.plan_copy, name="copy"),
    path("<int:pk>/share/", views.plan_share, name="share"),
    path("<int:pk>/export.docx", views.plan_export, name="export"),
    path("<int:pk>/progress/", progress_views.progress, name="progress"),
    path("<int:pk>/remind/", progress_views.remind, name="remind"),
    path("<int:pk>/reports/new/", progress_views.report_new, name="report_new"),
    path("<int:pk>/reports/<int:report_id>/", progress_views.report_detail, name="report"),
    path("<int:pk>/activities/", activity_views.activity_list, name="activities"),
    path("<int:pk>/activities/new/<str:kind>/", activity_views.activity_new, name="activity_new"),
    path("<int:pk>/activities/<int:activity_id>/", activity_views.activity_detail, name="activity"),
    path("<int:pk>/activities/<int:activity_id>/files/", activity_views.activity_file_add, name="activity_file_add"),
    path("<int:pk>/activities/<int:activity_id>/files/<int:file_id>/", activity_views.activity_file,
         name="activity_file"),
]
