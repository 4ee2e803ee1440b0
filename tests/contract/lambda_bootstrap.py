"""One Lambda invocation, the way the Python runtime runs it. Standard library only.

Run as ``python -I -S lambda_bootstrap.py CODE_DIR LAYER_DIR HANDLER TIMEOUT EVENT STATUS``:

- the import path is the code folder, a folder holding boto3 and its dependencies (what
  the runtime provides) and the standard library; nothing else;
- logging is configured like the runtime's: a root handler writing to stdout, at the level
  AWS_LAMBDA_LOG_LEVEL names (Lambda's logging configuration), INFO by default;
- the module named by the handler string is imported (the init phase), then the
  function is called with the event and a context whose remaining time counts down from
  the function's timeout;
- at the timeout the process is stopped, as Lambda stops it ("Task timed out");
- when the function returns the process ends at once: like a frozen execution
  environment, nothing left running in the background gets to do anything afterwards.

STATUS is a JSON file the runner reads: when the invocation started and ended.
"""

import importlib
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid

TIMED_OUT_EXIT_CODE = 124
ERROR_EXIT_CODE = 1


class LambdaContext:
    def __init__(self, timeout_seconds: float, function_name: str, memory_mib: str) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mib
        self.invoked_function_arn = (
            f"arn:aws:lambda:{os.environ['AWS_REGION']}:123456789012:function:{function_name}"
        )
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "2026/01/01/[$LATEST]0123456789abcdef"
        self._deadline_ms = int(time.time() * 1000) + int(timeout_seconds * 1000)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _write_status(path: str, status: "dict[str, object]") -> None:
    with open(path + ".tmp", "w") as out:
        json.dump(status, out)
    os.replace(path + ".tmp", path)


def main() -> None:
    code_dir, layer_dir, handler_string, timeout_text, event_path, status_path = sys.argv[1:7]
    timeout_seconds = float(timeout_text)

    stdlib = [p for p in sys.path if p and "-packages" not in p]
    sys.path[:] = [code_dir, layer_dir, *stdlib]
    os.chdir(code_dir)  # LAMBDA_TASK_ROOT is the working directory

    # Every record carries the invocation's request id (none yet while initializing).
    request_id = {"value": "-"}
    old_factory = logging.getLogRecordFactory()

    def record_factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = old_factory(*args, **kwargs)
        record.aws_request_id = request_id["value"]
        return record

    logging.setLogRecordFactory(record_factory)
    logging.Formatter.converter = time.gmtime
    root = logging.getLogger()
    stream = logging.StreamHandler(sys.stdout)
    stream.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    root.addHandler(stream)
    # Lambda's logging configuration (ApplicationLogLevel) sets the root logger's level
    # through AWS_LAMBDA_LOG_LEVEL; INFO otherwise.
    root.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO").upper())

    status: dict[str, object] = {"init_started": time.time()}
    module_name, function_name = handler_string.rsplit(".", 1)
    try:
        function = getattr(importlib.import_module(module_name), function_name)
    except Exception as error:
        _report_error(error, "Runtime.ImportModuleError")
        status["init_error"] = type(error).__name__
        _write_status(status_path, status)
        sys.stdout.flush()
        os._exit(ERROR_EXIT_CODE)

    with open(event_path) as source:
        event = json.load(source)
    context = LambdaContext(
        timeout_seconds,
        os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "function"),
        os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
    )
    request_id["value"] = context.aws_request_id

    status["invoke_started"] = time.time()
    _write_status(status_path, status)
    print(f"START RequestId: {context.aws_request_id} Version: $LATEST", flush=True)

    def time_out() -> None:
        print(
            f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime())} {context.aws_request_id} "
            f"Task timed out after {timeout_seconds:.2f} seconds",
            flush=True,
        )
        status["timed_out"] = True
        status["invoke_ended"] = time.time()
        _write_status(status_path, status)
        os._exit(TIMED_OUT_EXIT_CODE)

    timer = threading.Timer(timeout_seconds, time_out)
    timer.daemon = True
    timer.start()

    exit_code = 0
    try:
        result = function(event, context)
        status["result"] = repr(result)
    except Exception as error:
        _report_error(error, None)
        status["error"] = type(error).__name__
        exit_code = ERROR_EXIT_CODE
    timer.cancel()
    status["invoke_ended"] = time.time()
    print(f"END RequestId: {context.aws_request_id}", flush=True)
    _write_status(status_path, status)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)


def _report_error(error: BaseException, error_type: "str | None") -> None:
    """What the runtime prints for an uncaught exception (the stack trace included)."""
    print(
        json.dumps(
            {
                "errorMessage": str(error),
                "errorType": error_type or type(error).__name__,
                "stackTrace": traceback.format_tb(error.__traceback__),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
