"""Mounted at /api/v1/ by trove/urls.py. The API's operations come from ninja; the documentation and token pages
are ordinary pages; any other address under /api/v1/ answers 404 in the API's error shape."""

from django.urls import path, re_path

from trove.api import views
from trove.api.api import api

# Not "app_name": Django would read a module-level app_name as this URLconf's namespace.
operations, ninja_app, ninja_namespace = api.urls
for pattern in operations:
    pattern.callback = views.json_errors(pattern.callback)

urlpatterns = [
    path("", views.index, name="api_index"),
    path("docs", views.docs, name="api_docs"),
    path("account/tokens/", views.tokens, name="api_tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("", (operations, ninja_app, ninja_namespace)),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
