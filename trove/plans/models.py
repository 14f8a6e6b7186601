"""Plans as data (DESIGN §2 point 9): the yearly plan of a commune, district or province with its objectives,
indicators, content items, solutions, duties per agency, reporting schedule and recipients; the activities the agencies
hold under it (trainings, awareness events, inspections, review meetings); and the reports each agency gives on its
duties for each reporting period.

A plan is a series of versions. A draft is edited in place; an issued version is never edited: "revise" makes a new
draft version linked to the one it replaces, and issuing that draft supersedes the old one. Activities and reports are
recorded against the version in force and belong to the whole series (``series``), so revising a plan keeps its
history of work.

``Plan.owner_agency`` is the agency that keeps the plan in the system (its coordinator writes it); ``issuing_agency``
is the body that signed it. They are the same for a plan written today; for an archived plan of a body that no
longer exists (the 2019 district plans) the keeper is its successor.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedTextField
from trove.core.models.access import AgencyOwned
from trove.core.storage import private_files


class PlanLevel(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    DISTRICT = "district", _("District")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    SUPERSEDED = "superseded", _("Replaced by a later version")


class ReportFrequency(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF = "half", _("Every six months")
    YEAR = "year", _("Yearly")


class Plan(AgencyOwned):
    """One version of a plan. ``unit`` (from AgencyOwned) is the plan's unit, valid on the plan's date."""

    access_view_permission = "plan.view"
    # The optimistic lock of trove.core.versioning; ``version`` below is the plan's own numbered version.
    LOCK_FIELD = "revision"

    series = models.UUIDField(_("series"), default=uuid.uuid4, db_index=True, editable=False)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    revision = models.PositiveIntegerField(default=1, editable=False)
    previous = models.OneToOneField("self", verbose_name=_("previous version"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="next_version")
    copied_from = models.ForeignKey("self", verbose_name=_("copied from"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="copies")
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
                              db_index=True)

    number = models.CharField(_("number"), max_length=60, blank=True,
                              help_text=_("As on the document, e.g. 75/KH-UBND. Leave empty if it is not known."))
    title = models.CharField(_("title"), max_length=500,
                             help_text=_("What follows “KẾ HOẠCH” on the document."))
    date = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place of issue"), max_length=100, blank=True,
                             help_text=_("As in “Tân Hồng, ngày …”; the unit's name when empty."))
    issuing_agency = models.ForeignKey("agencies.Agency", verbose_name=_("issuing body"), on_delete=models.PROTECT,
                                       related_name="+")
    signer_authority = models.CharField(_("signing on behalf of"), max_length=120, blank=True,
                                        help_text=_("e.g. TM. ỦY BAN NHÂN DÂN"))
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True, help_text=_("e.g. CHỦ TỊCH"))
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=PlanLevel.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    introduction = models.TextField(_("introduction"), blank=True,
                                    help_text=_("The sentence before section I, e.g. “… xây dựng Kế hoạch …, như "
                                                "sau:”"))
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True, help_text=_("One recipient a line."))

    report_frequency = models.CharField(_("reports are due"), max_length=10, choices=ReportFrequency.choices,
                                        default=ReportFrequency.QUARTER)
    report_due_days = models.PositiveSmallIntegerField(
        _("days after the period to report"), default=5,
        help_text=_("A report is overdue this many days after the end of its period."))
    report_compiler = models.ForeignKey("agencies.Agency", verbose_name=_("agency that compiles the reports"),
                                        null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    report_recipients = models.ManyToManyField("agencies.Agency", verbose_name=_("reports go to"), blank=True,
                                               related_name="+")
    report_clause = models.TextField(_("reporting duty as written"), blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-period_start", "title", "-version"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="plans_plan_period_ordered"),
            models.UniqueConstraint(fields=["series", "version"], name="plans_plan_series_version_unique"),
            # One draft at a time in a series: a second revision must wait for the first to be issued.
            models.UniqueConstraint(fields=["series"], condition=models.Q(status="draft"),
                                    name="plans_plan_one_draft_per_series"),
        ]
        indexes = [models.Index(fields=["owner_agency", "-period_start"])]

    def __str__(self) -> str:
        return f"{self.number or self.title[:60]} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_in_force(self) -> bool:
        return self.status == PlanStatus.ISSUED

    @property
    def day(self) -> datetime.date:
        """The day the plan's agencies and unit must be valid on: its date, or the start of its period."""
        return self.date or self.period_start

    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class PlanReference(models.Model):
    """A plan this one implements: another plan in the system, or a document named in words (the province's Plan
    90/KH-UBND of 12 April 2019)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="references")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    implemented_plan = models.ForeignKey(Plan, verbose_name=_("plan in the system"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="implemented_by")
    number = models.CharField(_("number"), max_length=60, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    subject = models.CharField(_("about"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("plan implemented")
        verbose_name_plural = _("plans implemented")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.number or f"reference {self.pk}"


class ObjectiveKind(models.TextChoices):
    GOAL = "goal", _("Objective")
    TARGET = "target", _("Specific target")


class Objective(models.Model):
    """A bullet of section I: an objective (Mục tiêu) or a specific target as written (Các chỉ tiêu cụ thể)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    kind = models.CharField(_("kind"), max_length=10, choices=ObjectiveKind.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["plan", "kind", "order"]

    def __str__(self) -> str:
        return self.text[:60]


class PlanIndicator(models.Model):
    """A measured target: an indicator definition of the library (``trove.core.indicators``), a target and the unit
    it is measured over. ``definition_code`` may be empty for a target the system holds no records for; it may also
    name a definition this installation no longer has, which the pages show as such."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("order"))
    wording = models.TextField(_("as written in the plan"))
    definition_code = models.CharField(_("indicator"), max_length=80, blank=True)
    kind = models.CharField(_("measured as"), max_length=10)  # trove.core.indicators.Kind
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    unit_scope = models.ForeignKey("geo.AdminUnit", verbose_name=_("measured over"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   help_text=_("Empty: the plan's unit."))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.wording[:60]


class ContentItem(models.Model):
    """A part of section II: its main activities, the lead agency and the co-operating agencies. ``lead_text`` and
    ``partners_text`` keep the plan's own words; the agencies are the links the system works with."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="content_items")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    activities = models.TextField(_("main activities"), help_text=_("One activity a line."))
    lead_agency = models.ForeignKey("agencies.Agency", verbose_name=_("lead agency"), on_delete=models.PROTECT,
                                    related_name="+")
    partners = models.ManyToManyField("agencies.Agency", verbose_name=_("co-operating agencies"), blank=True,
                                      related_name="+")
    lead_text = models.CharField(_("lead agency as written"), max_length=300, blank=True)
    partners_text = models.TextField(_("co-operating agencies as written"), blank=True)

    class Meta:
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_item_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def activity_lines(self) -> list[str]:
        return [line.strip() for line in self.activities.splitlines() if line.strip()]


class Solution(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="solutions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_solution_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class Duty(models.Model):
    """A numbered part of section IV: the tasks the plan gives one or more agencies (the 2019 plan gives one part to
    the district health office and health centre together). ``heading`` keeps the plan's words."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="duties")
    number = models.PositiveSmallIntegerField(_("number"))
    heading = models.CharField(_("heading as written"), max_length=300)
    agencies = models.ManyToManyField("agencies.Agency", verbose_name=_("agencies"), related_name="+")
    tasks = models.TextField(_("tasks"), help_text=_("One task a line."))

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_duty_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"

    def task_lines(self) -> list[str]:
        return [line.strip() for line in self.tasks.splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------------------------
# Reports


class AgencyReport(models.Model):
    """What one agency reports on its duties for one reporting period of the plan. It hangs off the plan: whoever may
    see the plan may read it. A report may be corrected; ``updated_at`` tells when."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reports")
    series = models.UUIDField(db_index=True, editable=False)
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="+")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    results = models.TextField(_("results"))
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("corrected at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["period_start", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["series", "agency", "period_start"],
                                               name="plans_report_one_per_period")]

    def __str__(self) -> str:
        return f"report {self.pk}"


# ---------------------------------------------------------------------------------------------------------------
# Activities


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("Training")
    AWARENESS = "awareness", _("Awareness event")
    INSPECTION = "inspection", _("Inspection or supervision visit")
    REVIEW = "review", _("Review meeting")


class AwarenessChannel(models.TextChoices):
    BROADCAST = "broadcast", _("Broadcast (radio, television, loudspeakers)")
    MEETING = "meeting", _("Community meeting")
    SCHOOL = "school_session", _("School session")
    LEAFLETS = "leaflets", _("Leaflets and posters")
    ONLINE = "online", _("Online")


class ReviewKind(models.TextChoices):
    INTERIM = "interim", _("Interim review (sơ kết)")
    FINAL = "final", _("Final review (tổng kết)")


class Activity(AgencyOwned):
    """An activity held under a plan by ``owner_agency`` at ``unit`` (the place, valid on the day it was held).

    It is counted by the library's indicators (people trained, events held, people reached) over any period and place,
    whatever plan it was recorded under; the plan's owner and the agencies involved take part in it, so they see it.
    """

    access_view_permission = "plan.view"

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="activities")
    series = models.UUIDField(db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices, db_index=True)
    content_item = models.ForeignKey(ContentItem, verbose_name=_("content item"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    solution = models.ForeignKey(Solution, verbose_name=_("solution"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("held on"), db_index=True)
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    agencies = models.ManyToManyField("agencies.Agency", verbose_name=_("agencies involved"), blank=True,
                                      related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    # Training: what was taught, by whom; ``participants`` is the sum of the rows by agency.
    topics = models.TextField(_("topics"), blank=True)
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    # Awareness event.
    channel = models.CharField(_("form"), max_length=20, choices=AwarenessChannel.choices, blank=True)
    reach = models.PositiveIntegerField(_("people reached"), default=0)
    # Inspection or supervision visit.
    visited_unit = models.ForeignKey("geo.AdminUnit", verbose_name=_("unit visited"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    visited_agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency visited"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    findings = models.TextField(_("findings"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_due = models.DateField(_("follow-up due on"), null=True, blank=True)
    # Review meeting.
    review_kind = models.CharField(_("review"), max_length=10, choices=ReviewKind.choices, blank=True)
    covers_start = models.DateField(_("reviews the period from"), null=True, blank=True)
    covers_end = models.DateField(_("reviews the period to"), null=True, blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["kind", "held_on"]), models.Index(fields=["series", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on:%d/%m/%Y} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:activity", args=[self.plan_id, self.pk])


class TrainingParticipants(models.Model):
    """How many people of one agency took part in a training."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participant_rows")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="+")
    number = models.PositiveIntegerField(_("number of people"))

    class Meta:
        verbose_name = _("participants")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["activity", "agency"], name="plans_participants_unique")]

    def __str__(self) -> str:
        return f"{self.number} of agency {self.agency_id}"


def activity_file_path(instance: ActivityFile, filename: str) -> str:
    # A random name, as for case attachments: the uploaded name stays encrypted in the row.
    return f"plans/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ActivityFile(models.Model):
    """A file of an activity (attendance list, minutes, photos), stored encrypted like case attachments
    (``trove.cases.attachments``) in the same private storage."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=private_files, upload_to=activity_file_path, max_length=200)
    original_name = EncryptedTextField(_("file name"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("activity file")
        verbose_name_plural = _("activity files")

    def __str__(self) -> str:
        return f"activity file {self.pk}"
