"""Shared by the ecosystem checks: where the example app is, and running it the way
platform teams do, with cdk-nag's AwsSolutions pack registered on its App."""

from __future__ import annotations

import json
import runpy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from cdk_nag import AwsSolutionsChecks

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_APP = ROOT / "app.py"
EXAMPLE_STACK = "SesProductionAccessExample"
REAL_APP = cdk.App


@dataclass
class NaggedApps:
    """Stands in for ``cdk.App`` while app.py runs: the context of cdk.json (as the CLI
    passes it), our outdir, and cdk-nag's AwsSolutions pack registered the way cdk-nag 3.x
    documents it (``Validations.of(app).add_plugins(AwsSolutionsChecks(app))``)."""

    outdir: Path
    created: list[cdk.App] = field(default_factory=list)

    def __call__(self, **props: Any) -> cdk.App:
        context = json.loads((ROOT / "cdk.json").read_text()).get("context", {})
        app = REAL_APP(**{"context": context, **props, "outdir": str(self.outdir)})
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
        self.created.append(app)
        return app


@dataclass(frozen=True)
class Synthesis:
    """What running the example app left behind."""

    outdir: Path
    app: cdk.App
    # What app.synth() raised: cdk-nag findings make synthesis fail with ValidationFailed.
    error: str | None

    def template(self) -> dict[str, Any]:
        template: dict[str, Any] = json.loads(
            (self.outdir / f"{EXAMPLE_STACK}.template.json").read_text()
        )
        return template

    def violations(self) -> list[str]:
        """Every violation in the validation report, as 'rule at construct path'."""
        path = self.outdir / "validation-report.json"
        report: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        return [
            f"{violation['ruleName']} at {construct['constructPath']}"
            for plugin in report.get("pluginReports", [])
            for violation in plugin["violations"]
            for construct in violation["violatingConstructs"]
        ]


def synthesize_example_app(outdir: Path) -> Synthesis:
    """app.py run in this process with cdk-nag on its App. The templates are written
    before the validation plugins run, so they are there whatever cdk-nag finds."""
    apps = NaggedApps(outdir)
    error: str | None = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cdk, "App", apps)
        try:
            runpy.run_path(str(EXAMPLE_APP), run_name="__main__")
        except RuntimeError as failure:  # jsii surfaces cdk's ValidationFailed as this
            if "ValidationFailed" not in str(failure):
                raise
            error = str(failure)
    assert len(apps.created) == 1, "app.py should build exactly one cdk.App"
    return Synthesis(outdir=outdir, app=apps.created[0], error=error)
