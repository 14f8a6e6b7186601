"""Every change of a criminal proceeding: opening it from a report, recording its stages in order (each by the agency
the stage belongs to), passing the file to the procuracy and the court, suspects and their charges, verdicts and
sentences, and the victims' cases.

Each action takes keyword-only arguments and the acting user, checks everything before it writes, runs in one
transaction and writes an audit entry with codes and ids only. Which agency type records which stage is the table in
``trove/intel/stages.py``; a member acts for their agency when it owns the proceeding or takes part in it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trove.agencies.models import Agency, AgencyType, Membership
from trove.cases.models import Case
from trove.core import audit, policy
from trove.core.actions import participation_start
from trove.core.models.access import Participation, ParticipationReason
from trove.geo.models import AdminUnit, Country
from trove.intel import stages
from trove.intel.codes import PROCEEDING_PREFIX, next_code
from trove.intel.models import (
    Charge,
    Defendant,
    PenalArticle,
    Proceeding,
    ProceedingStage,
    ProceedingVictim,
    RoleInProcess,
    SentenceKind,
    Stage,
    Verdict,
)
from trove.intel.notices import notify_agency
from trove.rules.workdays import VIETNAM

SEXES = ("female", "male", "unknown")
TERM_SENTENCES = frozenset({SentenceKind.IMPRISONMENT, SentenceKind.SUSPENDED, SentenceKind.NON_CUSTODIAL})


def _today() -> datetime.date:
    return timezone.localdate(timezone.now(), VIETNAM)


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _add(errors: dict, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _types(agency_types) -> str:
    return ", ".join(str(AgencyType(t).label) for t in sorted(agency_types)) or "—"


def require_on_proceeding(user, proceeding: Proceeding, permission: str) -> frozenset[str]:
    """404 when the user may not see the proceeding, 403 (with the reason) when they may see it but not do this."""
    permissions = policy.permissions_on(user, proceeding)
    if "proceeding.view" not in permissions:
        raise Http404
    if permission not in permissions:
        raise PermissionDenied(_("Your role does not let you do this on proceeding %(code)s.")
                               % {"code": proceeding.code})
    return permissions


def participating_agencies(proceeding: Proceeding) -> set[int]:
    return set(Participation.objects.active().for_object(proceeding).values_list("agency_id", flat=True))


def acting_memberships(user, proceeding: Proceeding) -> list[Membership]:
    """The user's memberships that may record on this proceeding: holding ``proceeding.record`` in the owning agency
    or in an agency taking part in it."""
    reaching = participating_agencies(proceeding) | {proceeding.owner_agency_id}
    return [m for m in policy.memberships_with(user, "proceeding.record") if m.agency_id in reaching]


def _recorder(user, proceeding: Proceeding, agency_types: frozenset[str], what: str) -> Agency:
    """The agency the user records ``what`` for; refused unless it is of one of ``agency_types``."""
    memberships = acting_memberships(user, proceeding)
    for membership in memberships:
        if membership.agency.agency_type in agency_types:
            return membership.agency
    yours = ", ".join(m.agency.name for m in memberships) or _("none taking part in this proceeding")
    raise PermissionDenied(
        _("%(what)s is recorded by: %(types)s. Your agencies: %(yours)s.")
        % {"what": what, "types": _types(agency_types), "yours": yours})


def _fresh(proceeding_id: int) -> Proceeding:
    """The proceeding as it is now (a suspect's copy of it may predate a later stage)."""
    return Proceeding.objects.select_related("owner_agency").get(pk=proceeding_id)


def _locked(proceeding: Proceeding) -> Proceeding:
    return Proceeding.objects.select_for_update().select_related("owner_agency").get(pk=proceeding.pk)


# ---------------------------------------------------------------------------------------------------------------
# Opening and stages


def proceeding_open(*, acting_user, agency: Agency, unit: AdminUnit | None, reported_on: datetime.date | None,
                    summary: str = "", file_number: str = "", request=None) -> Proceeding:
    """Open a proceeding from a report of a crime; the investigating body (police or border guard) owns it."""
    if not any(m.agency_id == agency.pk for m in policy.memberships_with(acting_user, "proceeding.record")):
        raise PermissionDenied(_("Only members of %(agency)s who record proceedings can open one for it.")
                               % {"agency": agency.name})
    if agency.agency_type not in stages.RECORDED_BY[Stage.REPORTED]:
        raise PermissionDenied(_("A proceeding is opened by the investigating body: %(types)s.")
                               % {"types": _types(stages.RECORDED_BY[Stage.REPORTED])})
    errors: dict[str, list[str]] = {}
    if reported_on is None:
        _add(errors, "reported_on", _("Give the day the crime was reported."))
    elif reported_on > _today():
        _add(errors, "reported_on", _("The date cannot be in the future."))
    if unit is None:
        _add(errors, "unit", _("Say in which commune or province the matter took place."))
    elif reported_on and not unit.is_valid_on(reported_on):
        _add(errors, "unit", _("%(unit)s did not exist on %(day)s: choose the unit valid on the day of the report "
                               "(the units changed on 1 July 2025).") % {"unit": unit.name, "day": _day(reported_on)})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        proceeding = Proceeding.objects.create(
            code=next_code(PROCEEDING_PREFIX, reported_on.year), owner_agency=agency, unit=unit,
            file_number=(file_number or "").strip()[:60], summary=(summary or "").strip(), stage=Stage.REPORTED,
            stage_on=reported_on, reported_on=reported_on, created_by=acting_user,
        )
        ProceedingStage.objects.create(proceeding=proceeding, stage=Stage.REPORTED, date=reported_on, agency=agency,
                                       recorded_by=acting_user)
        audit.record("proceeding.open", actor=acting_user, request=request, agency=agency, obj=proceeding,
                     changes={"code": [None, proceeding.code], "unit": [None, unit.key],
                              "reported_on": [None, reported_on]})
    return proceeding


def _check_pass_to(errors: dict, stage: str, pass_to: Agency | None, recorder: Agency,
                   participants: set[int]) -> None:
    rule = stages.PASS_TO.get(stage)
    if pass_to is None:
        if rule is not None and rule.required and not Agency.objects.filter(
                pk__in=participants, agency_type__in=rule.agency_types).exists():
            _add(errors, "pass_to", _("Name the agency the file is passed to (%(types)s).")
                 % {"types": _types(rule.agency_types)})
        return
    if rule is None:
        _add(errors, "pass_to", _("At this stage the file is not passed to another agency."))
    elif pass_to.agency_type not in rule.agency_types:
        _add(errors, "pass_to", _("With this stage the file goes to: %(types)s.")
             % {"types": _types(rule.agency_types)})
    elif not pass_to.is_valid_on(_today()):
        _add(errors, "pass_to", _("Choose an agency that exists today."))
    elif pass_to.pk == recorder.pk:
        _add(errors, "pass_to", _("The file must go to another agency than yours."))


def proceeding_record_stage(*, proceeding: Proceeding, acting_user, stage: str, date: datetime.date | None,
                            number: str = "", note: str = "", pass_to: Agency | None = None, mobile: bool = False,
                            mobile_place: str = "", audience: int | None = None, request=None) -> ProceedingStage:
    """Record the next stage. Stages come in order, each recorded by the agency it belongs to, never dated before
    the stage before it; with some stages the file passes to the procuracy or the court, which then takes part."""
    require_on_proceeding(acting_user, proceeding, "proceeding.record")
    if stage not in Stage.values:
        raise ValidationError({"stage": [_("Choose the stage from the list.")]})
    stages.check_next(proceeding.stage, stage)
    recorder = _recorder(acting_user, proceeding, stages.recorders_of(proceeding.stage, stage), stages.label(stage))
    errors: dict[str, list[str]] = {}
    if date is None:
        _add(errors, "date", _("Give the date."))
    elif date > _today():
        _add(errors, "date", _("The date cannot be in the future."))
    elif date < proceeding.stage_on:
        if stage == Stage.FINAL:
            _add(errors, "date", _("The judgment cannot become final before the trial it follows (%(day)s).")
                 % {"day": _day(proceeding.stage_on)})
        else:
            _add(errors, "date", _("“%(stage)s” cannot be dated before “%(previous)s” (%(day)s).")
                 % {"stage": stages.label(stage), "previous": stages.label(proceeding.stage),
                    "day": _day(proceeding.stage_on)})
    mobile_place = (mobile_place or "").strip()
    if mobile and stage != Stage.FIRST_INSTANCE:
        _add(errors, "mobile", _("Only a first-instance trial is marked as a mobile trial."))
    elif mobile:
        if not mobile_place:
            _add(errors, "mobile_place", _("Say where the mobile trial was held."))
        if not audience or audience < 1:
            _add(errors, "audience", _("Give how many people attended the mobile trial."))
    participants = participating_agencies(proceeding)
    _check_pass_to(errors, stage, pass_to, recorder, participants)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(proceeding)
        stages.check_next(locked.stage, stage)  # someone may have recorded it meanwhile
        participation = None
        if pass_to is not None and pass_to.pk not in participants and pass_to.pk != locked.owner_agency_id:
            participation = participation_start(acting_user=acting_user, obj=locked, agency=pass_to,
                                                reason=ParticipationReason.SHARED_ASSIGNMENT, request=request)
        record = ProceedingStage.objects.create(
            proceeding=locked, stage=stage, date=date, number=(number or "").strip()[:60], agency=recorder,
            recorded_by=acting_user, note=(note or "").strip(), passed_to=pass_to, participation=participation,
            mobile=bool(mobile), mobile_place=mobile_place[:200] if mobile else "",
            audience=audience if mobile else None,
        )
        previous = locked.stage
        locked.stage, locked.stage_on = stage, date
        locked.save(update_fields=["stage", "stage_on"])
        audit.record("proceeding.stage", actor=acting_user, request=request, agency=recorder, obj=locked,
                     changes={"stage": [previous, stage], "date": [None, date],
                              "passed_to": [None, getattr(pass_to, "pk", None)], "mobile": [None, bool(mobile)]})
        if pass_to is not None:
            with translation.override("vi"):
                message = _("Proceeding %(code)s was passed to your agency (%(agency)s) at the stage “%(stage)s”.") % {
                    "code": locked.code, "agency": pass_to.name, "stage": stages.label(stage)}
            link = reverse("intel:proceeding", args=[locked.code])
            transaction.on_commit(lambda: notify_agency(pass_to, "proceeding.record",
                                                        key=f"proceeding-{locked.pk}-{stage}-{pass_to.pk}",
                                                        message=message, link=link), robust=True)
    proceeding.stage, proceeding.stage_on = stage, date
    return record


# ---------------------------------------------------------------------------------------------------------------
# Suspects, charges and sentences


def _holder(user, proceeding: Proceeding) -> Agency:
    """The agency that may change suspects and charges now: the one holding the file, before the indictment."""
    if proceeding.stage not in stages.CHARGING_STAGES:
        raise ValidationError(
            {"stage": [_("Suspects and charges are set before the indictment goes to the court; the proceeding is "
                         "at “%(stage)s”.") % {"stage": stages.label(proceeding.stage)}]})
    return _recorder(user, proceeding, stages.HOLDER[proceeding.stage], _("Suspects and charges at this stage"))


def _check_roles(errors: dict, roles) -> list[str]:
    roles = list(dict.fromkeys(roles or ()))
    if any(role not in RoleInProcess.values for role in roles):
        _add(errors, "roles", _("Choose the roles from the list (HTCDS per_RoleInProcess)."))
    return roles


def defendant_add(*, proceeding: Proceeding, acting_user, full_name: str, birth_date: datetime.date | None = None,
                  id_number: str = "", address: str = "", sex: str = "unknown", nationality: Country | None = None,
                  roles=(), role_details: str = "", request=None) -> Defendant:
    require_on_proceeding(acting_user, proceeding, "proceeding.record")
    agency = _holder(acting_user, proceeding)
    errors: dict[str, list[str]] = {}
    if not (full_name or "").strip():
        _add(errors, "full_name", _("Give the person's full name."))
    if birth_date and birth_date > _today():
        _add(errors, "birth_date", _("The date of birth cannot be in the future."))
    if sex not in SEXES:
        _add(errors, "sex", _("Choose the sex from the list."))
    roles = _check_roles(errors, roles)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(proceeding)
        number = (locked.defendants.aggregate(n=models.Max("number"))["n"] or 0) + 1
        defendant = Defendant.objects.create(
            proceeding=proceeding, number=number, full_name=full_name.strip(), birth_date=birth_date,
            id_number=(id_number or "").strip(), address=(address or "").strip(), sex=sex, nationality=nationality,
            roles=roles, role_details=(role_details or "").strip(), added_by=acting_user,
        )
        audit.record("proceeding.defendant_add", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"defendant": [None, number], "roles": [None, roles]})
    return defendant


def defendant_set_roles(*, defendant: Defendant, acting_user, roles, role_details: str = "",
                        request=None) -> Defendant:
    proceeding = _fresh(defendant.proceeding_id)
    require_on_proceeding(acting_user, proceeding, "proceeding.record")
    agency = _holder(acting_user, proceeding)
    errors: dict[str, list[str]] = {}
    roles = _check_roles(errors, roles)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = defendant.roles
        defendant.roles, defendant.role_details = roles, (role_details or "").strip()
        defendant.save(update_fields=["roles", "role_details"])
        audit.record("proceeding.defendant_roles", actor=acting_user, request=request, agency=agency, obj=proceeding,
                     changes={"defendant": [defendant.number, defendant.number], "roles": [before, roles]})
    return defendant


def charge_add(*, defendant: Defendant, acting_user, article: PenalArticle | None, clause: str = "",
               charged_on: datetime.date | None = None, request=None) -> Charge:
    proceeding = _fresh(defendant.proceeding_id)
    require_on_proceeding(acting_user, proceeding, "proceeding.record")
    agency = _holder(acting_user, proceeding)
    charged_on = charged_on or _today()
    clause = (clause or "").strip()
    errors: dict[str, list[str]] = {}
    if article is None:
        _add(errors, "article", _("Choose the article of the Penal Code."))
    elif not article.is_valid_on(charged_on):
        _add(errors, "article", _("%(article)s is not in force on %(day)s.") % {"article": article,
                                                                              "day": _day(charged_on)})
    elif clause and article.clauses and clause not in article.clauses:
        _add(errors, "clause", _("Article %(article)s has the clauses %(clauses)s.")
             % {"article": article.article, "clauses": ", ".join(article.clauses)})
    if charged_on > _today():
        _add(errors, "charged_on", _("The date cannot be in the future."))
    elif charged_on < proceeding.reported_on:
        _add(errors, "charged_on", _("A charge cannot be dated before the report (%(day)s).")
             % {"day": _day(proceeding.reported_on)})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if Charge.objects.filter(defendant=defendant, article=article).exists():
            raise ValidationError({"article": [_("This person is already charged under this article.")]})
        charge = Charge.objects.create(defendant=defendant, article=article, clause=clause, charged_on=charged_on,
                                       agency=agency)
        audit.record("proceeding.charge_add", actor=acting_user, request=request, agency=agency, obj=proceeding,
                     changes={"defendant": [None, defendant.number], "article": [None, article.code],
                              "clause": [None, clause]})
    return charge


def charge_remove(*, charge: Charge, acting_user, request=None) -> None:
    defendant = charge.defendant
    proceeding = _fresh(defendant.proceeding_id)
    require_on_proceeding(acting_user, proceeding, "proceeding.record")
    agency = _holder(acting_user, proceeding)
    with transaction.atomic():
        deleted, _rows = Charge.objects.filter(pk=charge.pk).delete()
        if not deleted:
            raise ValidationError({"article": [_("This charge was already removed.")]})
        audit.record("proceeding.charge_remove", actor=acting_user, request=request, agency=agency, obj=proceeding,
                     changes={"defendant": [defendant.number, defendant.number],
                              "article": [charge.article.code, None]})


def sentence_record(*, defendant: Defendant, acting_user, verdict: str, sentence_kind: str = "",
                    prison_years: int | None = None, prison_months: int | None = None, fine_vnd: int | None = None,
                    other_penalties: str = "", request=None) -> Defendant:
    """The court's verdict on one defendant at the first-instance or the appeal trial (the later one replaces the
    earlier), before the judgment becomes final."""
    proceeding = _fresh(defendant.proceeding_id)
    require_on_proceeding(acting_user, proceeding, "proceeding.record")
    if proceeding.stage not in stages.SENTENCING_STAGES:
        raise ValidationError(
            {"verdict": [_("A verdict is recorded after a trial and before the judgment is final; the proceeding is "
                           "at “%(stage)s”.") % {"stage": stages.label(proceeding.stage)}]})
    agency = _recorder(acting_user, proceeding, stages.COURT, _("The verdict"))
    errors: dict[str, list[str]] = {}
    years, months = prison_years or 0, prison_months or 0
    if verdict not in Verdict.values:
        _add(errors, "verdict", _("Choose the verdict from the list."))
    elif verdict == Verdict.ACQUITTED:
        if sentence_kind or years or months or fine_vnd or (other_penalties or "").strip():
            _add(errors, "sentence_kind", _("An acquitted person has no sentence: leave the sentence empty."))
    elif sentence_kind not in SentenceKind.values:
        _add(errors, "sentence_kind", _("Choose the sentence from the list."))
    elif sentence_kind in TERM_SENTENCES:
        if months > 11:
            _add(errors, "prison_months", _("Write twelve months or more as years."))
        if years + months == 0:
            _add(errors, "prison_years", _("Give the length of the sentence in years and months."))
    elif years or months:
        _add(errors, "prison_years", _("This sentence has no length: leave years and months empty."))
    if verdict == Verdict.CONVICTED and sentence_kind == SentenceKind.FINE and not fine_vnd:
        _add(errors, "fine_vnd", _("Give the amount of the fine in đồng."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(proceeding)
        if locked.stage not in stages.SENTENCING_STAGES:
            raise ValidationError({"verdict": [_("The judgment is already final.")]})
        before = [defendant.verdict, defendant.sentence_kind, defendant.prison_years, defendant.prison_months]
        defendant.verdict = verdict
        defendant.sentence_kind = sentence_kind if verdict == Verdict.CONVICTED else ""
        defendant.prison_years = prison_years or None
        defendant.prison_months = prison_months or None
        defendant.fine_vnd = fine_vnd or None
        defendant.other_penalties = (other_penalties or "").strip()
        defendant.sentenced_at, defendant.sentenced_on = locked.stage, locked.stage_on
        defendant.save(update_fields=["verdict", "sentence_kind", "prison_years", "prison_months", "fine_vnd",
                                      "other_penalties", "sentenced_at", "sentenced_on"])
        audit.record("proceeding.sentence", actor=acting_user, request=request, agency=agency, obj=locked,
                     changes={"defendant": [defendant.number, defendant.number],
                              "sentence": [before, [defendant.verdict, defendant.sentence_kind,
                                                    defendant.prison_years, defendant.prison_months]],
                              "at": [None, locked.stage]})
    return defendant


# ---------------------------------------------------------------------------------------------------------------
# Victims


def _may_link_victim(user, proceeding: Proceeding, case: Case) -> None:
    require_on_proceeding(user, proceeding, "proceeding.view")
    if not policy.can(user, "case.view", case):
        raise ValidationError({"case": [_("No case with this code is open to you.")]})
    if not (policy.can(user, "proceeding.record", proceeding) or policy.can(user, "case.edit", case)):
        raise PermissionDenied(_("Linking a victim needs the right to record on the proceeding, or to change the "
                                 "case."))


def victim_link(*, proceeding: Proceeding, acting_user, case: Case | None, request=None) -> ProceedingVictim:
    """Link the case of a victim of the matter; the user must see both, and may record on one of them."""
    if case is None:
        require_on_proceeding(acting_user, proceeding, "proceeding.view")
        raise ValidationError({"case": [_("No case with this code is open to you.")]})
    _may_link_victim(acting_user, proceeding, case)
    with transaction.atomic():
        if ProceedingVictim.objects.filter(proceeding=proceeding, case=case).exists():
            raise ValidationError({"case": [_("This case is already linked to the proceeding.")]})
        link = ProceedingVictim.objects.create(proceeding=proceeding, case=case, linked_by=acting_user)
        audit.record("proceeding.victim_link", actor=acting_user, request=request, obj=proceeding,
                     changes={"case": [None, case.pk]})
    return link


def victim_unlink(*, link: ProceedingVictim, acting_user, request=None) -> None:
    _may_link_victim(acting_user, link.proceeding, link.case)
    with transaction.atomic():
        deleted, _rows = ProceedingVictim.objects.filter(pk=link.pk).delete()
        if not deleted:
            raise ValidationError({"case": [_("This link was already removed.")]})
        audit.record("proceeding.victim_unlink", actor=acting_user, request=request, obj=link.proceeding,
                     changes={"case": [link.case_id, None]})
