"""Readiness before the request: what reviewers look at, read within bounds, judged into a
closed set of findings, and what an account that is not ready gets (SUBMIT, HOLD, FAIL,
report-only). Decisions without I/O; the reads against botocore's Stubber (SES v2 and v1)."""

from __future__ import annotations

import json
import time
from types import ModuleType
from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber
from support import EVENTS, Context, ResponseReceiver, expected_put, load_event

ACCOUNTS = EVENTS / "accounts"
REGION = "eu-west-1"
BOTH = ("BOUNCE", "COMPLAINT")


def account(name: str, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((ACCOUNTS / f"{name}.json").read_text())
    result.update(extra)
    return result


def facts(index: ModuleType, **values: Any) -> Any:
    return index.ReadinessFacts(**values)


READY = {
    "domains": ("example.com",), "dkim": ("example.com",), "mail_from": ("example.com",),
    "bounce_handling": True,
}


# --- the findings -----------------------------------------------------------------------


def test_an_account_with_a_dkim_domain_and_bounce_handling_is_ready(index: ModuleType) -> None:
    readiness = index.judge(facts(index, **READY))
    assert (readiness.findings, readiness.ready) == ((), True)


@pytest.mark.parametrize(
    ("change", "finding", "ready"),
    [
        ({"domains": (), "dkim": (), "mail_from": ()}, "NO_VERIFIED_IDENTITY", False),
        (
            {"domains": (), "dkim": (), "mail_from": (), "addresses": ("a@example.com",)},
            "NO_VERIFIED_DOMAIN",
            True,
        ),
        ({"dkim": ()}, "DKIM_NOT_SET_UP", True),
        ({"mail_from": ()}, "NO_CUSTOM_MAIL_FROM", True),
        (
            {"domains": (), "dkim": (), "mail_from": (), "bounce_handling": False},
            "NO_BOUNCE_COMPLAINT_HANDLING",
            False,
        ),
        ({"bounce_handling": False}, "BOUNCES_BY_EMAIL_ONLY", True),
        (
            {"domains": (), "dkim": (), "mail_from": (), "unreadable": ("IDENTITIES_UNREADABLE",)},
            "IDENTITIES_UNREADABLE",
            False,
        ),
        ({"unreadable": ("IDENTITY_DETAILS_UNREADABLE",)}, "IDENTITY_DETAILS_UNREADABLE", True),
        (
            {"unreadable": ("EVENT_DESTINATIONS_UNREADABLE",)},
            "EVENT_DESTINATIONS_UNREADABLE",
            True,
        ),
        ({"unreadable": ("NOTIFICATIONS_UNREADABLE",)}, "NOTIFICATIONS_UNREADABLE", True),
    ],
)
def test_each_finding_and_whether_it_holds_a_request_back(
    index: ModuleType, change: dict[str, Any], finding: str, ready: bool
) -> None:
    readiness = index.judge(facts(index, **{**READY, **change}))
    assert finding in readiness.findings
    assert readiness.ready is ready


def test_findings_are_a_closed_set_with_advice(index: ModuleType) -> None:
    assert set(index.FINDINGS) == {
        "NO_VERIFIED_IDENTITY", "NO_VERIFIED_DOMAIN", "DKIM_NOT_SET_UP",
        "NO_CUSTOM_MAIL_FROM", "NO_BOUNCE_COMPLAINT_HANDLING", "BOUNCES_BY_EMAIL_ONLY",
        "IDENTITIES_UNREADABLE", "IDENTITY_DETAILS_UNREADABLE",
        "EVENT_DESTINATIONS_UNREADABLE", "NOTIFICATIONS_UNREADABLE",
    }
    assert set(index.FINDING_ADVICE) == set(index.FINDINGS)
    assert all(advice.endswith(".") for advice in index.FINDING_ADVICE.values())


def test_unreadable_identities_hold_back_without_claiming_there_is_none(
    index: ModuleType,
) -> None:
    readiness = index.judge(facts(index, unreadable=("IDENTITIES_UNREADABLE",)))
    assert (readiness.findings, readiness.ready) == (("IDENTITIES_UNREADABLE",), False)


def test_unreadable_identity_details_claim_no_missing_dkim_or_mail_from(
    index: ModuleType,
) -> None:
    found = facts(index, **{**READY, "dkim": (), "mail_from": ()},
                  unreadable=("IDENTITY_DETAILS_UNREADABLE",))
    readiness = index.judge(found)
    assert (readiness.findings, readiness.ready) == (("IDENTITY_DETAILS_UNREADABLE",), True)


# SES emails a verified identity's bounces and complaints to its sender when nothing else
# takes them, even with email feedback forwarding turned off (SES v2 API reference,
# PutEmailIdentityFeedbackAttributes; SES developer guide, "Receiving Amazon SES
# notifications through email"): a way of receiving them, which holds nothing back.


def test_bounces_that_reach_the_sender_by_email_hold_nothing_back(index: ModuleType) -> None:
    readiness = index.judge(facts(index, **{**READY, "bounce_handling": False}))
    assert (readiness.findings, readiness.ready) == (("BOUNCES_BY_EMAIL_ONLY",), True)


def test_a_verified_identity_whose_notifications_cannot_be_read_is_not_held_back(
    index: ModuleType,
) -> None:
    found = facts(index, **{**READY, "bounce_handling": False},
                  unreadable=("NOTIFICATIONS_UNREADABLE",))
    readiness = index.judge(found)
    assert readiness.findings == ("BOUNCES_BY_EMAIL_ONLY", "NOTIFICATIONS_UNREADABLE")
    assert readiness.ready is True


def test_no_identity_means_no_feedback_by_email_either(index: ModuleType) -> None:
    readiness = index.judge(facts(index))
    assert readiness.findings == ("NO_VERIFIED_IDENTITY", "NO_BOUNCE_COMPLAINT_HANDLING")


def test_a_listing_cut_short_after_a_verified_identity_showed_holds_nothing_back(
    index: ModuleType,
) -> None:
    found = facts(index, **READY, unreadable=("IDENTITIES_UNREADABLE",))
    assert (index.judge(found).findings, index.judge(found).ready) == ((), True)


# --- what an account that is not ready gets -------------------------------------------


def desired(index: ModuleType, **props: str) -> Any:
    return index.parse_properties({**load_event("create")["ResourceProperties"], **props}, None)


NOT_READY = ("NO_VERIFIED_IDENTITY", "NO_BOUNCE_COMPLAINT_HANDLING")


def held(index: ModuleType, ready: bool, **props: str) -> Any:
    readiness = index.Readiness(() if ready else NOT_READY, ready)
    state = index.AccountState.from_get_account(account("sandbox_new"))
    return index.held_outcome(desired(index, **props), state, readiness, "pid")


def test_hold_sends_no_request_and_succeeds_reporting_the_findings(index: ModuleType) -> None:
    outcome = held(index, False, WhenNotReady="HOLD")
    assert outcome.status == "SUCCESS"
    assert outcome.data["SandboxStatus"] == "SANDBOX"
    assert outcome.data["Ready"] == "false"
    assert outcome.data["ReadinessFindings"] == "NO_VERIFIED_IDENTITY,NO_BOUNCE_COMPLAINT_HANDLING"


def test_fails_without_a_request_under_fail_naming_the_findings(index: ModuleType) -> None:
    outcome = held(index, False, WhenNotReady="FAIL")
    assert outcome.status == "FAILED"
    assert "NO_VERIFIED_IDENTITY, NO_BOUNCE_COMPLAINT_HANDLING; no request was sent" in (
        outcome.reason
    )
    assert "a DENIED review is final" in outcome.advice


def test_submit_goes_on_with_the_request_when_not_ready(index: ModuleType) -> None:
    assert held(index, False, WhenNotReady="SUBMIT") is None


@pytest.mark.parametrize("policy", ["SUBMIT", "HOLD", "FAIL"])
def test_a_ready_account_gets_its_request_whatever_the_policy(
    index: ModuleType, policy: str
) -> None:
    assert held(index, True, WhenNotReady=policy) is None


@pytest.mark.parametrize("ready", [True, False])
def test_report_only_never_requests_and_reports(index: ModuleType, ready: bool) -> None:
    outcome = held(index, ready, ReportOnly="true", WhenNotReady="SUBMIT")
    assert outcome.status == "SUCCESS"
    assert outcome.data["Ready"] == ("true" if ready else "false")


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"WhenNotReady": "WAIT"}, r"^WhenNotReady 'WAIT' is not one of SUBMIT, HOLD, FAIL"),
        ({"ReportOnly": "maybe"}, r"^ReportOnly 'maybe' is not a boolean: set report_only"),
    ],
)
def test_fails_on_a_bad_readiness_property(
    index: ModuleType, props: dict[str, str], message: str
) -> None:
    with pytest.raises(index.PropertyError, match=message):
        desired(index, **props)


# --- reading it: SES v2 and v1 through the Stubber --------------------------------------


class FakeClock:
    """A monotonic clock that moves only when the code under test sleeps or calls SES."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class Scripted:
    """An SES client answering each operation from a table, one second a call; the
    operations in `throttle` are always throttled."""

    def __init__(
        self, answers: dict[str, Any], clock: FakeClock, throttle: tuple[str, ...] = ()
    ) -> None:
        self.answers, self.clock, self.throttle = answers, clock, throttle
        self.calls: list[tuple[str, float]] = []

    def __getattr__(self, name: str) -> Any:
        from botocore.exceptions import ClientError

        def call(**params: Any) -> Any:
            self.calls.append((name, self.clock()))
            self.clock.sleep(1.0)
            if name in self.throttle:
                error = {"Code": "Throttling", "Message": "Rate exceeded"}
                raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}},
                                  name)
            return self.answers[name]

        return call


def client(service: str) -> Any:
    return botocore.session.get_session().create_client(
        service, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


class Ses:
    """SES v2 and v1 clients, each with a Stubber checking requests against the model."""

    def __init__(self) -> None:
        self.v2, self.v1 = client("sesv2"), client("ses")
        self.stub2, self.stub1 = Stubber(self.v2), Stubber(self.v1)

    def identities(self, *names: str, page_size: int = 1000, token: str | None = None) -> None:
        params: dict[str, Any] = {"PageSize": page_size}
        if token:
            params["NextToken"] = token
        listed = [
            {
                "IdentityType": "EMAIL_ADDRESS" if "@" in n else "DOMAIN",
                "IdentityName": n, "SendingEnabled": True, "VerificationStatus": "SUCCESS",
            }
            for n in names
        ]
        self.stub2.add_response("list_email_identities", {"EmailIdentities": listed}, params)

    def domain(self, name: str, dkim: str = "SUCCESS", mail_from: str = "SUCCESS") -> None:
        self.stub2.add_response(
            "get_email_identity",
            {
                "DkimAttributes": {"Status": dkim},
                "MailFromAttributes": {
                    "MailFromDomain": f"mail.{name}", "MailFromDomainStatus": mail_from,
                    "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
                },
            },
            {"EmailIdentity": name},
        )

    def configuration_sets(self, *sets: tuple[str, list[str]]) -> None:
        """Each set with one enabled destination for `types`."""
        self.destinations(*((name, [types]) for name, types in sets))

    def destinations(self, *sets: tuple[str, list[list[str]]]) -> None:
        """Each set with one enabled destination per list of types."""
        self.stub2.add_response(
            "list_configuration_sets", {"ConfigurationSets": [n for n, _ in sets]},
            {"PageSize": 10},
        )
        for name, destinations in sets:
            self.stub2.add_response(
                "get_configuration_set_event_destinations",
                {"EventDestinations": [
                    {
                        "Name": f"d{number}", "Enabled": True, "MatchingEventTypes": types,
                        "SnsDestination": {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:t"},
                    }
                    for number, types in enumerate(destinations)
                ]},
                {"ConfigurationSetName": name},
            )

    def topics(self, identities: list[str], both: bool, forwarding: bool = True) -> None:
        attributes = {
            name: {
                "BounceTopic": "arn:aws:sns:eu-west-1:123456789012:b" if both else "",
                "ComplaintTopic": "arn:aws:sns:eu-west-1:123456789012:c" if both else "",
                "DeliveryTopic": "", "ForwardingEnabled": forwarding,
            }
            for name in identities
        }
        self.stub1.add_response(
            "get_identity_notification_attributes",
            {"NotificationAttributes": attributes}, {"Identities": identities},
        )

    def check(self, index: ModuleType, suppressed: tuple[str, ...] = ()) -> Any:
        ses = index.SesAccount(self.v2, REGION, time.monotonic() + 30, v1_client=lambda: self.v1)
        state = index.AccountState.from_get_account(
            account("sandbox_new", SuppressionAttributes={"SuppressedReasons": list(suppressed)})
        )
        with self.stub2, self.stub1:
            holding = desired(index, WhenNotReady="HOLD")
            readiness, _ = index.check_readiness(ses, holding, state, "p")
            self.stub2.assert_no_pending_responses()
            self.stub1.assert_no_pending_responses()
        return readiness


@pytest.fixture
def ses() -> Ses:
    return Ses()


def test_a_dkim_domain_and_the_suppression_list_make_a_ready_account(
    index: ModuleType, ses: Ses
) -> None:
    ses.identities("example.com")
    ses.domain("example.com")
    assert ses.check(index, suppressed=("BOUNCE", "COMPLAINT")).findings == ()


def test_an_event_destination_for_bounces_and_complaints_counts_as_handling(
    index: ModuleType, ses: Ses
) -> None:
    ses.identities("example.com")
    ses.domain("example.com")
    ses.configuration_sets(("deliveries", ["DELIVERY"]), ("feedback", ["BOUNCE", "COMPLAINT"]))
    assert ses.check(index, suppressed=("BOUNCE",)).ready is True


def test_notification_topics_for_both_count_as_handling(index: ModuleType, ses: Ses) -> None:
    ses.identities("example.com", "ops@example.com")
    ses.domain("example.com")
    ses.configuration_sets()
    ses.topics(["example.com", "ops@example.com"], both=True)
    assert ses.check(index).findings == ()


def test_feedback_forwarding_turned_off_without_topics_still_reaches_the_sender(
    index: ModuleType, ses: Ses
) -> None:
    # Possible through SES v2, CloudFormation and ses.EmailIdentity(feedback_forwarding=
    # False); SES then still emails bounces and complaints (see above).
    ses.identities("example.com")
    ses.domain("example.com")
    ses.configuration_sets()
    ses.topics(["example.com"], both=False, forwarding=False)
    readiness = ses.check(index)
    assert (readiness.findings, readiness.ready) == (("BOUNCES_BY_EMAIL_ONLY",), True)


def test_bounces_that_come_only_by_email_do_not_hold_the_request_back(
    index: ModuleType, ses: Ses
) -> None:
    ses.identities("example.com")
    ses.domain("example.com")
    ses.configuration_sets()
    ses.topics(["example.com"], both=False, forwarding=True)
    readiness = ses.check(index)
    assert (readiness.findings, readiness.ready) == (("BOUNCES_BY_EMAIL_ONLY",), True)


def test_two_destinations_of_one_set_together_cover_bounces_and_complaints(
    index: ModuleType, ses: Ses
) -> None:
    ses.identities("example.com")
    ses.domain("example.com")
    ses.destinations(("feedback", [["BOUNCE"], ["COMPLAINT", "DELIVERY"]]))
    readiness = ses.check(index)  # no v1 read: the Stubber fails on an unqueued call
    assert (readiness.findings, readiness.ready) == ((), True)


def test_two_sets_with_one_type_each_do_not_cover_both(index: ModuleType, ses: Ses) -> None:
    # Mail goes out with one set at a time: each set must take both.
    ses.identities("example.com")
    ses.domain("example.com")
    ses.destinations(("bounces", [["BOUNCE"]]), ("complaints", [["COMPLAINT"]]))
    ses.topics(["example.com"], both=False, forwarding=True)
    assert ses.check(index).findings == ("BOUNCES_BY_EMAIL_ONLY",)


def test_a_denied_notification_read_keeps_what_the_other_reads_established(
    index: ModuleType, ses: Ses
) -> None:
    # A service control policy may deny the SES v1 call.
    ses.identities("example.com")
    ses.domain("example.com")
    ses.configuration_sets()
    ses.stub1.add_client_error(
        "get_identity_notification_attributes", "AccessDenied", "denied", 403,
        {"Identities": ["example.com"]},
    )
    readiness = ses.check(index)
    assert readiness.findings == ("BOUNCES_BY_EMAIL_ONLY", "NOTIFICATIONS_UNREADABLE")
    assert readiness.ready is True


def test_a_denied_second_page_of_identities_keeps_the_first_pages_domain(
    index: ModuleType, ses: Ses
) -> None:
    ses.stub2.add_response(
        "list_email_identities",
        {"EmailIdentities": [{
            "IdentityType": "DOMAIN", "IdentityName": "example.com", "SendingEnabled": True,
            "VerificationStatus": "SUCCESS",
        }], "NextToken": "page-2"},
        {"PageSize": 1000},
    )
    ses.stub2.add_client_error(
        "list_email_identities", "AccessDeniedException", "denied", 403,
        {"PageSize": 1000, "NextToken": "page-2"},
    )
    ses.domain("example.com")
    readiness = ses.check(index, suppressed=BOTH)
    assert (readiness.findings, readiness.ready) == ((), True)


def test_a_set_that_cannot_be_read_does_not_hide_a_later_one_that_takes_both(
    index: ModuleType, ses: Ses
) -> None:
    ses.identities("example.com")
    ses.domain("example.com")
    ses.stub2.add_response(
        "list_configuration_sets", {"ConfigurationSets": ["gone", "feedback"]}, {"PageSize": 10}
    )
    ses.stub2.add_client_error(  # deleted between the list and the read
        "get_configuration_set_event_destinations", "NotFoundException", "gone", 404,
        {"ConfigurationSetName": "gone"},
    )
    ses.stub2.add_response(
        "get_configuration_set_event_destinations",
        {"EventDestinations": [{
            "Name": "d", "Enabled": True, "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
            "SnsDestination": {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:t"},
        }]},
        {"ConfigurationSetName": "feedback"},
    )
    readiness = ses.check(index)  # no v1 read: the second set takes both
    assert (readiness.findings, readiness.ready) == (("EVENT_DESTINATIONS_UNREADABLE",), True)


def test_readiness_reads_throttled_past_their_time_never_fail_the_deployment(
    index: ModuleType,
) -> None:
    # The SES v1 API allows one GetIdentityNotificationAttributes a second. Throttled past
    # the readiness reads' deadline (the SES deadline less the longest a Put can take), the
    # read is its finding; a Put goes out only with time for its answer, else the request
    # is held (SUCCESS), never a FAILED Create that rolls the stack back.
    clock = FakeClock()
    v2 = Scripted({"get_account": account("sandbox_new"), "list_email_identities": {
        "EmailIdentities": [{"IdentityType": "DOMAIN", "IdentityName": "example.com",
                             "SendingEnabled": True, "VerificationStatus": "SUCCESS"}]},
        "get_email_identity": {"DkimAttributes": {"Status": "SUCCESS"}},
        "list_configuration_sets": {"ConfigurationSets": []},
        "put_account_details": {}}, clock)
    v1 = Scripted({}, clock, throttle=("get_identity_notification_attributes",))
    deadline, put_seconds = 100.0, 25.0

    def factory(wanted: Any) -> Any:
        return index.SesAccount(
            v2, REGION, deadline, clock=clock, sleep=clock.sleep, v1_client=lambda: v1,
            put_seconds=put_seconds,
        )

    event = load_event("create")
    event["ResourceProperties"]["WhenNotReady"] = "HOLD"
    outcome = index.process(event, factory, REGION, index.Progress())
    assert outcome.status == "SUCCESS"
    assert "NOTIFICATIONS_UNREADABLE" in outcome.data["ReadinessFindings"]
    assert all(t < deadline - put_seconds for _, t in v1.calls)
    puts = [t for name, t in v2.calls if name == "put_account_details"]
    assert all(t + put_seconds <= deadline for t in puts)
    assert outcome.data["SandboxStatus"] == ("PENDING_REVIEW" if puts else "SANDBOX")


def test_a_request_left_too_little_time_by_the_readiness_reads_is_held(
    index: ModuleType,
) -> None:
    clock = FakeClock()
    v2 = Scripted({"get_account": account("sandbox_new"), "list_email_identities": {
        "EmailIdentities": [{"IdentityType": "DOMAIN", "IdentityName": "example.com",
                             "SendingEnabled": True, "VerificationStatus": "SUCCESS"}]},
        "get_email_identity": {"DkimAttributes": {"Status": "SUCCESS"}},
        "list_configuration_sets": {"ConfigurationSets": []}}, clock)
    v1 = Scripted({"get_identity_notification_attributes": {"NotificationAttributes": {}}},
                  clock)

    def factory(wanted: Any) -> Any:  # each call takes 1 s: the last read ends at t=4
        return index.SesAccount(
            v2, REGION, 6.5, clock=clock, sleep=clock.sleep, v1_client=lambda: v1,
            put_seconds=3.0,
        )

    event = load_event("create")
    event["ResourceProperties"]["WhenNotReady"] = "HOLD"
    outcome = index.process(event, factory, REGION, index.Progress())
    assert (outcome.status, outcome.data["SandboxStatus"]) == ("SUCCESS", "SANDBOX")
    assert [name for name, _ in v2.calls].count("put_account_details") == 0

def test_a_denied_identity_detail_read_is_its_own_finding(index: ModuleType, ses: Ses) -> None:
    ses.identities("example.com", "example.org")
    ses.stub2.add_client_error(
        "get_email_identity", "AccessDeniedException", "denied", 403,
        {"EmailIdentity": "example.com"},
    )  # and no second read: one denial says enough
    readiness = ses.check(index, suppressed=BOTH)
    assert (readiness.findings, readiness.ready) == (("IDENTITY_DETAILS_UNREADABLE",), True)


def test_a_denied_destination_read_falls_back_on_the_notification_topics(
    index: ModuleType, ses: Ses
) -> None:
    ses.identities("example.com")
    ses.domain("example.com")
    ses.stub2.add_client_error(
        "list_configuration_sets", "AccessDeniedException", "denied", 403, {"PageSize": 10}
    )
    ses.topics(["example.com"], both=True)
    readiness = ses.check(index)
    assert (readiness.findings, readiness.ready) == (("EVENT_DESTINATIONS_UNREADABLE",), True)


def test_no_identity_at_all_is_not_ready(index: ModuleType, ses: Ses) -> None:
    ses.identities()
    ses.configuration_sets()
    readiness = ses.check(index)
    assert readiness.findings == ("NO_VERIFIED_IDENTITY", "NO_BOUNCE_COMPLAINT_HANDLING")
    assert readiness.ready is False


def test_a_domain_without_dkim_or_mail_from_is_reported(index: ModuleType, ses: Ses) -> None:
    ses.identities("example.com")
    ses.domain("example.com", dkim="PENDING", mail_from="FAILED")
    readiness = ses.check(index, suppressed=("BOUNCE", "COMPLAINT"))
    assert readiness.findings == ("DKIM_NOT_SET_UP", "NO_CUSTOM_MAIL_FROM")
    assert readiness.ready is True


def test_identities_are_read_page_by_page(index: ModuleType, ses: Ses) -> None:
    ses.stub2.add_response(
        "list_email_identities",
        {"EmailIdentities": [], "NextToken": "page-2"},
        {"PageSize": 1000},
    )
    ses.identities("example.com", token="page-2")
    ses.domain("example.com")
    assert ses.check(index, suppressed=("BOUNCE", "COMPLAINT")).ready is True


def test_configuration_sets_are_read_page_by_page(index: ModuleType, ses: Ses) -> None:
    ses.identities("example.com")
    ses.domain("example.com")
    first = [f"set-{n}" for n in range(10)]
    ses.stub2.add_response(
        "list_configuration_sets", {"ConfigurationSets": first, "NextToken": "page-2"},
        {"PageSize": 10},
    )
    ses.stub2.add_response(
        "list_configuration_sets", {"ConfigurationSets": ["set-10"]},
        {"PageSize": 10, "NextToken": "page-2"},
    )
    for name in first:
        ses.stub2.add_response(
            "get_configuration_set_event_destinations", {"EventDestinations": []},
            {"ConfigurationSetName": name},
        )
    ses.stub2.add_response(
        "get_configuration_set_event_destinations",
        {"EventDestinations": [{
            "Name": "d", "Enabled": True, "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
            "SnsDestination": {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:t"},
        }]},
        {"ConfigurationSetName": "set-10"},
    )
    readiness = ses.check(index)
    assert "NO_BOUNCE_COMPLAINT_HANDLING" not in readiness.findings
    assert readiness.ready is True


def test_a_denied_identity_listing_holds_back_naming_that_check_not_a_failure(
    index: ModuleType, ses: Ses
) -> None:
    ses.stub2.add_client_error(
        "list_email_identities", "AccessDeniedException", "denied", 403, {"PageSize": 1000}
    )
    ses.configuration_sets()
    readiness = ses.check(index)
    assert (readiness.findings, readiness.ready) == (("IDENTITIES_UNREADABLE",), False)


def test_a_thousand_identities_cost_a_bounded_number_of_calls(
    index: ModuleType, ses: Ses
) -> None:
    domains = [f"d{n}.example.com" for n in range(1000)]
    ses.identities(*domains)
    for name in domains[: index.READINESS_MAX_DOMAINS]:
        ses.domain(name)
    started = time.monotonic()
    readiness = ses.check(index, suppressed=("BOUNCE", "COMPLAINT"))
    assert time.monotonic() - started < 2.0
    assert readiness.ready is True
    # 1 list + 10 domains: the Stubber fails on any call beyond those queued.


# --- end to end: the handler's decisions with readiness --------------------------------


def run(
    index: ModuleType, receiver: ResponseReceiver, ses: Ses, props: dict[str, str]
) -> dict[str, Any]:
    event = load_event("create", receiver.url)
    event["ResourceProperties"].update(props)
    with ses.stub2, ses.stub1:
        index.run(
            event, Context(10.0), lambda region: ses.v2, lambda s, t: None,
            lambda region: ses.v1,
        )
        ses.stub2.assert_no_pending_responses()
    return receiver.only_response()


def test_an_unready_account_under_hold_gets_no_request(
    index: ModuleType, response_receiver: ResponseReceiver, ses: Ses
) -> None:
    ses.stub2.add_response("get_account", account("sandbox_new"), {})
    ses.identities()
    ses.configuration_sets()
    response = run(index, response_receiver, ses, {"WhenNotReady": "HOLD"})
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "SANDBOX"
    assert response["Data"]["ReadinessFindings"].startswith("NO_VERIFIED_IDENTITY")


def test_a_ready_account_gets_exactly_one_request(
    index: ModuleType, response_receiver: ResponseReceiver, ses: Ses
) -> None:
    ses.stub2.add_response(
        "get_account",
        account("sandbox_new", SuppressionAttributes={"SuppressedReasons": list(BOTH)}),
        {},
    )
    ses.identities("example.com")
    ses.domain("example.com")
    ses.stub2.add_response("put_account_details", {}, expected_put())
    ses.stub2.add_response("get_account", account("pending"), {})
    response = run(index, response_receiver, ses, {"WhenNotReady": "HOLD"})
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"
    assert response["Data"]["Ready"] == "true"


def test_report_only_never_requests(
    index: ModuleType, response_receiver: ResponseReceiver, ses: Ses
) -> None:
    ses.stub2.add_response("get_account", account("sandbox_new"), {})
    ses.identities()
    ses.configuration_sets()
    response = run(index, response_receiver, ses, {"ReportOnly": "true"})
    assert (response["Status"], response["Data"]["SandboxStatus"]) == ("SUCCESS", "SANDBOX")


def test_readiness_costs_no_call_when_nothing_needs_doing(
    index: ModuleType, response_receiver: ResponseReceiver, ses: Ses
) -> None:
    ses.stub2.add_response("get_account", account("production"), {})
    props = {"WhenNotReady": "HOLD", "ReportOnly": "true"}
    response = run(index, response_receiver, ses, props)
    assert response["Data"]["SandboxStatus"] == "PRODUCTION"
    assert (response["Data"]["Ready"], response["Data"]["ReadinessFindings"]) == ("NONE", "NONE")


# --- an independent peer: moto's SES v2 and v1 --------------------------------------------


def test_readiness_read_from_moto_as_an_independent_peer(index: ModuleType) -> None:
    import boto3
    from support.moto_server import moto_server

    with moto_server() as url:
        options: dict[str, Any] = {
            "endpoint_url": url, "region_name": REGION,
            "aws_access_key_id": "testing", "aws_secret_access_key": "testing",
        }
        v2, v1 = boto3.client("sesv2", **options), boto3.client("ses", **options)
        v2.create_email_identity(EmailIdentity="example.com")
        v2.create_email_identity(EmailIdentity="ops@example.com")
        ses = index.SesAccount(v2, REGION, time.monotonic() + 30, v1_client=lambda: v1)
        state = index.AccountState.from_get_account(account("sandbox_new"))
        readiness, held = index.check_readiness(
            ses, desired(index, WhenNotReady="HOLD"), state, "pid"
        )
    # moto verifies identities at once, reports no DKIM, no configuration set and no
    # notification topic, and email feedback forwarding on (SES's default): a verified
    # domain whose bounces come by email, which holds nothing back.
    assert readiness.findings == ("DKIM_NOT_SET_UP", "NO_CUSTOM_MAIL_FROM", "BOUNCES_BY_EMAIL_ONLY")
    assert readiness.ready is True
    assert held is None
