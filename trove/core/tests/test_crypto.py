import datetime

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from trove.core import crypto
from trove.core.fields import EncryptedFieldLookupError, EncryptedTextField
from trove.core.testapp.models import IdentityRecord

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    settings.BLIND_INDEX_KEY = "test-blind-index-key"


def stored(pk: int, column: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM core_testapp_identityrecord WHERE id = %s", [pk])
        return cursor.fetchone()[0]


class TestEncryption:
    def test_it_round_trips_text(self):
        token = crypto.encrypt("Nguyễn Thị Hoa")
        assert "Hoa" not in token
        assert crypto.decrypt(token) == "Nguyễn Thị Hoa"

    def test_it_decrypts_with_any_configured_key(self, settings):
        token = crypto.encrypt("Lê Văn Tám")
        settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
        assert crypto.decrypt(token) == "Lê Văn Tám"
        settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
        with pytest.raises(crypto.InvalidToken):
            crypto.decrypt(token)

    def test_it_accepts_a_comma_separated_string(self, settings):
        settings.FIELD_ENCRYPTION_KEYS = f"{KEY_B}, {KEY_A}"
        assert crypto.decrypt(Fernet(KEY_A).encrypt(b"x").decode()) == "x"

    def test_it_rotates_only_tokens_of_older_keys(self, settings):
        old = crypto.encrypt("0912345678")
        settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
        new = crypto.rotate(old)
        assert new is not None and new != old
        assert crypto.rotate(new) is None
        assert Fernet(KEY_B).decrypt(new.encode()) == b"0912345678"

    def test_it_names_a_bad_key_without_showing_it(self, settings):
        settings.FIELD_ENCRYPTION_KEYS = [KEY_A, "not-a-fernet-key"]
        with pytest.raises(ImproperlyConfigured, match="key number 2") as error:
            crypto.encrypt("x")
        assert "not-a-fernet-key" not in str(error.value)

    def test_it_refuses_no_keys(self, settings):
        settings.FIELD_ENCRYPTION_KEYS = []
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
            crypto.encrypt("x")

    def test_settings_generate_keys_that_work(self):
        assert Fernet(crypto.generate_fernet_key())
        assert len(bytes.fromhex(crypto.generate_blind_index_key())) == 32


@pytest.mark.django_db
class TestEncryptedFields:
    def test_it_stores_tokens_and_reads_plaintext(self):
        record = IdentityRecord.objects.create(
            full_name="Nguyễn Văn An", birth_date=datetime.date(1998, 3, 7), aliases=["Bé An", "Anh Ba"]
        )
        # Whole values: a two-letter fragment such as "Ba" turns up in random base64 tokens by chance.
        for column, secret in [("full_name", "Nguyễn Văn An"), ("birth_date", "1998-03-07"), ("aliases", "Anh Ba")]:
            raw = stored(record.pk, column)
            assert secret not in raw
            assert Fernet(KEY_A).decrypt(raw.encode())
        loaded = IdentityRecord.objects.get(pk=record.pk)
        assert loaded.full_name == "Nguyễn Văn An"
        assert loaded.birth_date == datetime.date(1998, 3, 7)
        assert loaded.aliases == ["Bé An", "Anh Ba"]
        assert list(IdentityRecord.objects.values_list("full_name", flat=True)) == ["Nguyễn Văn An"]

    def test_it_keeps_empty_and_null_values(self):
        record = IdentityRecord.objects.create(full_name="", birth_date=None, aliases=None)
        assert stored(record.pk, "full_name") == ""
        assert stored(record.pk, "birth_date") is None
        loaded = IdentityRecord.objects.get(pk=record.pk)
        assert (loaded.full_name, loaded.birth_date, loaded.aliases) == ("", None, None)

    def test_it_accepts_an_iso_date_string(self):
        record = IdentityRecord.objects.create(birth_date="2001-12-31")
        assert IdentityRecord.objects.get(pk=record.pk).birth_date == datetime.date(2001, 12, 31)

    def test_it_refuses_lookups_on_encrypted_values(self):
        IdentityRecord.objects.create(full_name="Trần Thị Bích")
        for lookup in ["full_name", "full_name__icontains", "full_name__startswith", "birth_date__year"]:
            with pytest.raises(EncryptedFieldLookupError, match="encrypted"):
                IdentityRecord.objects.filter(**{lookup: "Trần Thị Bích"}).count()

    def test_it_allows_isnull(self):
        IdentityRecord.objects.create(birth_date=None)
        IdentityRecord.objects.create(birth_date=datetime.date(2000, 1, 1))
        assert IdentityRecord.objects.filter(birth_date__isnull=True).count() == 1
        assert IdentityRecord.objects.filter(birth_date=None).count() == 1

    def test_it_finds_by_blind_index(self):
        record = IdentityRecord.objects.create(
            full_name="Đặng Thị  Lựu", full_name_index=crypto.blind_index("Đặng Thị  Lựu", kind="name")
        )
        found = IdentityRecord.objects.get(full_name_index=crypto.blind_index("dang thi luu", kind="name"))
        assert found == record

    def test_it_names_the_field_but_not_the_value_when_the_key_is_missing(self, settings):
        record = IdentityRecord.objects.create(full_name="Phạm Minh Châu")
        settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
        with pytest.raises(ImproperlyConfigured, match=r"IdentityRecord\.full_name") as error:
            IdentityRecord.objects.get(pk=record.pk)
        assert "Châu" not in str(error.value)

    def test_it_deconstructs_as_itself(self):
        field = IdentityRecord._meta.get_field("full_name")
        name, path, args, kwargs = field.deconstruct()
        assert path == "trove.core.fields.EncryptedTextField"
        assert isinstance(field, EncryptedTextField)


class TestBlindIndex:
    def test_it_matches_names_written_differently(self):
        index = crypto.blind_index("Nguyễn Văn Đức", kind="name")
        assert len(index) == 64
        for variant in ["nguyen van duc", "NGUYỄN  VĂN ĐỨC", " Nguyen Van Duc "]:
            assert crypto.blind_index(variant, kind="name") == index
        assert crypto.blind_index("Nguyễn Văn Dục", kind="name") == index  # tones are dropped too
        assert crypto.blind_index("Nguyễn Văn Được", kind="name") != index

    def test_it_normalises_each_kind(self):
        assert crypto.normalise("Lê  Thị\tĐào", kind="name") == "le thi dao"
        assert crypto.normalise("0012-345 678ab", kind="id_number") == "0012345678AB"
        assert crypto.normalise("+84 912 345 678", kind="phone") == "0912345678"
        assert crypto.normalise("0084 912.345.678", kind="phone") == "0912345678"
        assert crypto.normalise("84912345678", kind="phone") == "0912345678"
        assert crypto.normalise("(024) 3825 1234", kind="phone") == "02438251234"
        assert crypto.normalise(datetime.date(1990, 5, 1), kind="date") == "1990-05-01"
        assert crypto.normalise("01/05/1990", kind="date") == "1990-05-01"
        assert crypto.normalise("1990-05-01", kind="date") == "1990-05-01"

    def test_it_refuses_a_date_it_cannot_read(self):
        with pytest.raises(ValueError, match="date"):
            crypto.blind_index("May 1990", kind="date")

    def test_it_refuses_an_unknown_kind(self):
        with pytest.raises(ValueError, match="kind"):
            crypto.blind_index("x", kind="email")

    def test_it_separates_kinds_and_keys(self, settings):
        as_phone = crypto.blind_index("0912345678", kind="phone")
        assert crypto.blind_index("0912345678", kind="id_number") != as_phone
        settings.BLIND_INDEX_KEY = "another-key"
        assert crypto.blind_index("0912345678", kind="phone") != as_phone

    def test_it_leaves_empty_values_unindexed(self):
        assert crypto.blind_index("", kind="name") == ""
        assert crypto.blind_index(None, kind="phone") == ""
        assert crypto.blind_index(" - ", kind="id_number") == ""

    def test_it_needs_a_key(self, settings):
        settings.BLIND_INDEX_KEY = ""
        with pytest.raises(ImproperlyConfigured, match="BLIND_INDEX_KEY"):
            crypto.blind_index("x", kind="name")


class TestMask:
    def test_it_masks_names_word_by_word(self):
        assert crypto.mask("Nguyễn Văn An") == "N***n V** A"

    def test_it_hides_short_values_entirely(self):
        assert crypto.mask("An") == "•••"
        assert crypto.mask("123") == "•••"

    def test_it_masks_numbers_dates_and_lists(self):
        assert crypto.mask("0912345678") == "0***8"
        assert crypto.mask(datetime.date(1990, 5, 1)) == "1***1"
        assert crypto.mask(["Bé Hoa", "Hoa"]) == "B H**; •••"

    def test_it_keeps_nothing_as_nothing(self):
        assert crypto.mask(None) == ""
        assert crypto.mask("  ") == ""

    def test_masking_twice_changes_nothing(self):
        once = crypto.mask("Nguyễn Văn An")
        assert crypto.mask(once) == once
