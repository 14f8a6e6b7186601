"""The law as data: the two legal regimes, the steps each prescribes for each intake channel with their time limits, the
grounds for identifying a victim, and the calendar of public holidays that working-day limits skip.

Nothing here names a day, a number of days or an agency in code: the rows come from the versioned fixtures in
``fixtures/`` (loaded by ``loading.load_rules``) and an administrator edits them in the admin. Every rule row cites the
article it comes from (shared/domain/law.md). The later workflow asks the selectors in ``selectors.py`` which rule
applies on a date.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trove.agencies.models import AgencyType


def in_language(obj: models.Model, field: str) -> str:
    """The Vietnamese or English text of a ``<field>_vi`` / ``<field>_en`` pair, following the interface language;
    falls back to the other language when the wanted one is blank."""
    first, second = ("en", "vi") if (get_language() or "vi").startswith("en") else ("vi", "en")
    return getattr(obj, f"{field}_{first}") or getattr(obj, f"{field}_{second}")


def dates_ordered(name: str, start: str, end: str) -> models.CheckConstraint:
    """The database refuses a period that ends before it starts."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=name,
    )


class IntakeChannel(models.TextChoices):
    # shared/domain/categories.md, "Intake channel". The cases app records the channel of each intake with these codes.
    HANDOVER_OFFICIAL = "handover_official", _("Official handover")
    RETURNED_SELF = "returned_self", _("Returned by themselves")
    RETURNED_MISSION = "returned_mission", _("Returned through a Vietnamese mission")
    RESCUED_DOMESTIC = "rescued_domestic", _("Rescued in Vietnam")
    SELF_REPORTED = "self_reported", _("Reported themselves")
    REFERRED = "referred", _("Referred by another body")
    HOTLINE = "hotline", _("Hotline")


class LegalTextKind(models.TextChoices):
    LAW = "law", _("Law")
    DECREE = "decree", _("Decree")
    CIRCULAR = "circular", _("Circular")
    JOINT_CIRCULAR = "joint_circular", _("Joint circular")
    RESOLUTION = "resolution", _("Resolution")


class LegalText(models.Model):
    code = models.CharField(_("number"), max_length=60, unique=True, help_text=_("For example 66/2011/QH12."))
    kind = models.CharField(_("kind"), max_length=20, choices=LegalTextKind.choices)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("legal text")
        verbose_name_plural = _("legal texts")
        ordering = ["effective_from", "code"]
        constraints = [dates_ordered("rules_legaltext_dates_ordered", "effective_from", "effective_to")]

    def __str__(self) -> str:
        return f"{self.code} — {in_language(self, 'title')}"

    def clean(self) -> None:
        super().clean()
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The end date cannot be before the start date.")})


class NoRegimeInForce(LookupError):
    """No regime, or more than one, covers the day asked about: the regime table needs an administrator's attention."""


class RegimeQuerySet(models.QuerySet):
    def covering(self, day: datetime.date) -> RegimeQuerySet:
        return self.filter(
            models.Q(valid_from__lte=day), models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)
        )

    def in_force(self, day: datetime.date) -> Regime:
        """The one regime in force on ``day``; raises ``NoRegimeInForce`` with a message that says what is wrong."""
        if isinstance(day, datetime.datetime):
            raise TypeError("in_force() takes a date; convert a datetime with timezone.localdate(moment) first.")
        regimes = list(self.covering(day)[:2])
        if not regimes:
            raise NoRegimeInForce(
                _("No legal regime is in force on %(day)s. The system knows regimes from %(first)s; a case from "
                  "before then cannot follow a procedure, or an administrator must add the regime that applied.")
                % {"day": day.isoformat(), "first": self._first_day()}
            )
        if len(regimes) > 1:
            raise NoRegimeInForce(
                _("More than one legal regime is in force on %(day)s (%(codes)s): an administrator must correct "
                  "their validity dates.") % {"day": day.isoformat(), "codes": ", ".join(r.code for r in regimes)}
            )
        return regimes[0]

    def _first_day(self) -> str:
        first = self.order_by("valid_from").values_list("valid_from", flat=True).first()
        return first.isoformat() if first else "—"


class Regime(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_texts = models.ManyToManyField(LegalText, verbose_name=_("legal texts"), blank=True, related_name="regimes")
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = RegimeQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal regime")
        verbose_name_plural = _("legal regimes")
        ordering = ["valid_from"]
        constraints = [dates_ordered("rules_regime_dates_ordered", "valid_from", "valid_to")]

    def __str__(self) -> str:
        return f"{self.code} — {in_language(self, 'name')}"

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})
        if self.valid_from:
            # Two regimes in force on the same day would make "which law applies" unanswerable.
            others = Regime.objects.exclude(pk=self.pk).filter(
                models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=self.valid_from)
            )
            if self.valid_to:
                others = others.filter(valid_from__lte=self.valid_to)
            clash = others.first()
            if clash:
                raise ValidationError(
                    _("These dates overlap regime %(code)s; end one regime the day before the next begins.")
                    % {"code": clash.code}
                )


class LimitKind(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class Dated(models.Model):
    """Rule rows that an amendment can change within a regime; empty dates mean "as long as the regime"."""

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    citation = models.CharField(_("citation"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})


class ProcedureStep(Dated):
    """One step of the procedure a regime prescribes for one intake channel.

    ``limit_days`` is the time limit: NULL when the law (as far as law.md confirms it) gives none that the system can
    use, so that an administrator must set it; 0 means "at once" (ngay), due by the end of the day the step starts.
    """

    regime = models.ForeignKey(Regime, verbose_name=_("regime"), on_delete=models.PROTECT, related_name="steps")
    channel = models.CharField(_("intake channel"), max_length=30, choices=IntakeChannel.choices)
    procedure = models.CharField(
        _("procedure"), max_length=40, help_text=_("Channels that the law treats alike share a procedure code.")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=60)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    responsible_agency_type = models.CharField(_("responsible agency type"), max_length=30,
                                               choices=AgencyType.choices)
    partner_agency_types = models.JSONField(_("co-operating agency types"), default=list, blank=True,
                                            help_text=_("A list of agency type codes, e.g. [\"police\"]."))
    limit_days = models.PositiveSmallIntegerField(
        _("time limit (days)"), null=True, blank=True,
        help_text=_("Empty: not set yet, an administrator must set it. 0: at once, by the end of the same day."),
    )
    limit_kind = models.CharField(_("counted in"), max_length=10, choices=LimitKind.choices,
                                  default=LimitKind.CALENDAR)
    limit_confirmed = models.BooleanField(
        _("limit confirmed by the law"), default=False,
        help_text=_("Unticked: the legal text does not give (or we could not confirm) this limit."),
    )
    starts_after = models.ForeignKey("self", verbose_name=_("starts after"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="next_steps",
                                     help_text=_("Empty: the step starts at intake."))
    condition_vi = models.CharField(_("applies when (Vietnamese)"), max_length=300, blank=True,
                                    help_text=_("Empty: the step always applies."))
    condition_en = models.CharField(_("applies when (English)"), max_length=300, blank=True)
    documents_vi = models.JSONField(_("documents to produce (Vietnamese)"), default=list, blank=True)
    documents_en = models.JSONField(_("documents to produce (English)"), default=list, blank=True)
    ends_when_vi = models.TextField(_("ends when (Vietnamese)"), blank=True)
    ends_when_en = models.TextField(_("ends when (English)"), blank=True)

    class Meta:
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        ordering = ["regime__valid_from", "channel", "order"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "channel", "code"], name="rules_step_unique_code"),
            models.UniqueConstraint(fields=["regime", "channel", "order"], name="rules_step_unique_order"),
            dates_ordered("rules_step_dates_ordered", "valid_from", "valid_to"),
        ]

    def __str__(self) -> str:
        return f"{self.regime.code} · {self.channel} · {self.order}. {in_language(self, 'name')}"

    @property
    def limit_is_set(self) -> bool:
        return self.limit_days is not None

    def clean(self) -> None:
        super().clean()
        errors = {}
        if not isinstance(self.partner_agency_types, list) or any(
            code not in AgencyType.values for code in self.partner_agency_types
        ):
            errors["partner_agency_types"] = _("Give a list of agency type codes, among: %(codes)s.") % {
                "codes": ", ".join(AgencyType.values)
            }
        for field in ("documents_vi", "documents_en"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                errors[field] = _("Give a list of document names, e.g. [\"Biên bản tiếp nhận\"].")
        if self.starts_after_id and self.starts_after and (
            self.starts_after.regime_id != self.regime_id or self.starts_after.channel != self.channel
        ):
            errors["starts_after"] = _("The previous step must belong to the same regime and intake channel.")
        if self.starts_after_id and self.starts_after_id == self.pk:
            errors["starts_after"] = _("A step cannot start after itself.")
        if errors:
            raise ValidationError(errors)


class GroundGroup(models.TextChoices):
    EVIDENCE = "evidence", _("Evidence")
    CONFIRMING_DOCUMENT = "confirming_document", _("Confirming document")
    EXPLOITATIVE_PURPOSE = "exploitative_purpose", _("Exploitative purpose")
    SUPPLEMENTARY_CHECK = "supplementary_check", _("Supplementary check")


class IdentificationGround(Dated):
    """One item of the checklist on which a person is identified as a victim under a regime."""

    regime = models.ForeignKey(Regime, verbose_name=_("regime"), on_delete=models.PROTECT, related_name="grounds")
    code = models.SlugField(_("code"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"))
    group = models.CharField(_("group"), max_length=30, choices=GroundGroup.choices)
    text_vi = models.TextField(_("text (Vietnamese)"))
    text_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        verbose_name = _("identification ground")
        verbose_name_plural = _("identification grounds")
        ordering = ["regime__valid_from", "order"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "code"], name="rules_ground_unique_code"),
            dates_ordered("rules_ground_dates_ordered", "valid_from", "valid_to"),
        ]

    def __str__(self) -> str:
        return f"{self.regime.code} · {self.order}. {in_language(self, 'text')[:80]}"


class HolidayKind(models.TextChoices):
    PUBLIC_HOLIDAY = "public_holiday", _("Public holiday")
    TET = "tet", _("Lunar New Year (Tết)")
    COMPENSATORY = "compensatory", _("Compensatory day off")
    SWAPPED = "swapped", _("Day off swapped with a working Saturday")


class Holiday(models.Model):
    """A weekday (or a holiday falling on a weekend) on which public offices are closed."""

    date = models.DateField(_("date"), unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=HolidayKind.choices)
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {in_language(self, 'name')}"


class WorkdayOverride(models.Model):
    """A Saturday or Sunday on which public offices work, to make up for a day off swapped nearby."""

    date = models.DateField(_("date"), unique=True)
    name_vi = models.CharField(_("reason (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("reason (English)"), max_length=200, blank=True)
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("working weekend day")
        verbose_name_plural = _("working weekend days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {in_language(self, 'name')}"

    def clean(self) -> None:
        super().clean()
        if self.date and self.date.weekday() < 5:
            raise ValidationError({"date": _("Only a Saturday or Sunday can be made a working day.")})


# ---------------------------------------------------------------------------------------------------------------
# Support: the types of support, who may receive which under each regime, and the rates (issue 6).


class SupportType(models.Model):
    """One type of support, coded by regime B's letters (Law 53/2024/QH15, Art. 37(1)): a, b, c, d, đ (code ``dd``),
    e, g, h, i, k. Regime A's types map onto these codes in its entitlement rows."""

    code = models.SlugField(_("code"), max_length=4, unique=True)
    letter = models.CharField(_("letter"), max_length=2, help_text=_("As the law writes it, e.g. đ."))
    order = models.PositiveSmallIntegerField(_("order"))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    citation = models.CharField(_("citation"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("support type")
        verbose_name_plural = _("support types")
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.letter}) {in_language(self, 'name')}"


class BeneficiaryGroup(models.TextChoices):
    # The groups of law.md (regime B's table; regime A's victims, foreign victims and accompanying minors). Which group
    # a person is in comes from the case (trove.support.entitlements); what each group receives is the table below.
    VICTIM = "victim", _("Victim (Vietnamese citizen or stateless resident)")
    ACCOMPANYING_CHILD = "accompanying_child", _("Child under 18 accompanying a victim")
    BEING_IDENTIFIED_ABROAD = "being_identified_abroad", _("Person being identified, while abroad")
    BEING_IDENTIFIED_IN_VIETNAM = "being_identified_in_vietnam", _("Person being identified, in Vietnam")
    FOREIGN_VICTIM = "foreign_victim", _("Foreign victim")
    FOREIGN_BEING_IDENTIFIED = "foreign_being_identified", _("Foreigner being identified")


class Entitlement(Dated):
    """What one group may receive of one support type under one regime, with the limits the law sets.

    A limit left empty is no limit. ``max_days`` counts the days covered by the ledger entries of this type for the
    person under this regime; ``extendable`` lets a recorded extension add days (regime B, Decree 162/2025 Art. 17).
    ``in_kind_items`` lists what may be given in kind: [{"code", "name_vi", "name_en", "max_quantity"}], a
    ``max_quantity`` of null meaning no cap; an empty list means any item.
    """

    regime = models.ForeignKey(Regime, verbose_name=_("regime"), on_delete=models.PROTECT,
                               related_name="entitlements")
    group = models.CharField(_("beneficiary group"), max_length=40, choices=BeneficiaryGroup.choices)
    support_type = models.ForeignKey(SupportType, verbose_name=_("support type"), on_delete=models.PROTECT,
                                     related_name="entitlements")
    name_vi = models.CharField(_("name in the regime (Vietnamese)"), max_length=300,
                               help_text=_("The regime's own words for this support."))
    name_en = models.CharField(_("name in the regime (English)"), max_length=300, blank=True)
    max_days = models.PositiveSmallIntegerField(_("at most (days)"), null=True, blank=True,
                                                help_text=_("Empty: no limit in days."))
    extendable = models.BooleanField(_("extendable by a recorded decision"), default=False)
    extension_citation = models.CharField(_("who may extend, and the source"), max_length=300, blank=True)
    once_only = models.BooleanField(_("given once only"), default=False)
    requires_poor_household = models.BooleanField(_("only for poor households"), default=False)
    application_window_months = models.PositiveSmallIntegerField(
        _("apply within (months of confirmation as a victim)"), null=True, blank=True)
    forward_limit_days = models.PositiveSmallIntegerField(
        _("the commune forwards the application within (days)"), null=True, blank=True)
    forward_limit_kind = models.CharField(_("counted in"), max_length=10, choices=LimitKind.choices,
                                          default=LimitKind.WORKING)
    max_age = models.PositiveSmallIntegerField(_("only under this age"), null=True, blank=True)
    in_kind_items = models.JSONField(_("items in kind"), default=list, blank=True)

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["regime__valid_from", "group", "support_type__order"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "group", "support_type"], name="rules_entitlement_unique"),
            dates_ordered("rules_entitlement_dates_ordered", "valid_from", "valid_to"),
        ]

    def __str__(self) -> str:
        return f"{self.regime.code} · {self.get_group_display()} · {self.support_type.letter}"

    def item(self, code: str) -> dict | None:
        return next((item for item in self.in_kind_items if item.get("code") == code), None)

    def clean(self) -> None:
        super().clean()
        items = self.in_kind_items
        valid = isinstance(items, list) and all(
            isinstance(item, dict) and isinstance(item.get("code"), str) and item.get("code")
            and isinstance(item.get("name_vi"), str)
            and (item.get("max_quantity") is None
                 or (isinstance(item.get("max_quantity"), int) and item["max_quantity"] > 0))
            for item in items
        )
        if not valid:
            raise ValidationError({"in_kind_items": _(
                "Give a list of items such as [{\"code\": \"clothes\", \"name_vi\": \"Quần áo\", \"name_en\": "
                "\"Clothes\", \"max_quantity\": 2}]; max_quantity is a whole number above 0 or null.")})


class RateUnit(models.TextChoices):
    PER_DAY = "per_day", _("per person per day")
    PER_MONTH = "per_month", _("per person per month")
    ONCE = "once", _("once per person")


class Rate(Dated):
    """An amount of money the law sets, or leaves for the province to set, for one support type under one regime.

    ``amount`` empty means "not configured": law.md does not confirm it, so an administrator sets it; until then the
    support page says so and the ledger records the actual amount paid. ``is_minimum``: the law sets a floor
    (travel-day meals at least 70,000 VND per day), not a ceiling.
    """

    regime = models.ForeignKey(Regime, verbose_name=_("regime"), on_delete=models.PROTECT, related_name="rates")
    support_type = models.ForeignKey(SupportType, verbose_name=_("support type"), on_delete=models.PROTECT,
                                     related_name="rates")
    code = models.SlugField(_("code"), max_length=60)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True,
                                            help_text=_("Whole đồng. Empty: not configured yet."))
    unit = models.CharField(_("unit"), max_length=10, choices=RateUnit.choices)
    is_minimum = models.BooleanField(_("the amount is a minimum"), default=False)
    amount_confirmed = models.BooleanField(
        _("amount confirmed by the law"), default=False,
        help_text=_("Unticked: the amount is set locally by an administrator (or not set yet)."))
    max_days = models.PositiveSmallIntegerField(_("for at most (days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["regime__valid_from", "support_type__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "code"], name="rules_rate_unique_code"),
            dates_ordered("rules_rate_dates_ordered", "valid_from", "valid_to"),
        ]

    def __str__(self) -> str:
        return f"{self.regime.code} · {in_language(self, 'name')}"

    @property
    def is_configured(self) -> bool:
        return self.amount is not None
