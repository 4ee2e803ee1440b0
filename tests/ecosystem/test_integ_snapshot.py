"""The real-AWS integration test (tests/integ/integ_ses_production_access.py), run offline as a
snapshot check: synthesized with no credentials and compared with the committed snapshot.
What it would deploy never requests production access, and its assertion reads GetAccount."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from integ import snapshot

UPDATE = ".venv/bin/python tests/integ/snapshot.py --update"


MAIN = "SesProductionAccessInteg.template.json"
ASSERTIONS = "SesProductionAccessIntegTestDefaultTestDeployAssert*.template.json"


def template(pattern: str) -> dict[str, Any]:
    (path,) = snapshot.SNAPSHOT.glob(pattern)
    body: dict[str, Any] = json.loads(path.read_text())
    return body


def resources(body: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in body["Resources"].values() if str(r["Type"]).startswith(kind)]


def test_integ_app_matches_its_committed_snapshot() -> None:
    found = snapshot.compare()
    assert found == [], (
        "The integ app no longer matches its snapshot. If the change is meant, write the "
        f"snapshot again ({UPDATE}) and commit it.\n" + "\n".join(found)
    )


def test_integ_stack_is_report_only_and_may_not_request() -> None:
    body = template(MAIN)
    (custom,) = resources(body, "Custom::SesProductionAccess")
    assert custom["Properties"]["ReportOnly"] == "true"
    (role,) = resources(body, "AWS::IAM::Role")
    policies = json.dumps(role["Properties"]["Policies"])
    assert "ses:GetAccount" in policies
    assert "ses:PutAccountDetails" not in policies


def test_integ_assertion_compares_get_account_with_the_reported_state() -> None:
    body = template(ASSERTIONS)
    (call,) = resources(body, "Custom::DeployAssert@SdkCallSESV2getAccount")
    assert (call["Properties"]["service"], call["Properties"]["api"]) == ("SESV2", "getAccount")
    expected = json.dumps(call["Properties"]["expected"])
    for attribute in ("ProductionAccessEnabled", "SendingEnabled", "EnforcementStatus",
                      "Max24HourSend", "MaxSendRate"):  # fmt: skip
        assert f"GetAttSesProductionAccess3D4EC1D3{attribute}" in expected, attribute
    (role,) = resources(body, "AWS::IAM::Role")
    actions = [s["Action"] for p in role["Properties"]["Policies"] for s in
               p["PolicyDocument"]["Statement"]]  # fmt: skip
    assert actions == [["ses:GetAccount"]]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "snapshot"
    shutil.copytree(snapshot.SNAPSHOT, target)
    return target


def _edit(folder: Path, pattern: str, change: Any) -> None:
    (path,) = folder.glob(pattern)
    body = json.loads(path.read_text())
    change(body)
    path.write_text(json.dumps(body))


def test_comparison_reports_a_changed_template(copy: Path) -> None:
    def change(body: dict[str, Any]) -> None:
        (custom,) = resources(body, "Custom::SesProductionAccess")
        custom["Properties"]["ReportOnly"] = "false"

    _edit(copy, MAIN, change)
    (difference,) = snapshot.differences(snapshot.SNAPSHOT, copy)
    assert difference.startswith("SesProductionAccessInteg.template.json:")
    assert '"ReportOnly": "false"' in difference


def test_comparison_ignores_asset_hashes_and_the_assertion_salt(copy: Path) -> None:
    def change(body: dict[str, Any]) -> None:
        for resource in resources(body, snapshot.ASSERTION_TYPE):
            resource["Properties"]["salt"] = "1"

    _edit(copy, ASSERTIONS, change)
    assert snapshot.differences(snapshot.SNAPSHOT, copy) == []
