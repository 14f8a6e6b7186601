"""The API's pages: the documentation (from the OpenAPI document, server-rendered, no script) and the user's token
page, where tokens are created (shown once) and revoked."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trove.api import actions
from trove.api.errors import error_response
from trove.api.forms import TokenForm
from trove.api.models import ApiToken
from trove.core import policy

METHODS = ("get", "post", "put", "patch", "delete")


def _operations(schema: dict) -> list[dict]:
    """The operations of the document grouped by tag, in the order the resources are registered."""
    groups: dict[str, list] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            groups.setdefault((operation.get("tags") or ["api"])[0], []).append({
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": operation.get("description", ""), "id": operation.get("operationId", ""),
                "parameters": [
                    {"name": p["name"], "in": p["in"], "required": p.get("required", False),
                     "description": p.get("description") or p.get("schema", {}).get("description", "")}
                    for p in operation.get("parameters", [])
                ],
                "body": body.get("$ref", "").rsplit("/", 1)[-1],
                "responses": sorted(operation.get("responses", {})),
            })
    return [{"tag": tag, "operations": operations} for tag, operations in groups.items()]


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    from trove.api.api import api

    schema = api.get_openapi_schema()
    context = {"groups": _operations(schema), "schema": schema, "description": schema["info"].get("description")}
    return render(request, "api/docs.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if not policy.current_memberships(request.user):
        raise PermissionDenied
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.token_create(acting_user=request.user, name=form.cleaned_data["name"],
                                           lifetime_days=form.cleaned_data["lifetime_days"],
                                           read_only=form.cleaned_data["read_only"], request=request)
        except ValidationError as error:
            for name, field_errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, field_errors)
        else:
            form = TokenForm()
    if form.errors:
        status = 400
    context = {"form": form, "created": created, "tokens": ApiToken.objects.filter(user=request.user)}
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = actions.token_revoke(acting_user=request.user, token_id=token_id, request=request)
    messages.success(request, _("Token %(prefix)s… is revoked; it no longer works.") % {"prefix": token.prefix})
    return redirect("api_tokens")


def index(request: HttpRequest) -> HttpResponse:
    """Where to start: the document, its documentation and the token page."""
    return JsonResponse({"version": "1", "openapi": "/api/v1/openapi.json", "docs": "/api/v1/docs",
                         "tokens": "/api/v1/account/tokens/"})


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    return error_response(404, _("There is no such API address. The documentation is at /api/v1/docs."))


def json_errors(view):
    """Answer the few errors Django or ninja write themselves (405) in the API's own shape."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            response = error_response(405, _("This address does not take %(method)s; it takes %(allowed)s.")
                                      % {"method": request.method, "allowed": allowed}, headers={"Allow": allowed})
        return response

    return wrapper
