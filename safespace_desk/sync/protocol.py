"""What desks and the server say to each other (pydantic models, version 1 of the protocol).

An operation is what one unit of work on a desk changed, as row changes: each row change names its
table and primary key, carries the fields on its table's allowlist in clear (``c``) and every other
field sealed (``n`` names them, ``s`` holds them encrypted), and the whole operation carries a MAC
(``mac``) under a key the server does not hold. See sync/sealing.py for how, and sync/registry.py for
what is clear.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

PROTOCOL = 1
MAX_OPS_PER_PUSH = 2000
MAX_AUDIT_PER_PUSH = 5000
MAX_ROWS_PER_OP = 200_000
MAX_PULL_PAGE = 2000
MAX_BASE_RECORDS = 20_000
MAX_INT = 2**62  # every count and number fits a 64-bit column

Id = Annotated[str, StringConstraints(min_length=1, max_length=36, pattern=r"^[0-9a-fA-F-]{1,36}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z_][a-z0-9_.]*$")]
Hash = Annotated[str, StringConstraints(min_length=0, max_length=64, pattern=r"^[0-9a-f]*$")]
Time = Annotated[str, StringConstraints(min_length=20, max_length=32, pattern=r"^\d{4}-\d\d-\d\dT[0-9:.]+Z$")]
B64 = Annotated[str, StringConstraints(max_length=64 * 1024 * 1024, pattern=r"^[A-Za-z0-9+/=_-]*$")]
Scalar = str | int | float | bool | None
Key = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Secret = Annotated[str, StringConstraints(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RowChange(Strict):
    t: Name = Field(description="table")
    k: Key | list[Key] = Field(description="primary key (a list for a composite key)")
    a: Literal["i", "u", "d"] = Field(description="insert, update or delete")
    c: dict[Name, Scalar] = Field(default_factory=dict, description="allowlisted fields, in clear")
    n: list[Name] = Field(default_factory=list, description="names of the sealed fields")
    s: B64 | None = Field(default=None, description="the sealed fields: nonce + AES-GCM ciphertext")


class Op(Strict):
    id: Id
    device: Id
    seq: int = Field(ge=1, le=MAX_INT)
    kind: Name
    v: int = Field(ge=1, le=10_000, description="version of this kind of operation")
    kv: int = Field(ge=1, le=1_000_000, description="version of the site key it is sealed with")
    at: Time
    staff: Id | None = None
    rows: list[RowChange] = Field(max_length=MAX_ROWS_PER_OP)
    mac: B64


class AuditItem(Strict):
    seq: int = Field(ge=1, le=MAX_INT)
    prev: Hash
    hash: Hash
    at: Time
    kv: int = Field(ge=1, le=1_000_000)
    s: B64


class PushRequest(Strict):
    site_id: Id
    ops: list[Op] = Field(default_factory=list, max_length=MAX_OPS_PER_PUSH)
    audit: list[AuditItem] = Field(default_factory=list, max_length=MAX_AUDIT_PER_PUSH)
    refused_before: list[Id] = Field(default_factory=list, max_length=MAX_OPS_PER_PUSH,
                                     description="op ids in this push the server refused before it lost them "
                                                 "(restored from a backup): refused again, not decided anew")


class OpResult(Strict):
    seq: int
    id: str
    status: Literal["applied", "duplicate", "rejected"]
    reason: str | None = None
    position: int | None = None
    amend: dict[str, Any] | None = Field(default=None, description="how the server changed it (sync/decisions.py)")


class Stopped(Strict):
    code: Literal["gap", "seq_conflict", "rekey_needed"]
    seq: int
    expected_seq: int
    message: str


class AuditHead(Strict):
    seq: int
    hash: str


class PushResponse(Strict):
    results: list[OpResult]
    stopped: Stopped | None = None
    audit_head: AuditHead
    audit_error: str | None = None
    epoch: int
    server_time: str


class PullEntry(Strict):
    p: int
    d: str = Field(description="the server's decision (from a fixed list)")
    op: Op
    x: dict[str, Any] | None = Field(default=None, description="how the server changed it (sync/decisions.py)")


class PullResponse(Strict):
    epoch: int
    head: int
    entries: list[PullEntry]
    upto: int = Field(default=0, description="the log was read up to here (the desk's next cursor): the "
                                            "desk's own accepted operations are left out of entries")
    slot_version: int = Field(default=0, description="version of the site's key-slot set")
    server_time: str
    current_epoch: int | None = Field(default=None, description="set when this page is of an epoch that has "
                                                                "ended: read it to ``head``, then the next epoch")


class RestoredRequest(Strict):
    """A desk's evidence that the server lost part of its log (it was restored from a backup)."""

    epoch: int = Field(ge=1, le=1_000_000, description="the epoch the desk is reading")
    cursor: int = Field(ge=0, le=MAX_INT, description="how far the desk has read it")
    acked_seq: int = Field(default=0, ge=0, le=MAX_INT, description="the newest seq of the desk's the server "
                                                                     "acknowledged")
    check_p: int | None = Field(default=None, ge=1, le=MAX_INT, description="a position the server gave an "
                                                                            "operation of the desk's ...")
    check_id: Id | None = Field(default=None, description="... and that operation's id")


class EpochState(Strict):
    epoch: int
    started: bool


class EnrolRequest(Strict):
    secret: Secret
    device_id: Id
    device_name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    slot_blob: B64
    audit_seq: int = Field(ge=0, le=MAX_INT)
    audit_hash: Hash
    base_seq: int = Field(ge=0, le=MAX_INT, description="outbox seq covered by the records the desk uploads")
    key_version: int = Field(default=1, ge=1, le=1_000_000,
                             description="the site key version the desk's store is under (it may have rotated "
                                         "before it enrolled)")


class Enrolled(Strict):
    site_id: str
    site_name: str
    device_id: str
    device_token: str
    epoch: int
    server_time: str


class BaseRecord(Strict):
    t: Name
    k: Key | list[Key]
    c: dict[Name, Scalar] = Field(default_factory=dict)
    n: list[Name] = Field(default_factory=list)
    s: B64 | None = None


class BaseChunk(Strict):
    base_id: Id
    kv: int = Field(ge=1, le=1_000_000)
    records: list[BaseRecord] = Field(default_factory=list, max_length=MAX_BASE_RECORDS)
    first: bool = Field(default=False, description="starts the upload again: what was sent before goes")
    base_seq: int = Field(default=0, ge=0, le=MAX_INT, description="the desk's newest operation these records cover")
    done: bool = False


class BaseState(Strict):
    state: str
    records: int


class JoinSlotsRequest(Strict):
    secret: Secret


class SlotSet(Strict):
    site_id: str
    version: int
    blob: B64
    key_version: int = 1


class JoinRequest(Strict):
    secret: Secret
    device_id: Id
    device_name: Annotated[str, StringConstraints(min_length=1, max_length=100)]


class JoinCode(Strict):
    secret: str
    expires_at: str


class SlotPut(Strict):
    expected_version: int = Field(ge=0, le=MAX_INT)
    blob: B64
    key_version: int | None = Field(default=None, ge=1, le=1_000_000,
                                    description="the site key version the slots are for: one more than the "
                                                "server holds is a rotation, taken only on top of that version")
    key_base: int | None = Field(default=None, ge=0, le=1_000_000,
                                 description="the site key version this desk last had from the server: a slot set "
                                             "of a newer key version is a rotation on top of it, taken only while "
                                             "the server still holds it (any number of versions newer)")


class ForkRequest(Strict):
    new_device_id: Id
    audit_seq: int = Field(ge=0, le=MAX_INT)
    audit_hash: Hash


class DeviceInfo(Strict):
    id: str
    name: str
    created_at: str
    last_seen_at: str | None
    revoked_at: str | None
    last_seq: int
    this_device: bool


class DeviceList(Strict):
    devices: list[DeviceInfo]


class Health(Strict):
    service: Literal["safespace-desk-sync"]
    protocol: int
    server_time: str


class ErrorBody(Strict):
    error: str
    message: str
    expected_seq: int | None = None


class RecordsRequest(Strict):
    keys: list[tuple[Name, Key | list[Key]]] = Field(max_length=MAX_PULL_PAGE)


class RecordState(Strict):
    t: str
    k: str | list[str]
    ch: list[dict[str, Any]] | None = Field(description="the record's changes that count; None: the hub lacks it")


class RecordsResponse(Strict):
    epoch: int
    position: int = Field(description="the log position these records stand at")
    records: list[RecordState]


class Tombstones(Strict):
    guest_ids: list[str]
