"""Issue 14.1 through the role: a harden run cut between two registry writes, then the next harden run.

The first run's win_schannel process ends after its 4th write (the twin's ``cut_after_writes`` fault: writes 1-3 are
the collection's key, the lease and the intent, the 4th is the first value of the change), so the host holds part of
the change and the run's write-ahead intent. The next harden run plans from the state the rollback of that run will
leave (``_planning.settled_facts``), settles it (default ``schannel_interrupted_run: rollback``), writes its plan,
leaves no lease or intent behind and says so in the fleet report; the run after it changes nothing.
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

    second = playbook("harden.yml", doc["inventory"], role_vars(tmp_path))
    assert second.returncode == 0, second.stdout[-4000:]
    assert "had left web2008 mid-change; it was rolled back to the state before it" in second.stdout
    hardened = registry(doc, "web2008")
    assert RUN_KEY not in hardened, "intent or lease left after the run that settled it"
    assert hardened != before
    host = hosts_by_name(load_report(tmp_path / "reports", "schannel-report"))["web2008"]
    assert host["status"] != "failed", host
    notes = " ".join(host.get("notes") or [])
    assert "an interrupted run of win_schannel" in notes and "rolled back first" in notes, host

    third = playbook("harden.yml", doc["inventory"], role_vars(tmp_path))
    assert third.returncode == 0, third.stdout[-3000:]
    assert registry(doc, "web2008") == hardened  # converged: nothing left to write
    host = hosts_by_name(load_report(tmp_path / "reports", "schannel-report"))["web2008"]
    assert "interrupted" not in " ".join(host.get("notes") or [])
