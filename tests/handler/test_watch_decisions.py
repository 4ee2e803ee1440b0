"""The watcher's decisions without I/O: last known record and fresh state in, new record
and the channels to tell out. One test per transition."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

ACCOUNT, REGION, NOW = "123456789012", "eu-west-1", "2026-11-26T12:00:00Z"
CHANNELS = ("Topic", "DefaultBus", "StatusBus")


def data(index: ModuleType, **members: str) -> dict[str, str]:
    base = dict.fromkeys(index.DATA_KEYS, "NONE")
    base.update(
        SandboxStatus="SANDBOX", ProductionAccessEnabled="false", SendingEnabled="true",
        EnforcementStatus="HEALTHY", MaxSendRate="1", Max24HourSend="200",
    )
    base.update(members)
    return base


def record(index: ModuleType, **members: Any) -> Any:
    undelivered = members.pop("undelivered", [])
    return {
        "Account": ACCOUNT, "Region": REGION, **data(index, **members),
        "ObservedAt": "2026-11-26T11:00:00Z", "Undelivered": undelivered,
    }


PENDING = {"SandboxStatus": "PENDING_REVIEW", "ReviewStatus": "PENDING", "CaseId": "1770"}
GRANTED = {
    "SandboxStatus": "PRODUCTION", "ProductionAccessEnabled": "true", "ReviewStatus": "GRANTED",
    "CaseId": "1770", "MaxSendRate": "14", "Max24HourSend": "50000",
}
DENIED = {"SandboxStatus": "DENIED", "ReviewStatus": "DENIED", "CaseId": "1770"}


def observe(index: ModuleType, old: Any, new: dict[str, str]) -> Any:
    return index.observe(old, new, ACCOUNT, REGION, CHANNELS, NOW)


def test_the_first_observation_is_recorded_and_told_to_nobody(index: ModuleType) -> None:
    seen = observe(index, None, data(index, **PENDING))
    assert seen.send == ()
    assert seen.record["SandboxStatus"] == "PENDING_REVIEW"
    assert (seen.record["Account"], seen.record["Region"]) == (ACCOUNT, REGION)


def test_no_change_no_message(index: ModuleType) -> None:
    seen = observe(index, record(index, **PENDING), data(index, **PENDING))
    assert seen.send == ()


def test_a_quota_change_alone_is_recorded_but_not_told(index: ModuleType) -> None:
    seen = observe(index, record(index, **GRANTED), data(index, **{**GRANTED, "MaxSendRate": "50"}))
    assert seen.send == ()
    assert seen.record["MaxSendRate"] == "50"


def test_sandbox_to_pending_is_told_everywhere(index: ModuleType) -> None:
    seen = observe(index, record(index), data(index, **PENDING))
    assert seen.send == CHANNELS
    assert seen.previous == "SANDBOX"


def test_pending_to_granted_is_told_everywhere(index: ModuleType) -> None:
    seen = observe(index, record(index, **PENDING), data(index, **GRANTED))
    assert seen.send == CHANNELS
    assert seen.record["PreviousSandboxStatus"] == "PENDING_REVIEW"


def test_pending_to_denied_is_told_everywhere(index: ModuleType) -> None:
    seen = observe(index, record(index, **PENDING), data(index, **DENIED))
    assert seen.send == CHANNELS


@pytest.mark.parametrize(
    "change", [{"EnforcementStatus": "PROBATION"}, {"SendingEnabled": "false"}]
)
def test_an_enforcement_or_sending_change_is_told(
    index: ModuleType, change: dict[str, str]
) -> None:
    seen = observe(index, record(index, **GRANTED), data(index, **GRANTED, **change))
    assert seen.send == CHANNELS


def test_channels_a_change_did_not_reach_are_tried_again_and_only_they(
    index: ModuleType,
) -> None:
    old = record(index, undelivered=["Topic"], **GRANTED)
    seen = observe(index, old, data(index, **GRANTED))
    assert seen.send == ("Topic",)


def test_a_newer_change_goes_to_every_channel_once(index: ModuleType) -> None:
    old = record(index, undelivered=["Topic"], **PENDING)
    seen = observe(index, old, data(index, **GRANTED))
    assert seen.send == CHANNELS


# The record's ObservedAt is 11:00; the runs below are at these epoch seconds.
AN_HOUR_LATER = 1795694400.0  # 2026-11-26T12:00:00Z
A_DAY_LATER = AN_HOUR_LATER + 23 * 3600


@pytest.mark.parametrize(("members", "final"), [(GRANTED, True), (DENIED, True), (PENDING, False)])
def test_a_final_region_costs_no_ses_call_within_a_day(
    index: ModuleType, members: dict[str, str], final: bool
) -> None:
    assert index.needs_ses(record(index, **members), AN_HOUR_LATER) is not final
    assert index.needs_ses(None, AN_HOUR_LATER) is True


@pytest.mark.parametrize("members", [GRANTED, DENIED])
def test_a_final_region_is_read_again_a_day_after_its_last_read(
    index: ModuleType, members: dict[str, str]
) -> None:
    """PRODUCTION can go to PROBATION or SHUTDOWN and an appeal can turn DENIED into
    GRANTED: no AWS event says so (docs/watching.md), so a final Region is read daily."""
    assert index.needs_ses(record(index, **members), A_DAY_LATER) is True


def test_a_record_without_a_readable_time_is_read_again(index: ModuleType) -> None:
    old = {**record(index, **GRANTED), "ObservedAt": "yesterday"}
    assert index.needs_ses(old, AN_HOUR_LATER) is True


def test_the_held_flag_is_recorded_and_a_change_of_it_alone_is_not_told(
    index: ModuleType,
) -> None:
    seen = index.observe(record(index), data(index), ACCOUNT, REGION, CHANNELS, NOW, True)
    assert seen.record["HeldRequest"] is True
    assert seen.send == ()


# --- When a held request may go out -------------------------------------------------

HOUR = 3600.0


def test_a_held_request_goes_out_in_one_run_of_every_four_at_the_default_rate(
    index: ModuleType,
) -> None:
    runs = [AN_HOUR_LATER + n * HOUR for n in range(8)]
    due = [index.request_due(ACCOUNT, at, 60) for at in runs]
    assert due.count(True) == 2
    assert due.index(True) < 4


def test_accounts_are_spread_over_the_four_hourly_slots(index: ModuleType) -> None:
    accounts = [f"{n:012d}" for n in range(100000000000, 100000000008)]
    slots = {min(n for n in range(4) if index.request_due(a, n * HOUR, 60)) for a in accounts}
    assert slots == {0, 1, 2, 3}


@pytest.mark.parametrize("minutes", [5, 60, 90, 360, 1440])
def test_every_account_gets_a_slot_whatever_the_rate(index: ModuleType, minutes: int) -> None:
    for account in ("123456789012", "210987654321", "000000000007"):
        runs = [n * minutes * 60.0 for n in range(4 * 60 // minutes + 1)]
        assert any(index.request_due(account, at, minutes) for at in runs), account


def test_a_run_without_its_time_may_send(index: ModuleType) -> None:
    """An input from an older template has no Time: nothing to spread by."""
    assert index.request_due(ACCOUNT, None, 60) is True


def test_the_run_time_comes_from_the_schedule_input(index: ModuleType) -> None:
    raw = {"Regions": ["eu-west-1"], "ParameterPrefix": "/p/", "IntervalMinutes": 30,
           "Time": "2026-11-26T12:00:00Z"}  # fmt: skip
    watch = index.parse_watch(raw)
    assert (watch.interval_minutes, watch.scheduled_at) == (30, AN_HOUR_LATER)


def test_held_requests_are_kept_under_the_prefix_by_region(index: ModuleType) -> None:
    assert index.held_request_name("/ses/prod/", "eu-west-1") == "/ses/prod/held/eu-west-1"


# --- What a deployment leaves for the schedule ----------------------------------------


def desired(index: ModuleType, **changes: Any) -> Any:
    base = index.Desired("eu-west-1", "TRANSACTIONAL", "https://example.com",
                         additional_contact_email_addresses=("ops@example.com",),
                         when_not_ready="HOLD")  # fmt: skip
    return index.dataclasses.replace(base, **changes)


def outcome(index: ModuleType, status: str = "SUCCESS", **members: str) -> Any:
    return index.Outcome(status, "id", data(index, **members))


def test_a_successful_answer_in_the_sandbox_leaves_a_held_request(index: ModuleType) -> None:
    assert index.is_held(outcome(index, Ready="false"), desired(index)) is True


@pytest.mark.parametrize("members", [PENDING, GRANTED, DENIED])
def test_an_open_or_decided_review_leaves_nothing_held(
    index: ModuleType, members: dict[str, str]
) -> None:
    assert index.is_held(outcome(index, **members), desired(index)) is False


def test_report_only_leaves_nothing_held(index: ModuleType) -> None:
    assert index.is_held(outcome(index), desired(index, report_only=True)) is False


def test_a_failed_answer_leaves_nothing_held(index: ModuleType) -> None:
    """WhenNotReady.FAIL: the deployment fails and rolls back."""
    assert index.is_held(outcome(index, "FAILED"), desired(index)) is False


def test_a_held_request_keeps_what_it_will_send_and_reads_back_the_same(
    index: ModuleType,
) -> None:
    wanted = desired(index, contact_language="JA", use_case_description="Receipts.")
    kept = index.held_properties(wanted)
    assert not {"FailOnDenied", "ParameterPrefix", "TopicArn", "StatusBusArn"} & set(kept)
    again = index.parse_properties(kept, None)
    assert again.put_account_details_params() == wanted.put_account_details_params()
    assert again.when_not_ready == "HOLD"


def test_after_a_deployment_the_status_bus_is_not_told_twice(index: ModuleType) -> None:
    watch = index.Watch(("eu-west-1",), "/p/", "arn:aws:sns:eu-west-1:1:t", "arn:x")
    assert watch.channels("Schedule") == CHANNELS
    assert watch.channels("Update") == ("Topic", "DefaultBus")


def test_the_email_says_what_changed_and_what_to_do(index: ModuleType) -> None:
    seen = observe(index, record(index, **PENDING), data(index, **GRANTED))
    subject, message = index.notification(seen.record)
    assert subject == "Amazon SES eu-west-1 (123456789012): PRODUCTION"
    assert "now PRODUCTION (was PENDING_REVIEW)" in message
    assert "support case 1770" in message
    assert "50000 messages per 24 hours, 14 per second" in message
    assert "You may now send to any recipient" in message


def test_the_email_on_a_denial_says_how_to_appeal(index: ModuleType) -> None:
    seen = observe(index, record(index, **PENDING), data(index, **DENIED))
    assert "Reply in the support case" in index.notification(seen.record)[1]


def test_the_email_warns_of_enforcement(index: ModuleType) -> None:
    probation = data(index, **GRANTED, EnforcementStatus="PROBATION")
    seen = observe(index, record(index, **GRANTED), probation)
    assert "under enforcement" in index.notification(seen.record)[1]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], r"is not an object"),
        ({"Regions": ["eu-west-1\n"], "ParameterPrefix": "/p/"}, r"Regions must be a list"),
        ({"Regions": ["eu-west-1"]}, r"ParameterPrefix is required"),
        ({"Regions": ["eu-west-1"], "ParameterPrefix": "p"}, r"^ParameterPrefix 'p' is not"),
        (
            {"Regions": ["eu-west-1"], "ParameterPrefix": "/p/", "TopicArn": "topic"},
            r"^TopicArn 'topic' is not an SNS topic",
        ),
    ],
)
def test_fails_on_a_damaged_schedule_input(index: ModuleType, raw: Any, message: str) -> None:
    with pytest.raises(index.PropertyError, match=message):
        index.parse_watch(raw)


def test_regions_are_watched_once_each_in_order(index: ModuleType) -> None:
    raw = {"Regions": ["us-east-1", "eu-west-1", "us-east-1"], "ParameterPrefix": "/p/"}
    assert index.parse_watch(raw).regions == ("us-east-1", "eu-west-1")


def test_parameter_names_are_the_prefix_and_the_region(index: ModuleType) -> None:
    assert index.parameter_name("/ses/prod/", "eu-west-1") == "/ses/prod/eu-west-1"
    assert index.parameter_name("/ses/prod", "eu-west-1") == "/ses/prod/eu-west-1"


def test_denied_to_granted_after_an_appeal_is_told_everywhere(index: ModuleType) -> None:
    seen = observe(index, record(index, **DENIED), data(index, **GRANTED))
    assert seen.send == CHANNELS
    assert seen.previous == "DENIED"


# --- A held request at a scheduled run, without I/O -------------------------------------
# ask_again with a kept request and an account whose GetAccount answers are scripted; the
# readiness checks stand replaced by their verdict (they are tested on their own).


class Account:
    """What SesAccount offers submit(): GetAccount answers in turn, PutAccountDetails counted."""

    def __init__(self, index: ModuleType, *states: Any) -> None:
        self.index = index
        self.states = list(states)
        self.puts: list[Any] = []

    def get_account(self) -> Any:
        return self.states.pop(0) if len(self.states) > 1 else self.states[0]

    def put_account_details(self, desired: Any, before: Any) -> None:
        self.puts.append(desired)

    def pause(self, seconds: float) -> bool:
        return False


class Kept:
    """A held request in its store: read, claimed (once, or never), forgotten."""

    def __init__(self, index: ModuleType, claimable: bool = True) -> None:
        self.properties = index.held_properties(desired(index))
        self.claimable = claimable
        self.claims = 0
        self.forgotten = False

    def read(self, name: str) -> Any:
        return None if self.forgotten else (self.properties, "v1")

    def claim(self, name: str, properties: Any, version: str, now: float) -> bool:
        self.claims += 1
        return self.claimable

    def forget(self, name: str) -> None:
        self.forgotten = True


SANDBOX_STATE = {"ProductionAccessEnabled": False}
PENDING_STATE = {
    "ProductionAccessEnabled": False,
    "Details": {"ReviewDetails": {"Status": "PENDING", "CaseId": "1770"}},
}


def ask(index: ModuleType, monkeypatch: pytest.MonkeyPatch, ready: bool, account: Account,
        kept: Kept, due: bool = True) -> Any:  # fmt: skip
    verdict = index.Readiness(() if ready else ("NO_VERIFIED_IDENTITY",), ready)

    def check(ses: Any, wanted: Any, state: Any, physical_id: str) -> Any:
        return verdict, index.held_outcome(wanted, state, verdict, physical_id)

    monkeypatch.setattr(index, "check_readiness", check)
    before = index.AccountState.from_get_account(SANDBOX_STATE)
    return index.ask_again(account, kept, "/p/held/eu-west-1", before, due)


def test_held_and_still_not_ready_sends_nothing_and_keeps_the_request(
    index: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    account, kept = Account(index, index.AccountState()), Kept(index)
    state, readiness, still = ask(index, monkeypatch, False, account, kept)
    assert account.puts == []
    assert (readiness.ready, still, kept.claims) == (False, True, 0)
    assert index.sandbox_status(state) == "SANDBOX"


def test_held_then_ready_is_submitted_once_and_forgotten_once_pending(
    index: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    pending = index.AccountState.from_get_account(PENDING_STATE)
    account, kept = Account(index, pending), Kept(index)
    state, readiness, still = ask(index, monkeypatch, True, account, kept)
    (sent,) = account.puts
    assert sent.put_account_details_params() == desired(index).put_account_details_params()
    assert (readiness.ready, still, kept.forgotten) == (True, False, True)
    assert index.sandbox_status(state) == "PENDING_REVIEW"


def test_a_ready_request_outside_the_accounts_slot_waits(
    index: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    account, kept = Account(index, index.AccountState()), Kept(index)
    _, _, still = ask(index, monkeypatch, True, account, kept, due=False)
    assert (account.puts, still, kept.claims) == ([], True, 0)


def test_a_request_another_run_has_claimed_is_not_sent_again(
    index: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    account, kept = Account(index, index.AccountState()), Kept(index, claimable=False)
    _, _, still = ask(index, monkeypatch, True, account, kept)
    assert (account.puts, still, kept.claims) == ([], True, 1)


def test_an_accepted_request_is_forgotten_before_ses_shows_its_review(
    index: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GetAccount is eventually consistent: once SES has taken the request, submit()
    reports the review it opened, so the request is not sent again at the next run."""
    account, kept = Account(index, index.AccountState()), Kept(index)
    state, _, still = ask(index, monkeypatch, True, account, kept)
    assert len(account.puts) == 1
    assert index.sandbox_status(state) == "PENDING_REVIEW"
    assert (still, kept.forgotten) == (False, True)


class SecretsClient:
    """Secrets Manager's PutSecretValue, recorded (no I/O)."""

    def __init__(self) -> None:
        self.puts: list[Any] = []

    def put_secret_value(self, **params: Any) -> dict[str, Any]:
        self.puts.append(params)
        return {}


def test_a_claim_still_in_flight_is_not_claimed_again(index: ModuleType) -> None:
    """A run that reads the version another run's claim wrote (the claim it is sending)
    must not claim it anew and send a second request."""
    client = SecretsClient()
    kept = index.HeldRequests(client)
    claimed = {**index.held_properties(desired(index)), "ClaimedAt": AN_HOUR_LATER - 60}
    assert kept.claim("/p/held/eu-west-1", claimed, "v2", AN_HOUR_LATER) is False
    assert client.puts == []


def test_a_claim_older_than_a_run_is_taken_over(index: ModuleType) -> None:
    """A run that claimed and then failed (its Put refused, the function stopped): a later
    run may send the request, while SES still shows no review."""
    client = SecretsClient()
    kept = index.HeldRequests(client)
    stale = {**index.held_properties(desired(index)), "ClaimedAt": AN_HOUR_LATER - 3600}
    assert kept.claim("/p/held/eu-west-1", stale, "v2", AN_HOUR_LATER) is True
    (put,) = client.puts
    assert len(put["ClientRequestToken"]) == 36  # botocore: 32 to 64 characters
    assert index.json.loads(put["SecretString"])["ClaimedAt"] == AN_HOUR_LATER
