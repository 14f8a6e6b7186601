"""Install the shipped templates (``templates_docx/``) as ``DocumentTemplate`` rows: ``load_reference_data`` runs
this, so ``make setup`` does.

A shipped file is matched by its SHA-256: the first run adds one row per kind, a second run changes nothing. When a
release ships a changed file, it becomes a new version; it is made active only where the template in use is a
shipped one. Where an administrator's template is active, theirs stays in use and the new shipped version waits,
inactive, for them to review (the report counts it as "kept").
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from trove.documents.models import DocumentKind, DocumentTemplate, TemplateRegime, template_storage
from trove.documents.render import shipped_path

# Shipped templates serve every document generated since the first regime began.
SHIPPED_VALID_FROM = datetime.date(2012, 1, 1)


def load_document_templates() -> dict[str, int]:
    report = {"added": 0, "unchanged": 0, "kept": 0}
    for kind in DocumentKind.values:
        content = shipped_path(kind).read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        with transaction.atomic():
            if DocumentTemplate.objects.filter(kind=kind, shipped=True, sha256=digest).exists():
                report["unchanged"] += 1
                continue
            name = f"shipped/{kind}-{digest[:16]}.docx"
            if not template_storage.exists(name):
                name = template_storage.save(name, ContentFile(content))
            active = DocumentTemplate.objects.filter(kind=kind, active=True)
            administrators_in_use = active.filter(shipped=False).exists()
            if not administrators_in_use:
                active.update(active=False)
            else:
                report["kept"] += 1
            version = (DocumentTemplate.objects.filter(kind=kind).aggregate(last=Max("version"))["last"] or 0) + 1
            DocumentTemplate.objects.create(
                kind=kind, regime=TemplateRegime.BOTH, file=name, sha256=digest, version=version,
                valid_from=SHIPPED_VALID_FROM, active=not administrators_in_use, shipped=True,
                notes="Shipped with Trở Về (trove/documents/templates_docx).",
            )
            report["added"] += 1
    return report
