"""Reliability suite: faults, hostile input, fuzzing, secrets.

Fuzzing budget: a bounded number of hypothesis examples per property in ``make test`` (fast), thousands in the
long mode: ``TLSOPS_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/reliability -m 'not e2e'``.
No global hypothesis profile is loaded (that would change other suites' tests); each property takes
:func:`fuzz_settings`.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.reliability.faults_helpers import TwinRun

FUZZ_EXAMPLES = int(os.environ.get("TLSOPS_FUZZ_EXAMPLES", "0") or 0)


def fuzz_settings(fast: int):
    """Settings for one property: ``fast`` examples in make test, TLSOPS_FUZZ_EXAMPLES in the long mode."""
    return settings(max_examples=FUZZ_EXAMPLES or fast, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example])


@pytest.fixture
def twin(tmp_path):
    """``twin(spec="web01:2019", **kwargs)`` -> a started :class:`TwinRun`; every twin started is stopped after."""
    runs = []

    def start(spec="web01:2019", **kwargs):
        t = TwinRun(tmp_path / ("t%d" % len(runs)), spec, **kwargs)
        runs.append(t)
        return t

    yield start
    for t in runs:
        t.stop()
