"""Readiness as the synthesized function checks it: identities, DKIM, MAIL FROM and the
suppression list served by the SES stand-in, and the default policy (HOLD)."""

from __future__ import annotations

import pytest

from contract.harness import Deployment

READS = {"ListEmailIdentities", "ListConfigurationSets"}


@pytest.mark.scenario("not_ready_is_held")
def test_an_account_with_nothing_reviewers_look_at_gets_no_request(trace: Deployment) -> None:
    create = trace.last("Create")
    assert create.ses_calls("PutAccountDetails") == []
    assert {r.operation for r in create.ses_requests} >= READS
    response = create.response()
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "SANDBOX"
    assert response["Data"]["Ready"] == "false"
    assert response["Data"]["ReadinessFindings"] == (
        "NO_VERIFIED_IDENTITY,NO_BOUNCE_COMPLAINT_HANDLING"
    )
    assert "NO_VERIFIED_IDENTITY" in create.output  # and in the log


@pytest.mark.scenario("create_on_fresh_sandbox")
def test_a_ready_account_gets_exactly_one_request(trace: Deployment) -> None:
    create = trace.last("Create")
    assert len(create.ses_calls("PutAccountDetails")) == 1
    assert len(create.ses_calls("GetEmailIdentity")) == 1  # its one verified domain
    assert create.response()["Data"]["Ready"] == "true"


@pytest.mark.scenario("report_only_on_a_ready_account")
def test_report_only_never_requests(trace: Deployment) -> None:
    create = trace.last("Create")
    assert create.ses_calls("PutAccountDetails") == []
    data = create.response()["Data"]
    assert (data["SandboxStatus"], data["Ready"]) == ("SANDBOX", "true")


@pytest.mark.scenario("create_in_production")
def test_readiness_costs_no_call_when_nothing_needs_doing(trace: Deployment) -> None:
    create = trace.last("Create")
    assert [r.operation for r in create.ses_requests] == ["GetAccount"]
    assert create.response()["Data"]["Ready"] == "NONE"


@pytest.mark.scenario("two_destinations_cover_bounces_and_complaints")
def test_one_destination_for_bounces_and_another_for_complaints_get_the_request(
    trace: Deployment,
) -> None:
    create = trace.last("Create")
    assert len(create.ses_calls("PutAccountDetails")) == 1
    data = create.response()["Data"]
    assert (data["Ready"], data["ReadinessFindings"]) == ("true", "NONE")


@pytest.mark.scenario("bounces_by_email_only")
def test_an_account_whose_bounces_come_only_by_email_gets_its_request(
    trace: Deployment,
) -> None:
    create = trace.last("Create")
    assert len(create.ses_calls("PutAccountDetails")) == 1
    data = create.response()["Data"]
    assert (data["SandboxStatus"], data["Ready"]) == ("PENDING_REVIEW", "true")
    assert data["ReadinessFindings"] == "BOUNCES_BY_EMAIL_ONLY"
