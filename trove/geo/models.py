"""Administrative units with the dates they were valid, the 2025 succession, and countries.

A unit code alone is ambiguous: the legacy (63-province) set and the 2025 (34-province) set reuse codes for different
places (legacy Sa Rài town and the 2025 Tân Hồng commune are both 29926). So a unit is always named by its set and its
code, written ``legacy:29926`` or ``2025:29926``.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitSet(models.TextChoices):
    LEGACY = "legacy", _("63 provinces, three levels (until 2025-06-30)")
    Y2025 = "2025", _("34 provinces, two levels (from 2025-07-01)")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")


# The day the legacy set ended and the 2025 set began (Resolutions 202/2025/QH15 and 203/2025/QH15).
REORGANISATION_DATE = datetime.date(2025, 7, 1)
SET_VALIDITY = {
    UnitSet.LEGACY: (None, REORGANISATION_DATE - datetime.timedelta(days=1)),
    UnitSet.Y2025: (REORGANISATION_DATE, None),
}


class AdminUnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> AdminUnitQuerySet:
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )

    def by_key(self, key: str) -> AdminUnit:
        """Look up a unit by its text key ``set:code``; raises ``AdminUnit.DoesNotExist`` or ``ValueError``."""
        unit_set, code = parse_unit_key(key)
        return self.get(unit_set=unit_set, code=code)


def parse_unit_key(key: str) -> tuple[str, str]:
    unit_set, sep, code = (key or "").strip().partition(":")
    if not sep or unit_set not in UnitSet.values or not code.isdigit():
        raise ValueError(f"{key!r} is not a unit key such as legacy:29926 or 2025:29926")
    return unit_set, code


class AdminUnit(models.Model):
    unit_set = models.CharField(_("unit set"), max_length=8, choices=UnitSet.choices)
    code = models.CharField(_("code"), max_length=8)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    name = models.CharField(_("name"), max_length=120)  # "Xã Tân Hộ Cơ"
    short_name = models.CharField(_("short name"), max_length=100)  # "Tân Hộ Cơ"
    unit_type = models.CharField(_("type"), max_length=30)  # "Xã", "Phường", "Thị trấn", "Huyện", "Tỉnh"…
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province_code = models.CharField(_("province code"), max_length=4, db_index=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Lower-case, without diacritics (đ -> d), of the name and the names above it: what name search matches.
    search_text = models.CharField(_("search text"), max_length=300, editable=False)
    # The short name in the same form ("tan ho co"), so that search can rank a unit's own name above its parents'.
    search_name = models.CharField(_("search name"), max_length=100, editable=False, db_index=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [models.UniqueConstraint(fields=["unit_set", "code"], name="geo_unit_set_code_unique")]
        indexes = [models.Index(fields=["unit_set", "level", "province_code"])]
        ordering = ["unit_set", "code"]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def key(self) -> str:
        return f"{self.unit_set}:{self.code}"

    @property
    def full_name(self) -> str:
        """The name with those above it, such as "Xã Tân Hộ Cơ, Huyện Tân Hồng, Tỉnh Đồng Tháp".

        Load units with ``select_related("parent__parent")`` to build it without further queries.
        """
        from trove.geo.selectors import full_name

        return full_name(self)


class UnitSuccession(models.Model):
    """One legacy unit's share in one 2025 unit. A legacy commune split between several 2025 communes has several
    rows; ``is_default`` marks the one to use when only one answer fits (the package's default new ward).

    Besides communes, each legacy province has one row to its 2025 province, and the five island districts that had no
    communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) have one row each to the special zone they became."""

    legacy_unit = models.ForeignKey(
        AdminUnit, verbose_name=_("legacy unit"), on_delete=models.CASCADE, related_name="successors_rows"
    )
    new_unit = models.ForeignKey(
        AdminUnit, verbose_name=_("2025 unit"), on_delete=models.CASCADE, related_name="predecessor_rows"
    )
    is_default = models.BooleanField(_("default successor"), default=False)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["legacy_unit", "new_unit"], name="geo_succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.legacy_unit.key} → {self.new_unit.key}"


class Country(models.Model):
    code = models.CharField(_("ISO 3166-1 code"), max_length=2, primary_key=True)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the language of the request: English for English, Vietnamese otherwise."""
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi
