"""The four stacks the benchmark compares, and a synthesis entry point for one of them.

Every variant does the same job as the example app (request SES production access with the
same details and read the account's state back as stack outputs), in the way a user would
write it:

- ``empty``: a stack with nothing in it (the baseline);
- ``construct``: ``SesProductionAccess`` (this library), default settings;
- ``aws_custom_resource``: two ``custom_resources.AwsCustomResource`` SDK calls,
  ``SESv2.putAccountDetails`` then ``SESv2.getAccount``, seven outputs read from the
  second one's response (``SandboxStatus`` cannot be derived without code);
- ``provider``: ``custom_resources.Provider`` in front of a minimal equivalent Python
  function (``benchmarks/provider_handler/index.py``: GetAccount, PutAccountDetails when
  needed, GetAccount again; no validation, retries or watchdog), eight outputs.

Run as a script (``python benchmarks/stacks.py VARIANT``) it builds that one stack, synthesizes
it into ``$CDK_OUTDIR`` and prints a JSON line with the in-process timings (imports, building
the construct tree, ``app.synth()``). The benchmark runs it in a fresh process per sample.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from typing import TYPE_CHECKING

_STARTED = time.perf_counter()

from pathlib import Path  # noqa: E402  (timed from the first line)

if TYPE_CHECKING:
    import aws_cdk as cdk

ROOT = Path(__file__).resolve().parent.parent
PROVIDER_HANDLER_DIR = Path(__file__).resolve().parent / "provider_handler"
STACK_NAME = "Benchmark"
VARIANTS = ("empty", "construct", "aws_custom_resource", "provider")

# The same request as app.py, shared by every variant.
MAIL_TYPE = "TRANSACTIONAL"
WEBSITE_URL = "https://example.com"
USE_CASE_DESCRIPTION = (
    "Password resets and receipts for customers who signed up on example.com. "
    "Bounces and complaints go to an SNS topic that suppresses the address; "
    "every message links to the account's notification settings."
)
CONTACTS = ["ops@example.com"]
CONTACT_LANGUAGE = "EN"

# Output name -> GetAccount response field, for the AwsCustomResource variant.
GET_ACCOUNT_FIELDS = {
    "ProductionAccessEnabled": "ProductionAccessEnabled",
    "ReviewStatus": "Details.ReviewDetails.Status",
    "CaseId": "Details.ReviewDetails.CaseId",
    "MaxSendRate": "SendQuota.MaxSendRate",
    "Max24HourSend": "SendQuota.Max24HourSend",
    "SendingEnabled": "SendingEnabled",
    "EnforcementStatus": "EnforcementStatus",
}
# Python modules each variant needs beyond aws_cdk (imported and timed before building).
VARIANT_MODULES: dict[str, tuple[str, ...]] = {
    "empty": (),
    "construct": ("ses_production_access",),
    "aws_custom_resource": ("aws_cdk.custom_resources",),
    "provider": ("aws_cdk.aws_iam", "aws_cdk.aws_lambda", "aws_cdk.custom_resources"),
}


def build(variant: str, outdir: Path | None = None) -> cdk.App:
    """Build the app with one stack of `variant` (not yet synthesized); it synthesizes
    into `outdir`, else $CDK_OUTDIR."""
    import aws_cdk as cdk

    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    app = cdk.App(outdir=str(outdir) if outdir else None)
    # No AWS::CDK::Metadata resource: it would count as a resource in every variant.
    stack = cdk.Stack(app, STACK_NAME, analytics_reporting=False)
    if variant == "construct":
        _construct(stack)
    elif variant == "aws_custom_resource":
        _aws_custom_resource(stack)
    elif variant == "provider":
        _provider(stack)
    return app


def _construct(stack: cdk.Stack) -> None:
    from ses_production_access import ContactLanguage, MailType, SesProductionAccess

    SesProductionAccess(
        stack,
        "SesProductionAccess",
        mail_type=MailType.TRANSACTIONAL,
        website_url=WEBSITE_URL,
        use_case_description=USE_CASE_DESCRIPTION,
        additional_contact_email_addresses=CONTACTS,
        contact_language=ContactLanguage.EN,
        acknowledge_sending_policy=True,
        # Like for like with the alternatives, which have no schedule: the watcher's rule
        # and permission, and each template's size with it, are budget.py's figures.
        watch=False,
    )


def _aws_custom_resource(stack: cdk.Stack) -> None:
    from aws_cdk import CfnOutput
    from aws_cdk import custom_resources as cr

    policy = cr.AwsCustomResourcePolicy.from_sdk_calls(
        resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE
    )
    put_call = cr.AwsSdkCall(
        service="SESv2",
        action="putAccountDetails",
        parameters={
            "MailType": MAIL_TYPE,
            "WebsiteURL": WEBSITE_URL,
            "UseCaseDescription": USE_CASE_DESCRIPTION,
            "AdditionalContactEmailAddresses": CONTACTS,
            "ContactLanguage": CONTACT_LANGUAGE,
            "ProductionAccessEnabled": True,
        },
        physical_resource_id=cr.PhysicalResourceId.of("ses-put-account-details"),
        # A review already open (or denied) answers 409; do not fail the deployment.
        ignore_error_codes_matching="ConflictException",
    )
    # install_latest_aws_sdk=False: use the SDK of the Lambda runtime (no npm install at
    # deploy time, and nothing fetched while the benchmark runs).
    put = cr.AwsCustomResource(
        stack,
        "PutAccountDetails",
        on_create=put_call,
        on_update=put_call,
        policy=policy,
        install_latest_aws_sdk=False,
    )
    get_call = cr.AwsSdkCall(
        service="SESv2",
        action="getAccount",
        physical_resource_id=cr.PhysicalResourceId.of("ses-get-account"),
        output_paths=list(GET_ACCOUNT_FIELDS.values()),
    )
    get = cr.AwsCustomResource(
        stack,
        "GetAccount",
        on_create=get_call,
        on_update=get_call,
        policy=policy,
        install_latest_aws_sdk=False,
    )
    get.node.add_dependency(put)
    for name, path in GET_ACCOUNT_FIELDS.items():
        CfnOutput(stack, name, value=get.get_response_field(path))


def _provider(stack: cdk.Stack) -> None:
    from aws_cdk import CfnOutput, CustomResource, Duration, Stack
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import custom_resources as cr

    on_event = lambda_.Function(
        stack,
        "OnEvent",
        runtime=lambda_.Runtime.PYTHON_3_14,
        architecture=lambda_.Architecture.ARM_64,
        handler="index.on_event",
        code=lambda_.Code.from_asset(str(PROVIDER_HANDLER_DIR), exclude=["__pycache__"]),
        timeout=Duration.minutes(2),
    )
    on_event.add_to_role_policy(
        iam.PolicyStatement(actions=["ses:GetAccount", "ses:PutAccountDetails"], resources=["*"])
    )
    provider = cr.Provider(stack, "Provider", on_event_handler=on_event)
    resource = CustomResource(
        stack,
        "SesProductionAccess",
        service_token=provider.service_token,
        resource_type="Custom::SesProductionAccess",
        properties={
            "Region": Stack.of(stack).region,
            "MailType": MAIL_TYPE,
            "WebsiteURL": WEBSITE_URL,
            "UseCaseDescription": USE_CASE_DESCRIPTION,
            "AdditionalContactEmailAddresses": CONTACTS,
            "ContactLanguage": CONTACT_LANGUAGE,
        },
    )
    # The construct's account data keys, without its readiness ones; imported here, not at
    # the top, so that no other variant's timing includes it.
    from ses_production_access.wire import DATA_KEYS

    for name in (key for key in DATA_KEYS if key not in ("Ready", "ReadinessFindings")):
        CfnOutput(stack, name, value=resource.get_att_string(name))


def warm(variant: str, rounds: int, outdir: Path) -> list[float]:
    """After a warm-up synthesis of an empty stack, build and synthesize `variant` `rounds`
    times in this one process. The first time includes importing the variant's Python
    modules and the first use of its constructs; the others are its steady cost, without
    the one-off start-up (Python, the jsii kernel, aws-cdk-lib's first synthesis)."""
    build("empty", outdir / "warm-up").synth()
    times: list[float] = []
    for round_ in range(rounds):
        started = time.perf_counter()
        build(variant, outdir / f"{variant}-{round_}").synth()
        times.append(time.perf_counter() - started)
    return times


def round_trips(variant: str, outdir: Path) -> int:
    """The messages Python sends the jsii kernel (the Node.js process, each answered
    before Python goes on: app, stack, every construct, property read, method call and
    callback answer) during one more build and synthesis of `variant`, after `warm`."""
    from jsii._kernel.providers import process  # private: counted, never changed

    sent = 0
    real = process._NodeProcess.send

    def counting(self: object, request: object, response_type: object) -> object:
        nonlocal sent
        sent += 1
        return real(self, request, response_type)  # type: ignore[arg-type]

    process._NodeProcess.send = counting  # type: ignore[assignment,method-assign]
    try:
        build(variant, outdir / f"{variant}-counted").synth()
    finally:
        process._NodeProcess.send = real  # type: ignore[method-assign]
    return sent


def main(argv: list[str]) -> int:
    """``VARIANT``: synthesize one variant into $CDK_OUTDIR and print the in-process timings
    as JSON. ``--warm N OUTDIR VARIANT``: print the times of `warm` as JSON."""
    sys.path.insert(0, str(ROOT))  # the library from the checkout, as app.py gets it
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    if len(argv) == 4 and argv[0] == "--warm" and argv[3] in VARIANTS:
        times = warm(argv[3], int(argv[1]), Path(argv[2]))
        print(json.dumps({"times": times, "round_trips": round_trips(argv[3], Path(argv[2]))}))
        return 0
    if len(argv) != 1 or argv[0] not in VARIANTS:
        choices = "|".join(VARIANTS)
        print(f"usage: stacks.py {{{choices}}} | --warm N OUTDIR VARIANT", file=sys.stderr)
        return 2
    variant = argv[0]
    before_import = time.perf_counter()
    import aws_cdk  # noqa: F401  (loads the jsii runtime and the aws-cdk-lib assembly)

    imported = time.perf_counter()
    for module in VARIANT_MODULES[variant]:
        importlib.import_module(module)
    modules_imported = time.perf_counter()
    app = build(variant)
    built = time.perf_counter()
    app.synth()
    synthesized = time.perf_counter()
    print(
        json.dumps(
            {
                "variant": variant,
                "startup_s": before_import - _STARTED,
                "import_s": imported - before_import,
                "modules_s": modules_imported - imported,
                "build_s": built - modules_imported,
                "synth_s": synthesized - built,
                "in_process_s": synthesized - _STARTED,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
