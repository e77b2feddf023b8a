"""TLS without a certificate authority: a self-signed certificate whose public key desks pin.

The pin is the SHA-256 of the certificate's SubjectPublicKeyInfo (its public key), so a certificate
renewed with the same key keeps working, and a different key (a stolen address, a machine in the
middle) is refused. The server also makes a spare key pair at init, kept offline: its hash is in
every code too, so moving to it later needs no new codes.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_YEARS = 10


def new_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("the server's TLS key must be an EC key")
    return key


def self_signed_cert(key: ec.EllipticCurvePrivateKey, names: list[str], now: datetime | None = None) -> bytes:
    """A certificate for ``names`` (host names or IP addresses), valid for ten years."""
    now = now or datetime.now(UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SafeSpace Desk sync server")])
    alt: list[x509.GeneralName] = []
    for name in dict.fromkeys(names):
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=365 * CERT_YEARS))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def default_names(host: str | None = None) -> list[str]:
    names = [socket.gethostname(), "localhost", "127.0.0.1", "::1"]
    if host and host not in ("0.0.0.0", "::"):
        names.insert(0, host)
    return names


def spki_sha256(public_key: ec.EllipticCurvePublicKey | object) -> bytes:
    der = public_key.public_bytes(serialization.Encoding.DER,  # type: ignore[attr-defined]
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).digest()


def cert_pin(cert_bytes: bytes) -> bytes:
    """The pin of a certificate given as PEM or DER."""
    if cert_bytes.lstrip().startswith(b"-----"):
        cert = x509.load_pem_x509_certificate(cert_bytes)
    else:
        cert = x509.load_der_x509_certificate(cert_bytes)
    return spki_sha256(cert.public_key())


def pem_from_der(der: bytes) -> str:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM).decode()
