"""Recording what the agencies do under a plan: trainings, awareness events, inspections and supervision visits,
review meetings; and the files that go with them (stored encrypted, like case attachments)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency
from trove.cases.attachments import check_upload
from trove.core import audit, policy
from trove.core.actions import participation_start
from trove.core.crypto import decrypt_bytes, encrypt_bytes
from trove.core.models.access import ParticipationReason
from trove.geo.models import AdminUnit
from trove.plans.actions.common import may_act_for, plan_agencies, require_in_force, require_report, unit_valid_on
from trove.plans.models import (
    Activity,
    ActivityFile,
    ActivityKind,
    AwarenessChannel,
    ContentItem,
    Plan,
    ReviewKind,
    Solution,
    TrainingParticipants,
)


@dataclass
class ActivityData:
    kind: str
    agency: Agency | None  # the agency that held it
    title: str
    held_on: datetime.date | None
    unit: AdminUnit | None = None  # where; the plan's unit when empty
    place_name: str = ""
    content_item: ContentItem | None = None
    solution: Solution | None = None
    agencies: list[Agency] = field(default_factory=list)  # others involved
    notes: str = ""
    topics: str = ""
    trainers: str = ""
    participants: list[tuple[Agency, int]] = field(default_factory=list)
    channel: str = ""
    reach: int | None = None
    visited_unit: AdminUnit | None = None
    visited_agency: Agency | None = None
    findings: str = ""
    recommendations: str = ""
    follow_up: str = ""
    follow_up_due: datetime.date | None = None
    review_kind: str = ""
    covers_start: datetime.date | None = None
    covers_end: datetime.date | None = None
    conclusions: str = ""


def _check(plan: Plan, data: ActivityData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.kind not in ActivityKind.values:
        refuse("kind", _("Choose the kind of activity."))
    if not (data.title or "").strip():
        refuse("title", _("Write what the activity was."))
    if data.agency is None:
        refuse("agency", _("Choose the agency that held the activity."))
    elif data.agency.pk not in plan_agencies(plan):
        refuse("agency", _("%(agency)s has no part in this plan.") % {"agency": data.agency.name})
    day = data.held_on
    if day is None:
        refuse("held_on", _("Give the day the activity was held."))
    elif not plan.period_start <= day <= plan.period_end:
        refuse("held_on", _("The activity must fall within the plan's period (%(start)s–%(end)s).")
               % {"start": plan.period_start.strftime("%d/%m/%Y"), "end": plan.period_end.strftime("%d/%m/%Y")})
    elif day > timezone.localdate():
        refuse("held_on", _("Record an activity once it has been held, not before."))
    if data.content_item is None and data.solution is None:
        refuse("content_item", _("Link the activity to the plan's content item or solution it carries out."))
    if data.content_item is not None and data.content_item.plan_id != plan.pk:
        refuse("content_item", _("Choose a content item of this plan."))
    if data.solution is not None and data.solution.plan_id != plan.pk:
        refuse("solution", _("Choose a solution of this plan."))
    unit = data.unit or plan.unit
    if day is not None and not unit_valid_on(unit, day):
        refuse("unit", _("%(unit)s did not exist on %(day)s.") % {"unit": unit.name, "day": day.strftime("%d/%m/%Y")})
    involved = [*data.agencies, *(agency for agency, _number in data.participants)]
    if day is not None:
        gone = sorted({agency.name for agency in involved if not agency.is_valid_on(day)})
        if gone:
            refuse("agencies", _("%(agencies)s did not exist on %(day)s.") % {"agencies": ", ".join(gone),
                                                                               "day": day.strftime("%d/%m/%Y")})
    if data.kind == ActivityKind.TRAINING:
        if not data.topics.strip():
            refuse("topics", _("Write the topics of the training."))
        if not data.participants or any(number is None or number <= 0 for _agency, number in data.participants):
            refuse("participants", _("Give, for each agency, how many of its people took part (more than 0)."))
        elif len({agency.pk for agency, _number in data.participants}) != len(data.participants):
            refuse("participants", _("Give each agency once."))
    elif data.kind == ActivityKind.AWARENESS:
        if data.channel not in AwarenessChannel.values:
            refuse("channel", _("Choose the form of the awareness event."))
        if data.reach is None or data.reach < 0:
            refuse("reach", _("Give how many people the event reached (0 if not known)."))
    elif data.kind == ActivityKind.INSPECTION:
        if data.visited_unit is None and data.visited_agency is None:
            refuse("visited_unit", _("Say which unit or agency was inspected."))
        if not data.findings.strip():
            refuse("findings", _("Write what the inspection found."))
        if data.follow_up_due is not None and day is not None and data.follow_up_due < day:
            refuse("follow_up_due", _("The follow-up cannot be due before the visit."))
    elif data.kind == ActivityKind.REVIEW:
        if data.review_kind not in ReviewKind.values:
            refuse("review_kind", _("Choose whether it was an interim or a final review."))
        if data.covers_start and data.covers_end and data.covers_end < data.covers_start:
            refuse("covers_end", _("The period reviewed cannot end before it starts."))
    return errors


def activity_record(*, acting_user, plan: Plan, data: ActivityData, request=None) -> Activity:
    """Record an activity held by ``data.agency`` under the plan in force. Members record their own agency's; a
    coordinator may record any agency's of the plan. The plan's keeper and the agencies involved take part in it."""
    permissions = require_report(acting_user, plan)
    require_in_force(plan)
    if data.agency is not None and not may_act_for(acting_user, permissions, data.agency):
        raise PermissionDenied(_("You may record activities for your own agency only."))
    errors = _check(plan, data)
    if errors:
        raise ValidationError(errors)
    training = data.kind == ActivityKind.TRAINING
    with transaction.atomic():
        activity = Activity.objects.create(
            owner_agency=data.agency, unit=data.unit or plan.unit, plan=plan, series=plan.series, kind=data.kind,
            content_item=data.content_item, solution=data.solution, title=data.title.strip(), held_on=data.held_on,
            place_name=data.place_name.strip(), notes=data.notes.strip(),
            topics=data.topics.strip() if training else "", trainers=data.trainers.strip() if training else "",
            participants=sum(number for _agency, number in data.participants) if training else 0,
            channel=data.channel if data.kind == ActivityKind.AWARENESS else "",
            reach=(data.reach or 0) if data.kind == ActivityKind.AWARENESS else 0,
            **_inspection(data), **_review(data), recorded_by=acting_user,
        )
        others = {agency.pk: agency for agency in data.agencies if agency.pk != data.agency.pk}
        activity.agencies.set(others.values())
        if training:
            TrainingParticipants.objects.bulk_create([
                TrainingParticipants(activity=activity, agency=agency, number=number)
                for agency, number in data.participants
            ])
        audit.record("plan.activity_record", actor=acting_user, request=request, agency=data.agency, obj=activity,
                     changes={"plan": [None, plan.pk], "kind": [None, data.kind], "held_on": [None, data.held_on],
                              "participants": [None, activity.participants], "reach": [None, activity.reach]})
        watchers = {plan.owner_agency_id: plan.owner_agency, **others}
        today = timezone.localdate()
        for agency in watchers.values():
            if agency.pk != data.agency.pk and agency.is_valid_on(today):
                participation_start(acting_user=acting_user, obj=activity, agency=agency,
                                    reason=ParticipationReason.SHARED_ASSIGNMENT, request=request)
    return activity


def _inspection(data: ActivityData) -> dict:
    if data.kind != ActivityKind.INSPECTION:
        return {}
    return {"visited_unit": data.visited_unit, "visited_agency": data.visited_agency,
            "findings": data.findings.strip(), "recommendations": data.recommendations.strip(),
            "follow_up": data.follow_up.strip(), "follow_up_due": data.follow_up_due}


def _review(data: ActivityData) -> dict:
    if data.kind != ActivityKind.REVIEW:
        return {}
    return {"review_kind": data.review_kind, "covers_start": data.covers_start, "covers_end": data.covers_end,
            "conclusions": data.conclusions.strip()}


def activity_file_add(*, acting_user, activity: Activity, name: str, content: bytes, description: str = "",
                      request=None) -> ActivityFile:
    """Attach a file (minutes, attendance list, photo) to an activity; the same checks and encryption as case
    attachments. Whoever may record the activity's agency's activities may attach files to it."""
    permissions = require_report(acting_user, activity.plan)
    if not may_act_for(acting_user, permissions, activity.owner_agency):
        raise PermissionDenied(_("You may add files to your own agency's activities only."))
    content_type = check_upload(content)
    stored = ActivityFile(activity=activity, original_name=(name or "").strip()[:255],
                          description=(description or "").strip()[:200], content_type=content_type,
                          size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by=acting_user)
    stored.file.save("upload", ContentFile(encrypt_bytes(content)), save=False)
    try:
        with transaction.atomic():
            stored.save()
            audit.record("plan.activity_file_add", actor=acting_user, request=request,
                         agency=activity.owner_agency, obj=stored,
                         changes={"activity": [None, activity.pk], "type": [None, content_type],
                                  "size": [None, len(content)]})
    except BaseException:
        stored.file.delete(save=False)
        raise
    return stored


def activity_file_read(*, acting_user, stored: ActivityFile, request=None) -> bytes:
    """The plaintext of an activity's file, for whoever may see the plan; every download is audited."""
    policy.require(acting_user, "plan.view", stored.activity.plan)
    with stored.file.open("rb") as handle:
        content = decrypt_bytes(handle.read())
    if hashlib.sha256(content).hexdigest() != stored.sha256:
        raise ValueError(f"activity file {stored.pk}: content does not match its checksum")
    with transaction.atomic():
        audit.record("plan.activity_file_download", actor=acting_user, request=request,
                     agency=stored.activity.owner_agency, obj=stored,
                     changes={"activity": [None, stored.activity_id]})
    return content
