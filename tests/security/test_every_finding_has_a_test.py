"""Issue 14, "how we will check it": a test per finding, named after it. Each of the seventeen findings
has its tests in tests/security/test_fNN_*.py, or (where the fix belongs to another area's tests) in
the files named below, which say which finding they cover."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FINDINGS = range(1, 18)
# Finding 12 (oversized import files and fields) is tested with the import's own streaming tests.
ELSEWHERE = {12: ("tests/services/test_import_streaming.py", "tests/test_cli_data.py")}


def test_every_finding_has_a_test_named_after_it() -> None:
    named = {int(m.group(1)) for p in HERE.glob("test_f*.py") if (m := re.match(r"test_f(\d\d)_", p.name))}
    missing = []
    for finding in FINDINGS:
        if finding in named:
            continue
        files = [ROOT / f for f in ELSEWHERE.get(finding, ())]
        if not files or not all(f"finding {finding}" in f.read_text(encoding="utf-8") for f in files):
            missing.append(finding)
    assert missing == [], f"findings with no test named after them: {missing}"
    for path in HERE.glob("test_f*.py"):
        assert re.match(r"test_f\d\d_[a-z0-9_]+\.py$", path.name), path.name
        assert "finding" in path.read_text(encoding="utf-8").split('"""')[1], f"{path.name} says which finding"
