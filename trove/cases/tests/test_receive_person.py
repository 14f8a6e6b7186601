import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from trove.cases.actions import ChildData, DocumentData, IntakeData, receive_person
from trove.cases.models import Case, CaseEvent, CaseStatus, Intake, IntakeChannel, PlaceKind
from trove.core.crypto import blind_index
from trove.core.models import AuditEntry
from trove.core.testing import PersonaTestCase
from trove.geo.models import AdminUnit, Country
from trove.people.actions import PersonData
from trove.people.identity import persons_named
from trove.people.models import Person


def intake_for(channel, **overrides):
    values = {
        "channel": channel,
        "received_at": timezone.now() - datetime.timedelta(hours=2),
        "place_kind": PlaceKind.COMMUNE,
        "place_unit": AdminUnit.objects.by_key("2025:29926"),
        "place_name": "UBND xã Tân Hồng",
    }
    if channel in ("handover_official", "returned_self", "returned_mission"):
        values["country_returned_from"] = Country.objects.get(code="KH")
    if channel == "handover_official":
        values["place_kind"] = PlaceKind.BORDER_GATE
        values["place_name"] = "Cửa khẩu quốc tế Dinh Bà"
        values["documents"] = [DocumentData(title="Biên bản bàn giao", number="12/BB", issued_by="Cảnh sát Campuchia")]
    if channel in ("referred", "hotline"):
        values["source_reference"] = "Tổng đài 111, cuộc gọi 2026-0042"
    values.update(overrides)
    return IntakeData(**values)


PERSON = PersonData(full_name="Trần Thị Bích Ngọc", sex="female", birth_date=datetime.date(2004, 3, 9),
                    citizen_id="087304001234", phone="0912 345 678")


class ReceivePersonTests(PersonaTestCase):
    def test_every_channel_opens_a_received_case_owned_by_the_receiving_agency(self):
        for channel in IntakeChannel.values:
            case = receive_person(acting_user=self.p.owner, agency=self.p.owner_agency,
                                  intake=intake_for(channel), person=PERSON)
            # Received today, so regime B: the person is "being identified" from intake (Law 53/2024).
            self.assertEqual(case.status, CaseStatus.BEING_IDENTIFIED)
            self.assertEqual(case.owner_agency, self.p.owner_agency)
            self.assertEqual(Intake.objects.get(case=case).channel, channel)
            self.assertRegex(case.code, r"^DT-\d{4}-\d{5}$")
        self.assertEqual(Case.objects.count(), len(IntakeChannel.values))
        self.assertEqual(len(set(Case.objects.values_list("code", flat=True))), len(IntakeChannel.values))

    def test_identity_is_stored_encrypted_and_found_through_blind_indexes(self):
        case = receive_person(acting_user=self.p.owner, agency=self.p.owner_agency,
                              intake=intake_for("self_reported"), person=PERSON)
        person = Person.objects.get(pk=case.person_id)
        self.assertEqual(person.full_name, "Trần Thị Bích Ngọc")
        self.assertEqual(person.phone, "0912345678")
        self.assertEqual(person.birth_year, 2004)
        self.assertEqual(Person.objects.get(citizen_id_index=blind_index("087304001234", kind="id_number")), person)
        self.assertIn(person.pk, Person.objects.filter(pk__in=persons_named("tran thi ngoc")).values_list("pk",
                                                                                                          flat=True))
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT full_name, phone FROM people_person WHERE id = %s", [person.pk])
            raw_name, raw_phone = cursor.fetchone()
        self.assertNotIn("Ngọc", raw_name)
        self.assertNotIn("0912345678", raw_phone)

    def test_it_writes_a_timeline_event_and_an_audit_entry_without_identity(self):
        case = receive_person(acting_user=self.p.owner, agency=self.p.owner_agency,
                              intake=intake_for("rescued_domestic"), person=PERSON)
        self.assertEqual(CaseEvent.objects.filter(case=case).order_by("at", "pk").first().kind, "case.received")
        entry = AuditEntry.objects.get(action="case.receive")
        self.assertEqual(entry.object_id, str(case.pk))
        self.assertNotIn("Ngọc", str(entry.changes))

    def test_accompanying_children_are_persons_linked_to_the_case(self):
        child = ChildData(person=PersonData(full_name="Trần Minh An", sex="male", birth_year=2022,
                                            birth_precision="year"), relation="con trai")
        case = receive_person(acting_user=self.p.owner, agency=self.p.owner_agency,
                              intake=intake_for("returned_self", children=[child]), person=PERSON)
        self.assertEqual(case.children.count(), 1)
        self.assertEqual(case.children.get().person.full_name, "Trần Minh An")

    def test_an_existing_person_gets_a_new_case_without_a_second_person(self):
        first = receive_person(acting_user=self.p.owner, agency=self.p.owner_agency,
                               intake=intake_for("self_reported"), person=PERSON)
        second = receive_person(acting_user=self.p.owner, agency=self.p.owner_agency,
                                intake=intake_for("hotline"), existing_person=first.person)
        self.assertEqual(second.person_id, first.person_id)
        self.assertEqual(Person.objects.count(), 1)

    def test_bad_input_is_refused_with_every_reason_and_nothing_is_saved(self):
        bad_person = PersonData(full_name="Lê Thị Hạnh", birth_date=timezone.localdate() + datetime.timedelta(1),
                                citizen_id="0873040012345")
        bad_intake = intake_for("handover_official", received_at=timezone.now() + datetime.timedelta(days=1),
                                place_kind=PlaceKind.COMMUNE, documents=[], country_returned_from=None)
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            receive_person(acting_user=self.p.owner, agency=self.p.owner_agency, intake=bad_intake,
                           person=bad_person)
        errors = raised.exception.message_dict
        for key in ("received_at", "country_returned_from", "place_kind", "documents", "person.birth_date",
                    "person.citizen_id"):
            self.assertIn(key, errors)
        self.assertIn("12 digits", " ".join(errors["person.citizen_id"]))
        self.assertEqual((Case.objects.count(), Person.objects.count(), AuditEntry.objects.count()), (0, 0, 0))

    def test_the_messages_are_vietnamese_by_default(self):
        with translation.override("vi"), self.assertRaises(ValidationError) as raised:
            receive_person(acting_user=self.p.owner, agency=self.p.owner_agency, intake=intake_for("self_reported"),
                           person=PersonData(full_name="Lê Thị Hạnh", citizen_id="12345"))
        self.assertIn("12 chữ số", " ".join(raised.exception.message_dict["person.citizen_id"]))

    def test_a_unit_not_valid_on_the_day_is_refused(self):
        with self.assertRaises(ValidationError) as raised:
            receive_person(acting_user=self.p.owner, agency=self.p.owner_agency,
                           intake=intake_for("self_reported", place_unit=AdminUnit.objects.by_key("legacy:29926")),
                           person=PERSON)
        self.assertIn("place_unit", raised.exception.message_dict)

    def test_only_members_who_may_open_cases_for_that_agency_may_receive(self):
        for persona, agency in ((self.p.readonly, self.p.owner_agency), (self.p.outsider, self.p.owner_agency),
                                (self.p.statistician, self.p.province_agency)):
            with self.assertRaises(PermissionDenied):
                receive_person(acting_user=persona, agency=agency, intake=intake_for("self_reported"), person=PERSON)
        self.assertFalse(Case.objects.exists())
