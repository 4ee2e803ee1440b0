"""One cold Lambda-like process: import a handler module, invoke it, print timestamps.

Run by ``benchmarks/run.py`` as ``python -I -S -B handler_child.py CONFIG_JSON``: no site
module, so ``sys.path`` is the standard library plus exactly what a Lambda function gets,
the code folder and one site-packages folder (for boto3, which the Lambda runtime provides).
Standard library only until the handler is imported.

CONFIG_JSON names ``code`` (folder), ``site`` (site-packages), ``module``, ``entry``
(``run`` for the construct's handler, which answers CloudFormation itself; ``on_event``
for a Provider handler, which returns the answer), ``event`` (a file) and ``invocations``.
The first invocation is the cold one; the rest are warm invocations of the same process.
Prints one JSON line.
"""

from __future__ import annotations

import time

STARTED_AT = time.time()  # compared with the parent's spawn time: interpreter start-up
_STARTED = time.perf_counter()

import copy  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402


class Context:
    """The part of the Lambda context the handler reads: a two-minute budget."""

    def __init__(self, timeout_seconds: float = 120.0) -> None:
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main(config: dict[str, Any]) -> dict[str, Any]:
    sys.path.insert(0, config["code"])
    sys.path.append(config["site"])
    with open(config["event"], encoding="utf-8") as file:
        event = json.load(file)

    before_import = time.perf_counter()
    module = importlib.import_module(config["module"])
    imported = time.perf_counter()
    boto3_at_import = "boto3" in sys.modules

    durations: list[float] = []
    statuses: list[str] = []
    data: dict[str, Any] = {}
    for number in range(int(config["invocations"])):
        this_event = copy.deepcopy(event)
        this_event["RequestId"] = f"{event.get('RequestId', 'request')}-{number}"
        started = time.perf_counter()
        if config["entry"] == "run":
            outcome = module.run(this_event, Context())
            statuses.append(outcome.status)
            data = dict(outcome.data)
        else:
            answer = module.on_event(this_event, Context())
            statuses.append("SUCCESS")
            data = dict(answer.get("Data") or {})
        durations.append(time.perf_counter() - started)
    return {
        "started_at": STARTED_AT,
        "setup_s": before_import - _STARTED,
        "import_s": imported - before_import,
        "invocations_s": durations,
        "statuses": statuses,
        "data": data,
        "boto3_imported_by_module_import": boto3_at_import,
    }


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
