"""What duplicate matching stores: keyed blocking keys per person, and the merges officers made (DESIGN §5).

Blocking keys are keyed hashes (HMAC with the blind-index key) of coarse combinations of a person's normalised
identity — given name and birth year, family name and home commune, and so on — so that the candidates for a new
person are found with indexed equality look-ups and never by decrypting the table. They are kept as 64-bit integers
(the first eight bytes of the HMAC): a collision only adds a candidate that scoring then rejects.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedTextField


class MatchKey(models.Model):
    """One blocking key of one person (``trove.people.matching.keys``)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="match_keys")
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key"], name="people_matchkey_key")]

    def __str__(self) -> str:
        return f"match key of {self.person_id}"


class PersonMerge(models.Model):
    """An officer's decision that ``duplicate`` is the same person as ``survivor``.

    Both rows stay; ``moved`` lists exactly which rows were re-pointed from the duplicate to the survivor (by model
    label), so that an administrator can undo the merge and put them back.
    """

    survivor = models.ForeignKey("people.Person", verbose_name=_("kept person"), on_delete=models.PROTECT,
                                 related_name="+")
    duplicate = models.ForeignKey("people.Person", verbose_name=_("merged person"), on_delete=models.PROTECT,
                                  related_name="+")
    reason = EncryptedTextField(_("reason"))
    moved = models.JSONField(default=dict)
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("merged by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("undone by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    undo_reason = EncryptedTextField(_("reason for undoing"), blank=True)

    class Meta:
        verbose_name = _("merge of persons")
        verbose_name_plural = _("merges of persons")

    def __str__(self) -> str:
        return f"merge {self.pk}: {self.duplicate_id} into {self.survivor_id}"
