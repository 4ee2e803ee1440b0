"""5. The test suite's wall time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from typing import Any

from common import (
    ROOT,
    SUITE_TIMEOUT_S,
    log,
)


def suite() -> dict[str, Any]:
    log("suite: running pytest (this takes a while)")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"},
        capture_output=True,
        text=True,
        timeout=SUITE_TIMEOUT_S,
        check=False,
    )
    wall = time.perf_counter() - started
    summary = next(
        (
            line
            for line in reversed(proc.stdout.strip().splitlines())
            if re.search(r"\d+ (passed|failed|error)", line)
        ),
        "",
    )
    counts = {
        ("error" if kind == "errors" else kind): int(number)
        for number, kind in re.findall(
            r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed|deselected)", summary
        )
    }
    return {"wall_s": wall, "exit_code": proc.returncode, "counts": counts, "summary": summary}
