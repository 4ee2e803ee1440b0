"""Create, Update and Delete of the synthesized custom resource, as CloudFormation sends
them, against an SES account in each state (issue 3, lines 1-5 and 13). A test of a
lifecycle scenario runs on app.py and on the plain template (see conftest.py)."""

from __future__ import annotations

import pytest

from contract.harness import Deployment
from contract.scenarios import LIFECYCLE_ARTEFACTS, ScenarioBook, on

PUT = "PutAccountDetails"
GET = "GetAccount"


def _enum(deployment: Deployment, shape: str) -> list[str]:
    values: list[str] = deployment.ses.model.shape_for(shape).metadata["enum"]
    return values


# ---- 1. Create on a fresh sandbox account -------------------------------------------


@pytest.mark.scenario("create_on_fresh_sandbox")
def test_create_on_fresh_sandbox_puts_the_details_once_with_api_enum_values(
    trace: Deployment,
) -> None:
    puts = trace.ses.calls(PUT)
    assert len(puts) == 1
    body = puts[0].json()
    assert body["ProductionAccessEnabled"] is True
    assert body["MailType"] == trace.properties["MailType"]
    assert body["MailType"] in _enum(trace, "MailType")
    assert body["ContactLanguage"] in _enum(trace, "ContactLanguage")
    assert body["WebsiteURL"] == trace.properties["WebsiteURL"]
    assert (
        body["AdditionalContactEmailAddresses"]
        == trace.properties["AdditionalContactEmailAddresses"]
    )
    # The stand-in accepted it (it refuses anything its model refuses): a review is open.
    assert trace.ses.account(trace.ses_region).review_status == "PENDING"


@pytest.mark.scenario("create_on_fresh_sandbox")
def test_create_on_fresh_sandbox_answers_success_once_with_the_open_review(
    trace: Deployment,
) -> None:
    create = trace.last("Create")
    assert len(create.attempts) == 1
    response = create.response()
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"
    assert response["Data"]["ReviewStatus"] == "PENDING"
    assert response["Data"]["CaseId"] == trace.ses.account(trace.ses_region).case_id


@pytest.mark.scenario("create_on_fresh_sandbox")
def test_create_data_holds_every_attribute_the_template_reads(trace: Deployment) -> None:
    wanted = trace.artefact.get_atts
    assert wanted, "the template reads no attribute of the custom resource"
    data = trace.last("Create").response()["Data"]
    assert wanted <= set(data), f"missing: {sorted(wanted - set(data))}"
    assert all(isinstance(data[name], str) and data[name] for name in wanted)


@pytest.mark.scenario("installed_create_on_fresh_sandbox")
def test_installed_package_stack_requests_access_in_its_configured_region(
    trace: Deployment,
) -> None:
    assert trace.ses_region == "us-east-1"
    puts = trace.ses.calls(PUT)
    assert [p.region for p in puts] == ["us-east-1"]
    assert puts[0].json()["MailType"] == "MARKETING"
    assert puts[0].json()["ContactLanguage"] == "JA"
    assert not [r for r in trace.ses.requests if r.region != "us-east-1"]
    assert trace.last("Create").response()["Status"] == "SUCCESS"


# ---- 2. Create when no request is needed or allowed ---------------------------------


@pytest.mark.parametrize(
    ("scenario_name", "sandbox_status", "review_status"),
    [
        (on(name, artefact), sandbox_status, review_status)
        for artefact in LIFECYCLE_ARTEFACTS
        for name, sandbox_status, review_status in [
            ("create_in_production", "PRODUCTION", "GRANTED"),
            ("create_with_review_pending", "PENDING_REVIEW", "PENDING"),
            ("create_with_review_denied", "DENIED", "DENIED"),
        ]
    ],
)
def test_create_does_not_submit_and_reports_the_account_state(
    book: ScenarioBook, scenario_name: str, sandbox_status: str, review_status: str
) -> None:
    trace = book.get(scenario_name)
    assert trace.ses.count(PUT) == 0
    response = trace.last("Create").response()
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == sandbox_status
    assert response["Data"]["ReviewStatus"] == review_status
    assert response["Data"]["CaseId"] == trace.ses.account(trace.ses_region).case_id


@pytest.mark.scenario("create_in_production")
def test_create_in_production_reports_the_production_quota(trace: Deployment) -> None:
    data = trace.last("Create").response()["Data"]
    account = trace.ses.account(trace.ses_region)
    assert data["ProductionAccessEnabled"] == "true"
    assert float(data["MaxSendRate"]) == account.max_send_rate
    assert float(data["Max24HourSend"]) == account.max_24_hour_send


@pytest.mark.scenario("installed_create_with_review_denied")
def test_fails_create_on_denied_review_when_fail_on_denied_is_set(trace: Deployment) -> None:
    assert trace.ses.count(PUT) == 0
    response = trace.last("Create").response()
    assert response["Status"] == "FAILED"
    case_id = trace.ses.account(trace.ses_region).case_id
    assert case_id
    assert case_id in response["Reason"]
    assert "fail_on_denied" in response["Reason"]


# ---- 3. A review that FAILED --------------------------------------------------------


@pytest.mark.scenario("create_with_review_failed")
def test_create_after_a_failed_review_submits_again(trace: Deployment) -> None:
    assert trace.ses.count(PUT) == 1
    response = trace.last("Create").response()
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"
    assert response["Data"]["ReviewStatus"] == "PENDING"


# ---- 4. Update ----------------------------------------------------------------------


@pytest.mark.scenario("update_with_changed_details_and_no_open_review")
def test_update_with_changed_details_and_no_open_review_submits_the_new_details(
    trace: Deployment,
) -> None:
    update = trace.last("Update")
    puts = update.ses_calls(PUT)
    assert len(puts) == 1
    assert puts[0].json()["MailType"] == "MARKETING"
    assert puts[0].json()["ProductionAccessEnabled"] is True
    response = update.response()
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"


@pytest.mark.scenario("update_with_changed_details_and_no_open_review")
def test_update_answers_with_the_physical_id_of_create(trace: Deployment) -> None:
    create_id = trace.last("Create").response()["PhysicalResourceId"]
    assert trace.last("Update").event["PhysicalResourceId"] == create_id
    assert trace.last("Update").response()["PhysicalResourceId"] == create_id


@pytest.mark.scenario("update_with_review_pending")
def test_update_while_review_pending_does_not_submit(trace: Deployment) -> None:
    update = trace.last("Update")
    assert update.ses_calls(PUT) == []
    assert update.ses_calls(GET)
    response = update.response()
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"
    assert response["PhysicalResourceId"] == trace.last("Create").response()["PhysicalResourceId"]


# ---- 5. Delete ----------------------------------------------------------------------


@pytest.mark.scenario("delete")
def test_delete_answers_success_without_calling_ses(trace: Deployment) -> None:
    delete = trace.last("Delete")
    assert delete.ses_requests == []
    response = delete.response()
    assert response["Status"] == "SUCCESS"
    assert response["PhysicalResourceId"] == delete.event["PhysicalResourceId"]


@pytest.mark.scenario("delete_after_failed_create")
def test_delete_after_a_failed_create_answers_success_without_calling_ses(
    trace: Deployment,
) -> None:
    create = trace.last("Create").response()
    assert create["Status"] == "FAILED"
    delete = trace.last("Delete")
    assert delete.event["PhysicalResourceId"] == create["PhysicalResourceId"]
    assert delete.ses_requests == []
    response = delete.response()
    assert response["Status"] == "SUCCESS"
    assert response["PhysicalResourceId"] == create["PhysicalResourceId"]


# ---- 13. The same event again --------------------------------------------------------


@pytest.mark.scenario("repeated_create")
def test_repeated_create_event_submits_only_once(trace: Deployment) -> None:
    first, second = trace.invocations
    assert first.event == second.event
    assert trace.ses.count(PUT) == 1
    assert second.ses_calls(PUT) == []
    assert first.response()["Status"] == second.response()["Status"] == "SUCCESS"
    assert second.response()["Data"]["SandboxStatus"] == "PENDING_REVIEW"
    assert second.response()["PhysicalResourceId"] == first.response()["PhysicalResourceId"]
