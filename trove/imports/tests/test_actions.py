"""Bad input to the wizard's actions is refused with a message naming the field, and nothing is saved."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from trove.core.models import AuditEntry
from trove.imports import actions
from trove.imports.models import BatchStatus, ColumnMapping, ImportBatch
from trove.imports.tests.helpers import ImportTestCase, persons_workbook, xlsx_bytes


class UploadTests(ImportTestCase):
    def setUp(self):
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def refused(self, content, name, field="file", **kwargs):
        with self.assertRaises(ValidationError) as raised:
            actions.batch_create(acting_user=self.p.owner, agency=self.p.owner_agency, kind="persons",
                                 file_name=name, content=content, **kwargs)
        self.assertFalse(ImportBatch.objects.exists())
        self.assertEqual(self.stored_files(), [])
        return " ".join(raised.exception.message_dict[field])

    def test_a_file_of_another_kind_or_too_large_or_renamed_is_refused(self):
        self.assertIn(".xlsx or .xls", self.refused(b"%PDF-1.4", "bien ban.pdf"))
        self.assertIn("empty", self.refused(b"", "ds.xlsx"))
        self.assertIn("larger than", self.refused(persons_workbook(), "ds.xlsx", max_bytes=1024))
        self.assertIn("not what its name says", self.refused(b"%PDF-1.4 ...", "ds.xlsx"))
        self.assertIn("cannot be read", self.refused(b"PK\x03\x04broken", "ds.xlsx"))

    def test_an_unknown_kind_is_refused(self):
        with self.assertRaises(ValidationError) as raised:
            actions.batch_create(acting_user=self.p.owner, agency=self.p.owner_agency, kind="budgets",
                                 file_name="ds.xlsx", content=persons_workbook())
        self.assertIn("kind", raised.exception.message_dict)

    def test_only_members_who_may_open_cases_in_the_agency_upload(self):
        for user in (self.p.readonly, self.p.outsider, self.p.supervisor, self.commune_admin):
            with self.assertRaises(PermissionDenied):
                actions.batch_create(acting_user=user, agency=self.p.owner_agency, kind="persons",
                                     file_name="ds.xlsx", content=persons_workbook())
        self.assertFalse(ImportBatch.objects.exists())

    def test_an_upload_is_audited_without_its_name(self):
        batch = self.upload(persons_workbook(), name="Nguyễn Thị Hoa.xlsx")
        entry = AuditEntry.objects.get(action="import.upload")
        self.assertEqual(entry.object_id, str(batch.pk))
        self.assertNotIn("Hoa", str(entry.changes))


class SheetAndMappingTests(ImportTestCase):
    def setUp(self):
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)
        self.batch = self.upload(persons_workbook())

    def test_a_sheet_that_does_not_exist_or_an_empty_heading_row_is_refused(self):
        with self.assertRaises(ValidationError) as raised:
            actions.batch_choose_sheet(acting_user=self.p.owner, batch=self.batch, sheet="Sheet9")
        self.assertIn("sheet", raised.exception.message_dict)
        with self.assertRaises(ValidationError) as raised:
            actions.batch_choose_sheet(acting_user=self.p.owner, batch=self.batch, sheet="Danh sách", header_row=3)
        self.assertIn("This row is empty", raised.exception.message_dict["header_row"][0])
        with self.assertRaises(ValidationError) as raised:
            actions.batch_choose_sheet(acting_user=self.p.owner, batch=self.batch, sheet="Danh sách", header_row=4,
                                       header_rows=5)
        self.assertIn("header_rows", raised.exception.message_dict)
        self.batch.refresh_from_db()
        self.assertEqual(self.batch.status, BatchStatus.UPLOADED)

    def test_given_heading_rows_override_the_guess(self):
        batch = actions.batch_choose_sheet(acting_user=self.p.owner, batch=self.batch, sheet="Danh sách",
                                           header_row=4, header_rows=1)
        self.assertEqual((batch.columns[2], batch.first_data_row), ("Ngày sinh", 5))

    def test_a_mapping_without_what_every_row_needs_or_with_a_column_twice_is_refused(self):
        batch = actions.batch_choose_sheet(acting_user=self.p.owner, batch=self.batch, sheet="Danh sách")
        with self.assertRaises(ValidationError) as raised:
            actions.batch_set_mapping(acting_user=self.p.owner, batch=batch,
                                      mapping={"full_name": 1, "phone": 1, "nickname": 2}, defaults={"sex": "male",
                                                                                             "channel": "by_boat"})
        errors = raised.exception.message_dict
        self.assertIn("already taken by “Full name”", errors["phone"][0])
        self.assertIn("not a field", errors["nickname"][0])
        self.assertIn("no value for every row", errors["sex"][0])
        self.assertIn("Choose a value from the list", errors["channel"][0])
        self.assertIn("needed for every row", errors["received_at"][0])
        batch.refresh_from_db()
        self.assertEqual(batch.status, BatchStatus.MAPPING)

    def test_a_channel_for_every_row_and_a_mapping_saved_by_name_for_the_agency(self):
        batch = actions.batch_choose_sheet(acting_user=self.p.owner, batch=self.batch, sheet="Danh sách")
        mapping = {name: column for name, column in batch.mapping.items() if name != "channel"}
        batch = actions.batch_set_mapping(acting_user=self.p.owner, batch=batch, mapping=mapping,
                                          defaults={"channel": "returned_self", "country_returned_from": "CN"},
                                          save_as="Mẫu của xã")
        self.assertEqual(batch.status, BatchStatus.READY)
        saved = ColumnMapping.objects.get(agency=self.p.owner_agency, name="Mẫu của xã")
        self.assertEqual(saved.columns["full_name"], "ho va ten")
        self.assertEqual(saved.columns["birth_date_female"], "ngay sinh nu")
        self.assertEqual(saved.defaults, {"channel": "returned_self", "country_returned_from": "CN"})

    def test_an_import_that_ran_cannot_be_remapped_or_restarted(self):
        batch = self.run_import(self.prepared(persons_workbook()))
        with self.assertRaises(ValidationError):
            actions.batch_choose_sheet(acting_user=self.p.owner, batch=batch, sheet="Danh sách")
        with self.assertRaises(ValidationError):
            actions.batch_set_mapping(acting_user=self.p.owner, batch=batch, mapping=batch.mapping)
        with self.assertRaises(ValidationError):
            actions.batch_start(acting_user=self.p.owner, batch=batch)
        with self.assertRaises(ValidationError):
            actions.batch_abandon(acting_user=self.p.owner, batch=batch)

    def test_abandoning_deletes_the_file(self):
        with self.captureOnCommitCallbacks(execute=True):
            batch = actions.batch_abandon(acting_user=self.p.owner, batch=self.batch)
        self.assertEqual((batch.status, self.stored_files()), (BatchStatus.ABANDONED, []))

    def test_a_read_only_member_changes_nothing(self):
        for do in (lambda: actions.batch_choose_sheet(acting_user=self.p.readonly, batch=self.batch, sheet="x"),
                   lambda: actions.batch_abandon(acting_user=self.p.readonly, batch=self.batch),
                   lambda: actions.mapping_save(acting_user=self.p.readonly, agency=self.p.owner_agency,
                                                kind="persons", name="x", columns={"full_name": "ten"})):
            with self.assertRaises(PermissionDenied):
                do()

    def test_an_empty_sheet_imports_nothing(self):
        batch = self.run_import(self.prepared(xlsx_bytes([["Họ và tên", "Ngày tiếp nhận", "Nguồn tiếp nhận"]])))
        self.assertEqual((batch.status, batch.created_count), (BatchStatus.DONE, 0))
