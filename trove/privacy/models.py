"""Requests of data subjects (access to their data, erasure of their identity) and the time limit for answering.

The limit is data with its citation and validity dates (``ResponseRule``), loaded by a migration, so that a change
of the law is a new row, not a code change. A request names the case through which it was received, and is owned
like that case, so the access policy decides who sees it. Nothing here stores identity in the clear: the requester
is the person of the case (or their representative, whose description is encrypted).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedTextField
from trove.core.models.access import AgencyOwned


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access to one's personal data")
    ERASURE = "erasure", _("Erasure of one's personal data")


class NoResponseRule(LookupError):
    """No rule in force on the day a request was received."""


class ResponseRule(models.Model):
    """How many working days an agency has to answer a data subject's request, from when it receives it."""

    kind = models.CharField(_("kind of request"), max_length=10, choices=RequestKind.choices)
    working_days = models.PositiveSmallIntegerField(_("working days to answer"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    citation = models.CharField(_("citation"), max_length=300)

    class Meta:
        verbose_name = _("time limit for a data subject's request")
        verbose_name_plural = _("time limits for data subjects' requests")
        ordering = ["kind", "valid_from"]

    def __str__(self) -> str:
        return f"{self.kind} {self.working_days} {self.valid_from}"

    @classmethod
    def in_force(cls, kind: str, day) -> ResponseRule:
        rule = (cls.objects.filter(kind=kind, valid_from__lte=day)
                .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)).order_by("-valid_from").first())
        if rule is None:
            raise NoResponseRule(kind, day)
        return rule


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ANSWERED = "answered", _("Answered")


class SubjectRequest(AgencyOwned):
    """A data subject's request, received through one of their cases; owned like the case."""

    access_view_permission = "privacy.view"

    kind = models.CharField(_("kind of request"), max_length=10, choices=RequestKind.choices)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due by"))
    rule = models.ForeignKey(ResponseRule, verbose_name=_("time limit applied"), on_delete=models.PROTECT,
                             related_name="+")
    # Who asked when it is not the person (a parent, a lawyer) and how: it may name people, so it is encrypted.
    requester = EncryptedTextField(_("requested by (when not the person)"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    # Why (an erasure): free text may name people, so it is encrypted like every note.
    reason = EncryptedTextField(_("reason"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.RECEIVED, db_index=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data subject's request")
        verbose_name_plural = _("data subjects' requests")
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.kind} request {self.pk} on case {self.case_id}"

    def is_overdue(self, today) -> bool:
        return self.status == RequestStatus.RECEIVED and today > self.due_on
