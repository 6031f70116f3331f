"""Publishing year-end documents: rendered once, archived, never changed."""

import hashlib
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import BlocYear, User
from blocs.services import audit_record
from reports import documents, notices, signing
from reports.models import (
    Achievement,
    ApiToken,
    DocumentNumber,
    LegalBasis,
    Publication,
    YearSections,
)
from reports.permissions import can_publish

# The stage from which each document may be published: the pledge is the
# text put to the boards for signing (printed for the conference that opens
# the year), the others record the year's results and vote, so they wait for
# the voting stage; a closed year's documents can still be published.
PUBLISH_FROM: dict[str, str] = {
    Publication.Kind.PLEDGE: BlocYear.Status.SETUP,
    Publication.Kind.SUMMARY: BlocYear.Status.VOTING,
    Publication.Kind.MINUTES: BlocYear.Status.VOTING,
    Publication.Kind.NOMINATION: BlocYear.Status.VOTING,
}
STAGE_ORDER = list(BlocYear.Status.values)


def publish_refusal(bloc_year: BlocYear, kind: str) -> str:
    """Why ``kind`` cannot be published at the year's stage, or ""."""
    first = PUBLISH_FROM[kind]
    if STAGE_ORDER.index(bloc_year.status) >= STAGE_ORDER.index(first):
        return ""
    return _(
        "The %(document)s is published from the stage “%(stage)s” on; the year "
        "is at the stage “%(current)s”."
    ) % {
        "document": Publication.Kind(kind).label.lower(),
        "stage": BlocYear.Status(first).label,
        "current": bloc_year.get_status_display(),
    }


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6)
    return image.to_string(encoding="unicode")


def verify_url(code: str) -> str:
    """The verification page's full address (``SITE_URL``): a reader holding
    the paper types it or scans the QR code."""
    path = reverse("reports:verify") + f"?code={code}"
    return settings.SITE_URL.rstrip("/") + path


def document_number_next(*, bloc_year: BlocYear, year: int) -> int:
    """The next free number of the bloc's register for ``year``."""
    last = DocumentNumber.objects.filter(bloc=bloc_year.bloc, year=year).aggregate(
        n=Max("number")
    )["n"]
    return (last or 0) + 1


@transaction.atomic
def document_number_reserve(
    *,
    bloc_year: BlocYear,
    kind: str,
    actor: User,
    year: int,
    number: int | None = None,
) -> DocumentNumber:
    """Take a number in the bloc's register of ``year`` for one document: the
    next free one, or the one typed. A document keeps its number; a number is
    never used twice (a database constraint)."""
    if not can_publish(actor, bloc_year):
        raise PermissionDenied
    # Lock the bloc so two reservations do not take the same next number.
    type(bloc_year.bloc).objects.select_for_update().filter(
        pk=bloc_year.bloc_id
    ).first()
    existing = DocumentNumber.objects.filter(bloc_year=bloc_year, kind=kind).first()
    if existing is not None:
        if number is None or number == existing.number:
            return existing
        raise ValidationError(
            _("This document already has number %(number)s.")
            % {"number": existing.number}
        )
    entry = DocumentNumber(
        bloc=bloc_year.bloc,
        year=year,
        number=number or document_number_next(bloc_year=bloc_year, year=year),
        bloc_year=bloc_year,
        kind=kind,
    )
    entry.full_clean()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        raise ValidationError(
            _("Number %(number)s is already used in the %(year)s register.")
            % {"number": entry.number, "year": year}
        ) from error
    audit_record(
        actor=actor,
        action="document.number",
        obj=entry,
        changes={"kind": kind, "year": year, "number": entry.number},
    )
    return entry


def sections_snapshot(sections: YearSections) -> dict:
    """The authored sections as a publication printed them."""
    if sections.pk is None:
        return {}
    data = model_to_dict(sections, exclude=["id", "bloc_year"])
    data = {k: (str(v) if v is not None else None) for k, v in data.items()}
    data["achievements"] = {
        str(a.board_id): a.text for a in sections.achievements.all()
    }
    return data


def document_draft(*, bloc_year: BlocYear, kind: str, actor: User) -> bytes:
    """A draft PDF, marked as such, never stored."""
    if not can_publish(actor, bloc_year):
        raise PermissionDenied
    return documents.render(kind, bloc_year, draft=True)


def publish_missing(bloc_year: BlocYear, kind: str) -> list[str]:
    """What the document still lacks to be published: its stage, or what its
    context lacks (``_context_missing``)."""
    refusal = publish_refusal(bloc_year, kind)
    if refusal:
        return [refusal]
    ctx = documents.context(
        kind, bloc_year, draft=False, issue_day=timezone.localdate()
    )
    return _context_missing(ctx)


def _context_missing(ctx: dict) -> list[str]:
    """What a document's context lacks to be published: signers' names,
    sections, the date a recorded year's document bore. Its stage is checked
    first, before a context is built (``publish_refusal``)."""
    missing = list(ctx["missing"])
    if ctx["recorded_after_fact"] and ctx["own_day"] is None:
        # Today's date would pass for the paper's: the year must state it.
        missing.append(
            _("the date the document bore (the conference's or the signing's)")
        )
    return missing


@transaction.atomic
def document_publish(*, bloc_year: BlocYear, kind: str, actor: User) -> Publication:
    """Render, store the exact bytes with their SHA-256, a version number and a
    verification code; an earlier version stays as it is."""
    if not can_publish(actor, bloc_year):
        raise PermissionDenied
    # Lock the year so two publications of one document get distinct versions
    # (and its stage cannot move under us).
    bloc_year = (
        BlocYear.objects.select_for_update().select_related("bloc").get(pk=bloc_year.pk)
    )
    refusal = publish_refusal(bloc_year, kind)
    if refusal:
        raise ValidationError(refusal)
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
    url = verify_url(publication.code)
    ctx = documents.context(
        kind,
        bloc_year,
        draft=False,
        publication=publication,
        qr_svg=qr_svg(url),
        verify_url=url,
        issue_day=timezone.localdate(),
    )
    missing = _context_missing(ctx)
    if missing:
        raise ValidationError(
            _("This document cannot be published yet. Missing: %(missing)s.")
            % {"missing": "; ".join(missing)}
        )
    entry = document_number_reserve(
        bloc_year=bloc_year, kind=kind, actor=actor, year=ctx["day"].year
    )
    ctx["number"] = documents.doc_number(kind, bloc_year.bloc, entry.number)
    publication.number = ctx["number"]
    publication.sections = sections_snapshot(ctx["sections"])
    content = documents.render_context(kind, ctx)
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


SECTION_FIELDS = [
    "results",
    "shortcomings",
    "lessons",
    "directions",
    "start_time",
    "end_time",
    "participants",
    "guests",
    "secretary",
    "counting_team",
    "discussion",
    "proposal",
    "illustrative",
]


@transaction.atomic
def sections_save(*, bloc_year: BlocYear, actor: User | None, **fields) -> YearSections:
    """Write the year's authored sections (any of ``SECTION_FIELDS``),
    audited with the old and new text. Documents already published keep the
    text they printed (``Publication.sections``)."""
    if actor is not None and not can_publish(actor, bloc_year):
        raise PermissionDenied
    unknown = set(fields) - set(SECTION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown sections: {sorted(unknown)}")
    sections = YearSections.objects.select_for_update().filter(
        bloc_year=bloc_year
    ).first() or YearSections(bloc_year=bloc_year)
    changes = {}
    for name, value in fields.items():
        old = getattr(sections, name)
        if old != value:
            changes[name] = [str(old) if old is not None else None, str(value)]
            setattr(sections, name, value)
    if sections.pk is not None and not changes:
        return sections  # nothing to change, nothing to record
    sections.full_clean()
    sections.save()
    audit_record(actor=actor, action="sections.save", obj=sections, changes=changes)
    return sections


@transaction.atomic
def achievement_set(
    *, bloc_year: BlocYear, board, text: str, actor: User | None
) -> Achievement:
    """A nominee's achievement summary for the nomination submission."""
    sections = sections_save(bloc_year=bloc_year, actor=actor)
    achievement = Achievement.objects.filter(sections=sections, board=board).first()
    old = achievement.text if achievement else ""
    if achievement is not None and old == text:
        return achievement
    achievement = achievement or Achievement(sections=sections, board=board)
    achievement.text = text
    achievement.full_clean()
    achievement.save()
    audit_record(
        actor=actor,
        action="sections.achievement",
        obj=achievement,
        changes={"text": [old, text]},
    )
    return achievement
