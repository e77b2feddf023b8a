"""The server's folder: its configuration, TLS certificate and keys, and (by default) its SQLite file.

  server.json       database URL (none: server.db beside it), the address desks use, the key pins
  tls/cert.pem      self-signed certificate (renewable with the same key)
  tls/key.pem       its private key (0600)
  tls/spare-key.pem a second key pair, made now, to be moved OFFLINE (its hash is in every code)
  server.db         the SQLite database when no PostgreSQL URL is given
  server.log        what the server did (no request bodies, never guest data)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from safespace_desk.db.fileio import atomic_write_bytes
from safespace_desk.sync import tls

CONFIG_NAME = "server.json"
DEFAULT_PORT = 8443


class ServerConfigError(Exception):
    """A problem with the server's folder, said in plain words."""


@dataclass
class ServerConfig:
    data_dir: Path
    database: str | None
    address: str
    pins: list[str]  # hex SHA-256 of the current and the spare public key

    @property
    def cert(self) -> Path:
        return self.data_dir / "tls" / "cert.pem"

    @property
    def key(self) -> Path:
        return self.data_dir / "tls" / "key.pem"

    @property
    def spare_key(self) -> Path:
        return self.data_dir / "tls" / "spare-key.pem"

    @property
    def log(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def database_url(self) -> str:
        if self.database:
            return normalise_url(self.database)
        return f"sqlite:///{self.data_dir / 'server.db'}"

    def to_json(self) -> bytes:
        return (json.dumps({"format": "safespace-desk-sync-server", "version": 1, "database": self.database,
                            "address": self.address, "pins": self.pins}, indent=2) + "\n").encode()

    @classmethod
    def load(cls, data_dir: Path) -> ServerConfig:
        path = data_dir / CONFIG_NAME
        if not path.exists():
            raise ServerConfigError(f"There is no sync server in {data_dir}: make one with "
                                    "`safespace-desk server init --data-dir DIR`.")
        try:
            data = json.loads(path.read_text())
            return cls(data_dir=data_dir, database=data.get("database"), address=str(data["address"]),
                       pins=[str(p) for p in data["pins"]])
        except (ValueError, KeyError, TypeError):
            raise ServerConfigError(f"{path} is damaged: it is not the server's configuration.") from None


def normalise_url(url: str) -> str:
    """postgresql://... is run with psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if url.startswith(("postgresql+psycopg://", "sqlite:///")):
        return url
    raise ServerConfigError("The database must be a postgresql://user@host/name URL (or left out for the "
                            "built-in SQLite file).")


def init_folder(data_dir: Path, *, database: str | None, address: str | None, host_names: list[str]) -> ServerConfig:
    """Make the folder, the TLS key pairs and certificate, and the configuration. Refuses to overwrite."""
    if (data_dir / CONFIG_NAME).exists():
        raise ServerConfigError(f"There is already a sync server in {data_dir}; init will not overwrite it.")
    if database is not None:
        normalise_url(database)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(data_dir, 0o700)
    (data_dir / "tls").mkdir(exist_ok=True, mode=0o700)
    key, spare = tls.new_private_key(), tls.new_private_key()
    names = host_names or tls.default_names()
    config = ServerConfig(
        data_dir=data_dir, database=database,
        address=address or f"https://{names[0]}:{DEFAULT_PORT}",
        pins=[tls.spki_sha256(key.public_key()).hex(), tls.spki_sha256(spare.public_key()).hex()])
    _write_private(config.key, tls.key_pem(key))
    _write_private(config.spare_key, tls.key_pem(spare))
    atomic_write_bytes(config.cert, tls.self_signed_cert(key, names))
    atomic_write_bytes(data_dir / CONFIG_NAME, config.to_json())
    return config


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def renew_certificate(config: ServerConfig, host_names: list[str]) -> None:
    """A new certificate for the same key (desks pin the key, so they keep trusting it)."""
    key = tls.load_key(config.key)
    atomic_write_bytes(config.cert, tls.self_signed_cert(key, host_names or tls.default_names()))


def use_spare_key(config: ServerConfig, spare: Path, host_names: list[str]) -> Path:
    """The server's key is lost or stolen: the offline spare (already pinned by every desk) becomes the
    key, and a new spare is made (its hash goes into new codes). Returns the new spare's path."""
    new_key = tls.load_key(spare)
    pin = tls.spki_sha256(new_key.public_key()).hex()
    if pin == config.pins[0]:
        raise ServerConfigError("That is the key the server uses now, not its spare.")
    if pin not in config.pins:
        raise ServerConfigError("That key is not this server's spare (its hash is not among the pins desks hold).")
    next_spare = tls.new_private_key()
    retired = config.key.with_name("key.retired.pem")
    config.key.replace(retired)
    _write_private(config.key, tls.key_pem(new_key))
    retired.unlink()
    config.spare_key.unlink(missing_ok=True)
    _write_private(config.spare_key, tls.key_pem(next_spare))
    atomic_write_bytes(config.cert, tls.self_signed_cert(new_key, host_names or tls.default_names()))
    config.pins = [tls.spki_sha256(new_key.public_key()).hex(), tls.spki_sha256(next_spare.public_key()).hex()]
    atomic_write_bytes(config.data_dir / CONFIG_NAME, config.to_json())
    return config.spare_key
