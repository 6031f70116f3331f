"""Publishing year-end documents: rendered once, archived, never changed."""

import hashlib
import secrets

import qrcode
import qrcode.image.svg
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from blocs.models import BlocYear, User
from blocs.services import audit_record
from reports import documents, notices
from reports.models import LegalBasis, Publication
from reports.permissions import can_publish

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6)
    return image.to_string(encoding="unicode")


def verify_url(code: str) -> str:
    return reverse("reports:verify") + f"?code={code}"


def document_draft(*, bloc_year: BlocYear, kind: str, actor: User) -> bytes:
    """A draft PDF, marked as such, never stored."""
    if not can_publish(actor, bloc_year):
        raise PermissionDenied
    return documents.render(kind, bloc_year, draft=True)


@transaction.atomic
def document_publish(*, bloc_year: BlocYear, kind: str, actor: User) -> Publication:
    """Render, store the exact bytes with their SHA-256, a version number and a
    verification code; an earlier version stays as it is."""
    if not can_publish(actor, bloc_year):
        raise PermissionDenied
    # Lock the year so two publications of one document get distinct versions.
    BlocYear.objects.select_for_update().filter(pk=bloc_year.pk).first()
    last = Publication.objects.filter(bloc_year=bloc_year, kind=kind).aggregate(
        v=Max("version")
    )["v"]
    publication = Publication(
        bloc_year=bloc_year,
        kind=kind,
        version=(last or 0) + 1,
        code=verification_code(),
        published_by=actor,
        published_at=timezone.now(),
    )
    content = documents.render(
        kind,
        bloc_year,
        draft=False,
        publication=publication,
        qr_svg=qr_svg(verify_url(publication.code)),
        verify_url=verify_url(publication.code),
    )
    publication.sha256 = hashlib.sha256(content).hexdigest()
    publication.size = len(content)
    version = publication.version
    name = f"{bloc_year.bloc.short_name}-{bloc_year.year}-{kind}-v{version}.pdf"
    publication.file.save(name, ContentFile(content), save=False)
    try:
        publication.full_clean()
        publication.save()
        audit_record(
            actor=actor,
            action="document.publish",
            obj=publication,
            changes={"sha256": publication.sha256, "version": publication.version},
        )
    except BaseException:
        # The rows roll back with the transaction; the archived file must too.
        publication.file.delete(save=False)
        raise
    notices.document_published(publication)
    return publication


def publication_find(
    *, code: str = "", content: bytes | None = None
) -> Publication | None:
    """The publication a code, or a file's exact bytes, belongs to."""
    if content is not None:
        digest = hashlib.sha256(content).hexdigest()
        return (
            Publication.objects.select_related("bloc_year__bloc")
            .filter(sha256=digest)
            .first()
        )
    code = code.strip().upper()
    if not code:
        return None
    return (
        Publication.objects.select_related("bloc_year__bloc").filter(code=code).first()
    )


@transaction.atomic
def legal_basis_upsert(*, citation: str, **fields) -> LegalBasis:
    """Create or update a dated legal text by its citation. Documents already
    published keep the bases they were printed with."""
    basis = LegalBasis.objects.filter(citation=citation).first() or LegalBasis(
        citation=citation
    )
    for name, value in fields.items():
        setattr(basis, name, value)
    basis.full_clean()
    basis.save()
    return basis
