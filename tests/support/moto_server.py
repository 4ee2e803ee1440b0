"""moto's server on 127.0.0.1 (an independent peer for EventBridge, SQS, SSM, SNS and
Secrets Manager), and the environment that points boto3 clients at it."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from moto.server import ThreadedMotoServer

# moto's default account: the test events' StackId names the same one.
MOTO_ACCOUNT = "123456789012"
SERVICES = ("EVENTBRIDGE", "SQS", "SSM", "SNS", "SECRETS_MANAGER")


@contextmanager
def moto_server() -> Iterator[str]:
    """A fresh moto server (its state empty); yields its URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # moto keeps its state in the process, across servers: start from nothing.
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()
    try:
        yield url
    finally:
        server.stop()


def moto_environment(url: str) -> dict[str, str]:
    """Per-service endpoint variables (boto3 reads AWS_ENDPOINT_URL_<serviceId>) and
    dummy credentials."""
    env = {f"AWS_ENDPOINT_URL_{name}": url for name in SERVICES}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    return env
