"""Admin access: where the secret comes from, constant-time comparison, slowed retries."""

from __future__ import annotations

import hmac

import pytest

from hmhb_dash import admin


class RaisingSecrets:
    """Like st.secrets with no secrets.toml: any access raises."""

    def get(self, key, default=None):
        raise FileNotFoundError("no secrets.toml")


def test_secret_from_environment():
    assert admin.configured_secret(None, {admin.ENV_VAR: "correct horse"}) == "correct horse"


def test_secret_from_streamlit_secrets_first():
    secrets = {admin.SECRETS_KEY: "from-secrets-file"}
    assert admin.configured_secret(secrets, {admin.ENV_VAR: "from-environment"}) == "from-secrets-file"


def test_missing_secrets_file_falls_back_to_environment():
    assert (
        admin.configured_secret(RaisingSecrets(), {admin.ENV_VAR: "from-environment"}) == "from-environment"
    )


@pytest.mark.parametrize("value", [None, "", "   ", "short", 12345678])
def test_no_usable_secret_means_editing_is_off(value):
    env = {} if value is None or not isinstance(value, str) else {admin.ENV_VAR: value}
    secrets = {admin.SECRETS_KEY: value} if value is not None else {}
    assert admin.configured_secret(secrets, env) is None


def test_how_to_enable_names_both_ways():
    assert admin.ENV_VAR in admin.HOW_TO_ENABLE and "secrets.toml" in admin.HOW_TO_ENABLE


def test_comparison_uses_compare_digest(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(admin.hmac, "compare_digest", spy)
    assert admin.matches("s3cret-value", "s3cret-value")
    assert not admin.matches("s3cret-valuX", "s3cret-value")
    assert not admin.matches("", "s3cret-value")
    assert len(calls) == 3


def test_failures_are_slowed_down_exponentially():
    throttle = admin.Throttle(free_failures=2, base_s=1, max_s=60)
    now = 1000.0
    waits = []
    for _ in range(9):
        attempt = throttle.attempt("wrong", "the-secret", now)
        assert not attempt.ok
        waits.append(attempt.wait_s)
        now += attempt.wait_s  # wait exactly as long as told
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 60]


def test_a_locked_out_attempt_is_not_even_checked():
    throttle = admin.Throttle(free_failures=0, base_s=10)
    assert throttle.attempt("wrong", "the-secret", 0).wait_s == 10
    early = throttle.attempt("the-secret", "the-secret", 5)  # right password, too soon
    assert not early.ok and early.wait_s == pytest.approx(5) and "try again" in early.message
    assert throttle.attempt("the-secret", "the-secret", 10.5).ok


def test_success_resets_the_count():
    throttle = admin.Throttle(free_failures=1, base_s=1)
    throttle.attempt("a", "the-secret", 0)
    throttle.attempt("b", "the-secret", 0)
    assert throttle.attempt("the-secret", "the-secret", 100).ok
    assert throttle.failures("local") == 0
    assert throttle.attempt("c", "the-secret", 100).wait_s == 0
