"""Admin access for the Data page: where the secret comes from, constant-time checks, slowed retries.

Pure: no Streamlit, and the clock is passed in, so throttling is tested without waiting. Messages for
people are in the current language (i18n); the server log stays in English.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from hmhb_dash.i18n import _

log = logging.getLogger(__name__)

ENV_VAR = "HMHB_ADMIN_SECRET"
SECRETS_KEY = "admin_secret"
MIN_SECRET_LENGTH = 8

HOW_TO_ENABLE = (
    "Editing data is off because no admin secret is configured. To turn it on, set the environment "
    f'variable `{ENV_VAR}` before starting the app, or add `{SECRETS_KEY} = "..."` to '
    "`.streamlit/secrets.toml` (that file is never committed). Use a long random value, at least "
    f"{MIN_SECRET_LENGTH} characters, and share it only with the people who publish data."
)


def _candidates(secrets: Mapping | None, environ: Mapping[str, str] | None) -> list[tuple[str, object]]:
    """(where it was set, value) for Streamlit secrets first, then the environment."""
    environ = os.environ if environ is None else environ
    candidates = []
    if secrets is not None:
        # st.secrets raises when there is no secrets.toml at all.
        with contextlib.suppress(Exception):
            where = _("{key} in .streamlit/secrets.toml").format(key=SECRETS_KEY)
            candidates.append((where, secrets.get(SECRETS_KEY)))
    candidates.append((_("the environment variable {name}").format(name=ENV_VAR), environ.get(ENV_VAR)))
    return candidates


def configured_secret(secrets: Mapping | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """The admin secret from Streamlit secrets (first) or the environment; None if unset or too short."""
    for _where, value in _candidates(secrets, environ):
        if isinstance(value, str) and len(value.strip()) >= MIN_SECRET_LENGTH:
            return value.strip()
    return None


def secret_problem(secrets: Mapping | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """Why a secret that is set is not used (too short, not text), or None when there is nothing to say."""
    if configured_secret(secrets, environ) is not None:
        return None
    for where, value in _candidates(secrets, environ):
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            return _("The admin secret in {where} is not text, so editing data is off. Quote it.").format(
                where=where
            )
        return _(
            "The admin secret in {where} has {n} characters; at least {length} are needed, so editing "
            "data is off. Set a longer one and restart the app."
        ).format(where=where, n=len(value.strip()), length=MIN_SECRET_LENGTH)
    return None


def matches(given: str, secret: str) -> bool:
    """Compare in constant time (hmac.compare_digest), whatever the lengths."""
    return hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


@dataclass(frozen=True)
class Attempt:
    ok: bool
    wait_s: float  # how long until the next attempt is accepted (0 when it may be tried now)
    message: str


@dataclass
class _ClientState:
    failures: int = 0
    locked_until: float = 0.0


class Throttle:
    """Failed attempts double that client's wait before its next try is even checked (1 s, 2 s ... 5 min).

    One instance per server process is shared by every session, so opening new tabs does not reset it;
    the count is kept per client (its address), so one client's wrong passwords never lock out another.
    """

    def __init__(
        self, free_failures: int = 2, base_s: float = 1.0, max_s: float = 300.0, max_clients: int = 10_000
    ):
        self.free_failures = free_failures
        self.base_s = base_s
        self.max_s = max_s
        self.max_clients = max_clients
        self._clients: OrderedDict[str, _ClientState] = OrderedDict()
        self._lock = threading.Lock()

    def failures(self, client: str) -> int:
        state = self._clients.get(client)
        return state.failures if state else 0

    def _state(self, client: str) -> _ClientState:
        state = self._clients.pop(client, None) or _ClientState()
        self._clients[client] = state  # most recently seen last
        while len(self._clients) > self.max_clients:  # bounded memory, whatever the number of clients
            self._clients.popitem(last=False)
        return state

    def delay_after(self, failures: int) -> float:
        if failures <= self.free_failures:
            return 0.0
        return min(self.base_s * 2 ** (failures - self.free_failures - 1), self.max_s)

    def attempt(self, given: str, secret: str, now: float, client: str = "local") -> Attempt:
        with self._lock:
            state = self._state(client)
            if now < state.locked_until:
                wait = state.locked_until - now
                message = _("Too many wrong passwords: try again in {seconds} s.").format(
                    seconds=f"{wait:.0f}"
                )
                return Attempt(False, wait, message)
            if matches(given, secret):
                del self._clients[client]
                return Attempt(True, 0.0, "")
            state.failures += 1
            delay = self.delay_after(state.failures)
            state.locked_until = now + delay
            log.warning("Failed admin sign-in from %s (%d in a row)", client, state.failures)
            message = _("Wrong password.")
            if delay:
                message += " " + _("Wait {seconds} s before the next try.").format(seconds=f"{delay:.0f}")
            return Attempt(False, delay, message)
