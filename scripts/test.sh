#!/usr/bin/env bash
# Lint, format check and the whole test suite (unit, AppTest, browser). Browser tests need
# Chromium at /usr/bin/chromium (Debian: apt-get install -y chromium) or HMHB_CHROMIUM.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh requirements-dev.txt
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
