"""The registry actions: adding entries, the status transitions allowed and refused, and becoming a case."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from trove.cases.actions import IntakeData
from trove.cases.models import Case, CaseEvent, PlaceKind
from trove.core.models import AuditEntry
from trove.core.testing import PersonaTestCase
from trove.geo.models import AdminUnit, Country
from trove.people import registry_actions as actions
from trove.people.actions import PersonData
from trove.people.models import MissingPerson, MissingStatus, Person, SuspectedStatus, SuspectedVictim


def intake(**overrides):
    values = {"channel": "self_reported", "received_at": timezone.now() - datetime.timedelta(hours=1),
              "place_kind": PlaceKind.COMMUNE, "place_unit": AdminUnit.objects.by_key("2025:29926")}
    values.update(overrides)
    return IntakeData(**values)


def add_suspected(user, agency, name="Giàng Thị Mỷ"):
    return actions.suspected_create(
        acting_user=user, agency=agency, person=PersonData(full_name=name, sex="female", birth_year=2007),
        risk_channel="online_recruitment", reported_on=timezone.localdate(), reported_by="Trưởng thôn",
        destination_country=Country.objects.get(code="CN"),
    )


def add_missing(user, agency, name="Sùng Văn Páo"):
    return actions.missing_create(
        acting_user=user, agency=agency, person=PersonData(full_name=name, sex="male"),
        reported_on=timezone.localdate(), reported_by="Mẹ: Lò Thị Dua", last_known_place="Bằng Tường",
        last_known_country=Country.objects.get(code="CN"), missing_since=timezone.localdate() - datetime.timedelta(90),
    )


class RegistryActionTests(PersonaTestCase):
    def test_entries_are_recorded_with_their_person_and_audited(self):
        suspected = add_suspected(self.p.owner, self.p.owner_agency)
        missing = add_missing(self.p.owner, self.p.owner_agency)
        self.assertEqual(suspected.status, SuspectedStatus.MONITORING)
        self.assertEqual(missing.status, MissingStatus.MISSING)
        self.assertEqual(Person.objects.get(pk=suspected.person_id).full_name, "Giàng Thị Mỷ")
        self.assertEqual((suspected.owner_agency, suspected.unit), (self.p.owner_agency, self.p.owner_agency.unit))
        self.assertEqual(AuditEntry.objects.filter(action__in=["registry.suspected.create",
                                                               "registry.missing.create"]).count(), 2)

    def test_bad_input_is_refused_and_nothing_is_saved(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            actions.missing_create(
                acting_user=self.p.owner, agency=self.p.owner_agency,
                person=PersonData(full_name="", citizen_id="123"),
                reported_on=timezone.localdate() + datetime.timedelta(1),
            )
        self.assertEqual(set(raised.exception.message_dict),
                         {"reported_on", "person.full_name", "person.citizen_id"})
        with self.assertRaises(ValidationError) as raised:
            actions.suspected_create(acting_user=self.p.owner, agency=self.p.owner_agency,
                                     person=PersonData(full_name="Vàng Thị Sử"), risk_channel="smuggling",
                                     reported_on=timezone.localdate())
        self.assertIn("risk_channel", raised.exception.message_dict)
        self.assertEqual((Person.objects.count(), SuspectedVictim.objects.count(), MissingPerson.objects.count()),
                         (0, 0, 0))

    def test_only_members_who_may_open_cases_in_the_agency_add_entries(self):
        for persona, agency in ((self.p.readonly, self.p.owner_agency), (self.p.outsider, self.p.owner_agency),
                                (self.p.supervisor, self.p.province_agency)):
            with self.assertRaises(PermissionDenied):
                add_suspected(persona, agency)
        self.assertFalse(Person.objects.exists())

    def test_suspected_transitions(self):
        allowed = {
            "monitoring": {"located", "closed"},
            "located": {"closed"},
            "closed": set(),
            "became_case": set(),
        }
        self.check_transitions(add_suspected, SuspectedStatus, allowed)

    def test_missing_transitions(self):
        allowed = {
            "missing": {"located", "returned", "closed"},
            "located": {"returned", "closed"},
            "returned": {"closed"},
            "closed": set(),
            "became_case": set(),
        }
        self.check_transitions(add_missing, MissingStatus, allowed)

    def check_transitions(self, add, statuses, allowed):
        for start, targets in allowed.items():
            for target in statuses.values:
                entry = add(self.p.owner, self.p.owner_agency)
                type(entry).objects.filter(pk=entry.pk).update(status=start)
                entry.refresh_from_db()
                if target in targets:
                    actions.registry_entry_transition(acting_user=self.p.owner, entry=entry, status=target,
                                                      reason="xác minh tại nhà")
                    entry.refresh_from_db()
                    self.assertEqual(entry.status, target, (start, target))
                else:
                    with translation.override("en"), self.assertRaises(ValidationError, msg=(start, target)) as raised:
                        actions.registry_entry_transition(acting_user=self.p.owner, entry=entry, status=target)
                    self.assertIn("status", raised.exception.message_dict)
                    entry.refresh_from_db()
                    self.assertEqual(entry.status, start)

    def test_a_refusal_says_why(self):
        entry = add_suspected(self.p.owner, self.p.owner_agency)
        actions.registry_entry_transition(acting_user=self.p.owner, entry=entry, status="closed")
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            actions.registry_entry_transition(acting_user=self.p.owner, entry=entry, status="located")
        self.assertEqual(raised.exception.message_dict["status"],
                         ["An entry that is “Closed” cannot become “Located”."])
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            actions.registry_entry_transition(acting_user=self.p.owner, entry=entry, status="became_case")
        self.assertIn("Open a case", raised.exception.message_dict["status"][0])

    def test_transitions_go_through_the_policy(self):
        entry = add_missing(self.p.owner, self.p.owner_agency)
        with self.assertRaises(PermissionDenied):
            actions.registry_entry_transition(acting_user=self.p.readonly, entry=entry, status="located")
        with self.assertRaises(Http404):
            actions.registry_entry_transition(acting_user=self.p.outsider, entry=entry, status="located")
        entry.refresh_from_db()
        self.assertEqual(entry.status, MissingStatus.MISSING)

    def test_an_entry_becomes_a_case_for_the_same_person_and_keeps_the_link(self):
        entry = add_missing(self.p.owner, self.p.owner_agency)
        actions.registry_entry_transition(acting_user=self.p.owner, entry=entry, status="returned")
        entry.refresh_from_db()
        case = actions.registry_entry_to_case(
            acting_user=self.p.owner, entry=entry,
            intake=intake(channel="returned_self", country_returned_from=Country.objects.get(code="CN")),
        )
        entry.refresh_from_db()
        self.assertEqual((entry.status, entry.case_id), (MissingStatus.BECAME_CASE, case.pk))
        self.assertEqual(case.person_id, entry.person_id)
        self.assertEqual(case.owner_agency, self.p.owner_agency)
        self.assertEqual(Person.objects.count(), 1)
        self.assertEqual(list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)),
                         ["case.received", "verification.opened", "case.status_changed", "case.from_registry"])
        audit = AuditEntry.objects.get(action="registry.missing.became_case")
        self.assertEqual(audit.changes["case"], [None, case.code])
        with self.assertRaises(ValidationError):
            actions.registry_entry_to_case(acting_user=self.p.owner, entry=entry, intake=intake())
        self.assertEqual(Case.objects.count(), 1)

    def test_a_bad_intake_opens_no_case_and_leaves_the_entry_as_it_was(self):
        entry = add_suspected(self.p.owner, self.p.owner_agency)
        with self.assertRaises(ValidationError) as raised:
            actions.registry_entry_to_case(acting_user=self.p.owner, entry=entry,
                                           intake=intake(received_at=timezone.now() + datetime.timedelta(days=2)))
        self.assertIn("received_at", raised.exception.message_dict)
        entry.refresh_from_db()
        self.assertEqual((entry.status, entry.case_id), (SuspectedStatus.MONITORING, None))
        self.assertFalse(Case.objects.exists())

    def test_only_those_who_may_open_cases_in_the_owning_agency_make_a_case(self):
        entry = add_suspected(self.p.owner, self.p.owner_agency)
        # The supervisor may change the entry (scope) but cannot open cases for the commune.
        for persona, error in ((self.p.supervisor, PermissionDenied), (self.p.readonly, PermissionDenied),
                               (self.p.outsider, Http404)):
            with self.assertRaises(error):
                actions.registry_entry_to_case(acting_user=persona, entry=entry, intake=intake())
        self.assertFalse(Case.objects.exists())
