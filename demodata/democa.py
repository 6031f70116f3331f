"""A throw-away certificate authority and signers, for development and tests
only (``manage.py make_demo_ca``): real documents are signed with a
certificate of the government CA or a licensed public CA (docs/deploy.md)."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass
class Issued:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def pkcs12(self, password: str, chain: list["Issued"] = ()) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            name=b"signer",
            key=self.key,
            cert=self.cert,
            cas=[c.cert for c in chain] or None,
            encryption_algorithm=serialization.BestAvailableEncryption(
                password.encode()
            )
            if password
            else serialization.NoEncryption(),
        )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Demo (not for real use)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def issue(
    common_name: str,
    *,
    issuer: Issued | None = None,
    ca: bool = False,
    not_before: dt.datetime | None = None,
    days: int = 3650,
) -> Issued:
    """A certificate for ``common_name`` signed by ``issuer`` (self-signed
    when None): a CA, or a document signer (digital signature and
    non-repudiation, as PAdES validators expect)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    subject = _name(common_name)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
            critical=False,
        )
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
    signing_key = issuer.key if issuer else key
    return Issued(key, builder.sign(signing_key, hashes.SHA256()))


DEMO_SIGNER = "Văn phòng Khối thi đua (chứng thư thử nghiệm)"


def build_demo_ca() -> tuple[Issued, Issued]:
    """A root CA and the portal's signer issued by it."""
    ca = issue("Demo Root CA (not for real use)", ca=True)
    return ca, issue(DEMO_SIGNER, issuer=ca)


def write_demo_ca(
    out: Path, *, password: str, built: tuple[Issued, Issued] | None = None
) -> dict[str, Path]:
    """ca.pem (the trust root) and signer.p12 (key, certificate and chain)
    in ``out``; kept when they exist, so a restart signs with the same CA.
    The CA's key is not kept: nothing else is ever issued from it."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"ca": out / "ca.pem", "signer": out / "signer.p12"}
    if built is None and all(p.is_file() for p in paths.values()):
        return paths
    ca, signer = built or build_demo_ca()
    paths["ca"].write_bytes(ca.pem())
    paths["signer"].write_bytes(signer.pkcs12(password, chain=[ca]))
    paths["signer"].chmod(0o600)
    return paths
