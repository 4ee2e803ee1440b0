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


from support.wheel_install import InstalledWheel, build_and_install  # noqa: E402  (shared by two suites)


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> InstalledWheel:
    """The repo's wheel installed into a fresh venv outside the repo, once a session: the
    ecosystem checks audit it, the contract suite synthesizes its installed-package stack
    with its Python."""
    return build_and_install(tmp_path_factory.mktemp("installed-wheel"))
