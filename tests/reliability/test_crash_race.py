"""Issue 14: two controllers write one host at the same time. Their module runs are two threads calling the twin's
double on one registry, as the twin's server runs two WinRM commands (one thread per connection); the store locks
per write only, so the runs interleave write by write as two PowerShell processes do, and the lease (taken under the
store lock, the twin's stand-in for the mutex Global\\tlsops.schannel) is all that keeps them apart.

Exactly one writes; the other is refused naming the holder and when its lease expires, with nothing written. A lease
left by a run that died expires by itself and is then taken over.
"""
from __future__ import annotations

import threading
import time

import pytest

from tests.conformance.test_vectors import VectorHost
from tests.twin import scenarios
from tests.twin.doubles import MODULES, runstate

from tests.reliability.faults_helpers import SCHANNEL, TLS10, TLS11


def _ops(path, data):
    return [{"path": path, "name": name, "state": "present", "type": "dword", "data": value, "reboot_reason": None}
            for name, value in (("Enabled", data), ("DisabledByDefault", 1 - data))]


def _host(tmp_path):
    registry = scenarios.stock("2019")
    registry.setdefault("HKLM\\SOFTWARE", {})
    return VectorHost({"windows_version": "2019", "registry_before": registry}, tmp_path)


def _call(host, operations, run_id, owner, **run):
    return MODULES["tlsops.schannel.win_schannel"](host, {
        "operations": operations, "run": dict({"id": run_id, "owner": owner}, **run),
        "_ansible_module_name": "win_schannel"})


def test_two_controllers_at_once_exactly_one_writes(tmp_path):
    """B calls while A is between its writes (A is held at its first Schannel write until B has its answer)."""
    host = _host(tmp_path)
    a_writing, b_done = threading.Event(), threading.Event()
    holder = {}

    def guard(path, name, action):
        if threading.current_thread().name == "controller-a" and path.lower().startswith(SCHANNEL.lower()):
            a_writing.set()
            assert b_done.wait(10), "B never answered"

    host.registry.write_guard = guard
    results = {}
    a = threading.Thread(target=lambda: results.__setitem__("a", _call(host, _ops(TLS10, 0), "awx-1:11:aa", "ops@awx-1")),
                         name="controller-a")
    a.start()
    assert a_writing.wait(10)
    holder.update(runstate.record(host.registry, "Lease")["value"])
    before_b = host.registry.dump()
    results["b"] = _call(host, _ops(TLS11, 0), "laptop:22:bb", "alice@laptop")
    assert host.registry.dump() == before_b  # B wrote nothing, not even a lease of its own
    b_done.set()
    a.join(10)
    assert results["a"].get("changed") and not results["a"].get("failed"), results["a"]
    b = results["b"]
    assert b["failed"] and b["lease"] == {"owner": "ops@awx-1", "run_id": "awx-1:11:aa", "expires": holder["expires"]}
    assert b["msg"] == ("the host is leased by ops@awx-1 (run awx-1:11:aa) until %s; nothing was written; wait for "
                        "that run to end or for the lease to expire" % holder["expires"])
    reg = host.registry.dump()
    assert reg[TLS10]["Enabled"]["data"] == 0 and TLS11 not in reg  # only A's change
    assert runstate.RUN_KEY not in reg  # A released its lease; B never had one


@pytest.mark.parametrize("round_", range(5))
def test_a_free_for_all_never_lets_two_runs_write_at_once(tmp_path, round_):
    """Four controllers start together; each write takes a little time. Whoever writes holds the lease for its whole
    run: no write of one run falls between the first and last write of another."""
    host = _host(tmp_path)
    log, lock = [], threading.Lock()

    def guard(path, name, action):
        if path.lower().startswith(SCHANNEL.lower()):
            with lock:
                log.append(threading.current_thread().name)
            time.sleep(0.01)

    host.registry.write_guard = guard
    start = threading.Barrier(4)
    results = {}
    paths = [SCHANNEL + "\\Protocols\\%s\\Server" % p for p in ("TLS 1.0", "TLS 1.1", "SSL 3.0", "SSL 2.0")]

    def controller(i):
        start.wait()
        results[i] = _call(host, _ops(paths[i], 0), "ctl-%d:%d:%02x" % (i, i, round_), "controller %d" % i)

    threads = [threading.Thread(target=controller, args=(i,), name="ctl-%d" % i) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    writers = [i for i, r in results.items() if not r.get("failed")]
    refused = [i for i, r in results.items() if r.get("failed")]
    assert writers and len(writers) + len(refused) == 4
    for i in refused:
        assert "the host is leased by controller " in results[i]["msg"] and results[i]["lease"]["owner"].startswith(
            "controller "), results[i]
        assert paths[i] not in host.registry.dump()  # a refused controller wrote nothing
    # the write log of each writer is one contiguous block: runs never interleave
    blocks = [name for k, name in enumerate(log) if k == 0 or log[k - 1] != name]
    assert len(blocks) == len(set(blocks)), log


def test_a_lease_left_by_a_dead_run_expires_and_is_taken_over(tmp_path):
    host = _host(tmp_path)
    # a run that never released its lease (release: false stands in for a process killed before its end)
    first = _call(host, _ops(TLS10, 0), "awx-1:11:aa", "ops@awx-1", lease_seconds=2, release=False)
    assert first["changed"]
    refused = _call(host, _ops(TLS11, 0), "laptop:22:bb", "alice@laptop")
    assert refused["failed"] and refused["lease"]["run_id"] == "awx-1:11:aa"
    time.sleep(3.1)  # the expiry has second precision: past it for sure
    taken = _call(host, _ops(TLS11, 0), "laptop:22:bb", "alice@laptop")
    assert taken["changed"] and not taken.get("failed"), taken
    assert runstate.RUN_KEY not in host.registry.dump()


def test_a_cut_counts_only_the_writes_of_its_own_module(tmp_path):
    """The twin's cut fault is per module run: writes another run makes meanwhile (another thread) do not count."""
    host = _host(tmp_path)
    other_wrote = threading.Event()

    def other():
        host.registry.reset_write_count(None)
        for i in range(5):
            host.registry.ensure_key(SCHANNEL + "\\Hashes\\Other%d" % i)
        other_wrote.set()

    def guard(path, name, action):
        if threading.current_thread().name == "cut-run" and path.lower().startswith(SCHANNEL.lower() + "\\protocols"):
            threading.Thread(target=other, name="other").start()
            assert other_wrote.wait(10)

    host.registry.write_guard = guard
    outcome = {}

    def cut_run():
        host.registry.reset_write_count(4)  # key, lease, intent, then the first Schannel write
        try:
            _call(host, _ops(TLS10, 0), "awx-1:11:aa", "ops@awx-1")
        except BaseException as exc:  # ProcessCut
            outcome["cut_after"] = host.registry.writes
            outcome["exc"] = type(exc).__name__
    t = threading.Thread(target=cut_run, name="cut-run")
    t.start()
    t.join(20)
    assert outcome == {"cut_after": 4, "exc": "ProcessCut"}, outcome
    assert runstate.record(host.registry, "Intent") is not None
