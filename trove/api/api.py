"""The API object: version 1, its authentication, its error handlers and its resources (issue 11)."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from trove.api.auditing import audited_call
from trove.api.auth import SessionAuth, TokenAuth
from trove.api.errors import HANDLERS
from trove.api.resources import ROUTERS

DESCRIPTION = """The JSON API of Trở Về, for other systems and scripts: the same actions and the same access policy
as the pages. Authenticate with a personal token (`Authorization: Bearer trv_…`, made on your token page) or, for the
pages' own calls, the signed-in session with the CSRF token. Errors are `{"error": "...", "fields": {...}}`:
400 malformed, 401 no valid token, 403 read-only token or role, 404 not found or outside your scope, 409 the record
changed since you read it (If-Match), 422 refused by the rules, 429 too many calls (Retry-After). Messages follow
Accept-Language (vi by default, en). Identity and free text about a person come only on request (`reveal=true`) to
callers who may see them, and each such read is audited with the token used."""


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class TroveAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__


api = TroveAPI(
    title="Trở Về API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url=None,
    renderer=Renderer(),
)
for exception, handler in HANDLERS:
    api.add_exception_handler(exception, handler)
api.add_decorator(audited_call)
for router in ROUTERS:
    api.add_router("", router)
