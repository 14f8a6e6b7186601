"""The bounded fuzz run of the suite: every operation, as three personas, a few examples each, valid and invalid
(``trove.api.fuzz``). ``make fuzz`` runs the same checks with more examples against a server on the demo data."""

from __future__ import annotations

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections
from django.test import override_settings

from trove.api.fuzz import Persona, fuzz
from trove.api.tests.helpers import ApiTestCase, open_case
from trove.people.actions import PersonData
from trove.people.registry_actions import suspected_create

EXAMPLES = 3


@override_settings(API_RATE_LIMIT_PER_MINUTE=1_000_000)
class FuzzTests(ApiTestCase):
    def test_every_operation_as_three_personas(self):
        # Records the owner's agency holds and the others must not see.
        open_case(self.p, name="Lò Thị Mỷ")
        import datetime

        suspected_create(acting_user=self.p.owner, agency=self.p.owner_agency,
                         person=PersonData(full_name="Vàng A Sử"), risk_channel="online_recruitment",
                         reported_on=datetime.date(2026, 1, 5))
        # The WSGI handler would close the test's connection at each request, as Django's test client avoids too.
        request_started.disconnect(close_old_connections)
        try:
            schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
            personas = [Persona(self.p.owner, self.tokens["owner"]), Persona(self.p.readonly, self.tokens["readonly"]),
                        Persona(self.p.outsider, self.tokens["outsider"])]
            report = fuzz(schema, personas, max_examples=EXAMPLES, log=lambda line: None)
        finally:
            request_started.connect(close_old_connections)
        self.assertGreater(report.runs, 100)
        self.assertEqual(report.failures, [], "\n".join(report.failures))
