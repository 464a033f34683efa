"""Faults during apply, injected into a Windows host twin (tests/twin faults.json), through real ansible-playbook.

After each fault: the registry (the twin's registry.json) is the previous state or the new one, never a mix; the
previous state is saved on the controller; a re-run converges; and the task result says what happened.
"""
from __future__ import annotations

import os
import signal
import stat
import time
from pathlib import Path

import pytest

from tests.reliability.faults_helpers import TLS10, TLS11, TwinRun, restore_task, schannel_task

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]


def _private(path):
    path = Path(path)
    return stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_connection_drop_mid_apply(twin):
    t = twin()
    before = t.registry()
    t.faults(drop_connection=1, drop_module="win_schannel")
    (r,), dummy = t.run([schannel_task(backup=True, backup_dir=str(t.backups))])
    assert r["failed"] and "connection to the host was lost while win_schannel was writing" in r["msg"], r
    assert "run the task again to converge" in r["msg"] and r["outcome"] == "unknown"
    backup = r["backup_file"]
    assert backup and os.path.exists(backup) and _private(backup)  # the previous state reached the controller first
    after_fault = t.registry()

    # re-run converges; the reboot the interrupted writes may need is not forgotten
    (r2,), dummy = t.run([schannel_task()])
    assert not r2.get("failed"), r2
    converged = t.registry()
    assert after_fault in (before, converged), "a mix of old and new values after the drop"
    if after_fault == converged:  # the writes happened before the connection was cut (what the twin does)
        assert r2["changed"] is False and r2["reboot_required"] is False and r2["reboot_owed"]

    # the backup written before the first write puts the exact previous registry back
    (r3,), dummy = t.run([restore_task(backup)])
    assert not r3.get("failed"), r3
    assert t.registry() == before


def test_one_registry_write_fails(twin):
    t = twin()
    before = t.registry()
    t.faults(fail_writes=[{"path": TLS11, "name": "Enabled"}])
    (r,), dummy = t.run([schannel_task(backup=True, backup_dir=str(t.backups))])
    assert r["failed"] and "TLS 1.1" in r["msg"] and "Enabled" in r["msg"], r
    assert t.registry() == before, "the values written before the failure were not rolled back"
    assert r.get("backup_file") and os.path.exists(r["backup_file"])
    t.faults(fail_writes=None)
    (r2, r3), dummy = t.run([schannel_task(), schannel_task()])
    assert r2["changed"] is True and r3["changed"] is False, (r2, r3)
    assert t.registry()[TLS10]["Enabled"]["data"] == 0 and t.registry()[TLS11]["Enabled"]["data"] == 0


def test_host_does_not_come_back_within_the_reboot_timeout(twin):
    t = twin(reboot_downtime=0.5)
    boot = t.status().get("boot_time")
    t.faults(refuse_after_reboot=12)
    (r,), dummy = t.run([schannel_task(backup=True, backup_dir=str(t.backups), reboot=True, reboot_timeout=4)])
    assert r["failed"] and "the change was applied but the reboot failed" in r["msg"], r
    assert r["changed"] is True and r.get("backup_file") and os.path.exists(r["backup_file"])
    assert t.registry()[TLS10]["Enabled"]["data"] == 0  # the new state, complete
    assert t.wait_running(90), "the twin never came back"
    assert t.status().get("boot_time") != boot
    (r2,), dummy = t.run([schannel_task()])
    assert r2["changed"] is False and r2["reboot_required"] is False, r2
    assert "reboot_owed" not in r2  # it did reboot in the end: nothing owed
    assert "TLS 1.0" not in (t.status().get("served") or {}).get("protocols", ["TLS 1.0"])


def test_controller_interrupted_between_apply_and_reboot(twin):
    t = twin()
    boot = t.status().get("boot_time")
    # apply, then a long step standing in for "waiting for the reboot handler"; the controller is killed there
    proc, _out = t.start([schannel_task(backup=True, backup_dir=str(t.backups)),
                          {"name": "waiting for the reboot", "ansible.builtin.pause": {"seconds": 60}}])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(t.backups.glob("*.reg")):
        time.sleep(0.2)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)  # our own process group (start_new_session), by PID
    proc.wait(timeout=30)
    backups = list(t.backups.glob("*.reg"))
    assert len(backups) == 1 and _private(backups[0])
    assert t.registry()[TLS10]["Enabled"]["data"] == 0 and t.status().get("boot_time") == boot

    # the re-run finds nothing to write but still owes the reboot; a run with reboot: true settles it
    (r2,), dummy = t.run([schannel_task()])
    assert r2["changed"] is False and r2["reboot_required"] is False and r2["reboot_owed"], r2
    assert any("previous run" in w for w in r2.get("warnings", [])), r2.get("warnings")
    (r3, r4), dummy = t.run([schannel_task(reboot=True), schannel_task()])
    assert r3["rebooted"] is True, r3
    assert r4["changed"] is False and r4["reboot_required"] is False and "reboot_owed" not in r4, r4


def test_role_reports_a_dropped_connection_and_a_rerun_converges(tmp_path):
    """The whole role (harden.yml) with the connection cut during win_schannel: the report names the step and what
    happened, the previous state is on the controller, and the next run finishes the job (reboot included)."""
    import json

    from tests.reliability.faults_helpers import REPO, VENV_BIN

    t = TwinRun(tmp_path / "role", "web2008:2008r2:rsa:2048:ios_ats_failure")
    try:
        before = t.registry()
        t.faults(drop_connection=1, drop_module="win_schannel")
        extra = {"schannel_target": "twins", "schannel_profile": "ios_ats",
                 "schannel_verify": {"endpoints": [{"port": "{{ tlsops_twin_https_port }}"}], "policies": ["ios_ats"],
                                     "clients": ["ios9_ats"], "validate_certs": False},  # twins: self-signed
                 "schannel_backup_dir": str(tmp_path / "backups"), "schannel_report_dir": str(tmp_path / "reports")}
        (tmp_path / "vars.json").write_text(json.dumps(extra))
        cmd = [str(VENV_BIN / "ansible-playbook"), "-i", str(t.inventory), str(REPO / "playbooks" / "harden.yml"),
               "-e", "@%s" % (tmp_path / "vars.json")]
        import subprocess

        first = subprocess.run(cmd, cwd=str(REPO), env=t.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=400, check=False)
        assert first.returncode != 0
        report = json.loads((tmp_path / "reports" / "schannel-report.json").read_text())
        (host,) = report["hosts"]
        assert host["status"] == "failed" and host["failed_step"] == "apply", host
        assert "connection to the host was lost" in host["msg"], host["msg"]
        saved = list((tmp_path / "backups").rglob("*.reg"))  # one folder per host (and per run)
        assert saved, "no backup of the previous state on the controller"
        after_fault = t.registry()

        second = subprocess.run(cmd, cwd=str(REPO), env=t.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                timeout=400, check=False)
        assert second.returncode == 0, second.stdout[-4000:].decode(errors="replace")
        report = json.loads((tmp_path / "reports" / "schannel-report.json").read_text())
        (host,) = report["hosts"]
        assert host["rebooted"] is True, host  # the reboot the cut run owed happens now
        ios = {c["client"]: c for c in host["endpoints"][0]["clients"]}["ios9_ats"]
        assert ios["connects"] is True
        converged = t.registry()
        assert after_fault in (before, converged) or all(
            after_fault.get(k) in (before.get(k), converged.get(k)) for k in set(after_fault) | set(converged))
    finally:
        t.stop()


def test_connection_drop_while_setting_the_policy_suite_order(twin):
    t = twin()
    before = t.registry()
    t.faults(drop_connection=1, drop_module="win_tls_cipher_suites")
    suites = ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    task = {"name": "order", "tlsops.schannel.win_tls_cipher_suites": {"cipher_suites": suites, "scope": "policy",
                                                                       "backup": True, "backup_dir": str(t.backups)}}
    (r,), dummy = t.run([task])
    assert r["failed"] and "connection to the host was lost while win_tls_cipher_suites was writing" in r["msg"], r
    assert r["backup_file"] and os.path.exists(r["backup_file"]) and _private(r["backup_file"])
    after_fault = t.registry()
    plain = dict(task, **{"tlsops.schannel.win_tls_cipher_suites": {"cipher_suites": suites, "scope": "policy"}})
    (r2,), dummy = t.run([plain])
    assert after_fault in (before, t.registry()), "a mix of old and new values after the drop"
    assert r2["reboot_required"] or r2.get("reboot_owed")  # written (now or before) and not yet booted
    (r3,), dummy = t.run([restore_task(r["backup_file"])])
    assert not r3.get("failed"), r3
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regops

    # exactly the previous state under the managed keys (the twin also stores the parents above them)
    assert _regops.same_state(t.registry(), before, roots=rm.MANAGED_KEYS)
