from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from trove.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("signin/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("geo/", include("trove.geo.urls")),
    path("agencies/", include("trove.agencies.urls")),
    path("admin/", admin.site.urls),
]
