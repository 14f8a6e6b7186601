"""A small synthetic dataset for the reports tests, made through the real actions, with its counts worked out by
hand below. Every person is invented.

2026, UBND xã Tân Hồng (2025:29926) — 14 persons received:
    channel             female  male  other  | under 16  16–17  adult  unknown age
    handover_official     2      1            |                     3
    returned_self         3      1            |    1        1      2
    returned_mission      1                   |                            1
    rescued_domestic      1      1            |                     2
    self_reported         1            1      |                     2
    referred                     1            |                     1
    hotline               1                   |                     1
    total                 9      4     1      |    1        1     11       1
  decisions dated 2026: victims 3 (two handover women, the rescued man), not a victim 1 (the referred man);
  still being identified: 10.
2026, Tân Hộ Cơ (2025:29929): 2 self-reported (a woman, a man), not decided.
2025-12-20, Tân Hồng: 1 hotline (a woman), outside 2026.
2019, legacy units (regime A): Sa Rài town (legacy:29926 -> 2025 Tân Hồng) 2 women, victims decided in 2019 on the
  purposes sexual exploitation + forced marriage, and forced labour; Bình Phú (legacy:29935 -> Tân Hồng) 1 man;
  Tân Hộ Cơ (legacy:29929 -> 2025 Tân Hộ Cơ) 1 woman.
An Giang (2025:91), received by the outsider's agency in 2026: 1 woman.
Registries of Tân Hồng: suspected in 2026 — labour export 2 (a woman and a man, KR), tourism 1 (a girl of 17, CN),
  marriage to a foreigner 2 (women, CN), online recruitment 1 (a man, KH); suspected in 2025 — 1 (tourism).
  Missing — reported 2025-05-10 (a woman, still missing), 2026-03-01 (a man, still missing), 2026-04-01 (a woman,
  located since).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.cache import cache

from trove.agencies.models import Role
from trove.cases.actions import DocumentData, IntakeData, receive_person
from trove.cases.models import PlaceKind
from trove.core.testing import PersonaTestCase, _member, _user
from trove.geo.models import AdminUnit, Country
from trove.people.actions import PersonData
from trove.people.registry_actions import missing_create, registry_entry_transition, suspected_create
from trove.rules.models import IdentificationGround
from trove.verification.actions import approve_decision, propose_decision, tick_ground

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
ABROAD = {"handover_official", "returned_self", "returned_mission"}
_names = iter(f"Người Thử {chr(0x41 + i // 26)}{chr(0x41 + i % 26)}" for i in range(26 * 26))


def vn(year, month, day, hour=10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=VIETNAM)


def person(sex: str, birth_year: int | None) -> PersonData:
    return PersonData(full_name=next(_names), sex=sex,
                      birth_date=datetime.date(birth_year, 6, 1) if birth_year else None)


def receive(user, agency, when, channel, sex, birth_year, unit_key="2025:29926", country="KH"):
    values = {"channel": channel, "received_at": when, "place_kind": PlaceKind.COMMUNE,
              "place_unit": AdminUnit.objects.by_key(unit_key), "place_name": "UBND xã"}
    if channel in ABROAD:
        values["country_returned_from"] = Country.objects.get(code=country)
    if channel == "handover_official":
        values.update(place_kind=PlaceKind.BORDER_GATE, place_name="Cửa khẩu Dinh Bà",
                      documents=[DocumentData(title="Biên bản bàn giao", number="12/BB")])
    if channel in ("referred", "hotline"):
        values["source_reference"] = "Tổng đài 111"
    return receive_person(acting_user=user, agency=agency, intake=IntakeData(**values),
                          person=person(sex, birth_year))


@dataclass
class Dataset:
    cases_2026: list = field(default_factory=list)
    victims_2026: list = field(default_factory=list)
    not_victim_2026: list = field(default_factory=list)
    tan_ho_co_2026: list = field(default_factory=list)
    december_2025: object = None
    sa_rai_2019: list = field(default_factory=list)
    binh_phu_2019: object = None
    tan_ho_co_2019: object = None
    an_giang: object = None
    suspected: list = field(default_factory=list)
    missing: list = field(default_factory=list)


def decide(case, outcome, day, verifier, approver, grounds):
    for ground in grounds:
        tick_ground(case=case, acting_user=verifier, ground=ground, source="Công văn số 12/CAT")
    decision = propose_decision(case=case, acting_user=verifier, outcome=outcome, decision_date=day,
                                reasons="Căn cứ kết quả xác minh của Công an")
    approve_decision(decision=decision, acting_user=approver)
    return decision


def make_dataset(p, verifier) -> Dataset:
    data = Dataset()
    owner, agency = p.owner, p.owner_agency
    rows = [
        ("handover_official", "female", 1990), ("handover_official", "female", 1985),
        ("handover_official", "male", 1980),
        ("returned_self", "female", 1995), ("returned_self", "female", 1998), ("returned_self", "female", 2012),
        ("returned_self", "male", 2009),
        ("returned_mission", "female", None),
        ("rescued_domestic", "male", 1992), ("rescued_domestic", "female", 1993),
        ("self_reported", "female", 1991), ("self_reported", "other", 1990),
        ("referred", "male", 1970),
        ("hotline", "female", 2000),
    ]
    for index, (channel, sex, year) in enumerate(rows):
        country = "CN" if channel == "returned_self" else "MY" if channel == "returned_mission" else "KH"
        data.cases_2026.append(receive(owner, agency, vn(2026, 1 + index % 9, 3 + index), channel, sex, year,
                                       country=country))
    data.tan_ho_co_2026 = [receive(owner, agency, vn(2026, 5, 5), "self_reported", "female", 1988, "2025:29929"),
                           receive(owner, agency, vn(2026, 6, 6), "self_reported", "male", 1987, "2025:29929")]
    data.december_2025 = receive(owner, agency, vn(2025, 12, 20), "hotline", "female", 1999)
    data.sa_rai_2019 = [receive(owner, agency, vn(2019, 3, 4), "rescued_domestic", "female", 1996, "legacy:29926"),
                        receive(owner, agency, vn(2019, 4, 5), "self_reported", "female", 1997, "legacy:29926")]
    data.binh_phu_2019 = receive(owner, agency, vn(2019, 5, 6), "self_reported", "male", 1990, "legacy:29935")
    data.tan_ho_co_2019 = receive(owner, agency, vn(2019, 7, 8), "rescued_domestic", "female", 1994, "legacy:29929")
    data.an_giang = receive(p.outsider, p.other_agency, vn(2026, 2, 2), "self_reported", "female", 1990, "2025:91")

    evidence = IdentificationGround.objects.filter(regime__code="B").order_by("order").first()
    purposes = {g.code: g for g in IdentificationGround.objects.filter(regime__code="A",
                                                                      group="exploitative_purpose")}
    confirming = IdentificationGround.objects.filter(regime__code="A", group="confirming_document").first()
    for case in (data.cases_2026[0], data.cases_2026[1], data.cases_2026[8]):
        decide(case, "victim", datetime.date(2026, 10, 1), verifier, p.supervisor, [evidence])
        data.victims_2026.append(case)
    decide(data.cases_2026[12], "not_victim", datetime.date(2026, 10, 2), verifier, p.supervisor, [evidence])
    data.not_victim_2026.append(data.cases_2026[12])
    decide(data.sa_rai_2019[0], "victim", datetime.date(2019, 6, 1), verifier, p.supervisor,
           [confirming, purposes["purpose_sexual_exploitation"], purposes["purpose_forced_marriage"]])
    decide(data.sa_rai_2019[1], "victim", datetime.date(2019, 6, 2), verifier, p.supervisor,
           [confirming, purposes["purpose_forced_labour"]])

    cn, kr, kh = (Country.objects.get(code=code) for code in ("CN", "KR", "KH"))
    for channel, sex, year, country, day in (
        ("labour_export", "female", 1990, kr, datetime.date(2026, 2, 1)),
        ("labour_export", "male", 1991, kr, datetime.date(2026, 2, 2)),
        ("tourism", "female", 2009, cn, datetime.date(2026, 3, 3)),
        ("marriage_foreigner", "female", 1999, cn, datetime.date(2026, 4, 4)),
        ("marriage_foreigner", "female", 2001, cn, datetime.date(2026, 5, 5)),
        ("online_recruitment", "male", 2002, kh, datetime.date(2026, 6, 6)),
        ("tourism", "female", 1995, cn, datetime.date(2025, 6, 6)),
    ):
        data.suspected.append(suspected_create(acting_user=owner, agency=agency, person=person(sex, year),
                                               risk_channel=channel, reported_on=day, destination_country=country))
    for sex, day in (("female", datetime.date(2025, 5, 10)), ("male", datetime.date(2026, 3, 1)),
                     ("female", datetime.date(2026, 4, 1))):
        data.missing.append(missing_create(acting_user=owner, agency=agency, person=person(sex, 1990),
                                           reported_on=day, last_known_country=cn))
    registry_entry_transition(acting_user=owner, entry=data.missing[2], status="located",
                              reason="Gia đình báo đã liên lạc được")
    return data


class ReportsTestCase(PersonaTestCase):
    """Personas plus a verifier of the owning commune (who proposes decisions) and the dataset above."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.verifier = _member(_user("p_verifier", "Bùi Văn Định"), cls.p.owner_agency, Role.VERIFIER, cls.p.commune)
        cls.data = make_dataset(cls.p, cls.verifier)

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # cached statistics of another test's data (rolled back) must not be read
