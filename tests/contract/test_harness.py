"""The stand-ins are honest: the SES endpoint refuses what SES refuses and its errors
reach botocore as SES's do; the CloudFormation stand-in answers DescribeStacks as
botocore parses it; the Lambda-like runtime isolates and stops the function."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from contract import cloudformation_endpoint as cfn
from contract import ses_endpoint as ses
from contract.cloud_assembly import Artefact
from contract.harness import new_stack_id
from contract.lambda_runner import LambdaRuntime

REGION = "eu-west-1"
VALID = {"MailType": "TRANSACTIONAL", "WebsiteURL": "https://example.com"}


@pytest.fixture
def endpoint() -> Iterator[ses.SesEndpoint]:
    with ses.SesEndpoint() as stand_in:
        yield stand_in


def _error_code(endpoint: ses.SesEndpoint, **params: object) -> str:
    with pytest.raises(ClientError) as raised:
        ses.sesv2_client(endpoint, REGION).put_account_details(**params)
    return str(raised.value.response["Error"]["Code"])


def test_endpoint_refuses_a_value_outside_the_models_enum(endpoint: ses.SesEndpoint) -> None:
    # botocore itself lets the seed document's PROMOTIONAL through; SES does not.
    assert _error_code(endpoint, **{**VALID, "MailType": "PROMOTIONAL"}) == "BadRequestException"
    assert endpoint.account(REGION).details is None


def test_endpoint_refuses_a_value_longer_than_the_models_maximum(
    endpoint: ses.SesEndpoint,
) -> None:
    too_long = {**VALID, "UseCaseDescription": "x" * 5001}
    assert _error_code(endpoint, **too_long) == "BadRequestException"


def test_endpoint_refuses_an_address_that_breaks_the_models_pattern(
    endpoint: ses.SesEndpoint,
) -> None:
    params = {**VALID, "AdditionalContactEmailAddresses": ["not-an-address"]}
    assert _error_code(endpoint, **params) == "BadRequestException"


def test_endpoint_answers_conflict_to_a_put_while_a_review_is_pending(
    endpoint: ses.SesEndpoint,
) -> None:
    endpoint.account(REGION).review("PENDING")
    assert _error_code(endpoint, **VALID, ProductionAccessEnabled=True) == "ConflictException"


def test_endpoint_errors_reach_botocore_with_their_codes(endpoint: ses.SesEndpoint) -> None:
    endpoint.script("PutAccountDetails", ses.throttled(), ses.access_denied("PutAccountDetails"))
    assert _error_code(endpoint, **VALID) == "TooManyRequestsException"
    assert _error_code(endpoint, **VALID) == "AccessDeniedException"


def test_endpoint_keeps_each_regions_account_apart(endpoint: ses.SesEndpoint) -> None:
    ses.sesv2_client(endpoint, "us-east-1").put_account_details(
        **VALID, ProductionAccessEnabled=True
    )
    assert (
        ses.sesv2_client(endpoint, "us-east-1").get_account()["Details"]["ReviewDetails"]["Status"]
        == "PENDING"
    )
    assert "Details" not in ses.sesv2_client(endpoint, REGION).get_account()


def test_endpoint_answers_get_account_as_the_model_describes(endpoint: ses.SesEndpoint) -> None:
    endpoint.account(REGION).grant()
    answer = ses.sesv2_client(endpoint, REGION).get_account()
    shape = endpoint.model.operation_model("GetAccount").output_shape
    answer.pop("ResponseMetadata")
    assert ses.validate(shape, json.loads(json.dumps(answer))) == []
    assert answer["ProductionAccessEnabled"] is True
    assert answer["Details"]["ReviewDetails"]["Status"] == "GRANTED"


# ---- the CloudFormation stand-in ---------------------------------------------------


@pytest.fixture
def stack() -> Iterator[cfn.CloudFormationEndpoint]:
    with cfn.CloudFormationEndpoint(new_stack_id("Probe")) as stand_in:
        yield stand_in


def _describe(stack: cfn.CloudFormationEndpoint, name: str, region: str = REGION) -> Any:
    client = botocore.session.get_session().create_client(
        "cloudformation",
        region_name=region,
        endpoint_url=stack.url,
        aws_access_key_id=ses.DUMMY_ACCESS_KEY_ID,
        aws_secret_access_key=ses.DUMMY_SECRET_ACCESS_KEY,
        config=Config(retries={"total_max_attempts": 1}, read_timeout=5, connect_timeout=2),
    )
    return client.describe_stacks(StackName=name)


def test_stack_stand_in_answers_describe_stacks_as_botocore_parses_it(
    stack: cfn.CloudFormationEndpoint,
) -> None:
    stack.status = "UPDATE_ROLLBACK_IN_PROGRESS"
    [described] = _describe(stack, stack.stack_id)["Stacks"]
    assert described["StackId"] == stack.stack_id
    assert described["StackName"] == "Probe"
    assert described["StackStatus"] == "UPDATE_ROLLBACK_IN_PROGRESS"
    assert [r.params for r in stack.calls("DescribeStacks")] == [{"StackName": stack.stack_id}]


def test_stack_stand_in_knows_its_stack_only_by_id_in_its_region(
    stack: cfn.CloudFormationEndpoint,
) -> None:
    for name, region in [("Probe", REGION), (stack.stack_id, "us-east-1")]:
        with pytest.raises(ClientError) as raised:
            _describe(stack, name, region)
        assert raised.value.response["Error"]["Code"] == "ValidationError"
    assert stack.internal_errors == []


def test_stack_stand_in_errors_reach_botocore_with_their_codes(
    stack: cfn.CloudFormationEndpoint,
) -> None:
    stack.fault = cfn.access_denied(stack.stack_id)
    with pytest.raises(ClientError) as raised:
        _describe(stack, stack.stack_id)
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


# ---- the Lambda-like runtime --------------------------------------------------------


def _probe(tmp_path: Path, code: str, timeout_seconds: int) -> Artefact:
    code_dir = tmp_path / "code"
    code_dir.mkdir()
    (code_dir / "probe.py").write_text(textwrap.dedent(code))
    return Artefact(
        stack_name="Probe",
        template={},
        resource_id="Probe",
        resource_type="Custom::Probe",
        properties={},
        function_id="ProbeFunction",
        handler="probe.handler",
        runtime="python3.14",
        timeout_seconds=timeout_seconds,
        memory_mib=128,
        environment={"FROM_TEMPLATE": "yes"},
        code_dir=code_dir,
        get_atts=frozenset(),
    )


def test_runtime_import_path_is_only_the_code_and_boto3(
    tmp_path: Path, runtime: LambdaRuntime
) -> None:
    probe = _probe(
        tmp_path,
        """
        import importlib.util, json, os, sys

        def handler(event, context):
            print(json.dumps({
                "found": {m: importlib.util.find_spec(m) is not None for m in
                          ("boto3", "botocore", "aws_cdk", "pytest", "ses_production_access",
                           "support", "contract")},
                "remaining": context.get_remaining_time_in_millis(),
                "env": {k: os.environ.get(k) for k in ("FROM_TEMPLATE", "AWS_ENDPOINT_URL_SESV2")},
            }))
        """,
        timeout_seconds=3,
    )
    run = runtime.invoke(probe, {}, REGION, "http://127.0.0.1:1")
    assert run.exit_code == 0, run.output
    report = json.loads(next(line for line in run.output.splitlines() if line.startswith("{")))
    assert report["found"] == {
        "boto3": True,
        "botocore": True,
        "aws_cdk": False,
        "pytest": False,
        "ses_production_access": False,
        "support": False,
        "contract": False,
    }
    assert 1000 < report["remaining"] <= 3000
    assert report["env"] == {"FROM_TEMPLATE": "yes", "AWS_ENDPOINT_URL_SESV2": "http://127.0.0.1:1"}


def test_runtime_stops_a_function_at_its_timeout(tmp_path: Path, runtime: LambdaRuntime) -> None:
    probe = _probe(
        tmp_path,
        """
        import time

        def handler(event, context):
            time.sleep(30)
        """,
        timeout_seconds=1,
    )
    run = runtime.invoke(probe, {}, REGION, "http://127.0.0.1:1")
    assert run.timed_out
    assert "Task timed out" in run.output
