"""Talking to the sync server over HTTPS, trusting its certificate by the pinned key hashes.

Python's TLS cannot check a key hash during the handshake, so the desk first fetches the server's
certificate (a bare handshake that sends nothing), checks the SHA-256 of its public key against the
pins from the code, and from then on trusts exactly that certificate. No token or data is sent
before the key is checked. If the certificate changes (renewed with the same key), it is fetched
and checked again; a certificate with another key is refused with a clear message.
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel

from safespace_desk.domain.errors import DeskError
from safespace_desk.sync import tls

TIMEOUT = httpx.Timeout(60.0, connect=10.0)
M = TypeVar("M", bound=BaseModel)


class SyncError(DeskError):
    """Sync could not talk to the server; ``message`` says why, for a person."""


class ServerUnreachable(SyncError):
    pass


class PinMismatch(SyncError):
    pass


class ServerRefused(SyncError):
    """The server answered with an error (4xx, or 5xx when it is unwell)."""

    def __init__(self, status: int, code: str, message: str, body: dict[str, Any] | None = None,
                 retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.body = body or {}
        self.retry_after_s = retry_after_s  # the server's Retry-After (its disk is full, its database down)


def fetch_certificate(address: str, timeout: float = 10.0) -> bytes:
    """The server's certificate (DER), from a handshake that checks nothing and sends nothing."""
    parts = urlsplit(address)
    host, port = parts.hostname or "", parts.port or 443
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                context.wrap_socket(raw, server_hostname=host) as conn:
            der = conn.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError) as error:
        raise ServerUnreachable(f"The sync server at {address} cannot be reached ({_why(error)}).") from None
    if not der:
        raise PinMismatch("The sync server did not show a certificate.")
    return der


def _why(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return "no answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused: is the server running?"
    if isinstance(error, socket.gaierror):
        return "the address is not known on this network"
    return type(error).__name__


class ServerClient:
    """One server, one desk. ``on_certificate`` is told of a newly trusted certificate (PEM) so the
    desk can keep it. For tests: ``transport`` replaces the network, ``watch`` sees every request and
    response body."""

    def __init__(self, address: str, pins: list[str], *, cert_pem: str = "", token: str = "",
                 on_certificate: Callable[[str], None] | None = None,
                 transport: httpx.BaseTransport | None = None, timeout: httpx.Timeout = TIMEOUT,
                 watch: Callable[[bytes], None] | None = None) -> None:
        parts = urlsplit(address)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise SyncError(f"“{address}” is not a server address (https://host:port).")
        if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SyncError("A sync server is reached over HTTPS (plain HTTP only on this machine, for tests).")
        self.address = address.rstrip("/")
        self.pins = [p.lower() for p in pins]
        self.cert_pem = cert_pem
        self.token = token
        self._on_certificate = on_certificate
        self._transport = transport
        self._watch = watch
        self._timeout = timeout
        self._client: httpx.Client | None = None

    # --- trust -------------------------------------------------------------------------------------
    def _learn_certificate(self) -> None:
        der = fetch_certificate(self.address)
        if tls.cert_pin(der).hex() not in self.pins:
            raise PinMismatch("The server's certificate has a different key from the one this desk trusts: "
                              "this may not be your hub's server (or someone is in between). Nothing was sent. "
                              "Check the address; if the server really was replaced, enrol again with a new code.")
        self.cert_pem = tls.pem_from_der(der)
        if self._on_certificate is not None:
            self._on_certificate(self.cert_pem)

    def _http(self) -> httpx.Client:
        if self._client is not None:
            return self._client
        verify: Any = True
        if self.address.startswith("https://"):
            if not self.cert_pem:
                self._learn_certificate()
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False  # the key is pinned; the name on it does not matter
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(cadata=self.cert_pem)
            verify = context
        transport = self._transport or httpx.HTTPTransport(verify=verify)
        watch = self._watch or (_WATCHERS[-1] if _WATCHERS else None)
        if watch is not None:
            transport = _Watching(transport, watch)
        self._client = httpx.Client(base_url=self.address, timeout=self._timeout, transport=transport,
                                    headers={"User-Agent": "safespace-desk"})
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- requests ----------------------------------------------------------------------------------
    def call(self, method: str, path: str, *, body: Any = None, params: dict[str, Any] | None = None,
             auth: bool = True) -> Any:
        with self._send(method, path, body=body, params=params, auth=auth, stream=False) as response:
            return response.json() if response.content else None

    def fetch(self, model: type[M], method: str, path: str, *, body: Any = None,
              params: dict[str, Any] | None = None, auth: bool = True) -> M:
        """The answer read straight into ``model`` (one parse, checked against the protocol)."""
        with self._send(method, path, body=body, params=params, auth=auth, stream=False) as response:
            try:
                return model.model_validate_json(response.content)
            except ValueError:
                raise SyncError("The sync server's answer was not understood: is this desk's SafeSpace Desk too "
                                "old or too new for the server?") from None

    @contextmanager
    def stream(self, path: str) -> Iterator[httpx.Response]:
        with self._send("GET", path, stream=True, auth=True) as response:
            yield response

    @contextmanager
    def _send(self, method: str, path: str, *, body: Any = None, params: dict[str, Any] | None = None,
              auth: bool, stream: bool) -> Iterator[httpx.Response]:
        headers = {"Authorization": f"Bearer {self.token}"} if auth and self.token else {}
        if isinstance(body, BaseModel):
            content: bytes | None = body.model_dump_json().encode()
        else:
            content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode() if body is not None else None
        if content is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            client = self._http()
            try:
                request = client.build_request(method, path, content=content, params=params, headers=headers)
                response = client.send(request, stream=stream)
            except httpx.ConnectError as error:
                if attempt == 1 and _certificate_failed(error):
                    # Renewed with the same key? Fetch it and check the key again (or refuse).
                    self.close()
                    self.cert_pem = ""
                    continue
                raise ServerUnreachable(f"The sync server at {self.address} cannot be reached "
                                        f"({_why(error.__cause__ or error)}).") from None
            except httpx.TimeoutException:
                raise ServerUnreachable(f"The sync server at {self.address} did not answer in time.") from None
            except httpx.TransportError as error:
                raise ServerUnreachable(f"The connection to the sync server broke ({type(error).__name__}).") from None
            try:
                if response.status_code >= 400:
                    if stream:
                        response.read()
                    raise _refusal(response)
                yield response
            finally:
                response.close()
            return


_WATCHERS: list[Callable[[bytes], None]] = []


@contextmanager
def watching(watch: Callable[[bytes], None]) -> Iterator[None]:
    """For tests: every client made inside sees its request and response bodies passed to ``watch``."""
    _WATCHERS.append(watch)
    try:
        yield
    finally:
        _WATCHERS.remove(watch)


class _Watching(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, watch: Callable[[bytes], None]) -> None:
        self.inner = inner
        self.watch = watch

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.watch(request.read())
        response = self.inner.handle_request(request)
        body = response.read()
        self.watch(body)
        return httpx.Response(response.status_code, headers=response.headers, content=body,
                              extensions=response.extensions)

    def close(self) -> None:
        self.inner.close()


def _certificate_failed(error: httpx.ConnectError) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(error)


def _refusal(response: httpx.Response) -> ServerRefused:
    try:
        data = response.json()
        code, message = str(data.get("error", "error")), str(data.get("message", ""))
    except ValueError:
        data, code, message = {}, "error", ""
    if response.status_code >= 500 and not message:
        message = f"The sync server has a problem (HTTP {response.status_code}); it will be tried again."
    retry_after = response.headers.get("Retry-After", "")
    return ServerRefused(response.status_code, code, message or f"The server refused (HTTP {response.status_code}).",
                         data if isinstance(data, dict) else {},
                         int(retry_after) if retry_after.isdigit() else None)
