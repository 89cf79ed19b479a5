"""Admin access for the Data page: where the secret comes from, constant-time checks, slowed retries.

Pure: no Streamlit, and the clock is passed in, so throttling is tested without waiting.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass

ENV_VAR = "HMHB_ADMIN_SECRET"
SECRETS_KEY = "admin_secret"
MIN_SECRET_LENGTH = 8

HOW_TO_ENABLE = (
    "Editing data is off because no admin secret is configured. To turn it on, set the environment "
    f'variable `{ENV_VAR}` before starting the app, or add `{SECRETS_KEY} = "..."` to '
    "`.streamlit/secrets.toml` (that file is never committed). Use a long random value, at least "
    f"{MIN_SECRET_LENGTH} characters, and share it only with the people who publish data."
)


def configured_secret(secrets: Mapping | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """The admin secret from Streamlit secrets (first) or the environment; None if unset or too short."""
    environ = os.environ if environ is None else environ
    candidates = []
    if secrets is not None:
        # st.secrets raises when there is no secrets.toml at all.
        with contextlib.suppress(Exception):
            candidates.append(secrets.get(SECRETS_KEY))
    candidates.append(environ.get(ENV_VAR))
    for value in candidates:
        if isinstance(value, str) and len(value.strip()) >= MIN_SECRET_LENGTH:
            return value.strip()
    return None


def matches(given: str, secret: str) -> bool:
    """Compare in constant time (hmac.compare_digest), whatever the lengths."""
    return hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


@dataclass(frozen=True)
class Attempt:
    ok: bool
    wait_s: float  # how long until the next attempt is accepted (0 when it may be tried now)
    message: str


class Throttle:
    """Failed attempts double the wait before the next try is even checked (1 s, 2 s, 4 s ... 5 min).

    One instance per server process is shared by every session, so opening new tabs does not reset it.
    """

    def __init__(self, free_failures: int = 2, base_s: float = 1.0, max_s: float = 300.0):
        self.free_failures = free_failures
        self.base_s = base_s
        self.max_s = max_s
        self.failures = 0
        self.locked_until = 0.0
        self._lock = threading.Lock()

    def delay_after(self, failures: int) -> float:
        if failures <= self.free_failures:
            return 0.0
        return min(self.base_s * 2 ** (failures - self.free_failures - 1), self.max_s)

    def attempt(self, given: str, secret: str, now: float) -> Attempt:
        with self._lock:
            if now < self.locked_until:
                wait = self.locked_until - now
                return Attempt(False, wait, f"Too many wrong passwords: try again in {wait:.0f} s.")
            if matches(given, secret):
                self.failures = 0
                self.locked_until = 0.0
                return Attempt(True, 0.0, "")
            self.failures += 1
            delay = self.delay_after(self.failures)
            self.locked_until = now + delay
            message = "Wrong password."
            if delay:
                message += f" Wait {delay:.0f} s before the next try."
            return Attempt(False, delay, message)
