"""The shipped handler (``index.py``) loaded as a module of this process.

The console script reads and requests production access with the handler's own code (its
decisions and its SES edge), so that a command run at a terminal and a deployment cannot
disagree about a state or about whether to submit. Loaded once, from the file the templates
inline, and only by the commands that call SES: it needs boto3.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from types import ModuleType

from ..wire import HANDLER_FILE
from .code import handler_code_path

MODULE_NAME = "ses_production_access.inline.loaded_index"
BOTO3_MISSING = (
    "this command calls AWS and needs boto3: pip install 'ses-production-access[cli]'."
)


@functools.cache
def handler_module() -> ModuleType:
    """The handler module; ImportError (with BOTO3_MISSING) when boto3 is not installed."""
    try:
        import boto3  # noqa: F401  (the handler imports botocore at its top)
    except ImportError as missing:
        raise ImportError(BOTO3_MISSING) from missing
    path = handler_code_path() / HANDLER_FILE
    spec = importlib.util.spec_from_file_location(MODULE_NAME, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the handler from {path}")
    module = importlib.util.module_from_spec(spec)
    # dataclasses look the module up in sys.modules while it executes.
    sys.modules[MODULE_NAME] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[MODULE_NAME]
        raise
    return module
