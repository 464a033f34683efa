"""Fixtures that start twins and always stop them by PID (the twins also exit by themselves after ``lifetime``)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # `tests.twin` importable however pytest is started
from tests.twin import api  # noqa: E402

LIFETIME = 240.0


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    """``start(*specs, **kw) -> (state_dir, twins.json doc)``; everything started is stopped at module end."""
    started = []

    def _start(*specs, **kwargs):
        state = tmp_path_factory.mktemp("twins")
        kwargs.setdefault("lifetime", LIFETIME)
        kwargs.setdefault("reboot_downtime", 1.0)
        doc = api.start_twins(list(specs), state, **kwargs)
        started.append(state)
        return state, doc

    yield _start
    for state in started:
        api.stop_twins(state)
