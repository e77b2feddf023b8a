"""The server's HTTP API (FastAPI). Every bad request gets a 4xx with a code and a sentence; request
bodies are never logged or echoed back. OpenAPI is served at /openapi.json."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from safespace_desk.db.types import utc_text
from safespace_desk.sync import protocol
from safespace_desk.sync.server import enrolment, epochs, log, push
from safespace_desk.sync.server.db import make_engine
from safespace_desk.sync.server.enrolment import Caller
from safespace_desk.sync.server.errors import ApiError

logger = logging.getLogger("safespace_desk.sync.server")
DATA_DIR_ENV = "SAFESPACE_SERVER_DIR"
SMALL_BODY = 1024 * 1024
LARGE_BODY = 64 * 1024 * 1024
LARGE_PATHS = ("/v1/push", "/v1/base")
DISK_FULL_RETRY_S = 60  # someone has to make room: no point in asking every few seconds
DATABASE_DOWN_RETRY_S = 10
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": protocol.ErrorBody} for code in (400, 401, 403, 404, 409, 410, 413, 422, 503, 507)}


class BodyLimit:
    """Refuses a body over the limit with 413 before reading it all (Content-Length or streamed)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]],
                       send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = LARGE_BODY if scope["path"].startswith(LARGE_PATHS) else SMALL_BODY
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(send, limit)
            return
        seen = 0

        async def limited() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(send, limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Callable[[dict[str, Any]], Awaitable[None]], limit: int) -> None:
    body = protocol.ErrorBody(error="too_large", message=f"The request is larger than {limit // 1024} KiB.")
    data = body.model_dump_json().encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


def create_app(engine: Engine | None = None) -> FastAPI:
    """The app; with no engine, the server folder named by SAFESPACE_SERVER_DIR is opened (uvicorn
    workers start it this way)."""
    if engine is None:
        from safespace_desk.sync.server.config import ServerConfig

        config = ServerConfig.load(Path(os.environ[DATA_DIR_ENV]))
        engine = make_engine(config.database_url)
    app = FastAPI(title="SafeSpace Desk sync server", version=str(protocol.PROTOCOL),
                  description="Sync for SafeSpace Desk. Guest data arrives sealed; the server cannot read it.")
    app.state.engine = engine
    _routes(app)
    _handlers(app)

    @app.middleware("http")
    async def _server_time(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers["X-Server-Time"] = utc_text(datetime.now(UTC))
        return response

    app.add_middleware(BodyLimit)
    return app


def _engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def _token(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def caller(request: Request, authorization: Annotated[str | None, Header()] = None) -> Caller:
    return enrolment.authenticate(_engine(request), _token(authorization))


CallerDep = Annotated[Caller, Depends(caller)]


def _routes(app: FastAPI) -> None:
    @app.get("/v1/health", response_model=protocol.Health)
    def health() -> protocol.Health:
        return protocol.Health(service="safespace-desk-sync", protocol=protocol.PROTOCOL,
                               server_time=utc_text(datetime.now(UTC)))

    @app.post("/v1/enrol", response_model=protocol.Enrolled, responses=ERRORS)
    def enrol(request: Request, body: protocol.EnrolRequest) -> protocol.Enrolled:
        result = enrolment.enrol_first(_engine(request), body)
        logger.info("first desk %s enrolled for site %s", result.device_id, result.site_id)
        return result

    @app.post("/v1/base", response_model=protocol.BaseState, responses=ERRORS)
    def base(request: Request, who: CallerDep, body: protocol.BaseChunk) -> protocol.BaseState:
        state = log.upload_base(_engine(request), who, body)
        if state.state == "complete":
            logger.info("site %s: first desk's records complete (%d)", who.site_id, state.records)
        return state

    @app.post("/v1/join/slots", response_model=protocol.SlotSet, responses=ERRORS)
    def join_slots(request: Request, body: protocol.JoinSlotsRequest) -> protocol.SlotSet:
        return enrolment.join_slots(_engine(request), body)

    @app.post("/v1/join", response_model=protocol.Enrolled, responses=ERRORS)
    def join(request: Request, body: protocol.JoinRequest) -> protocol.Enrolled:
        result = enrolment.join(_engine(request), body)
        logger.info("desk %s joined site %s", result.device_id, result.site_id)
        return result

    @app.post("/v1/join-codes", response_model=protocol.JoinCode, responses=ERRORS)
    def join_code(request: Request, who: CallerDep) -> protocol.JoinCode:
        logger.info("join code made by desk %s", who.device_id)
        return enrolment.make_join_code(_engine(request), who)

    @app.post("/v1/push", response_model=protocol.PushResponse, responses=ERRORS)
    def push_ops(request: Request, who: CallerDep, body: protocol.PushRequest) -> protocol.PushResponse:
        result = push.push(_engine(request), who, body)
        logger.info("push from desk %s: %d operations, %d audit entries", who.device_id, len(body.ops),
                    len(body.audit))
        return result

    @app.get("/v1/pull", response_model=protocol.PullResponse, responses=ERRORS)
    def pull(request: Request, who: CallerDep, epoch: Annotated[int, Query(ge=1, le=1_000_000)],
             after: Annotated[int, Query(ge=0, le=2**62)] = 0,
             limit: Annotated[int, Query(ge=1, le=protocol.MAX_PULL_PAGE)] = 500,
             mine_upto: Annotated[int | None, Query(ge=0, le=2**62)] = None,
             check_p: Annotated[int | None, Query(ge=1, le=2**62)] = None,
             check_id: Annotated[str | None, Query(max_length=36, pattern=r"^[0-9a-fA-F-]{1,36}$")] = None,
             ) -> Response:
        check = (check_p, check_id) if check_p is not None and check_id is not None else None
        return Response(content=log.pull(_engine(request), who, epoch, after, limit, mine_upto, check),
                        media_type="application/json")

    @app.post("/v1/restored", response_model=protocol.EpochState, responses=ERRORS)
    def server_restored(request: Request, who: CallerDep, body: protocol.RestoredRequest) -> protocol.EpochState:
        result = epochs.restored(_engine(request), who, body)
        if result.started:
            logger.warning("site %s: desk %s showed the server lost part of its log; epoch %d started",
                           who.site_id, who.device_id, result.epoch)
        return result

    @app.get("/v1/snapshot", responses={**ERRORS, 200: {"content": {"application/x-ndjson": {}},
                                                        "description": "the site's records, one per line"}})
    def snapshot(request: Request, who: CallerDep) -> StreamingResponse:
        log.check_snapshot_ready(_engine(request), who)
        logger.info("snapshot for desk %s", who.device_id)
        return StreamingResponse(log.snapshot_lines(_engine(request), who), media_type="application/x-ndjson")

    @app.post("/v1/records", response_model=protocol.RecordsResponse, responses=ERRORS)
    def records(request: Request, who: CallerDep, body: protocol.RecordsRequest) -> protocol.RecordsResponse:
        return log.records(_engine(request), who, body)

    @app.get("/v1/tombstones", response_model=protocol.Tombstones, responses=ERRORS)
    def tombstones(request: Request, who: CallerDep) -> protocol.Tombstones:
        return log.tombstones(_engine(request), who)

    @app.get("/v1/slots", response_model=protocol.SlotSet, responses=ERRORS)
    def get_slots(request: Request, who: CallerDep) -> protocol.SlotSet:
        return enrolment.get_slots(_engine(request), who)

    @app.put("/v1/slots", response_model=protocol.SlotSet, responses=ERRORS)
    def put_slots(request: Request, who: CallerDep, body: protocol.SlotPut) -> protocol.SlotSet:
        return enrolment.put_slots(_engine(request), who, body)

    @app.post("/v1/fork", response_model=protocol.Enrolled, responses=ERRORS)
    def fork(request: Request, who: CallerDep, body: protocol.ForkRequest) -> protocol.Enrolled:
        result = enrolment.fork(_engine(request), who, body)
        logger.info("desk %s carries on as %s", who.device_id, result.device_id)
        return result

    @app.get("/v1/audit-head", response_model=protocol.AuditHead, responses=ERRORS)
    def audit_head(request: Request, who: CallerDep) -> protocol.AuditHead:
        return log.audit_head(_engine(request), who)

    @app.get("/v1/devices", response_model=protocol.DeviceList, responses=ERRORS)
    def devices(request: Request, who: CallerDep) -> protocol.DeviceList:
        return protocol.DeviceList(devices=enrolment.list_devices(_engine(request), who.site_id, who.device_id))

    @app.post("/v1/devices/{device_id}/revoke", status_code=204, responses=ERRORS)
    def revoke(request: Request, who: CallerDep,
               device_id: Annotated[str, protocol.StringConstraints(max_length=36)]) -> Response:
        enrolment.revoke_device(_engine(request), device_id, site_id=who.site_id)
        logger.info("desk %s removed by desk %s", device_id, who.device_id)
        return Response(status_code=204)


def _error(status: int, code: str, message: str, expected_seq: int | None = None, *,
           retry_after: int | None = None) -> JSONResponse:
    body = protocol.ErrorBody(error=code, message=message, expected_seq=expected_seq)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse(status_code=status, content=body.model_dump(), headers=headers)


def _disk_full(error: OperationalError) -> bool:
    """SQLite's "database or disk is full", PostgreSQL's disk_full (SQLSTATE 53100)."""
    orig = error.orig
    return getattr(orig, "sqlstate", None) == "53100" or "full" in str(orig).lower()


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, error: ApiError) -> JSONResponse:
        return _error(error.status, error.code, error.message, error.expected_seq)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        # Never the input itself: it may be a name or a note.
        return _error(422, "malformed", f"The request is not well formed: {where}: {first.get('msg', 'invalid')}.")

    # The server's own trouble is a 5xx with Retry-After, not a 4xx: a 4xx says the desk's request is
    # wrong, and a desk records such a refusal instead of sending it again (docs/decisions.md, Sync).
    @app.exception_handler(OperationalError)
    async def _database_down(_request: Request, error: OperationalError) -> JSONResponse:
        if _disk_full(error):
            logger.error("the server's disk is full: a request was refused and nothing of it was saved")
            return _error(507, "disk_full", "The sync server's disk is full: nothing of this request was saved. "
                                            "The desk keeps its changes and sends them when there is room.",
                          retry_after=DISK_FULL_RETRY_S)
        logger.error("database unavailable (%s)", type(error.orig).__name__)
        return _error(503, "database_unavailable", "The server's database is not answering; try again soon.",
                      retry_after=DATABASE_DOWN_RETRY_S)

    @app.exception_handler(DBAPIError)
    async def _database_refused(_request: Request, error: DBAPIError) -> JSONResponse:
        # e.g. two requests racing to create the same row: the loser may simply try again.
        logger.warning("database refused a write (%s)", type(error.orig).__name__)
        return _error(409, "retry", "The server could not complete this request just now; try again.")
