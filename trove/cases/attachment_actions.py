"""Adding a file to a case and reading one back: each checks the policy, writes the audit log and, for an upload,
the case's timeline."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from trove.cases.attachments import check_upload
from trove.cases.models import Attachment, Case, CaseEvent
from trove.core import audit, policy
from trove.core.crypto import decrypt_bytes, encrypt_bytes


def attachment_add(
    *, acting_user, case: Case, name: str, content: bytes, description: str = "", request=None
) -> Attachment:
    """Attach a file to ``case``. Raises 404/403 through the policy (``case.edit`` in the "documents" section) and
    ValidationError for an empty, too large or unaccepted file, before anything is written."""
    policy.require(acting_user, "case.edit", case, section="documents")
    content_type = check_upload(content)
    attachment = Attachment(
        case=case, original_name=(name or "").strip()[:255], description=(description or "").strip()[:200],
        content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=acting_user,
    )
    # The file goes to disk first (its name comes from attachment_path); if the rows fail, it is removed again.
    attachment.file.save("upload", ContentFile(encrypt_bytes(content)), save=False)
    try:
        with transaction.atomic():
            attachment.save()
            CaseEvent.objects.create(
                case=case, at=attachment.uploaded_at, actor=acting_user, agency=case.owner_agency,
                kind="attachment.added",
                details={"attachment": attachment.pk, "extension": _extension(content_type), "size": len(content)},
            )
            audit.record("attachment.upload", actor=acting_user, request=request, agency=case.owner_agency,
                         obj=attachment, changes={"case": [None, case.code], "type": [None, content_type],
                                                  "size": [None, len(content)]})
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_read(*, acting_user, attachment: Attachment, request=None) -> bytes:
    """The plaintext of an attachment for a download, audited every time. The caller has checked the policy; this
    checks it again, because a read that skips the check must not be possible by calling this directly."""
    policy.require(acting_user, "case.view_identity", attachment.case)
    with attachment.file.open("rb") as stored:
        content = decrypt_bytes(stored.read())
    if hashlib.sha256(content).hexdigest() != attachment.sha256:
        raise ValueError(f"attachment {attachment.pk}: content does not match its checksum")
    audit.record("attachment.download", actor=acting_user, request=request, agency=attachment.case.owner_agency,
                 obj=attachment, changes={"case": [None, attachment.case.code]})
    return content


def _extension(content_type: str) -> str:
    return settings.ATTACHMENT_TYPES.get(content_type, "")
