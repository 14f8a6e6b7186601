"""Query budgets of the pages of one case (issue 13): each page's number of queries is pinned, and stays the same when
the case has more of everything (a second attachment, support entry, refusal, safety measure, referral, activity,
reply, tip step…), which proves that no list on the page reads its rows one by one.

At a national scale a query costs 1–10 ms, so the count is the cost. The numbers below include what every signed-in
page pays (the session read and its renewal, the user, the second factor, the memberships, the menu's counts: 9
queries; /healthz pays 5) and the ``identity.view`` audit entry of a page that shows who the person is (4, and on
PostgreSQL a fifth: the advisory lock that keeps the audit chain in order). If a change makes a page cheaper, lower its
number here; if one makes it dearer, say why in the commit.

The world is the authorization matrix's (trove.core.tests.test_authorization_matrix): one case with everything.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trove.core.models import User
from trove.core.testing import sign_in
from trove.core.tests.test_authorization_matrix import PDF, World

# (page, persona) -> queries, with the world as built and with more rows of every list. The owner's case page, say:
# 9 for being signed in, 1 the case, 1 the confidentiality flag (the policy's one question for an owner, asked once
# for the whole page), 4 the audit entry, 1 the person, 1 each for documents, children, timeline, verification steps,
# attachments and a waiting transfer, 2 the type of exploitation (recorded, else derived), 1 the figures of all panels
# together, 1 age limits, 1 referrals, 1 needs, 1 follow-up visits. Before issue 13 it was 49.
BUDGETS = {
    ("case page", "owner"): 29,
    ("case page", "supervisor"): 33,  # + whether the province covers the case's place; + proceedings it may see (2)
    ("case page", "partner"): 33,  # + the glass and the participations; + proceedings it may see (2)
    ("case page", "referee"): 17,
    ("support ledger", "owner"): 39,
    ("support ledger", "supervisor"): 42,
    ("verification page", "owner"): 24,
    ("follow-up page", "owner"): 18,
    ("tip page", "intake"): 20,
    ("API: one case", "owner"): 16,
}
# Pages that write the identity.view audit entry: all but the API's (which reveals identity only when asked) and the
# referee's (who may not see who the person is).
AUDITED = set(BUDGETS) - {("API: one case", "owner"), ("case page", "referee")}
INTAKE_SAVE_BUDGET = 65
INTAKE_SAVE_AUDIT_ENTRIES = 4  # the person, the case, the verification opened, the status moved on


def audit_locks(entries: int = 1) -> int:
    """The queries the audit log's lock adds on this database (PostgreSQL takes an advisory lock per entry)."""
    return entries if connection.vendor == "postgresql" else 0


def _intake_form(name: str) -> dict:
    return {
        "channel": "returned_self", "place_kind": "commune", "place_name": "UBND xã Tân Hồng",
        "place_unit": "2025:29926",
        "received_at": (timezone.localtime() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "full_name": name, "sex": "female", "birth_year": "1998", "citizen_id": "", "home_unit": "2025:29926",
        "country_returned_from": "CN", "nationality": "VN", "education": "unknown", "marital_status": "unknown",
        "consent": "yes", "decision": "new",
        "doc-TOTAL_FORMS": "0", "doc-INITIAL_FORMS": "0", "doc-MIN_NUM_FORMS": "0", "doc-MAX_NUM_FORMS": "10",
        "child-TOTAL_FORMS": "0", "child-INITIAL_FORMS": "0", "child-MIN_NUM_FORMS": "0", "child-MAX_NUM_FORMS": "10",
    }


class PageQueryTests(World):
    maxDiff = None

    def pages(self) -> dict[tuple[str, str], str]:
        code = self.case.code
        return {
            ("case page", "owner"): f"/cases/{code}/",
            ("case page", "supervisor"): f"/cases/{code}/",
            ("case page", "partner"): f"/cases/{code}/",
            ("case page", "referee"): f"/cases/{code}/",
            ("support ledger", "owner"): f"/support/cases/{code}/",
            ("support ledger", "supervisor"): f"/support/cases/{code}/",
            ("verification page", "owner"): f"/verification/{code}/",
            ("follow-up page", "owner"): f"/referrals/case/{code}/followup/",
            ("tip page", "intake"): f"/tips/{self.tip}/",
            ("API: one case", "owner"): f"/api/v1/cases/{code}",
        }

    def persona(self, name: str):
        if name == "intake":
            return User.objects.get(username="p_intake")
        return super().persona(name)

    def counted(self, client: Client, url: str, method: str = "get", data=None) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(url, data)
        self.assertIn(response.status_code, (200, 302), url)
        return len(captured.captured_queries)

    def page_queries(self) -> dict[tuple[str, str], int]:
        clients: dict[str, Client] = {}
        found = {}
        for (page, persona), url in self.pages().items():
            if persona not in clients:
                clients[persona] = Client()
                sign_in(clients[persona], self.persona(persona))
            clients[persona].get(url)  # a first request sets up what is not the page's (the API's rate window)
            found[page, persona] = self.counted(clients[persona], url)
        return found

    def add_more_rows(self) -> None:
        """A second (or third) row of every list the pages show."""
        from trove.cases.attachment_actions import attachment_add
        from trove.intel.actions import tip_record_step
        from trove.intel.models import Tip
        from trove.referrals.actions import referral_send, union_activity_record
        from trove.referrals.models import ConsentBasis, ServiceKind
        from trove.rules.models import SupportType
        from trove.support import actions as support
        from trove.support.ledger_actions import record_refusal, record_support
        from trove.verification import actions as verification
        from trove.verification.models import VerificationRequest

        p, case, today = self.p, self.case, timezone.localdate()
        kinds = {t.code: t for t in SupportType.objects.all()}
        attachment_add(acting_user=p.owner, case=case, name="giấy 2.pdf", content=PDF)
        record_support(case=case, acting_user=p.owner, support_type=kinds["a"], given_on=today,
                       giving_agency=p.owner_agency, amount=100_000, days_covered=1)
        record_refusal(case=case, acting_user=p.owner, refused_on=today, support_type=kinds["b"])
        record_refusal(case=case, acting_user=p.owner, refused_on=today)
        support.safety_measure_add(case=case, acting_user=p.owner, kind="escort", responsible_agency=p.owner_agency,
                                   starts_on=today)
        referral_send(acting_user=p.owner, case=case, service_kind=ServiceKind.HEALTH, referred_on=today,
                      needs="Khám sức khỏe", sections=["health_needs"], provider_name="Phòng khám tư (thử)",
                      consent_basis=ConsentBasis.objects.on(today).get(code="signed"),
                      consent_by="Chính người được hỗ trợ", consent_on=today)
        for _ in range(2):
            union_activity_record(acting_user=p.owner, case=case, kind="counselling", held_on=today)
        verification.reply_to_request(verification_request=VerificationRequest.objects.get(pk=self.verification_request),
                                      acting_user=p.partner, text="Đã xác minh nhân thân (thử)")
        tip = Tip.objects.get(code=self.tip)
        for _ in range(2):
            tip_record_step(tip=tip, acting_user=self.persona("intake"), kind="check", done_on=today,
                            note="Đã kiểm tra thông tin (thử)")

    def test_each_page_keeps_its_budget_with_more_rows(self):
        as_built = self.page_queries()
        self.add_more_rows()
        with_more = self.page_queries()
        expected = {key: budget + (audit_locks() if key in AUDITED else 0) for key, budget in BUDGETS.items()}
        self.assertEqual(as_built, expected)
        self.assertEqual(with_more, expected)

    def test_the_panels_figures_read_together_are_the_case_s(self):
        self.add_more_rows()
        client = Client()
        sign_in(client, self.p.owner)
        page = client.get(f"/cases/{self.case.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        for text in ("Risk: Low", "2 safety measures in force.", "Services: 1 planned, 0 in progress, 0 done.",
                     "2 support entries, 300,000 ₫", "2 refusals of support recorded.",
                     "Hardship allowance: Applied.", "4 visits planned.", "2 Women's Union activities recorded."):
            self.assertIn(text, " ".join(page.split()))

    def test_saving_the_intake_of_a_new_person_keeps_its_budget(self):
        client = Client()
        sign_in(client, self.persona("intake"))
        client.get("/healthz")
        counts = [self.counted(client, "/cases/intake/", "post", _intake_form(name))
                  for name in ("Phạm Thị Một", "Phạm Thị Hai")]
        budget = INTAKE_SAVE_BUDGET + audit_locks(INTAKE_SAVE_AUDIT_ENTRIES)
        self.assertEqual(counts, [budget, budget])
