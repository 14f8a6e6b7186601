from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from trove.core import access_views, audit_views, job_views
from trove.core import auth_views as signin_views
from trove.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("signin/", signin_views.SignInView.as_view(), name="login"),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", signin_views.two_factor_verify, name="two_factor_verify"),
    path("account/two-factor/enrol/", signin_views.two_factor_enrol, name="two_factor_enrol"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("geo/", include("trove.geo.urls")),
    path("agencies/", include("trove.agencies.urls")),
    path("cases/intake/", include("trove.cases.intake_urls")),
    path("cases/", include("trove.cases.urls")),
    path("documents/", include("trove.documents.urls")),
    path("verification/", include("trove.verification.urls")),
    path("notifications/", include("trove.notifications.urls")),
    path("registries/", include("trove.people.urls")),
    path("support/", include("trove.support.urls")),
    path("referrals/", include("trove.referrals.urls")),
    path("tips/", include("trove.intel.urls")),
    path("plans/", include("trove.plans.urls")),
    path("reports/", include("trove.reports.urls")),
    path("imports/", include("trove.imports.urls")),
    path("api/v1/", include("trove.api.urls")),
    path("people/", include("trove.people.merge_urls")),
    path("privacy/", include("trove.privacy.urls")),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("jobs/<uuid:job_id>/", job_views.job_page, name="job"),
    path("jobs/<uuid:job_id>/status.json", job_views.job_status, name="job_status"),
    path("jobs/<uuid:job_id>/download", job_views.job_download, name="job_download"),
    path("access/<str:label>/<int:pk>/break-glass/", access_views.break_glass, name="break_glass"),
    path("access/case/<str:code>/break-glass/", access_views.break_glass_case, name="break_glass_case"),
    path("admin/", admin.site.urls),
]

handler500 = "trove.core.views.server_error"
