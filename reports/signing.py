"""PAdES signatures on published PDFs, and validation of signed copies.

The issuing body's certificate and key come from a PKCS#12 file named in the
environment (``SIGNING_PKCS12_FILE``, ``SIGNING_PKCS12_PASSWORD``), with an
optional timestamp authority (``SIGNING_TSA_URL``). Copies signed outside the
portal are checked against ``SIGNING_TRUST_ROOTS`` (PEM or DER files). With no
signer configured, publishing archives unsigned PDFs as before
(docs/deploy.md).

Everything here is plain pyHanko over bytes: no database, no models, so the
services decide what to archive and the verification page what to show.
"""

import asyncio
import datetime as dt
import functools
import hashlib
import io
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from asn1crypto import pem, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko import stamp
from pyhanko.pdf_utils import text
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel
from pyhanko.sign.diff_analysis.policy_api import SuspiciousModification
from pyhanko.sign.general import SigningError, get_pyca_cryptography_hash
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

FIELD_NAME = "PortalSignature"
# Room for the CMS signature: the signer's certificate and its chain fit in
# a few kilobytes; PKCS#12 files with long chains need more.
SIGNATURE_RESERVED_BYTES = 32768
# The visible signature: bottom right of the last page, inside the 20 mm
# bottom margin of templates/reports/pdf/base.html, right of the footer's
# verification line, so it never covers the document's own text (points,
# origin bottom left; A4 is 595 x 842).
STAMP_BOX = (365, 8, 565, 50)
STAMP_FONTS = [
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
]


class SignatureRefused(Exception):
    """A signed copy the portal will not archive; ``str()`` is the reason,
    translated, for the person who uploaded it."""


@dataclass
class SignatureReport:
    """One embedded signature as the verification page shows it."""

    field_name: str
    signer: str
    signed_at: dt.datetime | None
    certificate: str
    issuer: str
    serial: str
    fingerprint: str
    not_before: dt.datetime
    not_after: dt.datetime
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    signed_length: int
    timestamped: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.problems


# Configuration --------------------------------------------------------------------


def signing_configured() -> bool:
    return bool(getattr(settings, "SIGNING_PKCS12_FILE", ""))


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


class KeyCachingSigner(signers.SimpleSigner):
    """pyHanko's signer with the private key parsed once: it parses the key
    (and checks an RSA key, the slow part) on every signature."""

    @cached_property
    def _private_key(self):
        return serialization.load_der_private_key(
            self.signing_key.dump(), password=None
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        return self._private_key.sign(
            data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
        )


@cache
def _signer_for(path: str, password: str, mtime: float) -> signers.SimpleSigner:
    # Cached per file and modification time: loading the key costs more than
    # signing a small document, and a replaced file is picked up.
    loaded = signers.SimpleSigner.load_pkcs12(
        path, passphrase=password.encode() if password else None
    )
    if loaded is None:
        raise SigningError(f"Cannot read the PKCS#12 file {path}.")
    return KeyCachingSigner(
        signing_key=loaded.signing_key,
        signing_cert=loaded.signing_cert,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )


def signer_from_settings() -> signers.SimpleSigner | None:
    path = getattr(settings, "SIGNING_PKCS12_FILE", "")
    if not path:
        return None
    password = getattr(settings, "SIGNING_PKCS12_PASSWORD", "")
    return _signer_for(path, password, Path(path).stat().st_mtime)


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Certificates from PEM (one or several) or DER bytes."""
    if pem.detect(data):
        return [x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, True)]
    return [x509.Certificate.load(data)]


def trust_roots() -> list[x509.Certificate]:
    roots = []
    for path in getattr(settings, "SIGNING_TRUST_ROOTS", []):
        roots.extend(load_certificates(_read(path)))
    return roots


def validation_context() -> ValidationContext:
    # No fetching: a validation never waits on the network. Revocation is
    # checked when the signature embeds it, and not required otherwise.
    return ValidationContext(
        trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail"
    )


# Latin, its supplements and Vietnamese (U+1EA0-U+1EF9), digits and punctuation.
STAMP_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1EA0, 0x1F00),
    *range(0x2010, 0x2030),
]


@cache
def _stamp_font() -> GlyphAccumulatorFactory | None:
    """The stamp's font, cut once per process to the glyphs Vietnamese needs:
    pyHanko subsets the font it embeds on every signature, and the full font
    would make that cost more than the signature itself."""
    for path in STAMP_FONTS:
        if Path(path).is_file():
            break
    else:
        return None
    font = TTFont(path)
    options = subset.Options()
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_UNICODES)
    subsetter.subset(font)
    # pyHanko writes glyph widths in thousandths of an em but kerns with
    # HarfBuzz's advances in font units: equal only at 1000 units per em,
    # otherwise every letter stands apart.
    scale_upem(font, 1000)
    out = Path(tempfile.gettempdir()) / f"portal-stamp-{os.getpid()}.ttf"
    font.save(out)
    return GlyphAccumulatorFactory(str(out))


def _stamp_style() -> stamp.TextStampStyle:
    font = _stamp_font()
    text_style = (
        text.TextBoxStyle(font=font, font_size=7)
        if font is not None
        else text.TextBoxStyle(font_size=8)
    )
    label = _("Digitally signed by") if font is not None else "Digitally signed by"
    when = _("Time") if font is not None else "Time"
    return stamp.TextStampStyle(
        stamp_text=f"{label}:\n%(signer)s\n{when}: %(ts)s",
        text_box_style=text_style,
        border_width=1,
        timestamp_format="%d/%m/%Y %H:%M:%S %z",
    )


# Signing --------------------------------------------------------------------------


def outside_event_loop(function):
    """pyHanko's synchronous calls start an asyncio loop of their own, which
    fails in a thread already running one (an async server, a browser test's
    driver): there they run in a worker thread."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return function(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(function, *args, **kwargs).result()

    return run


@outside_event_loop
def sign_pdf(content: bytes, *, reason: str = "", location: str = "") -> bytes:
    """The PDF with a PAdES signature of the configured signer, visible on the
    last page, timestamped when a TSA is configured; unchanged when no signer
    is configured."""
    signer = signer_from_settings()
    if signer is None:
        return content
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    fields.append_signature_field(
        writer,
        fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=-1, box=STAMP_BOX),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    tsa = getattr(settings, "SIGNING_TSA_URL", "")
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=HTTPTimeStamper(tsa) if tsa else None,
        stamp_style=_stamp_style(),
    )
    # A fixed reservation spares pyHanko a trial signature to measure it; a
    # timestamp token's size is not known in advance, so then it measures.
    reserved = None if tsa else SIGNATURE_RESERVED_BYTES
    return pdf_signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()


# Reading and validating -----------------------------------------------------------


def _name(name: x509.Name) -> str:
    return name.human_friendly


def _common_name(name: x509.Name) -> str:
    return name.native.get("common_name") or name.human_friendly


def is_pdf(content: bytes) -> bool:
    return content[:1024].lstrip().startswith(b"%PDF-")


def reader_for(content: bytes) -> PdfFileReader:
    return PdfFileReader(io.BytesIO(content), strict=False)


@outside_event_loop
def signatures_of(content: bytes) -> list[SignatureReport]:
    """Every signature embedded in a PDF, validated against the configured
    trust roots (none when the bytes are not a readable PDF)."""
    if not is_pdf(content):
        return []
    try:
        reader = reader_for(content)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError):
        return []
    context = validation_context()
    return [_report(sig, context) for sig in embedded]


def last_signature(content: bytes) -> SignatureReport | None:
    """The last signature's signer, time and certificate, read but not
    validated (the portal's own, just made: publishing need not pay for a
    validation)."""
    reader = reader_for(content)
    embedded = list(reader.embedded_signatures)
    return _report(embedded[-1], None) if embedded else None


def _validate(sig, context: ValidationContext) -> tuple:
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context)
        intact, valid, trusted = status.intact, status.valid, status.trusted
        signed_at = status.signer_reported_dt
        timestamped = status.timestamp_validity is not None
        if status.timestamp_validity is not None:
            signed_at = status.timestamp_validity.timestamp
        covers = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    except Exception:  # a broken signature is a result, not a crash
        intact = valid = trusted = covers = timestamped = False
        signed_at = sig.self_reported_timestamp
    return intact, valid, trusted, covers, timestamped, signed_at


def _report(sig, context: ValidationContext | None) -> SignatureReport:
    cert = sig.signer_cert
    problems: list[str] = []
    if context is None:
        intact = valid = trusted = covers = True
        timestamped = False
        signed_at = sig.self_reported_timestamp
    else:
        intact, valid, trusted, covers, timestamped, signed_at = _validate(sig, context)
    signed_length = _signed_length(sig)
    not_before = cert["tbs_certificate"]["validity"]["not_before"].native
    not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    if signed_at is not None and not (not_before <= signed_at <= not_after):
        problems.append(_("The certificate was not valid at the time of signing."))
    if not_after < timezone.now() and not timestamped:
        problems.append(_("The certificate has expired."))
    if signed_at is not None and signed_at > timezone.now() + dt.timedelta(minutes=5):
        problems.append(_("The signing time is in the future."))
    return SignatureReport(
        field_name=sig.field_name,
        signer=_common_name(cert.subject),
        signed_at=signed_at,
        certificate=_name(cert.subject),
        issuer=_name(cert.issuer),
        serial=format(cert.serial_number, "X"),
        fingerprint=hashlib.sha256(cert.dump()).hexdigest().upper(),
        not_before=not_before,
        not_after=not_after,
        intact=intact,
        valid=valid,
        trusted=trusted,
        covers_whole_file=covers,
        signed_length=signed_length,
        timestamped=timestamped,
        problems=problems,
    )


def _signed_length(sig) -> int:
    """Where the bytes a signature covers end (its /ByteRange's second part)."""
    byte_range = sig.sig_object.get("/ByteRange")
    return int(byte_range[2] + byte_range[3]) if byte_range else 0


def revision_count(content: bytes) -> int:
    return reader_for(content).xrefs.total_revisions


@outside_event_loop
def check_signed_copy(
    copy: bytes, *, original: bytes, not_before: dt.datetime
) -> SignatureReport:
    """The new signature of ``copy``, an incremental update of ``original``
    signed outside the portal, if the portal may archive it; else
    ``SignatureRefused`` with the reason. Checks: a PDF; the original bytes
    unchanged at its start; a signature added after them that covers them
    and the whole file; intact; a certificate chain to a trust root; valid
    at a signing time after publication; nothing but signatures added."""
    if not is_pdf(copy):
        raise SignatureRefused(_("This file is not a PDF."))
    try:
        reader = reader_for(copy)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise SignatureRefused(_("This PDF cannot be read.")) from error
    if not embedded:
        raise SignatureRefused(_("This PDF carries no digital signature."))
    if copy == original:
        raise SignatureRefused(
            _("This is the archived document itself: no signature was added.")
        )
    if not copy.startswith(original):
        raise SignatureRefused(
            _(
                "This PDF is not the archived document with a signature added: "
                "the signature was made over other content."
            )
        )
    context = validation_context()
    new = [
        (sig, _report(sig, context))
        for sig in embedded
        if _signed_length(sig) > len(original)
    ]
    if not new:
        raise SignatureRefused(
            _("No signature was added to the archived document: nothing to archive.")
        )
    _sig, report = new[-1]
    if not report.intact or not report.valid:
        raise SignatureRefused(
            _("The signature does not match the file: the content was changed.")
        )
    if not report.covers_whole_file:
        raise SignatureRefused(
            _("The file was changed after it was signed: the content was changed.")
        )
    if report.problems:
        raise SignatureRefused(" ".join(report.problems))
    if not report.trusted:
        raise SignatureRefused(
            _(
                "The signer's certificate does not chain to a trusted certificate "
                "authority (self-signed, or issued by an authority the portal "
                "does not trust)."
            )
        )
    # A signing time has whole seconds (CMS, PDF dates): compare to the second,
    # or a copy signed within the second of publication would be refused.
    if report.signed_at is not None and report.signed_at < not_before.replace(
        microsecond=0
    ):
        raise SignatureRefused(
            _("The signing time is earlier than the document's publication.")
        )
    # Whatever was added between the archived bytes and the signature must be
    # a signature, never a change of what the pages show.
    base = revision_count(original) - 1
    try:
        diff = DEFAULT_DIFF_POLICY.review_file(reader, base)
    except Exception as error:  # unreadable changes are changes
        raise SignatureRefused(
            _("The content of the document was changed before it was signed.")
        ) from error
    if (
        isinstance(diff, SuspiciousModification)
        or diff.modification_level > ModificationLevel.FORM_FILLING
    ):
        raise SignatureRefused(
            _("The content of the document was changed before it was signed.")
        )
    return report
