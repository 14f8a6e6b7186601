import datetime
from decimal import Decimal

from trove.core.indicators import Scope, definitions, get
from trove.intel.actions import tip_classify, tip_conclude
from trove.intel.models import TipTimeLimit
from trove.intel.proceeding_actions import proceeding_open, proceeding_record_stage
from trove.intel.tests.helpers import IntelTestCase, receive, vn

D = datetime.date
OCTOBER = (D(2026, 10, 1), D(2026, 10, 31))


class IndicatorTests(IntelTestCase):
    """A known data set: five tips and three proceedings, computed by hand below."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        TipTimeLimit.objects.filter(kind="classification").update(days=2, limit_kind="calendar")
        TipTimeLimit.objects.filter(kind="handling").update(days=10, limit_kind="calendar")

        def tip(received, classified=None, concluded=None, user=None, agency=None, unit=None):
            made = receive(cls, user=user, agency=agency, received_at=vn(*received),
                           **({"unit": unit} if unit else {}))
            if classified:
                tip_classify(tip=made, acting_user=user or cls.intake, classification="trafficking",
                             priority="normal", classified_on=D(*classified))
            if concluded:
                tip_conclude(tip=made, acting_user=user or cls.intake, outcome="closed", concluded_on=D(*concluded))
            return made

        tip((2026, 10, 1), classified=(2026, 10, 2), concluded=(2026, 10, 5))  # A: both on time
        tip((2026, 10, 5), classified=(2026, 10, 9), concluded=(2026, 10, 20))  # B: both late (due 7 and 15 Oct)
        tip((2026, 10, 10), classified=(2026, 10, 11))  # C: classified on time, not handled
        tip((2026, 10, 12))  # D: not classified
        tip((2026, 9, 30), classified=(2026, 10, 1), concluded=(2026, 10, 2))  # E: received before the period
        tip((2026, 10, 15), user=cls.far_intake, agency=cls.p.other_agency, unit=cls.p.other_province)  # F

        def proceeding(unit, reported, stages):
            made = proceeding_open(acting_user=cls.investigator, agency=cls.p.partner_agency, unit=unit,
                                   reported_on=D(*reported))
            for stage, day, user, extra in stages:
                proceeding_record_stage(proceeding=made, acting_user=user, stage=stage, date=D(*day), **extra)
            return made

        police, procuracy, court = cls.investigator, cls.prosecutor, cls.judge
        proceeding(cls.commune, (2026, 8, 1), [  # P1: prosecuted and tried (mobile) in October
            ("initiated", (2026, 8, 10), police, {}),
            ("investigated", (2026, 9, 1), police, {"pass_to": cls.procuracy}),
            ("prosecuted", (2026, 10, 5), procuracy, {"pass_to": cls.court}),
            ("first_instance", (2026, 10, 20), court, {"mobile": True, "mobile_place": "Nhà văn hóa", "audience": 200}),
        ])
        proceeding(cls.commune, (2026, 9, 20), [("initiated", (2026, 10, 2), police, {})])  # P2: initiated
        proceeding(cls.p.other_province, (2026, 9, 1), [  # P3, in An Giang: prosecuted and tried, not mobile
            ("initiated", (2026, 9, 5), police, {}),
            ("investigated", (2026, 9, 20), police, {"pass_to": cls.procuracy}),
            ("prosecuted", (2026, 10, 10), procuracy, {"pass_to": cls.court}),
            ("first_instance", (2026, 10, 25), court, {}),
        ])

    def value(self, code, unit="province"):
        place = {"province": self.p.province, "commune": self.commune, None: None}[unit]
        return get(code).compute(Scope(*OCTOBER, unit=place))

    def test_the_indicators_are_registered(self):
        codes = {d.code for d in definitions()}
        self.assertLessEqual({"intel.tips_classified_on_time", "intel.tips_handled_on_time", "intel.cases_initiated",
                              "intel.cases_prosecuted", "intel.cases_tried", "intel.mobile_trials"}, codes)

    def test_share_of_tips_classified_within_the_time_limit(self):
        value = self.value("intel.tips_classified_on_time")
        self.assertEqual((value.numerator, value.denominator, value.percent), (2, 4, Decimal("50.0")))
        everywhere = self.value("intel.tips_classified_on_time", unit=None)
        self.assertEqual((everywhere.numerator, everywhere.denominator), (2, 5))

    def test_share_of_tips_handled_within_the_time_limit(self):
        value = self.value("intel.tips_handled_on_time", unit="commune")
        self.assertEqual((value.numerator, value.denominator, value.percent), (1, 4, Decimal("25.0")))
        late = get("intel.tips_handled_on_time").records(Scope(*OCTOBER, unit=self.commune), meeting=False)
        self.assertEqual(late.count(), 3)

    def test_counts_of_proceedings_by_stage_and_mobile_trials(self):
        expected = {"intel.cases_initiated": (1, 1), "intel.cases_prosecuted": (1, 2), "intel.cases_tried": (1, 2),
                    "intel.mobile_trials": (1, 1)}
        for code, (in_dong_thap, everywhere) in expected.items():
            self.assertEqual(self.value(code).numerator, in_dong_thap, code)
            self.assertIsNone(self.value(code).denominator)
            self.assertEqual(self.value(code, unit=None).numerator, everywhere, code)
        september = get("intel.cases_initiated").compute(Scope(D(2026, 9, 1), D(2026, 9, 30)))
        self.assertEqual(september.numerator, 1)
