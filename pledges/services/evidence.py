"""Evidence files attached to a submission, checked by content, not by name."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from blocs.models import User
from blocs.services import audit_record
from blocs.uploads import evidence_check, file_digest
from pledges.models import Evidence, Submission
from pledges.services.reporting import _lock_for_update, submission_locks


@transaction.atomic
def evidence_add(
    *, submission: Submission, actor: User, expected_version: int, upload
) -> Evidence:
    sub = _lock_for_update(submission, actor, expected_version)
    lock = submission_locks(sub).values
    if lock:
        raise ValidationError(lock)
    content_type = evidence_check(upload)
    evidence = Evidence(
        submission=sub,
        name=PurePath(upload.name).name[:255],
        size=upload.size,
        content_type=content_type,
        sha256=file_digest(upload),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    evidence.file.save(evidence.name, upload, save=False)
    try:
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
    except BaseException:
        # The rows roll back with the transaction; the stored file must too.
        evidence.file.delete(save=False)
        raise
    return evidence
