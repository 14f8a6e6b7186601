from django.urls import path

from trove.support import budget_views, ledger_views, views

app_name = "support"

urlpatterns = [
    path("", ledger_views.overview, name="overview"),
    path("cases/<str:code>/", ledger_views.case_support, name="case_support"),
    path("cases/<str:code>/entries/", ledger_views.entry_add, name="entry_add"),
    path("cases/<str:code>/entries/<int:entry_id>/cancel/", ledger_views.entry_cancel, name="entry_cancel"),
    path("cases/<str:code>/refusals/", ledger_views.refusal_add, name="refusal_add"),
    path("cases/<str:code>/extensions/", ledger_views.extension_add, name="extension_add"),
    path("cases/<str:code>/hardship/", ledger_views.hardship_apply, name="hardship_apply"),
    path("cases/<str:code>/hardship/<int:application_id>/<str:step>/", ledger_views.hardship_step,
         name="hardship_step"),
    path("cases/<str:code>/protection/", views.case_protection, name="case_protection"),
    path("cases/<str:code>/protection/risk/", views.risk_add, name="risk_add"),
    path("cases/<str:code>/protection/measures/", views.measure_add, name="measure_add"),
    path("cases/<str:code>/protection/measures/<int:measure_id>/end/", views.measure_end, name="measure_end"),
    path("cases/<str:code>/protection/confidentiality/", views.confidentiality_set, name="confidentiality_set"),
    path("cases/<str:code>/protection/confidentiality/lift/", views.confidentiality_lift,
         name="confidentiality_lift"),
    path("cases/<str:code>/needs/", views.case_needs, name="case_needs"),
    path("cases/<str:code>/needs/assess/", views.needs_add, name="needs_add"),
    path("cases/<str:code>/needs/circumstances/", views.circumstances_set, name="circumstances_set"),
    path("cases/<str:code>/plan/", views.case_plan, name="case_plan"),
    path("cases/<str:code>/plan/goals/", views.plan_save, name="plan_save"),
    path("cases/<str:code>/plan/services/", views.service_add, name="service_add"),
    path("cases/<str:code>/plan/services/<int:service_id>/status/", views.service_status, name="service_status"),
    path("budgets/", budget_views.budgets, name="budgets"),
    path("budgets/new/", budget_views.estimate_add, name="estimate_add"),
    path("budgets/<int:estimate_id>/", budget_views.estimate, name="estimate"),
    path("budgets/<int:estimate_id>/lines/", budget_views.line_set, name="line_set"),
    path("budgets/<int:estimate_id>/lines/<int:line_id>/remove/", budget_views.line_remove, name="line_remove"),
    path("budgets/<int:estimate_id>/submit/", budget_views.estimate_submit, name="estimate_submit"),
    path("budgets/<int:estimate_id>/reopen/", budget_views.estimate_reopen, name="estimate_reopen"),
    path("budgets/<int:estimate_id>/export.xlsx", budget_views.estimate_export, name="estimate_export"),
    path("funding/", budget_views.source_add, name="source_add"),
    path("funding/<int:source_id>/close/", budget_views.source_close, name="source_close"),
]
