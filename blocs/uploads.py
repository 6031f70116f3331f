"""Uploaded files checked by content, not by name: evidence of a board's
report (pledges) and receipts of the bloc's fund (blocs.fund) pass the same
checks, so they live here, below both."""

import hashlib
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# An office file is a zip: refuse ones that would unpack to something huge
# (a "zip bomb" for whoever opens it) or hold thousands of parts.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# extension → content type it must really be; the type comes from the bytes
# (sniff_content_type), the name only says which one the board meant.
ALLOWED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".doc": "application/x-ole-storage",
    ".xls": "application/x-ole-storage",
}
# What the download says: old Word and Excel files share one container.
SERVED_AS = {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}


def _office_zip_type(upload) -> str | None:
    """DOCX or XLSX by the parts inside the zip; None for any other zip, one
    with macros, or one that unpacks to too much."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if (
                len(entries) > MAX_ZIP_ENTRIES
                or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES
                or "[Content_Types].xml" not in names
                or any(name.lower().endswith("vbaproject.bin") for name in names)
            ):
                return None
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            return None
    except (zipfile.BadZipFile, ValueError, NotImplementedError):
        return None
    finally:
        upload.seek(0)


def sniff_content_type(upload) -> str | None:
    """The type the file's bytes show, whatever its name, or None if it is
    none of the accepted kinds (HTML, scripts, programs, archives...)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(OLE):
        return "application/x-ole-storage"
    if head.startswith(b"PK\x03\x04"):
        return _office_zip_type(upload)
    return None


def evidence_check(upload) -> str:
    """The content type to serve an acceptable file with, or a ValidationError
    that says what is wrong in words the board can act on."""
    name = PurePath(upload.name).name
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(
            _(
                "%(name)s: only PDF, images (PNG, JPEG) and office files (DOCX, XLSX, "
                "DOC, XLS) are accepted."
            ),
            params={"name": name},
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty."), params={"name": name})
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s."),
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_EVIDENCE_BYTES),
            },
        )
    if sniff_content_type(upload) != ALLOWED[extension]:
        raise ValidationError(
            _(
                "%(name)s is not really a %(ext)s file: its content does not match its "
                "name."
            ),
            params={"name": name, "ext": extension[1:].upper()},
        )
    return SERVED_AS.get(extension, ALLOWED[extension])


def file_digest(upload) -> str:
    """The upload's SHA-256, read in chunks, the file left at its start."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
