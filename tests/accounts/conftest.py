"""A real OpenID Connect provider (oidc-provider-mock) run as a process on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider():
    """The provider's issuer address. Nonces are required, as a council's provider would."""
    port = free_port()
    command = Path(sys.executable).parent / "oidc-provider-mock"
    process = subprocess.Popen(
        [str(command), "--port", str(port), "--require-nonce", "true"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError("oidc-provider-mock did not start")
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
