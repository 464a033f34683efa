"""Issue 14.1 through the role: a harden run cut between two registry writes, then the next harden runs.

The first run's win_schannel process ends after its 4th write (the twin's ``cut_after_writes`` fault: writes 1-3 are
the collection's key, the lease and the intent, the 4th is the first value of the change), so the host holds part of
the change and the run's write-ahead intent. The next harden run must settle it (default
``schannel_interrupted_run: rollback``), leave no lease or intent behind and say so in the fleet report. Its plan was
made from the host mid-change, so it is refused with that reason (nothing of it is written); the run after plans
from the settled host and converges. Planning from the state the recovery will leave, so that one run does both, is
not built.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.twin.faults import Faults

from .conftest import load_report, registry
from .test_role_e2e import hosts_by_name, role_vars

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]

RUN_KEY = "HKLM\\SOFTWARE\\tlsops\\schannel"


def test_a_cut_harden_run_is_settled_by_the_next_and_the_report_says_so(twins, playbook, tmp_path):
    doc = twins(["web2008:2008r2:rsa:2048:ios_ats_failure"])
    before = registry(doc, "web2008")
    Faults(Path(doc["state_dir"]) / "web2008" / "faults.json").update(cut_after_writes=4, cut_module="win_schannel")

    first = playbook("harden.yml", doc["inventory"], role_vars(tmp_path))
    assert first.returncode != 0, first.stdout[-3000:]
    cut = registry(doc, "web2008")
    assert "Intent" in cut.get(RUN_KEY, {}), "the cut run left no intent: %s" % sorted(cut)
    host = hosts_by_name(load_report(tmp_path / "reports", "schannel-report"))["web2008"]
    assert host["status"] == "failed" and host["failed_step"] == "apply", host

    # The next run settles the cut run first (schannel_interrupted_run: rollback). Its plan was made from the host
    # mid-change, so after the rollback it describes neither state: the apply task refuses it, writes nothing of it,
    # and says why; the host is back in its state before the cut run, with no intent or lease left.
    second = playbook("harden.yml", doc["inventory"], role_vars(tmp_path))
    assert second.returncode != 0
    assert "an interrupted run was rolled back first (win_schannel)" in second.stdout, second.stdout[-4000:]
    assert "plan again from the settled host" in second.stdout
    settled = registry(doc, "web2008")
    assert RUN_KEY not in settled, "intent or lease left after the run that settled it"
    assert settled == before
    host = hosts_by_name(load_report(tmp_path / "reports", "schannel-report"))["web2008"]
    notes = " ".join(host.get("notes") or [])
    assert "an interrupted run of win_schannel" in notes and "rolled back first" in notes, host

    # The run after that plans from the settled host and converges; the one after changes nothing.
    third = playbook("harden.yml", doc["inventory"], role_vars(tmp_path))
    assert third.returncode == 0, third.stdout[-3000:]
    hardened = registry(doc, "web2008")
    assert hardened != before and RUN_KEY not in hardened
    fourth = playbook("harden.yml", doc["inventory"], role_vars(tmp_path))
    assert fourth.returncode == 0, fourth.stdout[-3000:]
    assert registry(doc, "web2008") == hardened
    host = hosts_by_name(load_report(tmp_path / "reports", "schannel-report"))["web2008"]
    assert "interrupted" not in " ".join(host.get("notes") or [])
