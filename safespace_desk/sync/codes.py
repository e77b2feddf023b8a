"""Enrolment and join codes: what a person copies from the server (or a manager's desk) to a new desk.

A code carries the server's address, a one-time secret, and the SHA-256 of the server's TLS public key
and of its spare key (so the desk trusts the self-signed certificate by its key, with no authority
to ask). A join code also carries the sync key that opens the site's key-slot set, which the server
never holds. It is one line of letters and digits with a checksum, so a code cut short in copying is
named as such rather than failing strangely later.

    SSD1-ENROL-<base64url>   first desk of a site (made by `safespace-desk server enrol-code`)
    SSD1-JOIN-<base64url>    any later desk (made on an enrolled desk by a manager)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from safespace_desk.domain.errors import ValidationError

ENROL, JOIN = "ENROL", "JOIN"
PREFIX = "SSD1-"
_SECRET_MAX = 128
_KEY = 32


@dataclass(frozen=True)
class Code:
    kind: str  # ENROL or JOIN
    address: str  # https://host:port
    secret: str
    pins: tuple[bytes, ...]  # SHA-256 of the current and spare public keys
    sync_key: bytes | None = field(default=None, repr=False)  # JOIN only

    def text(self) -> str:
        body = bytearray()
        body += len(self.pins).to_bytes(1, "big")
        for pin in self.pins:
            body += pin
        secret = self.secret.encode()
        body += len(secret).to_bytes(1, "big") + secret
        if self.kind == JOIN:
            assert self.sync_key is not None and len(self.sync_key) == _KEY
            body += self.sync_key
        body += self.address.encode()
        check = hashlib.sha256(bytes(body)).digest()[:4]
        return f"{PREFIX}{self.kind}-" + base64.urlsafe_b64encode(bytes(body) + check).decode().rstrip("=")


def parse(text: str, *, expect: str | None = None) -> Code:
    """Read a pasted code (spaces and line breaks a copy added are ignored)."""
    cleaned = "".join(text.split())
    if not cleaned.upper().startswith(PREFIX):
        raise ValidationError("That is not a SafeSpace Desk code: it should start with SSD1-.", field="code")
    kind, _, payload = cleaned[len(PREFIX):].partition("-")
    kind = kind.upper()
    if kind not in (ENROL, JOIN):
        raise ValidationError("That is not a SafeSpace Desk code: it should start with SSD1-ENROL- or SSD1-JOIN-.",
                              field="code")
    if expect is not None and kind != expect:
        raise ValidationError(
            "This is a join code: on a new, empty desk use “Join an existing hub” (sync join)." if kind == JOIN
            else "This is an enrolment code for a hub's FIRST desk (sync enrol); other desks join with a code "
                 "made by a manager on a desk already in the hub.", field="code")
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        raise ValidationError("The code is damaged: copy it again, all of it.", field="code") from None
    body, check = raw[:-4], raw[-4:]
    if len(raw) < 8 or hashlib.sha256(body).digest()[:4] != check:
        raise ValidationError("The code is incomplete or mistyped: copy it again, all of it.", field="code")
    try:
        count, at = body[0], 1
        pins = tuple(body[at + i * _KEY: at + (i + 1) * _KEY] for i in range(count))
        at += count * _KEY
        secret_len = body[at]
        secret = body[at + 1: at + 1 + secret_len].decode()
        at += 1 + secret_len
        sync_key = None
        if kind == JOIN:
            sync_key = body[at: at + _KEY]
            at += _KEY
        address = body[at:].decode()
    except (IndexError, UnicodeDecodeError):
        raise ValidationError("The code is damaged: copy it again, all of it.", field="code") from None
    if not pins or any(len(p) != _KEY for p in pins) or not address.startswith(("https://", "http://")) \
            or not 16 <= len(secret) <= _SECRET_MAX or (sync_key is not None and len(sync_key) != _KEY):
        raise ValidationError("The code is damaged: copy it again, all of it.", field="code")
    return Code(kind=kind, address=address, secret=secret, pins=pins, sync_key=sync_key)


def qr_matrix(text: str) -> list[list[bool]]:
    """The code as a QR code's modules (True is dark), for the Sync page to draw."""
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    return [list(row) for row in qr.get_matrix()]


def qr_svg(text: str, module: int = 4) -> str:
    """The code as a QR code in an SVG file (no image library needed)."""
    matrix = qr_matrix(text)
    size = len(matrix) * module
    rects = "".join(f'<rect x="{x * module}" y="{y * module}" width="{module}" height="{module}"/>'
                    for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
            f'<rect width="100%" height="100%" fill="#fff"/><g fill="#000">{rects}</g></svg>\n')
