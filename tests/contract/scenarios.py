"""The deploy-time scenarios, each run once per session and shared by the tests that
check it (the protocol and log tests check every scenario).

A scenario deploys one artefact against fresh stand-ins, sets the account's state and
the faults, sends lifecycle events, and returns the Deployment with its record.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import threading
from collections.abc import Callable, Iterable

from contract import cloudformation_endpoint as cloudformation
from contract import ses_endpoint as ses
from contract.harness import Deployment, Lab

EXAMPLE = "example"  # app.py: default timeout (2 minutes), the stack's Region
INSTALLED = "installed"  # installed package: 10 s timeout, us-east-1, fail_on_denied
PLAIN = "plain"  # `ses-production-access template`, its parameters resolved as CloudFormation does
# examples/organization.py's member template (its StackSet's), reporting to the session's bus
MEMBER = "member"
# The lifecycle scenarios run on each of these (see `lifecycle`).
LIFECYCLE_ARTEFACTS = (EXAMPLE, PLAIN, MEMBER)

Scenario = Callable[[Lab], Deployment]
SCENARIOS: dict[str, Scenario] = {}
# Those that wait on purpose (backoff, watchdog): started first so that they overlap.
SLOW = (
    "watchdog_during_rollback",
    "hang_after_accepted_put",
    "dead_receiver_short_budget",
    "ses_hangs",
    "throttled_forever",
    "response_put_always_fails",
    "throttled_then_succeeds",
    "response_put_fails_twice",
    "server_error",
    "dropped_connection_then_succeeds",
    "slow_answer",
)
MAX_PARALLEL = 4
# Scenarios whose events cannot be answered (the ResponseURL is dead or not https).
UNANSWERABLE = ("dead_receiver_short_budget", "http_response_url")


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    def register(function: Scenario) -> Scenario:
        assert name not in SCENARIOS, name
        SCENARIOS[name] = function
        return function

    return register


LifecycleScenario = Callable[..., Deployment]
LIFECYCLE: list[str] = []


def on(name: str, artefact: str) -> str:
    """The name of lifecycle scenario `name` run on `artefact`."""
    return name if artefact == EXAMPLE else f"{artefact}_{name}"


def lifecycle(name: str) -> Callable[[LifecycleScenario], LifecycleScenario]:
    """Registers a scenario taking the artefact to deploy, once per LIFECYCLE_ARTEFACTS."""

    def register(function: LifecycleScenario) -> LifecycleScenario:
        LIFECYCLE.append(name)
        for artefact in LIFECYCLE_ARTEFACTS:
            scenario(on(name, artefact))(functools.partial(function, artefact=artefact))
        return function

    return register


def refreshed(deployment: Deployment) -> dict[str, str]:
    """What a later synthesis changes besides the details: SynthesizedAt, where the
    template has it (refresh_on_deploy)."""
    if "SynthesizedAt" in deployment.properties:
        return {"SynthesizedAt": "2030-01-02T03:04:05+00:00"}
    return {}


class ScenarioBook:
    """Runs each scenario at most once, in a small pool, and hands out the results."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=MAX_PARALLEL, thread_name_prefix="scenario"
        )
        self._futures: dict[str, concurrent.futures.Future[Deployment]] = {}
        self._lock = threading.Lock()

    def start(self, names: Iterable[str]) -> None:
        wanted = set(names)
        for name in [n for n in SLOW if n in wanted] + sorted(wanted - set(SLOW)):
            self._submit(name)

    def _submit(self, name: str) -> concurrent.futures.Future[Deployment]:
        with self._lock:
            if name not in self._futures:
                self._futures[name] = self._pool.submit(SCENARIOS[name], self.lab)
            return self._futures[name]

    def get(self, name: str) -> Deployment:
        return self._submit(name).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------------------
# Lifecycle
# --------------------------------------------------------------------------------------


@lifecycle("create_on_fresh_sandbox")
def _create_on_fresh_sandbox(lab: Lab, artefact: str) -> Deployment:
    with lab.deploy(artefact) as deployment:
        deployment.create()
    return deployment


@scenario("installed_create_on_fresh_sandbox")
def _installed_create_on_fresh_sandbox(lab: Lab) -> Deployment:
    with lab.deploy(INSTALLED) as deployment:
        deployment.create()
    return deployment


@lifecycle("create_in_production")
def _create_in_production(lab: Lab, artefact: str) -> Deployment:
    with lab.deploy(artefact) as deployment:
        deployment.ses.account(deployment.ses_region).grant()
        deployment.create()
    return deployment


@lifecycle("create_with_review_pending")
def _create_with_review_pending(lab: Lab, artefact: str) -> Deployment:
    with lab.deploy(artefact) as deployment:
        deployment.ses.account(deployment.ses_region).review("PENDING")
        deployment.create()
    return deployment


@lifecycle("create_with_review_denied")
def _create_with_review_denied(lab: Lab, artefact: str) -> Deployment:
    with lab.deploy(artefact) as deployment:
        deployment.ses.account(deployment.ses_region).review("DENIED")
        deployment.create()
    return deployment


@scenario("installed_create_with_review_denied")
def _installed_create_with_review_denied(lab: Lab) -> Deployment:
    with lab.deploy(INSTALLED) as deployment:
        deployment.ses.account(deployment.ses_region).review("DENIED")
        deployment.create()
    return deployment


@lifecycle("create_with_review_failed")
def _create_with_review_failed(lab: Lab, artefact: str) -> Deployment:
    with lab.deploy(artefact) as deployment:
        deployment.ses.account(deployment.ses_region).review("FAILED")
        deployment.create()
    return deployment


@lifecycle("update_with_changed_details_and_no_open_review")
def _update_with_changed_details_and_no_open_review(lab: Lab, artefact: str) -> Deployment:
    with lab.deploy(artefact) as deployment:
        deployment.create()
        # AWS reports that it never received the first request: no review is open.
        deployment.ses.account(deployment.ses_region).review_status = "FAILED"
        deployment.update(MailType="MARKETING", **refreshed(deployment))
    return deployment


@lifecycle("update_with_review_pending")
def _update_with_review_pending(lab: Lab, artefact: str) -> Deployment:
    with lab.deploy(artefact) as deployment:
        deployment.create()
        deployment.update(MailType="MARKETING", **refreshed(deployment))
    return deployment


@lifecycle("delete")
def _delete(lab: Lab, artefact: str) -> Deployment:
    with lab.deploy(artefact) as deployment:
        deployment.create()
        deployment.delete()
    return deployment


@lifecycle("delete_after_failed_create")
def _delete_after_failed_create(lab: Lab, artefact: str) -> Deployment:
    with lab.deploy(artefact) as deployment:
        deployment.ses.always("GetAccount", ses.access_denied("GetAccount"))
        deployment.create()
        deployment.delete()
    return deployment


@lifecycle("repeated_create")
def _repeated_create(lab: Lab, artefact: str) -> Deployment:
    with lab.deploy(artefact) as deployment:
        event = deployment.event("Create")
        deployment.send(event)
        deployment.send(event)  # CloudFormation (or Lambda's async retry) sends it again
    return deployment


# --------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------


@scenario("throttled_then_succeeds")
def _throttled_then_succeeds(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        deployment.ses.script("GetAccount", ses.throttled(), ses.throttled(), ses.throttled())
        deployment.create()
    return deployment


@scenario("throttled_forever")
def _throttled_forever(lab: Lab) -> Deployment:
    with lab.deploy(INSTALLED) as deployment:
        deployment.ses.always("GetAccount", ses.throttled())
        deployment.create()
    return deployment


def _race_open_review(account: ses.RegionAccount) -> None:
    account.review("PENDING")
    account.case_id = "177999999999999"


@scenario("conflict_on_put")
def _conflict_on_put(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        # Between the handler's GetAccount and its Put, someone opens a review (the
        # console, another stack): SES answers the Put with 409.
        deployment.ses.script("PutAccountDetails", ses.racing(_race_open_review))
        deployment.create()
    return deployment


@scenario("bad_request")
def _bad_request(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        props = deployment.properties
        # The worst case: the service echoes the sensitive values it refuses.
        message = (
            f"WebsiteURL {props['WebsiteURL']} could not be verified; contact "
            f"{props['AdditionalContactEmailAddresses'][0]} bounced."
        )
        deployment.ses.script("PutAccountDetails", ses.bad_request(message))
        deployment.create()
    return deployment


@scenario("access_denied")
def _access_denied(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        deployment.ses.always("GetAccount", ses.access_denied("GetAccount"))
        deployment.create()
    return deployment


@scenario("server_error")
def _server_error(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        deployment.ses.always("GetAccount", ses.server_error())
        deployment.create()
    return deployment


@scenario("oversized_error_message")
def _oversized_error_message(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        deployment.ses.script("PutAccountDetails", ses.bad_request("Invalid request. " * 400))
        deployment.create()
    return deployment


@scenario("ses_hangs")
def _ses_hangs(lab: Lab) -> Deployment:
    with lab.deploy(INSTALLED) as deployment:
        deployment.ses.always("GetAccount", ses.hung())
        deployment.create()
    return deployment


@scenario("dropped_connection_then_succeeds")
def _dropped_connection_then_succeeds(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        deployment.ses.script("GetAccount", ses.dropped())
        deployment.create()
    return deployment


@scenario("slow_answer")
def _slow_answer(lab: Lab) -> Deployment:
    with lab.deploy(INSTALLED) as deployment:
        deployment.ses.script("GetAccount", ses.slow(1.0))
        deployment.create()
    return deployment


@scenario("response_put_fails_twice")
def _response_put_fails_twice(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE, fail_puts=2) as deployment:
        deployment.create()
    return deployment


@scenario("response_put_always_fails")
def _response_put_always_fails(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE, fail_puts=1_000_000) as deployment:
        deployment.create()
    return deployment


# --------------------------------------------------------------------------------------
# Rollbacks: CloudFormation undoes a failed Update with another Update
# --------------------------------------------------------------------------------------


@scenario("rollback_after_denied_update")
def _rollback_after_denied_update(lab: Lab) -> Deployment:
    with lab.deploy(INSTALLED) as deployment:  # fail_on_denied
        deployment.create()
        # AWS denies the review the Create opened; the next deployment changes the site.
        deployment.ses.account(deployment.ses_region).review_status = "DENIED"
        deployment.update(WebsiteURL="https://moved.installed-example.net/about")
        deployment.roll_back()
    return deployment


@scenario("rollback_after_update_with_ses_denied")
def _rollback_after_update_with_ses_denied(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        deployment.create()
        # From now on a policy denies reading SES: the Update and its rollback fail alike.
        deployment.ses.always("GetAccount", ses.access_denied("GetAccount"))
        deployment.update(SynthesizedAt="2030-01-02T03:04:05+00:00")
        deployment.roll_back()
    return deployment


@scenario("rollback_with_unreadable_stack_status")
def _rollback_with_unreadable_stack_status(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        deployment.create()
        deployment.ses.always("GetAccount", ses.access_denied("GetAccount"))
        deployment.cloudformation.fault = cloudformation.access_denied(deployment.stack_id)
        deployment.update(SynthesizedAt="2030-01-02T03:04:05+00:00")
        deployment.roll_back()
    return deployment


# --------------------------------------------------------------------------------------
# The plain template: parameter values as a CloudFormation user gives them
# --------------------------------------------------------------------------------------

EMPTY_OPTIONAL_PARAMETERS = {
    "UseCaseDescription": "",
    "AdditionalContactEmailAddresses": "",
    "ContactLanguage": "",
}


@scenario("plain_create_with_empty_optional_parameters")
def _plain_create_with_empty_optional_parameters(lab: Lab) -> Deployment:
    with lab.deploy(PLAIN, parameters=EMPTY_OPTIONAL_PARAMETERS) as deployment:
        deployment.create()
    return deployment


@scenario("plain_create_with_a_bad_contact_address")
def _plain_create_with_a_bad_contact_address(lab: Lab) -> Deployment:
    # CloudFormation has no pattern for the list's members: only the handler can refuse it.
    bad = {"AdditionalContactEmailAddresses": "postmaster@plain-example.org, postmaster"}
    with lab.deploy(PLAIN, parameters=bad) as deployment:
        deployment.create()
        deployment.delete()
    return deployment


@scenario("plain_create_with_review_denied_and_fail_on_denied")
def _plain_create_with_review_denied_and_fail_on_denied(lab: Lab) -> Deployment:
    with lab.deploy(PLAIN, parameters={"FailOnDenied": "true"}) as deployment:
        deployment.ses.account(deployment.ses_region).review("DENIED")
        deployment.create()
    return deployment


# --------------------------------------------------------------------------------------
# The organisation rollout: a stack instance reports to the central bus
# --------------------------------------------------------------------------------------

# The bus of `member_reports_to_the_roll_up` alone (tests read its events by this name).
MEMBER_REPORT_BUS = "ses-production-access-roll-up-report"


@scenario("member_reports_to_the_roll_up")
def _member_reports_to_the_roll_up(lab: Lab) -> Deployment:
    assert lab.eventbridge is not None, "the session's EventBridge is not running"
    bus = lab.eventbridge.bus(MEMBER_REPORT_BUS)
    with lab.deploy(
        MEMBER,
        parameters={"StatusBusArn": bus.arn},
        environment=lab.eventbridge.environment(),
    ) as deployment:
        deployment.create()  # the request goes out: PENDING_REVIEW
        deployment.ses.account(deployment.ses_region).grant()  # AWS grants it
        deployment.update(MailType="MARKETING")  # the next StackSet update: PRODUCTION
        deployment.delete()  # an account leaves the organisational unit
    return deployment


# --------------------------------------------------------------------------------------
# Hardening: the fault paths an adversarial review found
# --------------------------------------------------------------------------------------


@scenario("watchdog_during_rollback")
def _watchdog_during_rollback(lab: Lab) -> Deployment:
    with lab.deploy(INSTALLED) as deployment:  # 10 s timeout: the tightest budget
        deployment.create()
        deployment.update(MailType="MARKETING", **refreshed(deployment))
        deployment.ses.always("GetAccount", ses.hung())
        deployment.roll_back()
    return deployment


@scenario("hang_after_accepted_put")
def _hang_after_accepted_put(lab: Lab) -> Deployment:
    with lab.deploy(INSTALLED) as deployment:
        # The first read answers (sandbox), the Put is accepted, every read after it hangs.
        deployment.ses.script("GetAccount", ses.slow(0.0))
        deployment.ses.always("GetAccount", ses.hung())
        deployment.create()
    return deployment


@scenario("debug_logging")
def _debug_logging(lab: Lab) -> Deployment:
    # An operator sets the function's log level to DEBUG (Lambda's logging configuration).
    with lab.deploy(EXAMPLE, environment={"AWS_LAMBDA_LOG_LEVEL": "DEBUG"}) as deployment:
        deployment.create()
        deployment.ses.account(deployment.ses_region).review("FAILED")
        deployment.update(MailType="MARKETING", **refreshed(deployment))
        deployment.ses.script("PutAccountDetails", ses.bad_request("WebsiteURL is invalid"))
        deployment.ses.account(deployment.ses_region).review("FAILED")
        deployment.update(MailType="TRANSACTIONAL", **refreshed(deployment))
    return deployment


@scenario("malformed_properties")
def _malformed_properties(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        deployment.send(deployment.event("Create", ResourceProperties=["not", "an", "object"]))
        # On the sandbox account a well-formed event would send the request for: the old
        # properties' JSON in a string, not the object CloudFormation sends.
        deployment.send(
            deployment.event(
                "Update",
                PhysicalResourceId=deployment.physical_id,
                OldResourceProperties=json.dumps(deployment.properties),
            )
        )
        deployment.create()
    return deployment


@scenario("dead_receiver_short_budget")
def _dead_receiver_short_budget(lab: Lab) -> Deployment:
    with lab.deploy(INSTALLED) as deployment:
        # Nothing listens there: every PUT is refused at once, and the backoff must not
        # carry the function past its 10 s.
        dead = "https://127.0.0.1:9/dead?X-Amz-Signature=0123456789abcdefSECRETSIGNATURE"
        deployment.ses.always("GetAccount", ses.slow(6.0))
        deployment.send(deployment.event("Create", ResponseURL=dead))
    return deployment


@scenario("http_response_url")
def _http_response_url(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        plain = deployment.receiver.url.replace("https://", "http://", 1)
        deployment.send(deployment.event("Create", ResponseURL=plain))
    return deployment


# --------------------------------------------------------------------------------------
# Readiness: what reviewers look at, before the request
# --------------------------------------------------------------------------------------


@scenario("not_ready_is_held")
def _not_ready_is_held(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:  # when_not_ready defaults to HOLD
        deployment.ses.account(deployment.ses_region).not_ready()
        deployment.create()
    return deployment


@scenario("two_destinations_cover_bounces_and_complaints")
def _two_destinations_cover_bounces_and_complaints(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        account = deployment.ses.account(deployment.ses_region)
        account.suppressed_reasons = []
        account.configuration_sets = {
            "feedback": [
                {"Name": name, "Enabled": True, "MatchingEventTypes": [kind],
                 "SnsDestination": {"TopicArn": f"arn:aws:sns:us-east-1:123456789012:{name}"}}
                for name, kind in (("bounces", "BOUNCE"), ("complaints", "COMPLAINT"))
            ]
        }  # fmt: skip
        deployment.create()
    return deployment


@scenario("bounces_by_email_only")
def _bounces_by_email_only(lab: Lab) -> Deployment:
    # SES v1's notification settings from moto (an independent peer): a verified identity's
    # email feedback forwarding is on, as SES sets it by default.
    assert lab.eventbridge is not None
    environment = {"AWS_ENDPOINT_URL_SES": lab.eventbridge.url}
    with lab.deploy(EXAMPLE, environment=environment) as deployment:
        account = deployment.ses.account(deployment.ses_region)
        account.suppressed_reasons = []
        v1 = lab.eventbridge.client("ses", deployment.ses_region)
        for name in account.identities:
            v1.verify_domain_identity(Domain=name)
        deployment.create()
    return deployment


@scenario("report_only_on_a_ready_account")
def _report_only_on_a_ready_account(lab: Lab) -> Deployment:
    with lab.deploy(EXAMPLE) as deployment:
        deployment.properties["ReportOnly"] = "true"
        deployment.create()
    return deployment
