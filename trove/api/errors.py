"""One shape for every error the API returns: ``{"error": "...", "fields": {"name": ["...", ...]}}``.

400 the request is malformed (not JSON, a value of the wrong type or outside the documented form); 401 no valid
token or session; 403 the token is read-only or the role may not do this; 404 the record does not exist or lies
outside the caller's scope (the API never tells which); 409 the record changed since the caller read it (If-Match);
422 the request is well formed but the rules refuse it (the actions' own messages); 429 too many calls.
Messages are in the caller's language (Accept-Language; Vietnamese by default).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from trove.core.versioning import StaleEdit

logger = logging.getLogger("trove.api")


class ApiError(Exception):
    """An error the API answers with its own status and message (401, 403, 409, 429…)."""

    def __init__(self, status: int, message: str, *, fields: dict | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def error_response(status: int, message: str, fields: dict | None = None, headers: dict | None = None) -> HttpResponse:
    response = JsonResponse({"error": str(message), "fields": fields or {}}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.message, exc.fields, exc.headers)


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, _("Not found, or outside what you may see."))


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) if exc.args and exc.args[0] else _("Your role does not let you do this.")
    return error_response(403, message)


def _stale(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
    """An edit that started from an older version of the record (``trove.core.versioning``)."""
    current = getattr(exc.current, type(exc.current).LOCK_FIELD, None)
    return error_response(409, " ".join(str(message) for message in exc.messages),
                          {"version": [_("The current version is %(version)s.") % {"version": current}]})


def _rules_refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """An action refused the request: its messages, by field when it named them."""
    if hasattr(exc, "error_dict"):
        fields = {name: [str(message) for message in messages] for name, messages in exc.message_dict.items()}
        first = next((messages[0] for messages in fields.values() if messages), "")
        return error_response(422, first or _("The request was refused."), fields)
    return error_response(422, " ".join(str(message) for message in exc.messages))


def _malformed(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(_schema_message(error))
    name, messages = next(iter(fields.items()))
    return error_response(400, _("The request is malformed: %(field)s: %(message)s")
                          % {"field": name, "message": messages[0]}, fields)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return error_response(401, _("Give a valid API token (Authorization: Bearer …) or sign in."),
                              headers={"WWW-Authenticate": 'Bearer realm="trove"'})
    if exc.status_code == 400:
        return error_response(400, _("The request body is not valid JSON."))
    if exc.status_code == 403:
        return error_response(403, _("The CSRF check failed: send the X-CSRFToken header with the page's cookie."))
    return error_response(exc.status_code, str(exc))


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(500, _("Something went wrong on the server; the error has been logged."))


HANDLERS = [
    (ApiError, _api_error),
    (Http404, _not_found),
    (PermissionDenied, _forbidden),
    (StaleEdit, _stale),
    (ValidationError, _rules_refused),
    (SchemaError, _malformed),
    (HttpError, _http_error),
    (Exception, _unexpected),
]


def _field_name(location) -> str:
    parts = [str(part) for part in location]
    # ninja puts the source first ("body", "query", "path") and, for a body, the parameter's name next.
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in ("query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _schema_message(error: dict) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "literal_error" or kind == "enum":
        return _("Choose one of: %(choices)s.") % {"choices": context.get("expected", "")}
    if kind == "string_too_long":
        return _("At most %(count)s characters.") % {"count": context.get("max_length", "")}
    if kind == "string_too_short":
        return _("At least %(count)s characters.") % {"count": context.get("min_length", "")}
    if kind == "string_pattern_mismatch":
        return _("This value does not have the expected form.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("The value must be at least %(limit)s.") % {"limit": context.get("ge", context.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return _("The value must be at most %(limit)s.") % {"limit": context.get("le", context.get("lt", ""))}
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Give a date as YYYY-MM-DD, or a time as YYYY-MM-DDTHH:MM.")
    if kind == "too_long":
        return _("Too many items.")
    if kind == "value_error":
        return str(context.get("error", "")) or _("This value is not valid.")
    if kind == "extra_forbidden":
        return _("This field is not part of the request.")
    return _("This value has the wrong type or form.")


# The error statuses an operation documents (400 bad request … 429 rate limit); writes add 409, a stale version.
ERRORS = (400, 401, 403, 404, 422, 429)
WRITE_ERRORS = (400, 401, 403, 404, 409, 422, 429)
