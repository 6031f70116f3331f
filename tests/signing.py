"""Test helpers for signatures: a CA made for the test session, and an
official signing a PDF outside the portal (pyHanko, as their software would)."""

import io
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from demodata.democa import Issued, build_demo_ca, issue, write_demo_ca

PASSWORD = "test"  # a throw-away test CA


@dataclass
class DemoCA:
    """The demo CA as ``make_demo_ca`` writes it, with the CA's key kept in
    memory so that a test can issue an official's certificate from it."""

    ca: Issued
    ca_pem: Path
    signer_p12: Path

    def settings(self) -> dict:
        return {
            "SIGNING_PKCS12_FILE": str(self.signer_p12),
            "SIGNING_PKCS12_PASSWORD": PASSWORD,
            "SIGNING_TRUST_ROOTS": [str(self.ca_pem)],
            "SIGNING_TSA_URL": "",
        }


def make_demo_ca(folder: Path) -> DemoCA:
    built = build_demo_ca()
    paths = write_demo_ca(folder, password=PASSWORD, built=built)
    return DemoCA(built[0], paths["ca"], paths["signer"])


def pyhanko_signer(person: Issued, chain: list[Issued] = ()) -> signers.SimpleSigner:
    der_key = person.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    certs = [
        asn1_x509.Certificate.load(c.cert.public_bytes(serialization.Encoding.DER))
        for c in chain
    ]
    return signers.SimpleSigner(
        signing_key=keys.PrivateKeyInfo.load(der_key),
        signing_cert=asn1_x509.Certificate.load(
            person.cert.public_bytes(serialization.Encoding.DER)
        ),
        cert_registry=SimpleCertificateStore.from_certs(certs),
    )


def sign_outside(
    content: bytes, person: Issued, chain: list[Issued] = (), field: str = "Official"
) -> bytes:
    """``content`` with a PAdES signature of ``person`` added as an
    incremental update, as an official's signing software does."""
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    fields.append_signature_field(
        writer, fields.SigFieldSpec(sig_field_name=field, on_page=-1)
    )
    return signers.sign_pdf(
        writer, meta, signer=pyhanko_signer(person, chain)
    ).getvalue()


__all__ = ["DemoCA", "issue", "make_demo_ca", "sign_outside"]
