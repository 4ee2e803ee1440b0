import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

# Set before aws_cdk starts its jsii (Node) process: Node 20 still works but prints a banner.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import ResponseReceiver, load_handler_module


@pytest.fixture(scope="session")
def index() -> ModuleType:
    """The Lambda handler module, lambda/index.py."""
    return load_handler_module()


@pytest.fixture
def response_receiver() -> Iterator[ResponseReceiver]:
    with ResponseReceiver() as receiver:
        yield receiver
