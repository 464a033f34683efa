"""Plan -> apply, one way (issue 17.1) and overrides that win (issue 16.3), without Windows.

schannel_plan's result goes to win_schannel / win_tls_cipher_suites as ``plan``; the modules must write exactly its
operations and order, refuse it when the host changed since, and judge a lockout with the same function as the plan.
"""
from __future__ import annotations

import copy
from unittest import mock

from ansible_collections.tlsops.schannel.plugins.action import win_schannel, win_tls_cipher_suites
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _guard, _planning, _regfile, _regops

from tests.unit.plugins.action.test_schannel_plan import run as run_plan
from tests.unit.plugins.action.test_win_harness import RECORDED_INFO_2019, SCHANNEL, Recorder, run_action

TLS10_SERVER = SCHANNEL + "\\Protocols\\TLS 1.0\\Server"


def _plan(profile="mozilla_intermediate", overrides=None, info=RECORDED_INFO_2019, task_vars=None):
    args = {"profile": profile, "facts": copy.deepcopy(info)}
    if overrides is not None:
        args["overrides"] = overrides
    return run_plan(args, task_vars)


def _suites_answer(module_args):
    return {"changed": True, "before": {"cipher_suites": None, "ecc_curves": None},
            "after": {"cipher_suites": module_args["cipher_suites"], "ecc_curves": module_args["ecc_curves"]},
            "backup": [], "reboot_required": True, "reboot_reasons": [rm.REBOOT_POLICY_ORDER], "diff": {}}


def test_the_modules_write_exactly_the_plan():
    plan = _plan()
    assert not plan.get("failed"), plan.get("msg")
    assert plan["registry_operations"] and plan["fingerprints"]["before"]
    result, rec = run_action(win_schannel.ActionModule, {"plan": plan})
    assert not result.get("failed"), result.get("msg")
    sent = [args for name, args in rec.calls if name.endswith(".win_schannel")]
    assert sent == [{"operations": plan["registry_operations"]}]  # the same operations, in the same order
    assert not any(_planning.is_order_value(op) for op in sent[0]["operations"])

    rec = Recorder(answers={"win_tls_cipher_suites": _suites_answer})
    result, rec = run_action(win_tls_cipher_suites.ActionModule, {"plan": plan}, rec, action="win_tls_cipher_suites")
    assert not result.get("failed"), result.get("msg")
    sent = [args for name, args in rec.calls if name.endswith(".win_tls_cipher_suites")]
    assert sent == [{"scope": plan["cipher_suite_scope"], "cipher_suites": plan["cipher_suites"],
                     "ecc_curves": plan["ecc_curves"], "state": "present"}]


def test_a_stale_plan_is_refused_before_anything_is_written():
    plan = _plan()
    changed = copy.deepcopy(RECORDED_INFO_2019)
    changed["registry"][TLS10_SERVER] = {"Enabled": {"type": "dword", "data": 0}}  # someone wrote since
    for plugin, action in ((win_schannel.ActionModule, "win_schannel"),
                           (win_tls_cipher_suites.ActionModule, "win_tls_cipher_suites")):
        result, rec = run_action(plugin, {"plan": plan}, Recorder(info=changed), action=action)
        assert result["failed"] and result["field"] == "plan.fingerprints", result
        assert "host changed since the plan was computed" in result["msg"]
        assert rec.names() == ["win_schannel_info"]  # read, compared, nothing written


def test_the_order_step_accepts_the_host_after_the_registry_step():
    """The role writes the registry part first: the order step then finds a state the plan itself leads to."""
    plan = _plan()
    after = copy.deepcopy(RECORDED_INFO_2019)
    after["registry"] = _regops.apply_operations(after["registry"], plan["registry_operations"])
    rec = Recorder(info=after, answers={"win_tls_cipher_suites": _suites_answer})
    result, rec = run_action(win_tls_cipher_suites.ActionModule, {"plan": plan}, rec, action="win_tls_cipher_suites")
    assert not result.get("failed"), result.get("msg")
    assert rec.names() == ["win_schannel_info", "win_tls_cipher_suites"]


def test_a_plan_cannot_be_mixed_with_settings_or_used_without_facts():
    plan = _plan()
    result, rec = run_action(win_schannel.ActionModule, {"plan": plan, "protocols": {"TLS 1.0": "enabled"}})
    assert result["failed"] and result["field"] == "plan" and rec.names() == []
    factless = run_plan({"profile": "mozilla_intermediate", "windows_version": "2019"})
    result, rec = run_action(win_schannel.ActionModule, {"plan": factless})
    assert result["failed"] and result["field"] == "plan.fingerprints" and "win_schannel" not in rec.names()


def test_a_protocol_override_wins_and_is_shown_as_one():
    plan = _plan("ios_ats", {"protocols": {"TLS 1.0": "enabled"}})
    assert not plan.get("failed"), plan.get("msg")
    assert plan["overrides"] == [{"setting": "protocols.TLS 1.0", "profile": "disabled", "override": "enabled",
                                  "weakens": True}]
    assert [f["code"] for f in plan["findings"] if f["item"] == "protocols.TLS 1.0"] == [_planning.OVERRIDE_WEAKENS]
    tls10 = dict((op["name"], op["data"]) for op in plan["registry_operations"] if op["path"] == TLS10_SERVER)
    assert tls10 == {"Enabled": 1, "DisabledByDefault": 0}
    result, rec = run_action(win_schannel.ActionModule, {"plan": plan})
    assert not result.get("failed"), result.get("msg")
    assert [args for name, args in rec.calls if name.endswith(".win_schannel")] == \
        [{"operations": plan["registry_operations"]}]


def test_an_override_that_breaks_the_profile_requirements_is_a_policy_failure():
    plan = _plan("ios_ats", {"protocols": {"TLS 1.2": "disabled"}})
    assert plan["failed"]
    breaks = [f for f in plan["findings"] if f["code"] == _planning.OVERRIDE_BREAKS]
    assert [(f["severity"], f["item"]) for f in breaks] == [("error", "protocols.TLS 1.2")]
    assert "requires TLS 1.2" in breaks[0]["message"]
    result, rec = run_action(win_schannel.ActionModule, {"plan": plan})
    assert result["failed"] and "error findings" in result["msg"] and "win_schannel" not in rec.names()


def test_a_side_override_beats_the_profile_per_side_setting():
    profile = {"name": "p", "protocols": {"TLS 1.0": "disabled"}, "server_protocols": {"TLS 1.0": "disabled"}}
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles
    merged = _profiles.apply_overrides(profile, {"protocols": {"TLS 1.0": "enabled"}})
    assert merged["protocols"]["TLS 1.0"] == "enabled" and "TLS 1.0" not in merged["server_protocols"]


def test_the_lockout_check_is_one_function_at_plan_and_apply_time():
    tv = {"ansible_connection": "winrm", "ansible_winrm_scheme": "https", "ansible_port": 5986,
          "ansible_host": "127.0.0.1"}
    blocked = {"connects": False, "protocol": None, "cipher_suite": None, "reason": "no shared suite",
               "symptom": "tcp_reset", "predictor": "knowledge engine"}
    with mock.patch.object(_guard, "check", wraps=_guard.check) as check, \
            mock.patch.object(_guard, "predict_pywinrm", return_value=blocked), \
            mock.patch.object(_guard, "probe", return_value=None):
        plan = run_plan({"profile": "mozilla_intermediate", "facts": copy.deepcopy(RECORDED_INFO_2019),
                         "fail_on_findings": False}, tv)
        assert check.call_count == 1
        sch010 = [f for f in plan["findings"] if f["code"] == "SCH010"]
        assert sch010 and "no shared suite" in sch010[0]["message"] and plan["guard"]["blocked"]
        result, rec = run_action(win_schannel.ActionModule, {"profile": "mozilla_intermediate"}, task_vars=tv)
        assert check.call_count == 2  # the write module asked the same function
        assert result["failed"] and "lockout guard refused" in result["msg"] and "win_schannel" not in rec.names()


def test_the_certificate_is_the_one_of_the_endpoint_port():
    bindings = [{"kind": "ip", "port": 5986, "key_type": "ecdsa", "key_size": 256, "signature_hash": "sha256"},
                {"kind": "ccs", "port": 443, "key_type": None},
                {"kind": "sni", "port": 443, "hostname": "www", "key_type": "rsa", "key_size": 2048,
                 "signature_hash": "sha1"}]
    assert _planning.endpoint_certificate(bindings, 443) == {"key_type": "rsa", "key_size": 2048,
                                                             "signature_hash": "sha1"}
    assert _planning.endpoint_certificate(bindings, 5986)["key_type"] == "ecdsa"
    assert _planning.endpoint_certificate(bindings, 8443) is None  # never another port's certificate


def test_reg_none_values_travel_and_round_trip(tmp_path):
    op = {"path": SCHANNEL + "\\Protocols", "name": "Marker", "state": "present", "type": "none", "data": [1, 2]}
    clean = _regops.validate_operations([op])
    assert clean[0]["type"] == "none" and _regops.display(clean[0]) == "01 02 (none)"
    path = _regfile.write_backup(clean, str(tmp_path), "web01")
    assert [(o["type"], o["data"]) for o in _regfile.read_reg(path)] == [("none", [1, 2])]


def test_the_fingerprint_covers_only_the_dumped_roots():
    """A prediction creates the parents above the roots (HKLM\\SYSTEM ...), which win_schannel_info never dumps."""
    dump = copy.deepcopy(RECORDED_INFO_2019["registry"])
    base = _planning.fingerprint("2019", dump, None, None, [])
    assert _planning.fingerprint("2019", dict(dump, **{"HKLM\\SYSTEM": {}}), None, None, []) == base
    dump[TLS10_SERVER] = {"Enabled": {"type": "dword", "data": 0}}
    assert _planning.fingerprint("2019", dump, None, None, []) != base


def test_the_updates_fact_reaches_the_compiler():
    """win_schannel_info's ``updates`` (SCH019's input) goes through the one info -> facts adapter; a result from
    before the fact existed has none, which the compiler reads as 'not checked'."""
    info = copy.deepcopy(RECORDED_INFO_2019)
    info["updates"] = {"KB3042058": False}
    assert _planning.compiler_facts(info)["updates"] == {"KB3042058": False}
    info.pop("updates")
    assert _planning.compiler_facts(info)["updates"] is None


# -- a host left mid-change by an interrupted run (issue 14.1) ------------------------------------------------------
def test_settled_facts_are_the_host_after_the_rollback_of_the_interrupted_run():
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _planning
    key = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server"
    mid = {"registry": {key: {"Enabled": {"type": "dword", "data": 0}}},
           "tls_cipher_suites": ["B", "A"], "tls_ecc_curves": ["NistP256"],
           "run_state": {"lease": None, "interrupted": {
               "module": "win_schannel", "undo": [{"path": key, "name": "Enabled", "state": "absent"}]}}}
    settled = _planning.settled_facts(mid)
    assert settled["registry"] == {key: {}}  # the value the cut run wrote is gone again, its key stays
    assert settled["run_state"]["interrupted"] is None and mid["run_state"]["interrupted"] is not None
    local = dict(mid, run_state={"interrupted": {"module": "win_tls_cipher_suites", "undo": {
        "scope": "local", "cipher_suites": ["A", "B"], "ecc_curves": None}}})
    settled = _planning.settled_facts(local)
    assert settled["tls_cipher_suites"] == ["A", "B"] and settled["tls_ecc_curves"] == ["NistP256"]
    assert settled["registry"] == mid["registry"]
    unreadable = dict(mid, run_state={"interrupted": {"raw": "{", "error": "not JSON"}})
    assert _planning.settled_facts(unreadable) is unreadable  # nothing to predict: the recovery says why
    assert _planning.settled_facts(dict(mid, run_state=None))["registry"] == mid["registry"]
