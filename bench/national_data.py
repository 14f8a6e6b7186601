"""Every kind of record around the synthetic cases, for the national-scale benchmark (issue 13).

Used by ``manage.py generate_synthetic`` (unless ``--only-persons``): ``CaseRecords.for_cases`` adds the records of
each case inside the worker that makes the case (steps, decision, exploitation, support entries, referral,
follow-up), ``CaseRecords.national`` the records that are not a case's (tips and proceedings, a plan per province with
activities, registries, the audit log). Proportions are the ones we expect in production; all rows are synthetic.

The audit log is hash-chained: entries are appended here in batches under the same advisory lock as
``trove.core.audit.record``, each numbered after the last entry and hashed by ``AuditEntry.compute_hash`` — so the
chain stays valid and ``manage.py audit_verify`` accepts it. They cannot be flushed (the log is append-only); a rerun
tops the bench entries up to the requested number instead of adding them again.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from bench import bulk

DECISION_SHARE = 0.5
VICTIM_SHARE = 0.8
REFERRAL_SHARE = 0.25  # of the victims
FOLLOWUP_SHARE = 0.5  # of the victims
EXPLOITATION = [("ForcedLabour", 30), ("SexualExploitation", 25), ("ForcedMarriage", 25), ("Servitude", 5),
                ("ChildLabour", 4), ("ForcedCriminality", 4), ("Surrogacy", 3), ("OrganRemoval", 1), ("Other", 3)]
ABROAD = ("handover_official", "returned_mission", "returned_self")
COUNTRIES = ["CN", "CN", "CN", "KH", "KH", "LA", "MY", "TH", "KR", "TW", "GB", "DE"]
AUDIT_ACTIONS = [("case.view_identity", "cases.case", 30), ("case.update", "cases.case", 15),
                 ("verification.step_done", "cases.case", 20), ("support.record", "support.supportentry", 12),
                 ("referral.send", "referrals.referral", 3), ("followup.visit", "referrals.followupvisit", 5),
                 ("report.view", "", 5), ("export.cases", "", 2), ("auth.sign_in", "", 8)]
AUDIT_WEIGHTS = [weight for _a, _t, weight in AUDIT_ACTIONS]
VICTIM_STATUSES = [("identified_victim", 30), ("supporting", 30), ("reintegrating", 20), ("closed", 20)]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[-1] for p in pairs])[0]


def flush_records() -> None:
    """Delete the records that do not hang off a person (the cases' own go with them)."""
    from bench.pages_intel import PROCEEDING_PREFIX, TIP_PREFIX
    from trove.core.models.access import Participation, ParticipationReason
    from trove.intel.models import Proceeding, Tip

    Participation.objects.filter(reason=ParticipationReason.REFERRAL).delete()
    Tip.objects.filter(code__startswith=TIP_PREFIX).delete()
    Proceeding.objects.filter(code__startswith=PROCEEDING_PREFIX).delete()


_DAYS_OFF: tuple[set, set] | None = None


@contextlib.contextmanager
def _calendar_in_memory():
    """``deadline_for`` reads the holiday tables once per call; for millions of steps read them once in all. Only the
    reading is replaced: the counting stays ``trove.rules.workdays``'s own."""
    global _DAYS_OFF
    from trove.rules import workdays
    from trove.rules.models import Holiday, WorkdayOverride

    if _DAYS_OFF is None:
        _DAYS_OFF = (set(Holiday.objects.values_list("date", flat=True)),
                     set(WorkdayOverride.objects.values_list("date", flat=True)))
    original = workdays.DayCalendar

    class Calendar(original):
        def __init__(self, first, last) -> None:
            self.first, self.last = first, last
            self.holidays, self.worked_weekend_days = _DAYS_OFF

    workdays.DayCalendar = Calendar
    try:
        yield
    finally:
        workdays.DayCalendar = original


class CaseRecords:
    """What the workers need to add a case's records; built in the parent before forking."""

    @classmethod
    def prepare(cls, agencies: dict, officer, seed: int) -> CaseRecords:
        from django.contrib.contenttypes.models import ContentType

        from trove.agencies.models import Agency
        from trove.cases.models import Case
        from trove.referrals.models import ConsentBasis
        from trove.rules.models import IdentificationGround, Rate, Regime, SupportType

        self = cls()
        self.officer_id = officer.pk
        self.seed = seed
        self.regimes = {r.code: r for r in Regime.objects.all()}
        self.purposes = list(IdentificationGround.objects.filter(group="exploitative_purpose", regime__code="A")
                             .values_list("pk", flat=True))
        self.evidence_b = list(IdentificationGround.objects.filter(regime__code="B").order_by("order")
                               .values_list("pk", flat=True)[:1])
        # Support at the regime's rates: where the law leaves the amount to the province, a plausible amount.
        self.rates = {}
        for code in self.regimes:
            options = []
            for support_type in SupportType.objects.order_by("order"):
                rate = Rate.objects.filter(regime__code=code, support_type=support_type).first()
                options.append((support_type.pk, rate.pk if rate else None, rate.amount if rate else None,
                                rate.unit if rate else "once"))
            self.rates[code] = options
        consent = ConsentBasis.objects.filter(is_exception=False).order_by("-valid_from").first()
        self.consent_id = consent.pk if consent else None
        self.case_type_id = ContentType.objects.get_for_model(Case).pk
        self.receivers = {}
        for agency in agencies.values():
            self.receivers[agency.pk] = Agency.objects.get_or_create(
                name=f"Hội LHPN (tổng hợp) {agency.unit.name}", agency_type="womens_union", unit=agency.unit,
                defaults={"valid_from": datetime.date(2025, 7, 1)})[0].pk
        self.steps_cache, self.regime_cache, self.rule_cache = {}, {}, {}
        return self

    @staticmethod
    def numbered_models() -> tuple:
        from trove.referrals.models import FollowUpPlan
        from trove.verification.models import IdentificationDecision

        return (IdentificationDecision, FollowUpPlan)

    def _steps(self, channel: str, received: datetime.datetime):
        from trove.rules.selectors import regime_for, steps_for
        from trove.rules.workdays import deadline_for

        day = timezone.localdate(received)
        key = (channel, day)
        if key not in self.steps_cache:
            # A regime found once covers every day of its validity: no query per day.
            regime = next((r for r in self.regime_cache.values() if r.valid_from <= day
                           and (r.valid_to is None or day <= r.valid_to)), None)
            if regime is None:
                regime = regime_for(day)
                self.regime_cache[regime.pk] = regime
            if (regime.pk, channel) not in self.rule_cache:
                self.rule_cache[regime.pk, channel] = list(steps_for(regime, channel))
            with _calendar_in_memory():
                self.steps_cache[key] = [(step.pk, regime.code, step.order, deadline_for(step, received))
                                         for step in self.rule_cache[regime.pk, channel]]
        return self.steps_cache[key]

    def for_cases(self, cases: list, intakes: list, rng: random.Random, *, start: int, base: dict) -> dict:
        """The records of a chunk's cases (unsaved, ids given where others refer to them); sets each case's status."""
        from trove.cases.models import CaseExploitation
        from trove.core.models.access import Participation
        from trove.people.models import MissingPerson, SuspectedVictim
        from trove.referrals.actions import add_months
        from trove.referrals.models import FollowUpPlan, FollowUpVisit, Referral
        from trove.support.models import SupportEntry
        from trove.verification.models import IdentificationDecision, VerificationStep

        through = IdentificationDecision.grounds.through
        rows = {model: [] for model in (VerificationStep, IdentificationDecision, through, CaseExploitation,
                                        SupportEntry, Referral, Participation, FollowUpPlan, FollowUpVisit,
                                        SuspectedVictim, MissingPerson)}
        now = timezone.now()
        today = timezone.localdate()
        first_decision = base["verification.IdentificationDecision"] + start
        first_plan = base["referrals.FollowUpPlan"] + start
        for offset, (case, intake) in enumerate(zip(cases, intakes, strict=True)):
            received = intake.received_at
            day = timezone.localdate(received)
            age = (today - day).days
            if intake.channel in ABROAD:
                intake.country_returned_from_id = rng.choice(COUNTRIES)
            decided = age > 30 and rng.random() < DECISION_SHARE
            steps_done = decided or age > 120
            for rule_id, regime_code, order, deadline in self._steps(intake.channel, received):
                done = steps_done or (deadline is not None and deadline < today and rng.random() < 0.7)
                rows[VerificationStep].append(VerificationStep(
                    case_id=case.pk, rule_id=rule_id, regime_code=regime_code, order=order, started_at=received,
                    deadline=deadline, status="done" if done else "pending",
                    done_at=received + datetime.timedelta(days=rng.randint(1, 20)) if done else None,
                    done_by_id=self.officer_id if done else None))
            if not decided:
                case.status = "received" if age < 7 else "verifying" if age < 60 else "being_identified"
            else:
                decision_day = min(day + datetime.timedelta(days=rng.randint(5, 120)),
                                   today - datetime.timedelta(days=1))
                victim = rng.random() < VICTIM_SHARE
                decision = IdentificationDecision(
                    pk=first_decision + offset, case_id=case.pk, outcome="victim" if victim else "not_victim",
                    decided_by_id=self.officer_id, decision_date=decision_day, reasons="(dữ liệu thử)",
                    status="approved", approved_by_id=self.officer_id, approved_at=now)
                rows[IdentificationDecision].append(decision)
                regime = "A" if decision_day < datetime.date(2025, 7, 1) else "B"
                grounds = (rng.sample(self.purposes, min(len(self.purposes), rng.choice([1, 1, 2])))
                           if regime == "A" else self.evidence_b)
                rows[through].extend(through(identificationdecision_id=decision.pk, identificationground_id=g)
                                     for g in grounds)
                if not victim:
                    case.status = "not_victim"
                else:
                    case.status = _weighted(rng, VICTIM_STATUSES)
                    self._victim(case, day, decision_day, regime, rng, rows, first_plan + offset, add_months, today)
            if rng.random() < 0.1:
                rows[SuspectedVictim].append(SuspectedVictim(
                    owner_agency_id=case.owner_agency_id, unit_id=case.unit_id, person_id=case.person_id,
                    reported_on=day - datetime.timedelta(days=rng.randint(0, 400)),
                    risk_channel=rng.choice(["labour_export", "tourism", "marriage_foreigner", "online_recruitment"]),
                    destination_country_id=rng.choice(COUNTRIES)))
            elif rng.random() < 0.05:
                rows[MissingPerson].append(MissingPerson(
                    owner_agency_id=case.owner_agency_id, unit_id=case.unit_id, person_id=case.person_id,
                    reported_on=day - datetime.timedelta(days=rng.randint(30, 900)),
                    last_known_country_id=rng.choice(COUNTRIES), status="located"))
        return rows

    def _victim(self, case, day, decision_day, regime, rng, rows, plan_id, add_months, today) -> None:
        from trove.cases.models import CaseExploitation
        from trove.core.models.access import Participation
        from trove.referrals.models import FollowUpPlan, FollowUpVisit, Referral
        from trove.support.models import SupportEntry

        recorded = timezone.make_aware(datetime.datetime.combine(decision_day, datetime.time(10)))
        kinds = {_weighted(rng, EXPLOITATION) for _ in range(rng.choice([1, 1, 1, 2]))}
        rows[CaseExploitation].extend(CaseExploitation(case_id=case.pk, type=kind, recorded_at=recorded,
                                                       recorded_by_id=self.officer_id) for kind in kinds)
        options = self.rates[regime]
        for support_type_id, rate_id, amount, unit in rng.sample(options, min(len(options), rng.randint(2, 4))):
            days = rng.randint(1, 30) if unit == "per_day" else None
            value = amount * (days or 1) if amount else rng.randrange(100, 5000) * 1000
            rows[SupportEntry].append(SupportEntry(
                owner_agency_id=case.owner_agency_id, unit_id=case.unit_id, case_id=case.pk,
                support_type_id=support_type_id, regime=self.regimes[regime], rate_id=rate_id,
                group="being_identified_in_vietnam", given_on=min(today, decision_day + datetime.timedelta(
                    days=rng.randint(0, 60))), amount=value, days_covered=days, giving_agency_id=case.owner_agency_id,
                recorded_by_id=self.officer_id, recorded_at=recorded))
        receiver = self.receivers.get(case.owner_agency_id)
        if receiver and self.consent_id and rng.random() < REFERRAL_SHARE:
            referred = min(today, decision_day + datetime.timedelta(days=rng.randint(0, 30)))
            draw = rng.random()
            status = "sent" if draw < 0.2 else "accepted" if draw < 0.5 else "closed"
            rows[Referral].append(Referral(
                case_id=case.pk, owner_agency_id=case.owner_agency_id, unit_id=case.unit_id,
                from_agency_id=case.owner_agency_id, to_agency_id=receiver, service_kind="vocational",
                referred_on=referred, sections=["needs", "followup"], needs="Học nghề (dữ liệu thử)",
                consent_basis_id=self.consent_id, consent_by="Chính người được hỗ trợ", consent_on=referred,
                status=status))
            if status != "closed":
                rows[Participation].append(Participation(
                    content_type_id=self.case_type_id, object_id=case.pk, agency_id=receiver, reason="referral",
                    sections=["needs", "followup"], identity_shown=False))
        if rng.random() < FOLLOWUP_SHARE:
            returned = min(today, decision_day + datetime.timedelta(days=rng.randint(0, 30)))
            rows[FollowUpPlan].append(FollowUpPlan(pk=plan_id, case_id=case.pk, returned_on=returned))
            for number, months in enumerate((1, 3, 6, 12), start=1):
                due_on = add_months(returned, months)
                due_by = due_on + datetime.timedelta(days=7)
                done = due_by < today and rng.random() < 0.85
                rows[FollowUpVisit].append(FollowUpVisit(
                    plan_id=plan_id, case_id=case.pk, owner_agency_id=case.owner_agency_id, unit_id=case.unit_id,
                    number=number, months=months, due_on=due_on, due_by=due_by,
                    status="done" if done else "planned",
                    visited_on=min(today, due_on + datetime.timedelta(days=rng.randint(0, 12))) if done else None,
                    contact="in_person" if done else "", risk_alert=done and rng.random() < 0.05))

    # -- records that are not a case's ------------------------------------------------------------------------------

    def national(self, *, persons: int, officer, seed: int, audit_entries: int, log: Callable) -> dict:
        from trove.core.models.audit import AuditEntry

        counts = {}
        bench_entries = AuditEntry.objects.filter(actor_username=officer.username).count()
        counts["audit entries added"] = append_audit(max(0, audit_entries - bench_entries), officer, seed)
        log(f"audit: {counts['audit entries added']} entries appended\n")
        from bench.pages_intel import generate

        counts["tips"], counts["proceedings"] = max(1, persons // 5), max(1, persons // 50)
        generate(counts["tips"], counts["proceedings"], seed)
        log("tips and proceedings written\n")
        counts["plans"] = plans_per_province(persons, officer, seed)
        log("plans written\n")
        return counts


def append_audit(count: int, officer, seed: int, batch: int = 50_000) -> int:
    """Append ``count`` entries to the audit log's hash chain, spread from 2019 to now, under the chain's lock."""
    from trove.cases.models import Case
    from trove.core import audit_partitions
    from trove.core.audit import _lock_chain
    from trove.core.models.audit import GENESIS_HASH, AuditEntry

    if count <= 0:
        return 0
    rng = random.Random(seed + 13)  # noqa: S311 - synthetic data
    ids = list(Case.objects.values_list("pk", "owner_agency_id")[:200_000])
    start = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
    if audit_partitions.is_partitioned():
        # Each year in a partition of its own, as on an installation that has run since 2019.
        audit_partitions.ensure_partitions(range(2019, audit_partitions.current_year() + 2))
    step = (timezone.now() - start) / count
    written = 0
    while written < count:
        size = min(batch, count - written)
        with transaction.atomic():
            _lock_chain(connection.alias)
            last = AuditEntry.objects.order_by("-id").values_list("id", "entry_hash").first()
            last_id, last_hash = last if last else (0, GENESIS_HASH)
            entries = []
            for number in range(size):
                action, object_type, _weight = rng.choices(AUDIT_ACTIONS, weights=AUDIT_WEIGHTS)[0]
                case_id, agency_id = rng.choice(ids) if ids else (0, None)
                entry = AuditEntry(
                    id=last_id + number + 1, at=start + step * (written + number), actor_id=officer.pk,
                    actor_username=officer.username, agency_id=agency_id, role="caseworker", action=action,
                    object_type=object_type, object_id=str(case_id) if object_type == "cases.case" else "",
                    changes={"status": ["verifying", "being_identified"]} if action == "case.update" else {},
                    ip_address="10.0.0.1", prev_hash=last_hash)
                entry.entry_hash = entry.compute_hash()
                last_hash = entry.entry_hash
                entries.append(entry)
            if connection.vendor == "postgresql":
                bulk.write(AuditEntry, entries)
            else:
                for entry in entries:  # SQLite: save() checks each entry's hash
                    entry.save()
        written += size
    return written


def plans_per_province(persons: int, officer, seed: int) -> int:
    """An issued plan per province (through the plan actions), with activities in bulk."""
    from bench.pages_intel import province_agencies
    from bench.pages_plans import fill, make_plan
    from trove.agencies.models import Membership, Role
    from trove.geo.models import AdminUnit
    from trove.plans.models import Plan

    rng = random.Random(seed + 17)  # noqa: S311 - synthetic data
    year = timezone.localdate().year
    police = province_agencies()
    made = 0
    provinces = list(AdminUnit.objects.filter(unit_set="2025", level="province"))
    for province in provinces:
        from trove.agencies.models import Agency

        agency = Agency.objects.filter(name=f"Sở Y tế {province.short_name} (dữ liệu thử)").first()
        if agency is None or Plan.objects.filter(owner_agency=agency).exists():
            continue
        Membership.objects.get_or_create(user=officer, agency=agency, role=Role.PLAN_COORDINATOR,
                                         defaults={"scope_unit": agency.unit})
        others = list(police.get(province.province_code, {}).values())
        officer = type(officer).objects.get(pk=officer.pk)  # the user's memberships are cached on the object
        plan = make_plan(officer, agency, province, others or [agency], year)
        units = list(AdminUnit.objects.filter(unit_set="2025", province_code=province.code, level="commune")[:200])
        fill(plan, units or [province], [agency, *others], max(1, persons // 20 // len(provinces)), rng)
        made += 1
    return made
