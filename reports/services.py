"""Publishing year-end documents: rendered once, archived, never changed."""

import hashlib
import secrets

import qrcode
import qrcode.image.svg
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import BlocYear, User
from blocs.services import audit_record
from reports import documents, notices, signing
from reports.models import ApiToken, LegalBasis, Publication
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
    # The archive keeps the signed bytes: their SHA-256 is what /verify/
    # matches, and the signature is what a reader's PDF software checks.
    content = signing.sign_pdf(
        content,
        reason=str(publication.get_kind_display()),
        location=bloc_year.bloc.name,
    )
    if signing.signing_configured():
        _describe_signature(publication, content)
    _archive(publication, content, f"{bloc_year.bloc.short_name}-{bloc_year.year}")
    try:
        audit_record(
            actor=actor,
            action="document.publish",
            obj=publication,
            changes={
                "sha256": publication.sha256,
                "version": publication.version,
                "signer": publication.signer,
            },
        )
    except BaseException:
        publication.file.delete(save=False)
        raise
    notices.document_published(publication)
    return publication


def _describe_signature(publication: Publication, content: bytes) -> None:
    """Copy the last signature's signer, time and certificate onto the row."""
    last = signing.last_signature(content)
    if last is not None:
        publication.signer = last.signer[:255]
        publication.signed_at = last.signed_at
        publication.certificate = signature_certificate_text(last)


def signature_certificate_text(report: signing.SignatureReport) -> str:
    return "\n".join(
        [
            report.certificate,
            _("Issued by: %(issuer)s") % {"issuer": report.issuer},
            _("Serial number: %(serial)s") % {"serial": report.serial},
            _("SHA-256 fingerprint: %(fingerprint)s")
            % {"fingerprint": report.fingerprint},
        ]
    )


def _archive(publication: Publication, content: bytes, stem: str) -> None:
    """Store the exact bytes with their SHA-256 and save the row; the file
    (or the part of it a failed write left) goes if either fails."""
    publication.sha256 = hashlib.sha256(content).hexdigest()
    publication.size = len(content)
    name = f"{stem}-{publication.kind}-v{publication.version}.pdf"
    # Where the storage will write: a failed write (a full disk) may leave part
    # of the file there, which must not outlive the failed publication.
    target = publication.file.field.generate_filename(publication, name)
    target_was_free = not publication.file.storage.exists(target)
    try:
        publication.file.save(name, ContentFile(content), save=False)
        publication.full_clean()
        publication.save()
    except BaseException:
        # The rows roll back with the transaction; the archived file must too.
        if publication.file:
            publication.file.delete(save=False)
        elif target_was_free and publication.file.storage.exists(target):
            publication.file.storage.delete(target)
        raise


@transaction.atomic
def publication_signed_copy_add(
    *, original: Publication, content: bytes, actor: User
) -> Publication:
    """Archive a copy of ``original`` that an official signed outside the
    portal, as a new version linked to it (the original stays as it is).
    Refused with the reason (``ValidationError``) unless it is the archived
    bytes with a trusted, intact signature added over them."""
    bloc_year = original.bloc_year
    if not can_publish(actor, bloc_year):
        raise PermissionDenied
    with original.file.open("rb") as archived:
        original_bytes = archived.read()
    try:
        report = signing.check_signed_copy(
            content, original=original_bytes, not_before=original.published_at
        )
    except signing.SignatureRefused as refused:
        raise ValidationError(str(refused)) from refused
    if Publication.objects.filter(sha256=hashlib.sha256(content).hexdigest()).exists():
        raise ValidationError(_("This signed copy is already archived."))
    BlocYear.objects.select_for_update().filter(pk=bloc_year.pk).first()
    last = Publication.objects.filter(
        bloc_year=bloc_year, kind=original.kind
    ).aggregate(v=Max("version"))["v"]
    copy = Publication(
        bloc_year=bloc_year,
        kind=original.kind,
        version=(last or 0) + 1,
        code=verification_code(),
        published_by=actor,
        published_at=timezone.now(),
        original=original,
        signer=report.signer[:255],
        signed_at=report.signed_at,
        certificate=signature_certificate_text(report),
    )
    _archive(copy, content, f"{bloc_year.bloc.short_name}-{bloc_year.year}-signed")
    try:
        audit_record(
            actor=actor,
            action="document.signed_copy",
            obj=copy,
            changes={
                "original": original.pk,
                "sha256": copy.sha256,
                "signer": copy.signer,
                "fingerprint": report.fingerprint,
            },
        )
    except BaseException:
        copy.file.delete(save=False)
        raise
    return copy


# API tokens ---------------------------------------------------------------------------


def api_token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User, name: str, actor: User) -> tuple[ApiToken, str]:
    """A new token acting as ``user``, and its secret, which is never stored
    and so is shown once. Portal administrators only."""
    if not actor.is_superuser:
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError(_("An inactive account cannot hold an API token."))
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        user=user,
        prefix=secret[:8],
        digest=api_token_digest(secret),
        created_by=actor,
        created_at=timezone.now(),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action="api_token.issue",
        obj=token,
        changes={"user": user.pk, "prefix": token.prefix},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoked at once and for good; a revoked token stays listed."""
    if not actor.is_superuser:
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, action="api_token.revoke", obj=token, changes={"revoked": True}
    )
    return token


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
