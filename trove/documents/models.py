"""Templates of the official documents (DESIGN §2 point 3, issue 5 part 3).

A template is a Word file with docxtpl (Jinja) tags. The shipped ones are built by ``build_templates.py`` into
``templates_docx/`` and installed as rows by ``loading.load_document_templates``; an administrator uploads new versions
in the Django admin, where each upload is checked (a real .docx that renders with a sample context) before it can be
made active. Files live under ``VAR_DIR/document_templates`` — outside the web root and never served by URL.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    INTAKE_RECORD = "intake_record", _("Intake record (Biên bản tiếp nhận)")
    VERIFICATION_REQUEST = "verification_request", _("Verification request letter (Công văn đề nghị xác minh)")
    IDENTIFICATION_DECISION = "identification_decision", _(
        "Identification confirmation or decision (Giấy xác nhận / Quyết định xác định nạn nhân)")


class TemplateRegime(models.TextChoices):
    # The regime codes of trove.rules (shared/domain/law.md); BOTH serves cases of either regime.
    BOTH = "both", _("Both regimes")
    A = "A", _("Regime A (before 2025-07-01)")
    B = "B", _("Regime B (from 2025-07-01)")


def templates_root() -> Path:
    return Path(getattr(settings, "DOCUMENT_TEMPLATES_ROOT", settings.VAR_DIR / "document_templates"))


@deconstructible
class TemplateStorage(FileSystemStorage):
    """The template files' folder, read from the settings at each use (so tests can point it elsewhere). It has no
    URL: templates are read by the renderer and the admin only."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(templates_root())

    @property
    def location(self) -> str:
        return str(templates_root().resolve())

    def url(self, name: str | None) -> str:
        raise ValueError("Document templates are not served by URL.")


template_storage = TemplateStorage()


def template_path(instance: DocumentTemplate, filename: str) -> str:
    # A generated name: what the administrator called the file does not matter and may say anything.
    return f"uploaded/{instance.kind}-{uuid.uuid4().hex}.docx"


class DocumentTemplate(models.Model):
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    regime = models.CharField(_("regime"), max_length=4, choices=TemplateRegime.choices, default=TemplateRegime.BOTH,
                              help_text=_("The legal regime of the cases this template serves."))
    file = models.FileField(_("Word file (.docx)"), storage=template_storage, upload_to=template_path,
                            max_length=200)
    sha256 = models.CharField(max_length=64, editable=False)
    version = models.PositiveIntegerField(_("version"), editable=False)
    valid_from = models.DateField(_("used from"), default=timezone.localdate,
                                  help_text=_("Documents generated on or after this day use this template."))
    active = models.BooleanField(_("active"), default=False,
                                 help_text=_("Only active templates are used. A template is checked before it is "
                                             "saved, so an active template always renders."))
    shipped = models.BooleanField(_("shipped with the system"), default=False, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    editable=False, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="documents_template_kind_version_unique"),
        ]
        indexes = [models.Index(fields=["kind", "active", "-valid_from"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"
