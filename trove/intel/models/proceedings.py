"""Criminal proceedings about trafficking (DESIGN §2 point 8): a criminal matter from the report through the
initiation of the case, the investigation, the prosecution and the trials to the final judgment.

A proceeding belongs to the investigating body that opened it (police or border guard). The procuracy and the court
take part in it from the moment the file is passed to them (a ``Participation`` with reason "shared assignment"), so
that they see it and record their own stages. Who records which stage is one table in ``trove/intel/stages.py``.
Suspects and defendants are people: their identity is encrypted and shown only to those who may see identity.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedDateField, EncryptedTextField
from trove.core.models.access import AgencyOwned


class Stage(models.TextChoices):
    REPORTED = "reported", _("Reported")
    INITIATED = "initiated", _("Criminal case initiated")
    INVESTIGATED = "investigated", _("Investigation concluded")
    PROSECUTED = "prosecuted", _("Prosecuted (indictment)")
    FIRST_INSTANCE = "first_instance", _("First-instance trial")
    APPEAL = "appeal", _("Appeal trial")
    FINAL = "final", _("Final judgment")
    DISCONTINUED = "discontinued", _("Discontinued")


class Proceeding(AgencyOwned):
    access_view_permission = "proceeding.view"

    code = models.CharField(_("code"), max_length=24, unique=True)
    # The investigation body's own file number, if it has one.
    file_number = models.CharField(_("file number"), max_length=60, blank=True)
    # What the matter is about; it may name people, so it is encrypted.
    summary = EncryptedTextField(_("summary"), blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.REPORTED)
    stage_on = models.DateField(_("date of the stage"), db_index=True)
    reported_on = models.DateField(_("reported on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("criminal proceeding")
        verbose_name_plural = _("criminal proceedings")
        indexes = [
            models.Index(fields=["owner_agency", "-stage_on"]),
            models.Index(fields=["stage", "-stage_on"]),
            models.Index(fields=["unit", "reported_on"]),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("intel:proceeding", args=[self.code])


class ProceedingStage(models.Model):
    """One stage reached: its date, the decision or judgment number, who recorded it, and for a trial whether it was
    a mobile trial (xét xử lưu động), where and before how many people."""

    proceeding = models.ForeignKey(Proceeding, verbose_name=_("proceeding"), on_delete=models.CASCADE,
                                   related_name="stages")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    date = models.DateField(_("date"))
    number = models.CharField(_("decision or judgment number"), max_length=60, blank=True)
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("recorded for"), on_delete=models.PROTECT,
                               related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    note = EncryptedTextField(_("note"), blank=True)
    # The agency the file was passed to with this stage (the procuracy, the court), which then takes part.
    passed_to = models.ForeignKey("agencies.Agency", verbose_name=_("file passed to"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    participation = models.ForeignKey("core.Participation", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    mobile = models.BooleanField(_("mobile trial"), default=False)
    mobile_place = models.CharField(_("place of the mobile trial"), max_length=200, blank=True)
    audience = models.PositiveIntegerField(_("people attending"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage of a proceeding")
        verbose_name_plural = _("stages of proceedings")
        ordering = ["proceeding", "date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "stage"], name="intel_stage_once"),
            models.CheckConstraint(condition=models.Q(mobile=False) | models.Q(stage="first_instance"),
                                   name="intel_stage_mobile_only_at_trial"),
        ]
        indexes = [models.Index(fields=["stage", "date"])]

    def __str__(self) -> str:
        return f"{self.stage} of {self.proceeding_id}"


class RoleInProcess(models.TextChoices):
    # HTCDS v2.0 per_RoleInProcess (shared/standards/htcds-v2-fields.tsv); the values are the standard's names.
    TRAVELLING_PARTNER = "TravellingPartner", _("Travelling partner")
    TRANSPORTER = "Transporter", _("Transporter")
    RECRUITER = "RecruiterOrIntermediary", _("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _("Broker or travel agent")
    TRANSFERRED = "TransferredIndividual", _("Transferred the person")
    HARBOURED = "HarbouredIndividual", _("Harboured the person")
    SOLD = "SoldIndividual", _("Sold the person")
    BOUGHT = "BoughtIndividual", _("Bought the person")
    RECEIVED = "ReceivedIndividual", _("Received the person")
    CONTROLLED = "ControlledIndividual", _("Controlled the person")
    SMUGGLER = "Smuggler", _("Smuggler")
    ABUSER = "Abuser", _("Abuser")
    KIDNAPPER = "Kidnapper", _("Kidnapper")
    EXPLOITER = "Exploiter", _("Exploiter")
    OTHER = "Other", _("Other")


class Verdict(models.TextChoices):
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")


class SentenceKind(models.TextChoices):
    # The main penalties of the Penal Code (Art. 32) that trafficking cases see, and the suspended sentence (Art. 65).
    IMPRISONMENT = "imprisonment", _("Imprisonment for a term")
    SUSPENDED = "suspended", _("Suspended prison sentence")
    LIFE = "life", _("Life imprisonment")
    DEATH = "death", _("Death penalty")
    NON_CUSTODIAL = "non_custodial", _("Non-custodial reform")
    FINE = "fine", _("Fine as the main penalty")
    WARNING = "warning", _("Warning")


class Defendant(models.Model):
    """A suspect, accused or defendant of a proceeding (người bị tố giác, bị can, bị cáo)."""

    proceeding = models.ForeignKey(Proceeding, verbose_name=_("proceeding"), on_delete=models.CASCADE,
                                   related_name="defendants")
    number = models.PositiveSmallIntegerField(_("number"))
    full_name = EncryptedTextField(_("full name"))
    birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=[("female", _("Female")), ("male", _("Male")),
                                                           ("unknown", _("Unknown"))], default="unknown")
    nationality = models.ForeignKey("geo.Country", verbose_name=_("nationality"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    roles = models.JSONField(_("role in the process"), default=list, blank=True)
    role_details = EncryptedTextField(_("details of the role"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, blank=True)
    sentence_kind = models.CharField(_("sentence"), max_length=16, choices=SentenceKind.choices, blank=True)
    prison_years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True)
    prison_months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    fine_vnd = models.PositiveBigIntegerField(_("fine (VND)"), null=True, blank=True)
    other_penalties = EncryptedTextField(_("other penalties"), blank=True)
    sentenced_at = models.CharField(_("sentenced at"), max_length=16, choices=Stage.choices, blank=True)
    sentenced_on = models.DateField(_("sentenced on"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspect or defendant")
        verbose_name_plural = _("suspects and defendants")
        ordering = ["proceeding", "number"]
        constraints = [models.UniqueConstraint(fields=["proceeding", "number"], name="intel_defendant_number")]

    def __str__(self) -> str:
        # Never the name.
        return f"defendant {self.number} of {self.proceeding_id}"

    def role_labels(self) -> list[str]:
        return [str(RoleInProcess(value).label) for value in self.roles if value in RoleInProcess.values]


class Charge(models.Model):
    """An article (and clause) of the Penal Code a suspect is charged under."""

    defendant = models.ForeignKey(Defendant, verbose_name=_("suspect or defendant"), on_delete=models.CASCADE,
                                  related_name="charges")
    article = models.ForeignKey("intel.PenalArticle", verbose_name=_("article"), on_delete=models.PROTECT,
                                related_name="+")
    clause = models.CharField(_("clause"), max_length=10, blank=True)
    charged_on = models.DateField(_("charged on"))
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("charged by"), on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["defendant", "article__article", "clause"]
        constraints = [models.UniqueConstraint(fields=["defendant", "article"], name="intel_charge_once")]

    def __str__(self) -> str:
        return f"Art. {self.article_id} against {self.defendant_id}"


class ProceedingVictim(models.Model):
    """A victim of the matter, as the case the system holds about them."""

    proceeding = models.ForeignKey(Proceeding, verbose_name=_("proceeding"), on_delete=models.CASCADE,
                                   related_name="victims")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("victim in a proceeding")
        verbose_name_plural = _("victims in proceedings")
        constraints = [models.UniqueConstraint(fields=["proceeding", "case"], name="intel_victim_once")]

    def __str__(self) -> str:
        return f"case {self.case_id} in {self.proceeding_id}"
