"""Evidence files attached to a submission, checked by content, not by name."""

import hashlib
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import User
from blocs.services import audit_record
from pledges.models import Evidence, Submission
from pledges.services.reporting import _lock_for_update, submission_locks

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# extension → (content type, how the first bytes must look)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".doc": ("application/msword", (OLE,)),
    ".xls": ("application/vnd.ms-excel", (OLE,)),
}


def _is_office_zip(upload) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def evidence_check(upload) -> str:
    """The content type of an acceptable file, or a ValidationError that says
    what is wrong in words the board can act on."""
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
    content_type, signatures = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    looks_right = any(head.startswith(sig) for sig in signatures)
    if looks_right and signatures[0] == b"PK\x03\x04":
        looks_right = _is_office_zip(upload)
    if not looks_right:
        raise ValidationError(
            _(
                "%(name)s is not really a %(ext)s file: its content does not match its "
                "name."
            ),
            params={"name": name, "ext": extension[1:].upper()},
        )
    return content_type


@transaction.atomic
def evidence_add(
    *, submission: Submission, actor: User, expected_version: int, upload
) -> Evidence:
    sub = _lock_for_update(submission, actor, expected_version)
    lock = submission_locks(sub).values
    if lock:
        raise ValidationError(lock)
    content_type = evidence_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        submission=sub,
        name=PurePath(upload.name).name[:255],
        size=upload.size,
        content_type=content_type,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    evidence.file.save(evidence.name, upload, save=False)
    evidence.full_clean()
    evidence.save()
    sub.version += 1
    sub.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action="evidence.add",
        obj=sub,
        changes={
            "file": evidence.name,
            "sha256": evidence.sha256,
            "size": evidence.size,
        },
    )
    return evidence
