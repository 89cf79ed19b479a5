"""Today's date: the one place the code asks for it, so tests can pin it (tests/conftest.py does)."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    return dt.date.today()
