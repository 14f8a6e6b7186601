"""Named permissions and the roles that hold them (DESIGN §4).

This table is the one place that says what a role may do. A membership grants its role's permissions within the
membership's agency, scope unit and validity dates; the access policy (``trove.core.policy``) applies them to records.
"""

from django.utils.translation import gettext_lazy as _

from trove.agencies.models import Role

PERMISSIONS = {
    "case.view": _("See cases"),
    "case.view_identity": _("See who a person is (names, birth date, ID numbers, addresses, phone, relatives)"),
    "case.create": _("Receive a person and open a case"),
    "case.edit": _("Change a case"),
    "case.decide": _("Decide on identification"),
    "case.approve": _("Approve identification decisions"),
    "support.record": _("Record support given"),
    "case.restrict_identity": _("Limit who may see a person's identity to named members"),
    "case.transfer": _("Transfer a case to another agency"),
    "case.close": _("Close and reopen cases"),
    "support.approve": _("Approve support"),
    "budget.view": _("See budget estimates and spending"),
    "budget.manage": _("Write budget estimates and manage funding sources"),
    "referral.send": _("Refer a person to a service"),
    "referral.receive": _("Accept and handle referrals"),
    "referral.consent_exception": _("Refer without the person's consent where the law allows it"),
    "tip.view": _("See tips"),
    "tip.record": _("Record and handle tips"),
    "tip.view_informant": _("See who gave a tip"),
    "proceeding.view": _("See criminal proceedings"),
    "proceeding.record": _("Record the stages of criminal proceedings that belong to one's agency"),
    "report.view_aggregate": _("See statistics (small counts hidden)"),
    "report.view_exact": _("See exact statistics"),
    "export.identifiable": _("Export data that identifies people"),
    "plan.view": _("See plans"),
    "plan.manage": _("Write plans and record activities"),
    "plan.report": _("Report on one's agency's duties and record its activities"),
    "audit.view": _("Read the audit log"),
    "admin.users": _("Manage the agency's members"),
    "access.break_glass": _("Open a record outside one's scope in an emergency"),
    "privacy.view": _("See data subjects' requests (access, erasure) and their time limits"),
    "privacy.subject_access": _("Receive a person's request for their data and produce the access report"),
    "privacy.erase": _("Erase a person's identity on a lawful request"),
    # Not an action on a record but a reach: the member's role applies to every record in their scope unit.
    "scope.supervise": _("Oversee every record in one's scope"),
}

_CASE_READ = {"case.view", "case.view_identity", "plan.view", "report.view_aggregate"}
_TIPS = {"tip.view", "tip.record", "tip.view_informant"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.INTAKE_OFFICER: frozenset(_CASE_READ | _TIPS | {"case.create", "case.edit", "support.record",
                                                         "referral.send"}),
    Role.VERIFIER: frozenset(_CASE_READ | _TIPS | {"case.edit", "case.decide", "proceeding.view"}),
    Role.CASEWORKER: frozenset(_CASE_READ | {"case.create", "case.edit", "case.close", "case.transfer",
                                             "case.restrict_identity", "support.record", "referral.send",
                                             "referral.receive", "plan.report", "privacy.view",
                                             "privacy.subject_access"}),
    Role.SUPERVISOR: frozenset(_CASE_READ | _TIPS | {"case.edit", "case.decide", "case.approve", "case.close",
                                                     "case.transfer", "case.restrict_identity", "support.record",
                                                     "support.approve", "budget.view", "referral.send",
                                                     "referral.receive", "referral.consent_exception",
                                                     "proceeding.view", "report.view_exact", "export.identifiable",
                                                     "access.break_glass",
                                                     "scope.supervise", "plan.report", "privacy.view",
                                                     "privacy.subject_access"}),
    Role.STATISTICIAN: frozenset({"report.view_aggregate", "report.view_exact", "plan.view"}),
    Role.PLAN_COORDINATOR: frozenset({"plan.view", "plan.manage", "plan.report", "report.view_aggregate"}),
    Role.AUDITOR: frozenset({"audit.view", "case.view", "report.view_aggregate"}),
    # Erasure is an administrator's act on a lawful request (issue 14 part 7); they see requests, not cases.
    Role.ADMINISTRATOR: frozenset({"admin.users", "plan.view", "report.view_aggregate", "privacy.view",
                                   "privacy.erase"}),
    Role.OBSERVER: frozenset({"case.view", "tip.view", "proceeding.view", "plan.view", "report.view_aggregate"}),
    Role.FINANCE_OFFICER: frozenset({"budget.view", "budget.manage", "plan.view", "plan.report",
                                     "report.view_aggregate"}),
    Role.PROCEEDINGS_OFFICER: frozenset(_CASE_READ | _TIPS | {"proceeding.view", "proceeding.record",
                                                              "plan.report"}),
}


def role_permissions(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def roles_with(permission: str) -> list[str]:
    return [role for role, granted in ROLE_PERMISSIONS.items() if permission in granted]


# Roles that can see identity data must sign in with a second factor (DESIGN §4).
TWO_FACTOR_ROLES = frozenset(roles_with("case.view_identity"))
