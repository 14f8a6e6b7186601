"""Importing the lists of activities held under a plan (issue 12): each row becomes an activity through
``activity_record``, which checks it as the activity form does.

A row says what was held (training, awareness event, inspection, review meeting), its title and day, and what the
kind needs (participants, form and reach, findings, interim or final). The plan is the one named in the row (its
number or title) or, when the list does not say, the one plan in force on that day that names the importing agency;
the content item is the one named (its number or title) or the only one the agency leads.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trove.core import policy
from trove.imports.cleaning import fold
from trove.imports.models import RecordOutcome
from trove.imports.persons import day_of
from trove.imports.registry import Field, Kind, Skip, WriteResult, Written, register
from trove.plans.actions.activities import ActivityData, activity_record
from trove.plans.actions.common import plan_agencies
from trove.plans.models import Activity, ActivityKind, AwarenessChannel, Plan, PlanStatus, ReviewKind

KIND_ALIASES = {
    "tap huan": "training", "boi duong": "training", "dao tao": "training", "tap huan boi duong": "training",
    "tuyen truyen": "awareness", "truyen thong": "awareness", "tuyen truyen truyen thong": "awareness",
    "kiem tra": "inspection", "giam sat": "inspection", "kiem tra giam sat": "inspection", "thanh tra": "inspection",
    "so ket": "review", "tong ket": "review", "hoi nghi so ket": "review", "hoi nghi tong ket": "review",
}
CHANNEL_ALIASES = {
    "phat thanh": "broadcast", "loa": "broadcast", "loa truyen thanh": "broadcast", "truyen hinh": "broadcast",
    "hop dan": "meeting", "sinh hoat cong dong": "meeting", "hoi nghi": "meeting", "hop thon": "meeting",
    "truong hoc": "school_session", "ngoai khoa": "school_session", "hoc sinh": "school_session",
    "to roi": "leaflets", "pano": "leaflets", "ap phich": "leaflets", "to gap": "leaflets",
    "mang xa hoi": "online", "facebook": "online", "zalo": "online", "truc tuyen": "online",
}
REVIEW_ALIASES = {"so ket": "interim", "giua ky": "interim", "tong ket": "final", "cuoi ky": "final"}

ACTIVITY_FIELDS = (
    Field("kind", gettext_lazy("Kind of activity"), "choice",
          ("loai hoat dong", "hinh thuc hoat dong", "hinh thuc", "loai", "kind"), choices=ActivityKind,
          aliases=KIND_ALIASES, default=True),
    Field("title", gettext_lazy("Activity"), "text",
          ("ten hoat dong", "noi dung hoat dong", "hoat dong", "noi dung", "ten", "activity", "title")),
    Field("held_on", gettext_lazy("Held on"), "date",
          ("ngay to chuc", "thoi gian to chuc", "ngay thuc hien", "thoi gian thuc hien", "thoi gian", "ngay",
           "held on", "date")),
    Field("plan", gettext_lazy("Plan (number or title)"), "text",
          ("ke hoach", "so ke hoach", "theo ke hoach", "thuc hien ke hoach", "plan")),
    Field("content_item", gettext_lazy("Content item of the plan (number or title)"), "text",
          ("muc", "noi dung ke hoach", "thuoc noi dung", "nhiem vu", "content item")),
    Field("place_name", gettext_lazy("Place"), "text", ("dia diem", "noi to chuc", "dia diem to chuc", "place")),
    Field("topics", gettext_lazy("Topics of the training"), "text",
          ("chu de", "noi dung tap huan", "chuyen de", "topics")),
    Field("participants", gettext_lazy("Participants"), "count",
          ("so nguoi tham gia", "so luong tham gia", "so hoc vien", "so dai bieu", "so nguoi", "participants")),
    Field("channel", gettext_lazy("Form of the awareness event"), "choice",
          ("hinh thuc tuyen truyen", "kenh tuyen truyen", "phuong thuc", "channel"), choices=AwarenessChannel,
          aliases=CHANNEL_ALIASES, default=True),
    Field("reach", gettext_lazy("People reached"), "count",
          ("so nguoi duoc tuyen truyen", "so luot nguoi", "so nguoi nghe", "so luot", "reach", "people reached")),
    Field("visited_place", gettext_lazy("Unit inspected"), "text",
          ("dia ban kiem tra", "noi kiem tra", "don vi duoc kiem tra", "unit inspected")),
    Field("findings", gettext_lazy("Findings"), "text", ("ket qua kiem tra", "ket qua", "findings")),
    Field("review_kind", gettext_lazy("Interim or final review"), "choice", ("loai hoi nghi", "so ket tong ket"),
          choices=ReviewKind, aliases=REVIEW_ALIASES, default=True),
    Field("notes", gettext_lazy("Notes"), "text", ("ghi chu", "notes")),
)


def _plan(context, text: str, day) -> Plan:
    plans = policy.visible(context.acting_user, Plan.objects.filter(status=PlanStatus.ISSUED), "plan.view")
    if text:
        folded = fold(text)
        named = [plan for plan in plans if folded in (fold(plan.number), fold(plan.title))
                 or (plan.number and fold(plan.number) in folded)]
        if len(named) == 1:
            return named[0]
        raise ValidationError({"plan": [_("No plan in force, or several, has this number or title: write the "
                                          "plan's number as on the document (such as 75/KH-UBND).")]})
    if day is None:
        raise ValidationError({"held_on": [_("Give the day the activity was held.")]})
    in_force = [plan for plan in plans.filter(period_start__lte=day, period_end__gte=day)
                if context.agency.pk in plan_agencies(plan)]
    if len(in_force) != 1:
        raise ValidationError({"plan": [
            _("No plan in force on that day names your agency: check the day, or add a column with the plan's "
              "number.") if not in_force else
            _("Several plans in force on that day name your agency: add a column with the plan's number.")]})
    return in_force[0]


def _content_item(context, plan: Plan, text: str):
    items = list(plan.content_items.all())
    if text:
        folded = fold(text)
        for item in items:
            if folded in (str(item.number), fold(item.title)) or fold(item.title).startswith(folded):
                return item
        raise ValidationError({"content_item": [_("The plan has no content item with this number or title.")]})
    led = [item for item in items if item.lead_agency_id == context.agency.pk]
    return led[0] if len(led) == 1 else None  # None: the action asks for the item or the solution


def write_activity(context, values: dict, person, existing) -> WriteResult:
    remarks: list[str] = []
    held_on = day_of(values.get("held_on"), remarks, _("day the activity was held"))
    plan = _plan(context, values.get("plan") or "", held_on)
    kind, title = values.get("kind") or "", (values.get("title") or "").strip()
    if held_on is not None and Activity.objects.filter(plan__series=plan.series, owner_agency=context.agency,
                                                       kind=kind, held_on=held_on, title=title).exists():
        raise Skip(_("This activity is already recorded under the plan."))
    visited = None
    if values.get("visited_place") and held_on is not None:
        visited, found = context.places.unit_for(values["visited_place"], on=held_on)
        remarks.extend(found)
    participants = values.get("participants")
    activity = activity_record(acting_user=context.acting_user, plan=plan, request=context.request, data=ActivityData(
        kind=kind, agency=context.agency, title=title, held_on=held_on,
        place_name=(values.get("place_name") or "")[:200],
        content_item=_content_item(context, plan, values.get("content_item") or ""),
        # A list rarely has a column of topics: the title of a training says what it was about.
        notes=values.get("notes") or "", topics=values.get("topics") or title,
        participants=[(context.agency, participants)] if participants is not None else [],
        channel=values.get("channel") or "", reach=values.get("reach"),
        visited_unit=visited, findings=values.get("findings") or "", review_kind=values.get("review_kind") or "",
    ))
    return WriteResult([Written(activity, RecordOutcome.CREATED)], remarks)


register(Kind(
    code="activities", label=gettext_lazy("Activities under a plan"), permission="plan.report",
    description=gettext_lazy("Trainings, awareness events, inspections and review meetings your agency held: each "
                             "row is recorded under the plan in force, as the activity form does."),
    fields=ACTIVITY_FIELDS,
    required=(("kind",), ("title",), ("held_on",)),
    write=write_activity,
    event_date="held_on",
))
