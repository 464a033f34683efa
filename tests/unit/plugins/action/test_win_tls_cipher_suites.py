# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""win_tls_cipher_suites action plugin: list semantics, per-version validation, limits, scope, guard, restore."""
from __future__ import annotations

import copy
from unittest import mock

import pytest

from ansible_collections.tlsops.schannel.plugins.action.win_tls_cipher_suites import ActionModule, resolve_list
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _guard, _info_facts

from tests.unit.plugins.action.test_win_harness import (POLICY, RECORDED_INFO_2008R2, RECORDED_INFO_2019, Recorder,
                                                        run_action)

GCM = ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]


def recorded_tcs(info):
    """win_tls_cipher_suites.ps1 as recorded: before = the layer's list, after = what was sent."""
    def answer(args):
        if args.get("restore") is not None:  # a policy-order backup applied by this module (as its .ps1 does)
            return {"changed": True, "before": {"cipher_suites": None, "ecc_curves": None},
                    "after": {"cipher_suites": None, "ecc_curves": None}, "backup": [], "reboot_required": True,
                    "reboot_reasons": ["policy order applies at boot"], "diff": {"before": {}, "after": {}}}
        if args["scope"] == "local":
            before = {"cipher_suites": [s["name"] for s in info["tls_cipher_suites"]],
                      "ecc_curves": info["tls_ecc_curves"]}
            backup = dict(before, scope="local")
            reasons = []
        else:
            functions = (info["registry"].get(POLICY) or {}).get("Functions")
            before = {"cipher_suites": functions["data"].split(",") if functions else None, "ecc_curves": None}
            backup = [{"path": POLICY, "name": "Functions", "state": "absent" if not functions else "present",
                       "type": functions and "string", "data": functions and functions["data"],
                       "reboot_reason": "policy order applies at boot"}]
            reasons = ["policy order applies at boot"]
        after = {"cipher_suites": args["cipher_suites"] if args["cipher_suites"] is not None else before["cipher_suites"],
                 "ecc_curves": args["ecc_curves"] if args["ecc_curves"] is not None else before["ecc_curves"]}
        if args["state"] == "absent":
            after = {"cipher_suites": None, "ecc_curves": None}
        changed = after != before
        return {"changed": changed, "before": before, "after": after, "backup": backup if changed else [],
                "reboot_required": changed and bool(reasons), "reboot_reasons": reasons if changed else [],
                "diff": {"before": {}, "after": {}}}
    return answer


def _run(args, info=None, **kw):
    info = info or RECORDED_INFO_2019
    rec = Recorder(info=info, answers={"win_tls_cipher_suites": recorded_tcs(info)})
    return run_action(ActionModule, args, rec, action="win_tls_cipher_suites", **kw)


def _sent(rec):
    return [c[1] for c in rec.calls if c[0].endswith("win_tls_cipher_suites")][0]


def test_set_sends_the_final_list_to_the_policy_layer():
    result, rec = _run({"cipher_suites": GCM, "ecc_curves": ["NistP384", "secp256r1"]})
    assert not result.get("failed"), result
    assert _sent(rec) == {"scope": "policy", "cipher_suites": GCM, "ecc_curves": ["NistP384", "NistP256"],
                          "state": "present"}
    assert result["in_effect"] == "policy" and result["reboot_required"]
    assert rec.names() == ["win_schannel_info", "win_tls_cipher_suites"]


@pytest.mark.parametrize("mode, given, position, expected", [
    ("set", ["b", "a"], None, ["b", "a"]),
    ("add", ["d", "a"], None, ["a", "b", "c", "d"]),
    ("add", ["d"], 0, ["d", "a", "b", "c"]),
    ("add", ["d"], 1, ["a", "d", "b", "c"]),
    ("remove", ["b", "x"], None, ["a", "c"]),
])
def test_list_semantics(mode, given, position, expected):
    assert resolve_list(mode, ["a", "b", "c"], given, position) == expected


def test_add_and_remove_work_on_the_layer_or_the_order_in_effect():
    added, rec = _run({"cipher_suites": ["TLS_RSA_WITH_AES_128_CBC_SHA"], "list_mode": "add", "scope": "local"})
    assert _sent(rec)["cipher_suites"][-1] == "TLS_RSA_WITH_AES_128_CBC_SHA"
    assert _sent(rec)["cipher_suites"][:-1] == [s["name"] for s in RECORDED_INFO_2019["tls_cipher_suites"]]
    removed, rec = _run({"cipher_suites": ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"], "list_mode": "remove"})
    assert "TLS_RSA_WITH_3DES_EDE_CBC_SHA" not in _sent(rec)["cipher_suites"]
    assert _sent(rec)["cipher_suites"][0] == "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"  # started from the local list


@pytest.mark.parametrize("info, args, field, text", [
    (RECORDED_INFO_2019, {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA348"]}, "cipher_suites[0]",
     "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    (RECORDED_INFO_2008R2, {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"]}, "cipher_suites[0]", "_P256"),
    (RECORDED_INFO_2008R2, {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]}, "cipher_suites[0]",
     "Windows Server 2008 R2"),
    (RECORDED_INFO_2019, {"cipher_suites": GCM + GCM[:1]}, "cipher_suites[2]", "listed twice"),
    (RECORDED_INFO_2019, {"ecc_curves": ["NistP265"]}, "ecc_curves[0]", "NistP256"),
    (RECORDED_INFO_2008R2, {"cipher_suites": GCM[:0] + ["TLS_RSA_WITH_AES_128_CBC_SHA"], "scope": "local"}, "scope",
     "Get-TlsCipherSuite"),
    (RECORDED_INFO_2008R2, {"ecc_curves": ["NistP256"]}, "ecc_curves", "no separate curve order"),
    (RECORDED_INFO_2019, {"cipher_suites": GCM, "position": 1}, "position", "list_mode: add"),
    (RECORDED_INFO_2019, {"scope": "local", "state": "absent"}, "state", "scope: policy"),
    (RECORDED_INFO_2019, {}, "cipher_suites", "give cipher_suites"),
    (RECORDED_INFO_2019, {"cipher_suites": [s["name"] for s in RECORDED_INFO_2019["tls_cipher_suites"]],
                          "list_mode": "remove"}, "cipher_suites", "without suites"),
])
def test_bad_input_fails_before_any_write(info, args, field, text):
    result, rec = _run(args, info=info)
    assert result["failed"], result
    assert result["field"] == field, result
    assert text in result["msg"], result["msg"]
    assert "win_tls_cipher_suites" not in rec.names() and "win_schannel" not in rec.names()


def test_group_policy_length_limit():
    every = [s.name for s in catalogue.suites_for("2008r2")]
    result, rec = _run({"cipher_suites": every}, info=RECORDED_INFO_2008R2)
    assert result["failed"] and result["field"] == "cipher_suites" and "1023" in result["msg"]
    assert rec.names() == ["win_schannel_info"]


def test_local_scope_warns_when_a_policy_list_wins():
    info = copy.deepcopy(RECORDED_INFO_2019)
    info["registry"][POLICY] = {"Functions": {"type": "string", "data": ",".join(GCM)}}
    result, rec = _run({"cipher_suites": GCM[::-1], "scope": "local"}, info=info)
    assert not result.get("failed")
    assert any("Group Policy cipher-suite order is set" in w for w in result["warnings"])
    assert result["in_effect"] == "policy" and result["reboot_required"] is False


def test_state_absent_drops_the_policy_list():
    info = copy.deepcopy(RECORDED_INFO_2019)
    info["registry"][POLICY] = {"Functions": {"type": "string", "data": ",".join(GCM)}}
    result, rec = _run({"state": "absent"}, info=info)
    assert _sent(rec) == {"scope": "policy", "cipher_suites": None, "ecc_curves": None, "state": "absent"}
    assert result["in_effect"] == "local"


def test_restore_local_backup():
    backup = {"scope": "local", "cipher_suites": GCM, "ecc_curves": ["NistP256"]}
    result, rec = _run({"restore": backup})
    assert _sent(rec) == {"scope": "local", "cipher_suites": GCM, "ecc_curves": ["NistP256"], "state": "present"}


def test_restore_policy_backup_goes_through_this_module():
    """Review §4: no action plugin runs another plugin's module; the backup goes to win_tls_cipher_suites' restore."""
    backup = [{"path": POLICY, "name": "Functions", "state": "absent", "type": None, "data": None,
               "reboot_reason": "x"}]
    info = copy.deepcopy(RECORDED_INFO_2019)
    info["registry"][POLICY] = {"Functions": {"type": "string", "data": ",".join(GCM)}}
    result, rec = _run({"restore": backup}, info=info)
    assert rec.names() == ["win_schannel_info", "win_tls_cipher_suites"] and result["changed"]
    assert rec.calls[1][1] == {"scope": "policy", "restore": backup}
    assert result["reboot_required"] and result["reboot_reasons"]
    bad, rec = _run({"restore": [dict(backup[0], path="HKLM\\SOFTWARE\\x")]})
    assert bad["failed"] and bad["field"] == "restore[0].path"


def _probe(host, port, timeout=5.0):
    return {"connects": True, "protocol": "TLS 1.2", "cipher_suite": GCM[0], "error": None}


def test_guard_refuses_a_list_the_controller_cannot_use():
    with mock.patch.object(_guard, "probe", _probe):
        result, rec = _run({"cipher_suites": ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"]},
                           task_vars={"ansible_winrm_scheme": "https", "ansible_port": 5986})
    assert result["failed"] and "WinRM over HTTPS" in result["msg"]
    assert rec.names() == ["win_schannel_info"]
    with mock.patch.object(_guard, "probe", _probe):
        forced, rec = _run({"cipher_suites": ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"], "guard": False},
                           task_vars={"ansible_winrm_scheme": "https", "ansible_port": 5986})
    assert not forced.get("failed") and rec.names()[-1] == "win_tls_cipher_suites"


def test_policy_backup_file(tmp_path):
    result, _ignored = _run({"cipher_suites": GCM, "backup": True, "backup_dir": str(tmp_path)})
    assert result["backup_file"].startswith(str(tmp_path))


def test_profile_order_for_the_host_version():
    result, rec = _run({"profile": "mozilla_intermediate"})
    assert not result.get("failed"), result
    sent = _sent(rec)
    assert sent["scope"] == "policy" and sent["cipher_suites"][0].startswith("TLS_ECDHE_")
    assert sent["ecc_curves"]
    old, rec = _run({"profile": "ios_ats"}, info=RECORDED_INFO_2008R2)
    if not old.get("failed"):
        assert all(not n.startswith("TLS_ECDHE_") or n.endswith(("_P256", "_P384", "_P521"))
                   for n in _sent(rec)["cipher_suites"])
        assert _sent(rec)["ecc_curves"] is None


def test_profile_and_list_are_exclusive():
    from ansible.errors import AnsibleActionFail
    with pytest.raises(AnsibleActionFail, match="mutually exclusive"):
        _run({"profile": "mozilla_intermediate", "cipher_suites": GCM})


def test_restore_policy_backup_may_remove_the_policy_key_it_created():
    backup = [{"path": POLICY, "name": "Functions", "state": "absent", "type": None, "data": None, "reboot_reason": "x"},
              {"path": "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography", "name": None, "state": "absent",
               "type": None, "data": None, "reboot_reason": "x"}]
    result, rec = _run({"restore": backup})
    assert not result.get("failed"), result
    assert rec.calls[1][1]["restore"][1]["path"] == POLICY  # the module removes the policy key itself
    bad, _ignored = _run({"restore": [dict(backup[1], path="HKLM\\SOFTWARE\\Policies")]})
    assert bad["failed"] and bad["field"] == "restore[0].path"
    # creating a parent is not something a backup of this module holds: refused, not turned into the policy key
    bad, _ignored = _run({"restore": [dict(backup[1], state="present")]})
    assert bad["failed"] and bad["field"] == "restore[0].path"
    # a removal of the policy key's own subkey is not a parent either
    bad, _ignored = _run({"restore": [dict(backup[1], path=POLICY + "\\sub")]})
    assert bad["failed"] and bad["field"] == "restore[0].path"


def test_a_reg_file_path_is_sent_to_win_schannel_by_name_before_the_host_is_read():
    """Review §3 B9: restore: <path> named the wrong option; now it says which module takes a .reg file."""
    result, rec = _run({"restore": "/tmp/web01-20261202T101500Z.reg"})
    assert result["failed"] and result["field"] == "restore" and "tlsops.schannel.win_schannel" in result["msg"]
    assert rec.calls == []


def test_the_dotnet_warning_is_win_schannels_not_repeated_here():
    """Review §3 friction 7: the .NET strong-crypto warning names win_schannel's option; the order task leaves it out."""
    info = copy.deepcopy(RECORDED_INFO_2019)
    for proto in ("TLS 1.0", "TLS 1.1"):
        for side in ("Server", "Client"):
            info["registry"]["HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\%s\\%s"
                             % (proto, side)] = {"Enabled": {"type": "dword", "data": 0}}
    asked = []
    real_check = _guard.check

    def check(*a, **k):
        asked.append(k.get("dotnet_warning", True))
        return real_check(*a, **k)
    with mock.patch.object(_guard, "check", check):
        result, rec = _run({"cipher_suites": GCM}, info=info)
    assert not result.get("failed"), result
    assert asked == [False]  # the guard is asked to leave it out (the registry task gives it) ...
    assert not any(".NET strong crypto" in w for w in result.get("warnings", []))  # ... so this task does not
    with_it = real_check(_guard.connection_info({}, "winrm"), _info_facts.effective_of("2019", info["registry"], info),
                         "2019", None, after_dump=info["registry"])
    assert any(".NET strong crypto" in w for w in with_it["warnings"])  # the state is one that warns
