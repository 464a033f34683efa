# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""win_schannel_info action plugin against recorded win_schannel_info.ps1 outputs."""
from __future__ import annotations

from ansible_collections.tlsops.schannel.plugins.action.win_schannel_info import ActionModule
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm

from tests.unit.plugins.action.test_win_harness import RECORDED_INFO_2008R2, SCHANNEL, Recorder, run_action


def _run(info=None, args=None):
    return run_action(ActionModule, args or {}, Recorder(info=info), action="win_schannel_info")


def test_one_module_execution_with_the_model_keys():
    result, rec = _run()
    assert rec.names() == ["win_schannel_info"]
    sent = rec.calls[0][1]
    assert sent["keys"] == list(rm.MANAGED_KEYS)
    assert sent["cipher_suites"] is True and sent["bindings"] is True
    assert result["changed"] is False and not result.get("failed")


def test_version_protocols_and_suite_source():
    result, _ignored = _run()
    assert result["windows_version"] == "2019"
    assert "TLS 1.2" in result["protocols"]["server"]
    assert result["cipher_suites"]["source"] == "local"
    assert result["cipher_suites"]["local"][0] == "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
    assert result["cipher_suites"]["policy"] is None
    assert result["cipher_suites"]["available_source"] == "Get-TlsCipherSuite"
    assert result["cipher_suites"]["available"] == result["cipher_suites"]["local"]
    assert "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" in result["cipher_suites"]["supported"]
    assert result["ecc_curves"]["order"] == ["curve25519", "NistP256", "NistP384"]


def test_set_versus_effective_values():
    result, _ignored = _run()
    rows = {(r["path"], r["name"]): r for r in result["managed_values"]}
    tls10 = rows[(SCHANNEL + "\\Protocols\\TLS 1.0\\Server", "Enabled")]
    assert tls10["set"] == {"type": "dword", "data": 4294967295}
    assert tls10["display"] == "0xffffffff (dword)"
    assert tls10["effective"] == "enabled"  # any non-zero Enabled reads as enabled
    assert tls10["layer"] == "local" and tls10["source"] == "set"
    tls12 = rows[(SCHANNEL + "\\Protocols\\TLS 1.2\\Server", "Enabled")]
    assert tls12["set"] is None and tls12["source"] == "default" and tls12["effective"] == "enabled"
    policy = rows[(rm.POLICY_SSL, "Functions")]
    assert policy["layer"] == "policy"


def test_stray_look_alike_keys():
    result, _ignored = _run()
    strays = {s["path"].rsplit("\\Ciphers\\", 1)[1]: s for s in result["stray_keys"]}
    assert set(strays) == {"AES 128\\128", "Triple DES 168/168"}
    assert strays["AES 128\\128"]["looks_like"] == "AES 128/128"
    assert strays["Triple DES 168/168"]["looks_like"] == "Triple DES 168"
    assert any("AES 128/128" in w for w in result["warnings"])


def test_reboot_pending_and_why():
    result, _ignored = _run()
    assert result["reboot_pending"] is True
    assert result["reboot_pending_reasons"] == ["Windows Update waits for a reboot"]


def test_2008r2_without_tls_cmdlets():
    result, _ignored = _run(info=RECORDED_INFO_2008R2)
    assert result["windows_version"] == "2008r2"
    assert result["cipher_suites"]["local"] is None
    assert result["cipher_suites"]["source"] == "default"
    assert result["cipher_suites"]["available_source"] == "default"
    assert any(n.endswith("_P256") for n in result["cipher_suites"]["supported"])
    assert "TLS 1.2" not in result["protocols"]["server"]  # off by default on 2008 R2
    assert result["stray_keys"] == []


def test_options_reach_the_module():
    _result, rec = _run(args={"bindings": False, "cipher_suites": False})
    assert rec.calls[0][1]["bindings"] is False and rec.calls[0][1]["cipher_suites"] is False


def test_module_failure_is_returned():
    rec = Recorder(answers={"win_schannel_info": {"failed": True, "msg": "access denied"}})
    result, _ignored = run_action(ActionModule, {}, rec, action="win_schannel_info")
    assert result["failed"] and result["msg"] == "access denied"


def test_2012r2_local_list_from_the_registry():
    import copy
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm2
    info = copy.deepcopy(RECORDED_INFO_2008R2)
    info["os"] = {"version": "6.3.9600", "build": 9600, "caption": "Microsoft Windows Server 2012 R2 Standard"}
    info["registry"][rm2.LOCAL_SSL] = {"Functions": {"type": "multistring", "data": [
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384", "TLS_RSA_WITH_AES_256_CBC_SHA256"]}}
    result, _ignored = _run(info=info)
    assert result["windows_version"] == "2012r2"
    assert result["cipher_suites"]["available_source"] == "registry"
    assert result["cipher_suites"]["available"][0] == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"
