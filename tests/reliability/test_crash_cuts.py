"""Issue 14: a write module's process ended after every possible number of writes, in-process against the twin's
doubles (the same call the twin's executor makes), for win_schannel (registry values) and win_tls_cipher_suites
(Group Policy order, the local CNG order, and the restore of a policy-order backup).

After each cut the host's registry is the old state, the new state, or it holds the run's write-ahead intent; the
recovery the action plugin runs (the intent's undo with ``run.recover``; or its operations for ``finish``) brings it
to the old (or the new) state, also when the recovery itself is cut; the task then converges (a second run changes
nothing). At every prefix, booted as it is, the host still serves TLS 1.2 and a suite the controller's WinRM client
over HTTPS negotiates. The lease of a cut run keeps another controller out until it expires, names its holder, and
lets nothing be written meanwhile.
"""
from __future__ import annotations

import copy
import json

import pytest

from tests.conformance.test_vectors import VectorHost, local_lists
from tests.twin import knowledge, scenarios
from tests.twin.doubles import MODULES, runstate
from tests.twin.registry import ProcessCut

RUN_KEY = runstate.RUN_KEY
SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
PROTOCOLS = SCHANNEL + "\\Protocols"
POLICY = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"
REASON = "protocol settings apply at boot"
# TLS 1.2 suites Python's ssl (the WinRM client of ansible's winrm/psrp connections) offers and an RSA certificate
# can serve: one of them must stay in effect at every prefix.
WINRM_SUITES = {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}
OLD_SUITES = ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
              "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
NEW_SUITES = ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
              "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]
OLD_CURVES = ["curve25519", "NistP256", "NistP384"]
NEW_CURVES = ["NistP384", "NistP256"]
VERSION = "2019"


def _dword(path, name, data):
    return {"path": path, "name": name, "state": "present", "type": "dword", "data": data, "reboot_reason": REASON}


def _protocol_ops():
    """Disable TLS 1.0/1.1 (server and client), state TLS 1.2 explicitly, switch RC4 off, drop an SSL 3.0 key: as the
    action plugin sends them, in the prefix-safe order of write_order.py."""
    ops = []
    for proto, on in (("TLS 1.2", True), ("TLS 1.0", False), ("TLS 1.1", False)):
        for side in ("Server", "Client"):
            path = "%s\\%s\\%s" % (PROTOCOLS, proto, side)
            ops += [_dword(path, "Enabled", 0xFFFFFFFF if on else 0), _dword(path, "DisabledByDefault", 0 if on else 1)]
    ops.append(_dword(SCHANNEL + "\\Ciphers\\RC4 128/128", "Enabled", 0))
    ops.append({"path": PROTOCOLS + "\\SSL 3.0", "name": None, "state": "absent", "type": None, "data": None,
                "reboot_reason": REASON})
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import write_order
    order = write_order.prefix_safe_order(VERSION, _initial_registry(), ops)
    assert order.safe
    return list(order.operations)


def _policy_restore_ops():
    """A policy-order backup as a run that created the policy key returns it: values, then the key."""
    reason = "the Group Policy cipher-suite and curve order is read at boot"
    return [{"path": POLICY, "name": name, "state": "absent", "type": None, "data": None, "reboot_reason": reason}
            for name in ("Functions", "EccCurves", None)]


def _initial_registry():
    reg = copy.deepcopy(scenarios.stock(VERSION))
    reg.setdefault("HKLM\\SOFTWARE", {})  # always there on Windows (the collection's key goes under it)
    for proto in ("TLS 1.0", "TLS 1.1"):
        for side in ("Server", "Client"):
            reg["%s\\%s\\%s" % (PROTOCOLS, proto, side)] = {
                "Enabled": {"type": "dword", "data": 1}, "DisabledByDefault": {"type": "dword", "data": 0}}
    reg[PROTOCOLS + "\\SSL 3.0\\Server"] = {"Enabled": {"type": "dword", "data": 0}}
    return reg


# -- the three ways a module writes ----------------------------------------------------------------------------
CASES = {
    "win_schannel": dict(module="win_schannel", local=None, writes=24, args=lambda: {"operations": _protocol_ops()}),
    "policy_order": dict(module="win_tls_cipher_suites", local=None, writes=9,
                         args=lambda: {"scope": "policy", "cipher_suites": NEW_SUITES, "ecc_curves": NEW_CURVES},
                         policy_before={"Functions": {"type": "string", "data": ",".join(OLD_SUITES)}}),
    "policy_restore": dict(module="win_tls_cipher_suites", local=None, writes=10,
                           args=lambda: {"scope": "policy", "restore": _policy_restore_ops()},
                           policy_before={"Functions": {"type": "string", "data": ",".join(NEW_SUITES)},
                                          "EccCurves": {"type": "multistring", "data": NEW_CURVES}}),
    "local_order": dict(module="win_tls_cipher_suites", local={"cipher_suites": OLD_SUITES, "ecc_curves": OLD_CURVES},
                        writes=20, args=lambda: {"scope": "local", "cipher_suites": NEW_SUITES, "ecc_curves": NEW_CURVES}),
}


def _host(case, tmp_path, tag):
    registry = _initial_registry()
    if case.get("policy_before"):
        registry[POLICY] = copy.deepcopy(case["policy_before"])
    vector = {"windows_version": VERSION, "registry_before": registry, "local_before": case["local"]}
    (tmp_path / tag).mkdir()
    return VectorHost(vector, tmp_path / tag)


def _call(host, module, args, run=None, check_mode=False):
    full = dict(args, _ansible_module_name=module, _ansible_check_mode=check_mode)
    if run is not None:
        full["run"] = run
    return MODULES["tlsops.schannel." + module](host, full)


def _state(host):
    """What matters of the host: its registry without the collection's own key."""
    return {k: v for k, v in host.registry.dump().items() if not k.lower().startswith("hklm\\software\\tlsops")}


def _booted(host):
    """The configuration the host serves when it boots (or, for the local order, at once) in this state."""
    lists = local_lists(host)
    return knowledge.effective().effective_state(VERSION, host.registry.dump(), local_cipher_suites=lists["cipher_suites"],
                                                 local_ecc_curves=lists["ecc_curves"])


def _reachable(host):
    state = _booted(host)
    return "TLS 1.2" in state.server_protocols and bool(WINRM_SUITES & set(state.cipher_suites))


def _run(owner):
    return {"id": "run-" + owner, "owner": owner}


def _full_run(case, tmp_path):
    """The uncut run: how many writes it makes, the old and the new state."""
    host = _host(case, tmp_path, "full")
    old = _state(host)
    host.registry.reset_write_count(None)
    result = _call(host, case["module"], case["args"](), _run("ctl-a"))
    assert result["changed"] and not result.get("failed"), result
    return host.registry.writes, old, _state(host)


def _cut(case, tmp_path, n, tag):
    host = _host(case, tmp_path, tag)
    host.registry.reset_write_count(n)
    with pytest.raises(ProcessCut):
        _call(host, case["module"], case["args"](), _run("ctl-a"))
    host.registry.reset_write_count(None)
    return host


def _recover(host, intent, run, choice="rollback"):
    """What the action plugin sends to settle an interrupted run (plugin_utils/_win_action.py ``recover``)."""
    source = intent["undo"] if choice == "rollback" else intent["operations"]
    if isinstance(source, dict):
        args = {"scope": "local", "cipher_suites": source["cipher_suites"], "ecc_curves": source["ecc_curves"]}
        module = "win_tls_cipher_suites"
    elif intent["module"] == "win_tls_cipher_suites":
        args, module = {"scope": "policy", "restore": source}, "win_tls_cipher_suites"
    else:
        args, module = {"operations": source}, "win_schannel"
    return _call(host, module, args, dict(run, recover=True))


@pytest.mark.parametrize("name", sorted(CASES))
def test_cut_after_every_write(name, tmp_path):
    case = CASES[name]
    total, old, new = _full_run(case, tmp_path)
    assert old != new
    assert total == case["writes"], "docs/reliability.md counts %d writes for %s, the run made %d" % (
        case["writes"], name, total)
    seen = {"old": 0, "new": 0, "interrupted": 0}
    for n in range(1, total + 1):
        host = _cut(case, tmp_path, n, "cut%d" % n)
        state = _state(host)
        assert _reachable(host), "after write %d of %d the host no longer serves TLS 1.2 with %s" % (n, total, WINRM_SUITES)
        intent = runstate.record(host.registry, "Intent")
        lease = runstate.record(host.registry, "Lease")
        if intent is None:
            assert state in (old, new), "cut after write %d of %d: neither old nor new and no intent" % (n, total)
            seen["old" if state == old else "new"] += 1
        else:
            seen["interrupted"] += 1
            assert intent["value"]["run_id"] == "run-ctl-a" and intent["value"]["module"] == case["module"]
        if lease is not None:
            # another controller is refused while the cut run's lease lasts, naming it; nothing is written
            refused = _call(host, case["module"], case["args"](), _run("ctl-b"))
            assert refused["failed"] and refused["lease"]["owner"] == "ctl-a", refused
            assert "the host is leased by ctl-a (run run-ctl-a) until " in refused["msg"]
            assert _state(host) == state
        if intent is not None:
            # the same controller (the action plugin adopts its dead run's lease, see _win_action.run_module) is
            # refused until it recovers, and the rollback gives back the old state
            refused = _call(host, case["module"], case["args"](), _run("ctl-a"))
            assert refused["failed"] and refused["interrupted"]["run_id"] == "run-ctl-a", refused
            rolled = _recover(host, intent["value"], _run("ctl-a"))
            assert not rolled.get("failed"), rolled
            assert _state(host) == old, "rollback after a cut at write %d of %d" % (n, total)
            assert runstate.record(host.registry, "Intent") is None
            assert runstate.record(host.registry, "Lease") is None  # the recovery released it (release: true)
            assert _reachable(host)
        # the task done again converges: new state, then nothing to change; nothing of the run is left behind.
        # A lease the cut run left is the same controller's: the action plugin adopts it (run id of the dead run)
        again = _call(host, case["module"], case["args"](), _run("ctl-a"))
        assert not again.get("failed"), again
        assert _state(host) == new
        assert not _call(host, case["module"], case["args"](), _run("ctl-c"))["changed"]
        assert not any(k.lower().startswith("hklm\\software\\tlsops") for k in host.registry.dump())
    # every kind of outcome is reached: a cut before the intent, mid-change, after the last write
    assert seen["interrupted"] >= total - 6 and seen["old"] >= 1 and seen["new"] >= 1, seen


@pytest.mark.parametrize("name", sorted(CASES))
def test_finish_instead_of_rollback(name, tmp_path):
    case = CASES[name]
    total, old, new = _full_run(case, tmp_path)
    finished = 0
    for n in range(1, total + 1):
        host = _cut(case, tmp_path, n, "cut%d" % n)
        intent = runstate.record(host.registry, "Intent")
        if intent is None:
            continue
        done = _recover(host, intent["value"], _run("ctl-a"), choice="finish")
        assert not done.get("failed"), done
        assert _state(host) == new and runstate.record(host.registry, "Intent") is None
        finished += 1
    assert finished >= 1


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_cut_recovery_is_recovered_again(name, tmp_path):
    """The recovery keeps the intent it recovers, so a recovery cut after any of its writes is rolled back again from
    the same undo."""
    case = CASES[name]
    total, old, new = _full_run(case, tmp_path)
    # the first cut that leaves the host mid-change: the intent is there and some of the change is written
    middle = next(n for n in range(1, total + 1) if _mid_change(_cut(case, tmp_path, n, "scan%d" % n), old))
    probe = _cut(case, tmp_path, middle, "probe")
    intent = runstate.record(probe.registry, "Intent")["value"]
    probe.registry.reset_write_count(None)
    _recover(probe, intent, _run("ctl-a"))
    recovery_writes = probe.registry.writes
    assert recovery_writes >= 1
    for m in range(1, recovery_writes + 1):
        host = _cut(case, tmp_path, middle, "m%d" % m)
        host.registry.reset_write_count(m)
        with pytest.raises(ProcessCut):
            _recover(host, intent, _run("ctl-a"))
        host.registry.reset_write_count(None)
        assert _reachable(host)
        left = runstate.record(host.registry, "Intent")
        assert left is not None or _state(host) == old, "recovery cut after its write %d lost the intent" % m
        if left is not None:
            # the cut run's intent, not one of the recovery (each cut host had its own cut run, so its own start)
            assert dict(left["value"], started=None) == dict(intent, started=None)
            assert not _recover(host, left["value"], _run("ctl-a")).get("failed")
        assert _state(host) == old


def _mid_change(host, old):
    return runstate.record(host.registry, "Intent") is not None and _state(host) != old


def test_check_mode_with_an_intent_warns_and_writes_nothing(tmp_path):
    case = CASES["win_schannel"]
    host = _cut(case, tmp_path, 5, "cut")
    before = host.registry.dump()
    result = _call(host, "win_schannel", case["args"](), _run("ctl-a"), check_mode=True)
    assert not result.get("failed") and any("left this host mid-change" in w for w in result["warnings"]), result
    assert host.registry.dump() == before


def test_the_intent_records_what_and_how_to_undo(tmp_path):
    case = CASES["win_schannel"]
    host = _cut(case, tmp_path, 4, "cut")
    intent = runstate.record(host.registry, "Intent")["value"]
    assert set(intent) == {"run_id", "owner", "module", "started", "operations", "undo"}
    assert intent["operations"] and intent["undo"] and intent["owner"] == "ctl-a"
    assert json.loads(host.registry.get_value(RUN_KEY, "Intent")["data"]) == intent  # REG_SZ JSON, one value


def test_win_schannel_info_reports_the_interrupted_run_and_its_lease(tmp_path):
    """Issue 14.1: the host's facts say it is mid-change (h15's run_state reads what the write modules leave)."""
    host = _cut(CASES["local_order"], tmp_path, 6, "cut")
    info = MODULES["tlsops.schannel.win_schannel_info"](host, {"_ansible_module_name": "win_schannel_info"})
    state = info["run_state"]
    assert state["interrupted"] == runstate.record(host.registry, "Intent")["value"]
    assert state["lease"]["owner"] == "ctl-a" and state["interrupted"]["module"] == "win_tls_cipher_suites"
    _recover(host, state["interrupted"], _run("ctl-a"))
    after = MODULES["tlsops.schannel.win_schannel_info"](host, {"_ansible_module_name": "win_schannel_info"})
    assert after["run_state"] == {"lease": None, "interrupted": None}
