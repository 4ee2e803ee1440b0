"""Fixtures of the ecosystem checks (cdk-nag, cfn-lint, the wheel, the CDK CLI)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The helpers are imported by name from this folder, whatever pytest's import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ecosystem_support import Synthesis, synthesize_example_app


@pytest.fixture(scope="session")
def example_app(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """The example app synthesized once, with cdk-nag's AwsSolutions pack on its App."""
    return synthesize_example_app(tmp_path_factory.mktemp("example-app") / "cdk.out")
