"""An independent reader of SQLCipher 4 files, for tests only.

It shares no code with SQLCipher: it follows the published file format, so a test can prove that
a store written by SafeSpace Desk opens in "any SQLCipher 4 tool" with the raw key from
``safespace-desk key raw`` (the disaster-recovery promise in the README).

SQLCipher 4 defaults, with a raw 256-bit key (no PBKDF2 on the key itself):

* pages of 4096 bytes; the last 80 bytes of every page are reserved: a 16-byte IV, then a
  64-byte HMAC-SHA512;
* the first 16 bytes of page 1 are the file's salt, stored in clear; the rest of page 1 and
  the whole of every other page (up to the reserved bytes) is AES-256-CBC ciphertext;
* the HMAC key is PBKDF2-HMAC-SHA512(key, salt XOR 0x3a, 2 iterations, 32 bytes);
* each page's HMAC covers ciphertext + IV + the page number as 4 bytes little-endian.

Only the main file is read: close the store first so that its write-ahead log is checkpointed.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE_SIZE = 4096
SALT_SIZE = 16
IV_SIZE = 16
HMAC_SIZE = 64
RESERVE = IV_SIZE + HMAC_SIZE  # 80, already a multiple of the AES block size
HMAC_SALT_MASK = 0x3A
FAST_KDF_ITER = 2
SQLITE_HEADER = b"SQLite format 3\x00"


class HmacMismatch(Exception):
    """A page whose HMAC does not match: it was changed, damaged, or the key is wrong."""

    def __init__(self, page: int) -> None:
        super().__init__(f"HMAC check failed on page {page}")
        self.page = page


class NotSqlCipher4(Exception):
    """The file cannot be a SQLCipher 4 database with default settings."""


def hmac_key(key: bytes, salt: bytes) -> bytes:
    hmac_salt = bytes(b ^ HMAC_SALT_MASK for b in salt)
    return hashlib.pbkdf2_hmac("sha512", key, hmac_salt, FAST_KDF_ITER, dklen=32)


def decrypt_page(page: bytes, page_no: int, key: bytes, mac_key: bytes) -> bytes:
    """Return the plain page (reserved bytes zeroed). Raises HmacMismatch before decrypting."""
    if len(page) != PAGE_SIZE:
        raise NotSqlCipher4(f"page {page_no} is {len(page)} bytes, not {PAGE_SIZE}")
    start = SALT_SIZE if page_no == 1 else 0
    end = PAGE_SIZE - RESERVE
    ciphertext = page[start:end]
    iv = page[end : end + IV_SIZE]
    stored_mac = page[end + IV_SIZE :]
    expected = hmac.new(mac_key, ciphertext + iv + page_no.to_bytes(4, "little"), hashlib.sha512)
    # Authenticate first (encrypt-then-MAC): never decrypt a page that fails its check.
    if not hmac.compare_digest(expected.digest(), stored_mac):
        raise HmacMismatch(page_no)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(ciphertext) + decryptor.finalize()
    head = SQLITE_HEADER if page_no == 1 else b""
    return head + plain + bytes(RESERVE)


def decrypt_file(path: Path, key: bytes) -> bytes:
    """Decrypt and authenticate every page of ``path``; return a plain SQLite database image."""
    if len(key) != 32:
        raise ValueError("SQLCipher 4 raw keys are 32 bytes")
    data = path.read_bytes()
    if not data or len(data) % PAGE_SIZE:
        raise NotSqlCipher4(f"size {len(data)} is not a whole number of {PAGE_SIZE}-byte pages")
    mac_key = hmac_key(key, data[:SALT_SIZE])
    pages = [
        decrypt_page(data[offset : offset + PAGE_SIZE], offset // PAGE_SIZE + 1, key, mac_key)
        for offset in range(0, len(data), PAGE_SIZE)
    ]
    image = bytearray(b"".join(pages))
    # Bytes 18 and 19 say "WAL mode" (2). The stdlib would then want a -wal and -shm file beside
    # the copy; 1 (rollback journal) lets it read the single checkpointed file as it is.
    image[18] = image[19] = 1
    if image[20] != RESERVE or int.from_bytes(image[16:18], "big") != PAGE_SIZE:
        raise NotSqlCipher4("the decrypted header does not describe SQLCipher 4's page layout")
    return bytes(image)


@contextmanager
def open_plain_copy(path: Path, key: bytes, workdir: Path) -> Iterator[sqlite3.Connection]:
    """Decrypt ``path`` into ``workdir`` and open the plain copy read-only with stdlib sqlite3."""
    plain = workdir / (path.name + ".plain")
    plain.write_bytes(decrypt_file(path, key))
    with closing(sqlite3.connect(f"file:{plain}?mode=ro", uri=True)) as conn:
        yield conn
