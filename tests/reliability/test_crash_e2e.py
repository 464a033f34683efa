"""Issue 14 end to end: real ansible-playbook against a Windows host twin whose module process is cut after N
registry writes (faults.json ``cut_after_writes``), and a lease held by another controller.

A cut run leaves its write-ahead intent on the host; the next run of the task (a new ansible-playbook, so a new
controller process) takes over the dead run's lease, rolls the interrupted change back (``interrupted_run`` default),
does the task and says so in ``recovered``; the run after that changes nothing. A lease of another controller makes
the task fail naming the holder and its expiry with nothing written; an expired one is taken over.
"""
from __future__ import annotations

import json

import pytest

from tests.reliability.faults_helpers import TLS10, schannel_task

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]

RUN_KEY = "HKLM\\SOFTWARE\\tlsops\\schannel"


def _without_run_key(registry):
    return {k: v for k, v in registry.items() if not k.lower().startswith("hklm\\software\\tlsops")}


def _lease_task(run_id, owner, expires):
    lease = {"owner": owner, "run_id": run_id, "expires": expires, "module": "win_schannel"}
    return {"name": "another controller's lease", "ansible.windows.win_regedit": {
        "path": "HKLM:\\SOFTWARE\\tlsops\\schannel", "name": "Lease", "type": "string", "data": json.dumps(lease)}}


@pytest.mark.parametrize("choice", ["rollback", "finish"])
def test_cut_mid_apply_then_the_next_run_settles_it(twin, choice):
    t = twin()
    before = t.registry()
    # writes 1-3: the collection's key, the lease, the intent; 4-: the change itself (cut after its first write)
    t.faults(cut_after_writes=4, cut_module="win_schannel")
    (r,), out = t.run([schannel_task(backup=True, backup_dir=str(t.backups))])
    assert r["failed"] and r["outcome"] == "unknown", r
    assert "the PowerShell process of win_schannel ended before it answered" in r["msg"], r["msg"]
    assert "write-ahead intent" in r["msg"] and "run the task again to converge" in r["msg"]
    cut = t.registry()
    intent = json.loads(cut[RUN_KEY]["Intent"]["data"])
    assert intent["module"] == "win_schannel" and intent["undo"] and intent["operations"]
    assert _without_run_key(cut) != _without_run_key(before)  # mid-change: part of it is written

    (r2,), out = t.run([schannel_task(interrupted_run=choice)])
    assert not r2.get("failed"), r2
    assert r2["recovered"]["action"] == choice and r2["recovered"]["interrupted"]["run_id"] == intent["run_id"], r2
    assert any("took over the lease" in w for w in r2.get("warnings", [])), r2.get("warnings")  # the dead run's
    assert any("had left" in w and "mid-change" in w for w in r2.get("warnings", [])), r2.get("warnings")
    converged = t.registry()
    assert RUN_KEY not in converged and "HKLM\\SOFTWARE\\tlsops" not in converged  # no intent, no lease left
    assert converged[TLS10]["Enabled"]["data"] == 0
    # rollback: the task then wrote the whole change (changed); finish: the recovery did, nothing left to write
    assert r2["changed"] is (choice == "rollback"), r2
    (r3,), out = t.run([schannel_task()])
    assert r3["changed"] is False and "recovered" not in r3, r3


def test_interrupted_run_fail_leaves_the_host_as_it_is(twin):
    t = twin()
    t.faults(cut_after_writes=4, cut_module="win_schannel")
    t.run([schannel_task()])
    cut = t.registry()
    (r,), out = t.run([schannel_task(interrupted_run="fail")])
    assert r["failed"] and "interrupted_run: fail leaves it" in r["msg"] and r["interrupted"]["undo"], r
    assert t.registry() == cut
    (r2,), out = t.run([schannel_task(interrupted_run="sometimes")])
    assert r2["failed"] and "interrupted_run" in r2["msg"] and "rollback" in r2["msg"], r2  # names the option
    assert t.registry() == cut


def test_cut_while_setting_the_local_order_keeps_winrm_and_is_rolled_back(twin):
    t = twin()
    suites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]
    task = {"name": "local order", "tlsops.schannel.win_tls_cipher_suites": {"cipher_suites": suites, "scope": "local"}}
    t.faults(cut_after_writes=5, cut_module="win_tls_cipher_suites")
    (r,), out = t.run([task])
    assert r["failed"] and r["outcome"] == "unknown", r
    assert "Intent" in t.registry()[RUN_KEY]
    (r2,), out = t.run([task])  # over WinRM: the management connection survived the cut
    assert not r2.get("failed") and r2["recovered"]["module"] == "win_tls_cipher_suites", r2
    assert r2["after"]["cipher_suites"] == suites
    (r3,), out = t.run([task])
    assert r3["changed"] is False, r3


def test_a_lease_of_another_controller_refuses_and_an_expired_one_is_taken_over(twin):
    t = twin()
    holder = "ops@awx-node-2 (pid 4242)"
    (seed,), out = t.run([_lease_task("awx-node-2:4242:0123456789abcdef", holder, "2099-01-01T00:00:00Z")])
    assert seed.get("changed"), seed
    before = t.registry()
    (r,), out = t.run([schannel_task(backup=True, backup_dir=str(t.backups))])
    assert r["failed"] and r["lease"]["owner"] == holder, r
    assert r["msg"] == ("the host is leased by %s (run awx-node-2:4242:0123456789abcdef) until 2099-01-01T00:00:00Z; "
                        "nothing was written; wait for that run to end or for the lease to expire" % holder)
    assert t.registry() == before  # nothing written, the holder's lease untouched
    assert not list(t.backups.glob("*.reg"))  # the pre-write backup of a refused run is not kept

    t.run([_lease_task("awx-node-2:4242:0123456789abcdef", holder, "2001-01-01T00:00:00Z")])
    (r2,), out = t.run([schannel_task(run_owner="nightly hardening job")])
    assert not r2.get("failed") and r2["changed"] is True, r2
    assert RUN_KEY not in t.registry()  # taken over, released, removed
