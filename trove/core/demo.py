"""The demo data: Tân Hồng in 2019 and Đồng Tháp in 2026, with one sign-in per role (issue 2, part 6).

Two settings, both on the real administrative units:

- 2019, on the legacy units: the agencies that Tân Hồng district's 2019 plan names in its section IV and its list of
  recipients (shared/seed/000_8cefcaa22de50bb8.txt), with the province bodies above them. They ended with the
  districts on 2025-06-30.
- 2026, on the 2025 units: the merged Đồng Tháp province, the four communes formed from Tân Hồng, the agencies of the
  regime in force since 2025-07-01 (victim support moved from the labour sector to the health sector), and one
  agency in another province for the ``outsider``.

Every name of a person, phone number and e-mail address here is invented: phone numbers are of the form
0277 3000 1xx (no real line), e-mail addresses are under example.vn. The demo users' password is ``demo``.
"""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from trove.agencies.models import Agency, AgencyType, Membership, Role
from trove.core import audit
from trove.core.models import Installation, User
from trove.geo.models import AdminUnit

# Printed on the README's first screen on purpose: demo users exist only in a database seeded for the demo.
DEMO_PASSWORD = "demo"
LEGACY_UNTIL = datetime.date(2025, 6, 30)
SINCE_2025 = datetime.date(2025, 7, 1)


@dataclass(frozen=True)
class DemoAgency:
    ref: str  # how users and children point at it here; not stored
    name: str
    short_name: str
    agency_type: str
    unit: str  # unit key, "legacy:869" / "2025:82"
    phone: str
    email: str
    parent: str | None = None


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    agency: str  # DemoAgency.ref
    role: str
    scope: str  # unit key
    superuser: bool = False


# 2019: Tân Hồng district (legacy units), valid until 2025-06-30. District offices report to the district PC.
AGENCIES_2019: list[DemoAgency] = [
    DemoAgency("dt87_pc", "Ủy ban nhân dân tỉnh Đồng Tháp", "UBND tỉnh Đồng Tháp", AgencyType.PROVINCE_PC,
               "legacy:87", "0277 3000 101", "ubnd.tinh.2019@example.vn"),
    DemoAgency("dt87_labour", "Sở Lao động – Thương binh và Xã hội tỉnh Đồng Tháp", "Sở LĐ-TB&XH Đồng Tháp",
               AgencyType.LABOUR_SOCIAL, "legacy:87", "0277 3000 102", "sldtbxh.2019@example.vn", "dt87_pc"),
    DemoAgency("dt87_border", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Đồng Tháp", "BĐBP Đồng Tháp",
               AgencyType.BORDER_GUARD, "legacy:87", "0277 3000 103", "bdbp.2019@example.vn"),
    DemoAgency("th_pc", "Ủy ban nhân dân huyện Tân Hồng", "UBND huyện Tân Hồng", AgencyType.DISTRICT_PC,
               "legacy:869", "0277 3000 110", "ubnd.tanhong.2019@example.vn", "dt87_pc"),
    DemoAgency("th_police", "Công an huyện Tân Hồng", "CA huyện Tân Hồng", AgencyType.POLICE,
               "legacy:869", "0277 3000 111", "congan.tanhong.2019@example.vn"),
    DemoAgency("th_labour", "Phòng Lao động – Thương binh và Xã hội huyện Tân Hồng", "Phòng LĐ-TB&XH Tân Hồng",
               AgencyType.LABOUR_SOCIAL, "legacy:869", "0277 3000 112", "ldtbxh.tanhong.2019@example.vn", "th_pc"),
    DemoAgency("th_justice", "Phòng Tư pháp huyện Tân Hồng", "Phòng TP Tân Hồng", AgencyType.JUSTICE,
               "legacy:869", "0277 3000 113", "tuphap.tanhong.2019@example.vn", "th_pc"),
    DemoAgency("th_health_office", "Phòng Y tế huyện Tân Hồng", "Phòng YT Tân Hồng", AgencyType.HEALTH_STATION,
               "legacy:869", "0277 3000 114", "phongyte.tanhong.2019@example.vn", "th_pc"),
    DemoAgency("th_health_centre", "Trung tâm Y tế huyện Tân Hồng", "TTYT Tân Hồng", AgencyType.HEALTH_STATION,
               "legacy:869", "0277 3000 115", "ttyt.tanhong.2019@example.vn", "th_pc"),
    DemoAgency("th_finance", "Phòng Tài chính – Kế hoạch huyện Tân Hồng", "Phòng TC-KH Tân Hồng", AgencyType.FINANCE,
               "legacy:869", "0277 3000 116", "tckh.tanhong.2019@example.vn", "th_pc"),
    DemoAgency("th_education", "Phòng Giáo dục và Đào tạo huyện Tân Hồng", "Phòng GD&ĐT Tân Hồng",
               AgencyType.EDUCATION, "legacy:869", "0277 3000 117", "gddt.tanhong.2019@example.vn", "th_pc"),
    DemoAgency("th_culture", "Phòng Văn hóa và Thông tin huyện Tân Hồng", "Phòng VH&TT Tân Hồng",
               AgencyType.CULTURE_INFORMATION, "legacy:869", "0277 3000 118", "vhtt.tanhong.2019@example.vn", "th_pc"),
    # The mass organisations, procuracy and court are not under the People's Committee.
    DemoAgency("th_women", "Hội Liên hiệp Phụ nữ huyện Tân Hồng", "Hội LHPN Tân Hồng", AgencyType.WOMENS_UNION,
               "legacy:869", "0277 3000 119", "phunu.tanhong.2019@example.vn"),
    DemoAgency("th_procuracy", "Viện Kiểm sát nhân dân huyện Tân Hồng", "VKSND Tân Hồng", AgencyType.PROCURACY,
               "legacy:869", "0277 3000 120", "vks.tanhong.2019@example.vn"),
    DemoAgency("th_court", "Tòa án nhân dân huyện Tân Hồng", "TAND Tân Hồng", AgencyType.COURT,
               "legacy:869", "0277 3000 121", "toaan.tanhong.2019@example.vn"),
    DemoAgency("th_front", "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Tân Hồng", "UBMTTQ Tân Hồng",
               AgencyType.FATHERLAND_FRONT, "legacy:869", "0277 3000 122", "mttq.tanhong.2019@example.vn"),
    # UBND các xã, thị trấn: the town and eight communes of Tân Hồng.
    *[
        DemoAgency(f"th_commune_{code}", f"Ủy ban nhân dân {kind} {name}", f"UBND {kind} {name}", AgencyType.COMMUNE_PC,
                   f"legacy:{code}", f"0277 3000 {130 + index}", f"ubnd.{code}.2019@example.vn", "th_pc")
        for index, (code, kind, name) in enumerate([
            ("29926", "thị trấn", "Sa Rài"),
            ("29929", "xã", "Tân Hộ Cơ"),
            ("29932", "xã", "Thông Bình"),
            ("29935", "xã", "Bình Phú"),
            ("29938", "xã", "Tân Thành A"),
            ("29941", "xã", "Tân Thành B"),
            ("29944", "xã", "Tân Phước"),
            ("29947", "xã", "Tân Công Chí"),
            ("29950", "xã", "An Phước"),
        ])
    ],
]

# 2026: the merged Đồng Tháp (2025 units), valid from 2025-07-01; and one agency in An Giang.
AGENCIES_2026: list[DemoAgency] = [
    DemoAgency("dt_pc", "Ủy ban nhân dân tỉnh Đồng Tháp", "UBND tỉnh Đồng Tháp", AgencyType.PROVINCE_PC,
               "2025:82", "0277 3000 201", "ubnd.tinh@example.vn"),
    DemoAgency("dt_health", "Sở Y tế tỉnh Đồng Tháp", "Sở Y tế Đồng Tháp", AgencyType.HEALTH_DEPARTMENT,
               "2025:82", "0277 3000 202", "soyte@example.vn", "dt_pc"),
    DemoAgency("dt_police", "Công an tỉnh Đồng Tháp", "CA tỉnh Đồng Tháp", AgencyType.POLICE,
               "2025:82", "0277 3000 203", "congan@example.vn"),
    DemoAgency("dt_women", "Hội Liên hiệp Phụ nữ tỉnh Đồng Tháp", "Hội LHPN Đồng Tháp", AgencyType.WOMENS_UNION,
               "2025:82", "0277 3000 204", "phunu@example.vn"),
    DemoAgency("dt_legal_aid", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh Đồng Tháp", "TT TGPL Đồng Tháp",
               AgencyType.LEGAL_AID, "2025:82", "0277 3000 205", "trogiupphaply@example.vn"),
    DemoAgency("dt_social", "Trung tâm Công tác xã hội tỉnh Đồng Tháp", "TT CTXH Đồng Tháp",
               AgencyType.SOCIAL_FACILITY, "2025:82", "0277 3000 206", "ctxh@example.vn", "dt_health"),
    # The Dinh Bà international border gate lies in Tân Hộ Cơ commune.
    DemoAgency("dt_dinh_ba", "Đồn Biên phòng Cửa khẩu quốc tế Dinh Bà", "Đồn BP CKQT Dinh Bà",
               AgencyType.BORDER_GUARD, "2025:29929", "0277 3000 207", "dinhba@example.vn"),
    DemoAgency("dt_finance", "Sở Tài chính tỉnh Đồng Tháp", "Sở Tài chính Đồng Tháp", AgencyType.FINANCE,
               "2025:82", "0277 3000 208", "sotaichinh@example.vn", "dt_pc"),
    DemoAgency("dt_procuracy", "Viện Kiểm sát nhân dân tỉnh Đồng Tháp", "VKSND Đồng Tháp", AgencyType.PROCURACY,
               "2025:82", "0277 3000 209", "vks@example.vn"),
    DemoAgency("dt_court", "Tòa án nhân dân tỉnh Đồng Tháp", "TAND Đồng Tháp", AgencyType.COURT,
               "2025:82", "0277 3000 210", "toaan@example.vn"),
    DemoAgency("tan_hong_pc", "Ủy ban nhân dân xã Tân Hồng", "UBND xã Tân Hồng", AgencyType.COMMUNE_PC,
               "2025:29926", "0277 3000 211", "ubnd.tanhong@example.vn", "dt_pc"),
    DemoAgency("tan_thanh_pc", "Ủy ban nhân dân xã Tân Thành", "UBND xã Tân Thành", AgencyType.COMMUNE_PC,
               "2025:29938", "0277 3000 212", "ubnd.tanthanh@example.vn", "dt_pc"),
    DemoAgency("tan_ho_co_pc", "Ủy ban nhân dân xã Tân Hộ Cơ", "UBND xã Tân Hộ Cơ", AgencyType.COMMUNE_PC,
               "2025:29929", "0277 3000 213", "ubnd.tanhoco@example.vn", "dt_pc"),
    DemoAgency("an_phuoc_pc", "Ủy ban nhân dân xã An Phước", "UBND xã An Phước", AgencyType.COMMUNE_PC,
               "2025:29944", "0277 3000 214", "ubnd.anphuoc@example.vn", "dt_pc"),
    DemoAgency("ag_health", "Sở Y tế tỉnh An Giang", "Sở Y tế An Giang", AgencyType.HEALTH_DEPARTMENT,
               "2025:91", "0296 3000 201", "soyte.angiang@example.vn"),
]

DEMO_USERS: list[DemoUser] = [
    DemoUser("admin", "Phạm Quốc Huy", "dt_health", Role.ADMINISTRATOR, "2025:82", superuser=True),
    DemoUser("intake", "Lê Thị Thu Hà", "tan_hong_pc", Role.INTAKE_OFFICER, "2025:29926"),
    DemoUser("verifier", "Trần Văn Dũng", "dt_police", Role.VERIFIER, "2025:82"),
    DemoUser("caseworker", "Nguyễn Thị Mai", "dt_health", Role.CASEWORKER, "2025:82"),
    DemoUser("supervisor", "Võ Thanh Tâm", "dt_health", Role.SUPERVISOR, "2025:82"),
    DemoUser("statistician", "Huỳnh Ngọc Lan", "dt_health", Role.STATISTICIAN, "2025:82"),
    DemoUser("coordinator", "Đặng Minh Khoa", "dt_pc", Role.PLAN_COORDINATOR, "2025:82"),
    DemoUser("auditor", "Bùi Thị Kim Ngân", "dt_health", Role.AUDITOR, "2025:82"),
    DemoUser("finance", "Trịnh Thị Hồng Nhung", "dt_finance", Role.FINANCE_OFFICER, "2025:82"),
    DemoUser("womenunion", "Hà Thị Ngọc", "dt_women", Role.CASEWORKER, "2025:82"),
    DemoUser("investigator", "Cao Văn Bình", "dt_police", Role.PROCEEDINGS_OFFICER, "2025:82"),
    DemoUser("prosecutor", "Lý Thị Thanh", "dt_procuracy", Role.PROCEEDINGS_OFFICER, "2025:82"),
    DemoUser("judge", "Mai Văn Đức", "dt_court", Role.PROCEEDINGS_OFFICER, "2025:82"),
    DemoUser("outsider", "Lâm Văn Phúc", "ag_health", Role.CASEWORKER, "2025:91"),
]
DEMO_USERNAMES = frozenset(user.username for user in DEMO_USERS)
# The demo cases are received by the intake officer of this agency.
INTAKE_AGENCY = "tan_hong_pc"


def not_empty_reason() -> str | None:
    """Why this database should not receive demo data, or None when it may.

    Demo users alone do not count (an earlier seed whose agencies were removed); anything else someone created does.
    """
    agencies = Agency.objects.count()
    if agencies:
        return f"the database already holds {agencies} agencies"
    others = User.objects.exclude(username__in=DEMO_USERNAMES).count()
    if others:
        return f"the database already holds {others} users who are not demo users"
    return None


@dataclass(frozen=True)
class SeedResult:
    agencies: int
    users: list[DemoUser]


def seed_demo() -> SeedResult:
    """Create both settings and the demo users in one transaction, and mark the installation as a demo.

    Callers check ``not_empty_reason()`` first; this function adds to whatever is there. The administrative units must
    be loaded (``manage.py load_reference_data``): a missing unit stops the seed before anything is written.
    """
    keys = {agency.unit for agency in AGENCIES_2019 + AGENCIES_2026} | {user.scope for user in DEMO_USERS}
    units = _units(keys)
    with transaction.atomic():
        agencies: dict[str, Agency] = {}
        for definitions, valid_from, valid_to in (
            (AGENCIES_2019, None, LEGACY_UNTIL),
            (AGENCIES_2026, SINCE_2025, None),
        ):
            # Parents come first in each list, so a parent always exists when its children are created.
            for definition in definitions:
                agency = Agency(
                    name=definition.name,
                    short_name=definition.short_name,
                    agency_type=definition.agency_type,
                    unit=units[definition.unit],
                    parent=agencies[definition.parent] if definition.parent else None,
                    phone=definition.phone,
                    email=definition.email,
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
                agency.full_clean()
                agency.save()
                agencies[definition.ref] = agency
        for definition in DEMO_USERS:
            user = User.objects.filter(username=definition.username).first() or User(username=definition.username)
            user.full_name = definition.full_name
            user.email = f"{definition.username}@example.vn"
            user.is_active = True
            user.is_staff = user.is_superuser = definition.superuser
            user.set_password(DEMO_PASSWORD)
            user.save()
            Membership.objects.create(
                user=user,
                agency=agencies[definition.agency],
                role=definition.role,
                scope_unit=units[definition.scope],
                valid_from=SINCE_2025,
            )
        from trove.cases.demo import seed_demo_cases

        seed_demo_cases(intake_officer=User.objects.get(username="intake"), agency=agencies[INTAKE_AGENCY])
        seed_app_demos(agencies)
        installation = Installation.current()
        installation.demo_seeded_at = timezone.now()
        installation.save(update_fields=["demo_seeded_at"])
        audit.record(
            "demo.seed",
            object_type="core.installation",
            object_id=str(installation.pk),
            reason=f"{len(agencies)} agencies and {len(DEMO_USERS)} demo users created",
        )
    return SeedResult(agencies=len(agencies), users=DEMO_USERS)


def seed_app_demos(agencies: dict[str, Agency]) -> None:
    """Let each app add its demo records, in the order of INSTALLED_APPS: an app's ``demo`` module may define
    ``seed_demo_data(agencies)``, where ``agencies`` maps the refs above (``"dt_health"``, ``"th_police"``…) to the
    agencies just created; the demo users exist by their usernames. Runs inside seed_demo's transaction."""
    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("trove.") or config.name in {"trove.core", "trove.cases"}:
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        seeder = getattr(module, "seed_demo_data", None)
        if seeder is not None:
            seeder(agencies)


def _units(keys: set[str]) -> dict[str, AdminUnit]:
    found = {}
    for key in sorted(keys):
        try:
            found[key] = AdminUnit.objects.by_key(key)
        except AdminUnit.DoesNotExist:
            raise LookupError(
                f"Administrative unit {key} is missing: run `python manage.py load_reference_data` first."
            ) from None
    return found
