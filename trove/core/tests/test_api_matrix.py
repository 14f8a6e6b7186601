"""The authorization matrix of the API (issue 14 part 1): every operation of the OpenAPI document, every persona.

The operations are read from /api/v1/openapi.json, so a new operation without a row in ``OPERATIONS`` fails
(its authors add the row: who may call it). Each persona calls each operation with a personal token, in the world of
test_authorization_matrix.py (one case with its verification, support, referral, follow-up, tip, proceeding; a plan;
an import). A write is sent with a body that has the shape the document asks for (every required field, with a
placeholder value), so that the request passes the schema and meets the access checks; the placeholder values are
then refused by the action (400), which counts as ``ok``: the caller was let through. Every call is rolled back.

Each row holds the nine personas' outcomes, then ``|`` and the outcome without a token. Outcomes: ``ok`` (2xx, 400,
409, 422: let through, and answered), ``401``, ``403``, ``404``, ``405``. A response to a persona
who may not see the case's identity fails when it contains the synthetic person's name, citizen ID or phone.
"""

from __future__ import annotations

import json
import os

from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from trove.api.tests.helpers import make_token
from trove.core.tests.test_authorization_matrix import CITIZEN_ID, NAME, PERSONAS, PHONE, SEES_IDENTITY, World

#                                                 owner readonly partner supervisor statistician auditor admin outsider
#                                                 referee
OPERATIONS: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/me"): "ok ok ok ok ok ok ok ok ok | 401",
    ("GET", "/api/v1/tokens"): "ok ok ok ok ok ok ok ok ok | 401",
    # A token is made from a signed-in session only, never with another token.
    ("POST", "/api/v1/tokens"): "403 403 403 403 403 403 403 403 403 | 401",
    ("DELETE", "/api/v1/tokens/{token_id}"): "ok 404 404 404 404 404 404 404 404 | 401",
    ("GET", "/api/v1/cases"): "ok ok ok ok 403 ok 403 ok ok | 401",
    ("GET", "/api/v1/cases/{code}"): "ok ok ok ok 404 404 404 404 ok | 401",
    ("POST", "/api/v1/cases/{code}/status"): "ok 403 ok ok 404 404 404 404 403 | 401",
    ("POST", "/api/v1/cases/{code}/reopen"): "ok 403 ok ok 404 404 404 404 403 | 401",
    ("POST", "/api/v1/intakes"): "ok 403 403 403 403 403 403 ok ok | 401",
    ("GET", "/api/v1/persons/{person_id}"): "ok 403 ok ok 404 404 404 404 403 | 401",
    ("GET", "/api/v1/cases/{code}/verification"): "ok ok ok ok 404 404 404 404 404 | 401",
    ("GET", "/api/v1/verification/steps"): "ok ok ok ok 403 ok 403 ok ok | 401",
    ("GET", "/api/v1/verification/steps/{step_id}"): "ok ok ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/verification/steps/{step_id}/complete"): "ok 403 ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/verification/steps/{step_id}/skip"): "ok 403 ok ok 404 404 404 404 404 | 401",
    ("GET", "/api/v1/verification/requests"): "ok ok ok ok 403 ok 403 ok ok | 401",
    ("GET", "/api/v1/verification/requests/{request_id}"): "ok ok ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/cases/{code}/verification/requests"): "ok 403 ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/verification/requests/{request_id}/replies"): "403 403 ok 403 404 404 404 404 404 | 401",
    ("POST", "/api/v1/verification/requests/{request_id}/close"): "ok 403 403 403 404 404 404 404 404 | 401",
    ("PUT", "/api/v1/cases/{code}/verification/grounds/{ground_id}"): "ok 403 ok ok 404 404 404 404 404 | 401",
    ("DELETE", "/api/v1/cases/{code}/verification/grounds/{ground_id}"): "ok 403 ok ok 404 404 404 404 404 | 401",
    ("GET", "/api/v1/cases/{code}/decisions"): "ok ok ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/cases/{code}/decisions"): "403 403 ok ok 404 404 404 404 404 | 401",
    ("GET", "/api/v1/decisions/{decision_id}"): "ok ok ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/decisions/{decision_id}/approve"): "403 403 403 ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/decisions/{decision_id}/reject"): "403 403 403 ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/registries/suspected"): "ok 403 403 403 403 403 403 ok ok | 401",
    ("GET", "/api/v1/registries/suspected"): "ok ok ok ok 403 ok 403 ok ok | 401",
    ("POST", "/api/v1/registries/missing"): "ok 403 403 403 403 403 403 ok ok | 401",
    ("GET", "/api/v1/registries/missing"): "ok ok ok ok 403 ok 403 ok ok | 401",
    ("GET", "/api/v1/registries/{kind}/{entry_id}"): "ok ok 404 ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/registries/{kind}/{entry_id}/status"): "ok 403 404 ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/registries/{kind}/{entry_id}/case"): "ok 403 404 403 404 404 404 404 404 | 401",
    ("GET", "/api/v1/cases/{code}/protection"): "ok ok ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/cases/{code}/protection/risk-assessments"): "ok 403 ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/cases/{code}/protection/measures"): "ok 403 ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/cases/{code}/protection/measures/{measure_id}/end"): "ok 403 ok ok 404 404 404 404 404 | 401",
    ("GET", "/api/v1/cases/{code}/needs"): "ok ok ok ok 404 404 404 404 ok | 401",
    ("POST", "/api/v1/cases/{code}/needs/assessments"): "ok 403 ok ok 404 404 404 404 ok | 401",
    ("PUT", "/api/v1/cases/{code}/needs/circumstances"): "ok 403 ok ok 404 404 404 404 ok | 401",
    ("GET", "/api/v1/cases/{code}/support-plan"): "ok ok ok ok 404 404 404 404 ok | 401",
    ("PUT", "/api/v1/cases/{code}/support-plan"): "ok 403 ok ok 404 404 404 404 403 | 401",
    ("POST", "/api/v1/cases/{code}/support-plan/services"): "ok 403 ok ok 404 404 404 404 ok | 401",
    ("POST", "/api/v1/cases/{code}/support-plan/services/{service_id}/status"): "ok 403 ok ok 404 404 404 404 ok | 401",
    ("GET", "/api/v1/cases/{code}/support/entitlements"): "ok ok ok ok 404 404 404 404 404 | 401",
    ("GET", "/api/v1/cases/{code}/support/entries"): "ok ok ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/cases/{code}/support/entries"): "ok 403 403 ok 404 404 404 404 404 | 401",
    ("GET", "/api/v1/support/entries/{entry_id}"): "ok ok ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/support/entries/{entry_id}/cancel"): "403 403 403 ok 404 404 404 404 404 | 401",
    ("GET", "/api/v1/referrals"): "ok 403 403 ok 403 403 403 ok ok | 401",
    ("GET", "/api/v1/referrals/{referral_id}"): "ok ok ok ok 404 404 404 404 ok | 401",
    ("POST", "/api/v1/cases/{code}/referrals"): "ok 403 403 ok 404 404 404 404 403 | 401",
    ("POST", "/api/v1/referrals/{referral_id}/accept"): "403 403 403 403 404 404 404 404 ok | 401",
    ("POST", "/api/v1/referrals/{referral_id}/decline"): "403 403 403 403 404 404 404 404 ok | 401",
    ("POST", "/api/v1/referrals/{referral_id}/services"): "403 403 403 403 404 404 404 404 ok | 401",
    ("POST", "/api/v1/referrals/{referral_id}/close"): "403 403 403 403 404 404 404 404 ok | 401",
    ("POST", "/api/v1/referrals/{referral_id}/revoke"): "ok 403 403 ok 404 404 404 404 403 | 401",
    ("GET", "/api/v1/followup/visits"): "ok 403 ok ok 403 403 403 ok ok | 401",
    ("GET", "/api/v1/followup/visits/{visit_id}"): "ok ok ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/followup/visits/{visit_id}"): "ok 403 ok ok 404 404 404 404 404 | 401",
    ("GET", "/api/v1/tips"): "403 ok ok ok 403 403 403 403 403 | 401",
    ("POST", "/api/v1/tips"): "403 403 403 403 403 403 403 403 403 | 401",
    ("GET", "/api/v1/tips/{code}"): "404 ok 404 ok 404 404 404 404 404 | 401",
    ("GET", "/api/v1/tips/{code}/informant"): "404 403 404 403 404 404 404 404 404 | 401",
    ("POST", "/api/v1/tips/{code}/classify"): "404 403 404 ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/tips/{code}/steps"): "404 403 404 ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/tips/{code}/outcome"): "404 403 404 ok 404 404 404 404 404 | 401",
    ("GET", "/api/v1/proceedings"): "403 ok ok ok 403 403 403 403 403 | 401",
    ("GET", "/api/v1/proceedings/{code}"): "404 404 ok ok 404 404 404 404 404 | 401",
    ("POST", "/api/v1/proceedings/{code}/stages"): "404 404 403 403 404 404 404 404 404 | 401",
    ("GET", "/api/v1/plans"): "ok ok ok ok ok 403 ok ok ok | 401",
    ("GET", "/api/v1/plans/{plan_id}"): "ok ok ok ok ok 404 ok 404 404 | 401",
    ("GET", "/api/v1/plans/{plan_id}/indicators"): "ok ok ok ok ok 404 ok 404 404 | 401",
    ("GET", "/api/v1/plans/{plan_id}/activities"): "ok ok ok ok ok 404 ok 404 404 | 401",
    ("POST", "/api/v1/plans/{plan_id}/activities"): "ok 403 403 ok 403 404 403 404 404 | 401",
    ("POST", "/api/v1/plans/{plan_id}/reports"): "ok 403 403 403 403 404 403 404 404 | 401",
    ("GET", "/api/v1/statistics"): "ok ok ok ok ok ok ok ok ok | 401",
    ("GET", "/api/v1/agencies"): "ok ok ok ok ok ok ok ok ok | 401",
    ("GET", "/api/v1/agencies/{agency_id}"): "ok ok ok ok ok ok ok ok ok | 401",
    ("GET", "/api/v1/admin-units"): "ok ok ok ok ok ok ok ok ok | 401",
    ("GET", "/api/v1/admin-units/{key}"): "ok ok ok ok ok ok ok ok ok | 401",
    ("GET", "/api/v1/admin-units/{key}/children"): "ok ok ok ok ok ok ok ok ok | 401",
    ("GET", "/api/v1/countries"): "ok ok ok ok ok ok ok ok ok | 401",
}


# Placeholders the schema alone cannot give: a place must be a real unit, an agency the owning commune, for the
# request to reach the access checks (set in setUpTestData, since record ids differ between databases).
HINTS: dict[str, object] = {"unit": "2025:29926", "place_unit": "2025:29926"}


def _path_values(world, path: str) -> dict[str, str]:
    """The world's record for each path parameter; the same name means different records under different paths."""
    values = {
        "agency_id": world.p.owner_agency.pk, "decision_id": world.decision, "ground_id": world.ground,
        "key": "2025:82", "kind": "suspected", "measure_id": world.measure, "person_id": world.case.person_id,
        "plan_id": world.plan, "referral_id": world.referral, "request_id": world.verification_request,
        "service_id": world.service, "step_id": world.step, "token_id": world.token, "visit_id": world.visit,
        "code": world.case.code, "entry_id": world.suspected,
    }
    if path.startswith("/api/v1/tips/"):
        values["code"] = world.tip
    elif path.startswith("/api/v1/proceedings/"):
        values["code"] = world.proceeding
    elif path.startswith("/api/v1/support/entries/"):
        values["entry_id"] = world.entry
    return {name: str(value) for name, value in values.items()}


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(document, schema["allOf"][0])
    return schema


def placeholder(document: dict, schema: dict, depth: int = 0):
    """A value of the schema's shape: required fields only, each with a harmless placeholder."""
    schema = _resolve(document, schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(document, s).get("type") != "null"] or schema[key]
            return placeholder(document, options[0], depth)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        properties = schema.get("properties", {})
        return {name: HINTS.get(name) or placeholder(document, properties.get(name, {}), depth + 1)
                for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "string":
        return {"date": timezone.localdate().isoformat(), "date-time": timezone.now().isoformat(),
                "uuid": "00000000-0000-0000-0000-000000000000"}.get(schema.get("format"), "x")
    return None


def outcome(status: int) -> str:
    return "ok" if 200 <= status < 300 or status in (400, 409, 422) else str(status)


@override_settings(API_RATE_LIMIT_PER_MINUTE=100_000)
class ApiMatrixTests(World):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        HINTS["agency"] = cls.p.owner_agency.pk
        cls.tokens = {}
        for persona in PERSONAS:
            user = getattr(cls.p, persona, None) or getattr(cls, persona)
            cls.tokens[persona] = make_token(user)

    def operations(self) -> tuple[dict, list[tuple[str, str, dict]]]:
        response = Client().get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        found = [(method.upper(), path, operation) for path, item in document["paths"].items()
                 for method, operation in item.items() if method in ("get", "post", "put", "patch", "delete")]
        return document, found

    def test_every_operation_has_a_row(self):
        _document, found = self.operations()
        keys = {(method, path) for method, path, _operation in found}
        self.assertEqual(sorted(keys - set(OPERATIONS)), [],
                         "New API operations need a row in OPERATIONS saying who may call them")
        self.assertEqual(sorted(set(OPERATIONS) - keys), [], "OPERATIONS lists operations that no longer exist")

    def test_each_persona_gets_exactly_the_outcome_the_table_says(self):
        document, found = self.operations()
        mismatches, discovered = [], []
        for method, path, operation in found:
            url = path.format(**_path_values(self, path))
            body = None
            if "requestBody" in operation:
                content = operation["requestBody"].get("content", {}).get("application/json", {})
                body = placeholder(document, content.get("schema", {}))
            got_row = []
            for persona in PERSONAS:
                response = self.call(method, url, self.tokens[persona], body)
                got = outcome(response.status_code)
                got_row.append(got)
                if persona not in SEES_IDENTITY and 200 <= response.status_code < 300:
                    text = response.content.decode(errors="replace")
                    mismatches.extend(f"{method} {path} as {persona} shows identity ({secret[:4]}…)"
                                      for secret in (NAME, CITIZEN_ID, PHONE) if secret in text)
            anonymous = outcome(self.call(method, url, None, body).status_code)
            discovered.append(f'    ("{method}", "{path}"): "{" ".join(got_row)} | {anonymous}",')
            expected = OPERATIONS.get((method, path))
            if expected is None:
                continue  # test_every_operation_has_a_row names it
            expected, _bar, expected_anonymous = expected.partition(" | ")
            if anonymous != expected_anonymous:
                mismatches.append(f"{method} {path} without a token: {anonymous}, expected {expected_anonymous}")
            mismatches.extend(f"{method} {path} as {persona}: {got}, expected {want}"
                              for persona, got, want in zip(PERSONAS, got_row, expected.split(), strict=True)
                              if got != want)
        if os.environ.get("MATRIX_DISCOVER"):
            with open(os.environ["MATRIX_DISCOVER"], "w") as out:
                out.write("\n".join(discovered) + "\n")
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches))

    def call(self, method: str, url: str, token: str | None, body):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        kwargs = {"data": json.dumps(body, default=str), "content_type": "application/json"} if body is not None else {}
        with transaction.atomic():
            response = getattr(Client(), method.lower())(url, **kwargs, **headers)
            transaction.set_rollback(True)
        return response

