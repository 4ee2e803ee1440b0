"""Fixtures of the ecosystem checks (cdk-nag, cfn-lint, the wheel, the CDK CLI)."""

from __future__ import annotations

import pytest

from ecosystem.ecosystem_support import Synthesis, synthesize_example_app


@pytest.fixture(scope="session")
def example_app(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """The example app synthesized once, with cdk-nag's AwsSolutions pack on its App."""
    return synthesize_example_app(tmp_path_factory.mktemp("example-app") / "cdk.out")
