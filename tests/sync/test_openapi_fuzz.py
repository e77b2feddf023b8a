"""schemathesis against the server's own OpenAPI: whatever it is sent, the server never answers 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from safespace_desk.domain.audit_chain import GENESIS
from safespace_desk.ids import new_id
from safespace_desk.sync import protocol
from safespace_desk.sync.server import enrolment, log
from safespace_desk.sync.server.app import create_app
from safespace_desk.sync.server.db import make_engine, migrate


def _app_and_token() -> tuple[object, str]:
    folder = Path(tempfile.mkdtemp(prefix="safespace-fuzz-"))
    engine = make_engine(f"sqlite:///{folder / 'server.db'}")
    migrate(engine)
    secret = enrolment.make_first_code(engine, "Fuzz Hub")
    enrolled = enrolment.enrol_first(engine, protocol.EnrolRequest(
        secret=secret, device_id=new_id(), device_name="fuzz", slot_blob="", audit_seq=0, audit_hash=GENESIS,
        base_seq=0))
    caller = enrolment.authenticate(engine, enrolled.device_token)
    log.upload_base(engine, caller, protocol.BaseChunk(base_id=new_id(), kv=1, first=True, done=True))
    return create_app(engine), enrolled.device_token


APP, TOKEN = _app_and_token()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
# Examples and random fuzzing, within the suite's time: the exhaustive "coverage" phase is for
# `schemathesis run` by hand (see README).
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case: schemathesis.Case) -> None:
    # Half the requests carry the enrolled desk's token, so the checks behind authentication run too.
    headers = {"Authorization": f"Bearer {TOKEN}"} if hash(repr(case.body)) % 2 == 0 else {}
    response = case.call(headers=headers)
    assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
