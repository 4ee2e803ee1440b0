"""The organisation's central bus, for the member template's function to report to: moto's
EventBridge on 127.0.0.1 (an independent peer, which refuses what its model refuses), with
a rule routing the bus's events to an SQS queue, read back from there.

The function reaches it through the standard ``AWS_ENDPOINT_URL_EVENTBRIDGE``. One moto
server serves the session, in a process of its own: moto keeps its state per process, and
other tests of this process reset theirs while the scenarios run in the background. Each
bus is new and has its own queue, so that scenarios side by side never see each other's
events.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

# The bus lives in another Region than the stack (eu-west-1): the function must call the
# bus's own Region, where alone the bus exists.
BUS_REGION = "us-east-1"
EVENT_SOURCE = "ses-production-access"
_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _client(service: str, url: str, region: str = BUS_REGION) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=url, **_CREDENTIALS)


@dataclass(frozen=True)
class RollupBus:
    """One bus, with a rule sending every status event to a queue."""

    url: str
    arn: str
    queue_url: str

    def events(self) -> list[dict[str, Any]]:
        """Every event the bus has received since the last call."""
        sqs = _client("sqs", self.url)
        received: list[dict[str, Any]] = []
        while True:
            messages = sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                return received
            for message in messages:
                received.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])


@dataclass(frozen=True)
class EventBridgeServer:
    """moto's server, started by the session (see conftest.py)."""

    url: str

    def environment(self) -> dict[str, str]:
        """What the function's environment needs to reach it."""
        return {"AWS_ENDPOINT_URL_EVENTBRIDGE": self.url}

    def client(self, service: str, region: str) -> Any:
        """A client of moto's `service` in `region` (the same server serves them all)."""
        return _client(service, self.url, region)

    def queue_of(self, name: str) -> RollupBus:
        """The bus `name` made earlier (by a scenario), to read its events."""
        sqs = _client("sqs", self.url)
        events = _client("events", self.url)
        arn = events.describe_event_bus(Name=name)["Arn"]
        queue_url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return RollupBus(url=self.url, arn=str(arn), queue_url=str(queue_url))

    def bus(self, name: str) -> RollupBus:
        events = _client("events", self.url)
        sqs = _client("sqs", self.url)
        arn = events.create_event_bus(Name=name)["EventBusArn"]
        queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        events.put_rule(
            Name="roll-up",
            EventBusName=name,
            EventPattern=json.dumps({"source": [EVENT_SOURCE]}),
        )
        events.put_targets(
            Rule="roll-up",
            EventBusName=name,
            Targets=[{"Id": "queue", "Arn": queue_arn["Attributes"]["QueueArn"]}],
        )
        return RollupBus(url=self.url, arn=str(arn), queue_url=str(queue_url))


STARTUP_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def eventbridge_server() -> Iterator[EventBridgeServer]:
    """moto's server in a process of its own on 127.0.0.1, until the context ends."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto's server did not start on {url}") from None
                time.sleep(0.1)
        yield EventBridgeServer(url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
