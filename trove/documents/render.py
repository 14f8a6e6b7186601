"""Rendering the official documents as Word files with docxtpl.

``render_document(kind, context)`` fills the template in force for ``kind`` with a context from ``contexts.py`` and
returns the .docx as bytes. The template in force is the active ``DocumentTemplate`` of that kind whose regime fits
(the case's regime, or "both") and whose ``valid_from`` is the latest on or before the day, the highest version first;
without one, the shipped file in ``templates_docx/``.

The shipped templates follow Decree 30/2020/NĐ-CP on administrative documents (công tác văn thư), Appendix I: A4,
Times New Roman 13–14 pt, margins top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm; the national title and
motto top right, the issuing body and number top left, place and date under the motto, the title in bold capitals,
recipients ("Nơi nhận") bottom left and the signature block bottom right. ``build_templates.py`` builds them.

Templates are uploaded by administrators, so they are rendered in Jinja's sandbox (no access to Python internals
through ``{{ ''.__class__ }}``) with autoescaping (a "<" or "&" in a name cannot break the document's XML).
"""

from __future__ import annotations

import datetime
import io
import logging
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from trove.cases.attachments import DOCX, sniff
from trove.documents.models import DocumentKind, DocumentTemplate, TemplateRegime

logger = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parent / "templates_docx"
CONTENT_TYPE = DOCX
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def shipped_path(kind: str) -> Path:
    return SHIPPED_DIR / f"{kind}.docx"


def select_template(kind: str, *, regime: str | None = None,
                    on: datetime.date | None = None) -> DocumentTemplate | None:
    """The active template in force for ``kind`` on ``on`` (today) for a case of ``regime`` ("A", "B" or any)."""
    on = on or timezone.localdate()
    templates = DocumentTemplate.objects.filter(kind=kind, active=True, valid_from__lte=on)
    if regime:
        templates = templates.filter(Q(regime=TemplateRegime.BOTH) | Q(regime=regime))
    return templates.order_by("-valid_from", "-version").first()


def template_content(kind: str, *, regime: str | None = None, on: datetime.date | None = None) -> bytes:
    if kind not in DocumentKind.values:
        raise ValueError(f"Unknown document kind {kind!r}; choose one of {DocumentKind.values}.")
    template = select_template(kind, regime=regime, on=on)
    if template is not None:
        try:
            with template.file.open("rb") as stored:
                return stored.read()
        except OSError:
            # The row outlived its file (a restored database without var/): the shipped file still gives a document.
            logger.error("Document template %s has no file at %s; using the shipped one", template.pk,
                         template.file.name)
    return shipped_path(kind).read_bytes()


def render_bytes(template: bytes, context: dict) -> bytes:
    document = DocxTemplate(io.BytesIO(template))
    document.render(context, jinja_env=SandboxedEnvironment(autoescape=True))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_document(kind: str, context: dict, *, regime: str | None = None,
                    on: datetime.date | None = None) -> bytes:
    """The .docx of document ``kind`` filled with ``context``. ``regime`` defaults to ``context["regime"]``."""
    return render_bytes(template_content(kind, regime=regime or context.get("regime"), on=on), context)


def check_template(kind: str, content: bytes) -> None:
    """Refuse a file that is not a Word document or that does not render with a sample context of ``kind``; the
    message says what is wrong, with the template engine's own words, so the administrator can fix the file."""
    from trove.documents.contexts import sample_context

    if not content:
        raise ValidationError(_("The file is empty. Choose the .docx file again."), code="empty")
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationError(_("The file is larger than 5 MB. Remove pictures from the template and try again."),
                              code="too_large")
    if sniff(content) != DOCX:
        raise ValidationError(_("This is not a Word document (.docx). Save the template in Word as “Word Document "
                                "(*.docx)” and upload it again."), code="not_docx")
    try:
        rendered = render_bytes(content, sample_context(kind))
    except Exception as error:  # noqa: BLE001 — any failure of a foreign template is reported, not raised
        raise ValidationError(
            _("The template cannot be filled in: %(error)s. Check the {{ … }} and {%% … %%} tags in Word and "
              "upload it again.") % {"error": _describe(error)},
            code="render",
        ) from error
    if sniff(rendered) != DOCX:
        raise ValidationError(_("The template does not give a Word document when filled in."), code="render")


def _describe(error: Exception) -> str:
    # Jinja's line numbers count lines of the document's XML, which mean nothing in Word: the message alone.
    text = str(getattr(error, "message", None) or error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
