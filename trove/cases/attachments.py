"""Case attachments on disk: what type a file really is, encryption of its content, and safe download names.

Files are checked by their first bytes, never by the name or the type the browser claims; they are stored encrypted
(Fernet, the keys of identity fields) under a random name in ``ATTACHMENTS_ROOT``, outside the web root. The action
that adds one is ``attachment_actions.attachment_add``; the view that serves one asks the access policy first.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME_LENGTH = 120


def sniff(content: bytes) -> str | None:
    """The type the content really has, from its magic bytes, or None for anything not recognised."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"PK\x03\x04"):
        # Any zip starts so; a Word document is the zip that holds word/document.xml. Only the directory is read.
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
    return None


def allowed_types_text() -> str:
    return ", ".join(ext.lstrip(".").upper() for ext in settings.ATTACHMENT_TYPES.values())


def check_size(size: int) -> None:
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; files may be at most %(limit)s. Scan at a lower resolution or split it.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
            code="too_large",
        )


def check_upload(content: bytes) -> str:
    """The content type of an acceptable file; raises ValidationError saying what to do otherwise."""
    if not content:
        raise ValidationError(_("The file is empty. Choose the file again; if it still fails, scan it anew."),
                              code="empty")
    check_size(len(content))
    content_type = sniff(content)
    if content_type is None or content_type not in settings.ATTACHMENT_TYPES:
        raise ValidationError(
            _("This kind of file cannot be attached. Save it as one of: %(types)s.") % {"types": allowed_types_text()},
            code="type",
        )
    return content_type


def ascii_name(name: str) -> str:
    """A file name that every browser and file system accepts: no diacritics, no path, no odd characters."""
    name = name.replace("đ", "d").replace("Đ", "D")
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = _UNSAFE.sub("_", name).strip("._")
    return name[:MAX_NAME_LENGTH] or "file"


def download_name(original: str, content_type: str, fallback_stem: str) -> str:
    """The name to offer: the original name's stem (path parts dropped) with the extension of the sniffed type, so
    that a PDF renamed .exe downloads as .pdf."""
    stem = re.split(r"[\\/]", original or "")[-1].rsplit(".", 1)[0].strip() or fallback_stem
    return f"{stem[:MAX_NAME_LENGTH]}{settings.ATTACHMENT_TYPES.get(content_type, '')}"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the UTF-8 ``filename*`` (RFC 6266) for the real name."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
