"""Concurrency: two runs against the same host cannot interleave writes (plugins/plugin_utils/_host_state.py).

The lock is controller-side (flock per host address and port, held from the first read to the end of the reboot);
the second run fails at once with a message naming the holder, having read and written nothing. A killed holder
never leaves a stale lock. Owed reboots are remembered per host until its boot time moves.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ansible_collections.tlsops.schannel.plugins.action.win_schannel import ActionModule
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _host_state as host_lock
from tests.reliability.faults_helpers import SCHANNEL, TwinRun, schannel_task
from tests.unit.plugins.action.test_win_harness import Recorder, run_action

TV = {"inventory_hostname": "web01", "ansible_host": "127.0.0.1", "ansible_port": 5985}


def test_second_lock_on_the_same_host_fails_naming_the_holder():
    with host_lock.HostLock(TV, "tlsops.schannel.win_schannel"):
        with pytest.raises(host_lock.HostLocked) as info:
            with host_lock.HostLock(dict(TV, inventory_hostname="alias-of-web01"), "other", wait=0):
                pass
    text = str(info.value)
    assert "another tlsops.schannel run" in text and "PID %d" % os.getpid() in text
    assert "tlsops.schannel.win_schannel" in text and "nothing was read or written" in text
    with host_lock.HostLock(TV, "again", wait=0):  # released
        pass


def test_other_hosts_and_ports_are_not_blocked():
    with host_lock.HostLock(TV):
        with host_lock.HostLock(dict(TV, ansible_port=5986), wait=0):
            pass
        with host_lock.HostLock(dict(TV, ansible_host="127.0.0.2"), wait=0):
            pass


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    root = os.environ.get("TLSOPS_COLLECTIONS_ROOT", str(Path(__file__).resolve().parents[2] / ".cache" / "collections"))
    code = ("import sys,time; sys.path.insert(0, %r); "
            "from ansible_collections.tlsops.schannel.plugins.plugin_utils import _host_state as h; "
            "l=h.HostLock(%r, 'holder'); l.__enter__(); print('held', flush=True); time.sleep(60)" % (root, TV))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=dict(os.environ))
    try:
        assert proc.stdout.readline().strip() == b"held"
        with pytest.raises(host_lock.HostLocked, match="holder"):
            with host_lock.HostLock(TV, wait=0):
                pass
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    with host_lock.HostLock(TV, wait=0):
        pass


def test_locked_host_fails_the_task_before_any_read_or_write(monkeypatch):
    rec = Recorder()
    monkeypatch.setenv("TLSOPS_LOCK_WAIT", "0")
    with host_lock.HostLock({"inventory_hostname": "web01", "ansible_host": "127.0.0.1", "ansible_port": 5985}):
        result, rec = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}}, recorder=rec)
    assert result["failed"] and result["locked"] and "another tlsops.schannel run" in result["msg"]
    assert rec.calls == []


def test_lock_and_state_files_are_private():
    with host_lock.HostLock(TV) as lock:
        assert (os.stat(lock.path).st_mode & 0o777) == 0o600
        assert (os.stat(os.path.dirname(lock.path)).st_mode & 0o777) == 0o700
    host_lock.record_owed_reboot(TV, "2026-01-01T00:00:00Z", ["Schannel reads protocol settings at boot"])
    assert host_lock.owed_reboot(TV, "2026-01-01T00:00:00Z") == ["Schannel reads protocol settings at boot"]
    assert host_lock.owed_reboot(TV, "2026-01-02T00:00:00Z") == []  # rebooted since: nothing owed, record gone
    assert host_lock.owed_reboot(TV, "2026-01-01T00:00:00Z") == []


@pytest.mark.e2e
@pytest.mark.integration
@pytest.mark.slow
def test_two_playbooks_against_one_twin_do_not_interleave(tmp_path):
    t = TwinRun(tmp_path / "t", "web01:2019", reboot_downtime=3)
    try:
        first, first_out = t.start([schannel_task(reboot=True)])
        lock_dir = Path(os.environ["TLSOPS_STATE_DIR"]) / "locks"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait until the first run holds the host
            held = [p for p in lock_dir.glob("*.lock") if p.stat().st_size > 0] if lock_dir.exists() else []
            if held:
                break
            time.sleep(0.1)
        assert held, "the first run never took the lock"
        (second,), dummy = t.run([{"name": "other", "tlsops.schannel.win_schannel": {
            "protocols": {"TLS 1.0": "enabled"}}}], extra_env={"TLSOPS_LOCK_WAIT": "0"})
        stdout, dummy = first.communicate(timeout=300)
        (r1,) = json.loads(first_out.read_text())
    finally:
        t.stop()
    assert second["failed"] and "another tlsops.schannel run is changing this host" in second["msg"], second
    assert "PID" in second["msg"] and "win_schannel" in second["msg"]
    assert not r1.get("failed") and r1["changed"] and r1["rebooted"], r1
    assert t.registry()[SCHANNEL + "\\Protocols\\TLS 1.0\\Server"]["Enabled"]["data"] == 0  # only the first wrote
