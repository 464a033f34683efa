# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""win_schannel_info's facts beyond the registry (issue 15, 14): read_errors, updates, run_state and unknown names.

Each test feeds a recorded win_schannel_info.ps1 result (contract shape) to the real action plugin and asserts what
the user gets back: the key itself, and the warning that names the problem and the fix.
"""
from __future__ import annotations

import copy

from ansible_collections.tlsops.schannel.plugins.action.win_schannel_info import ActionModule
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _info_facts

from tests.unit.plugins.action.test_win_harness import RECORDED_INFO_2008R2, RECORDED_INFO_2019, Recorder, run_action

LEASE = {"owner": "controller01", "run_id": "run-1", "expires": "2026-12-03T08:15:00Z", "module": "win_schannel"}
INTENT = {"run_id": "run-7", "owner": "ctl02", "module": "win_tls_cipher_suites", "started": "2026-12-03T08:00:00Z",
          "operations": [], "undo": []}


def _run(info, args=None):
    return run_action(ActionModule, args or {}, Recorder(info=info), action="win_schannel_info")


def _info(base=RECORDED_INFO_2019, **changes):
    info = copy.deepcopy(base)
    info.update(changes)
    return info


def test_the_updates_the_tables_assume_are_asked_for():
    _result, rec = _run(_info())
    assert rec.calls[0][1]["updates"] == list(catalogue.PREREQUISITE_UPDATE_IDS) == ["KB2919355", "KB3042058", "KB3140245"]


def test_read_errors_updates_and_run_state_reach_the_result():
    errors = [{"what": "registry key HKLM\\X", "error": "Requested registry access is not allowed."}]
    result, _rec = _run(_info(read_errors=errors, updates={"KB3042058": False},
                              run_state={"lease": LEASE, "interrupted": None}))
    assert result["read_errors"] == errors
    assert result["updates"] == {"KB3042058": False}
    assert result["run_state"] == {"lease": LEASE, "interrupted": None}
    # the .ps1's own warnings do not survive enrichment, so the plugin says it again
    assert "could not read registry key HKLM\\X: Requested registry access is not allowed." in result["warnings"]


def test_a_result_registered_before_the_keys_existed_has_them_null():
    facts = _info_facts.enrich(copy.deepcopy(RECORDED_INFO_2019))
    assert facts["read_errors"] is None and facts["updates"] is None and facts["run_state"] is None


def test_an_interrupted_run_is_a_warning_with_the_way_out():
    result, _rec = _run(_info(run_state={"lease": None, "interrupted": INTENT}))
    warning = [w for w in result["warnings"] if "interrupted run" in w]
    assert warning == ["an interrupted run (win_tls_cipher_suites, run run-7 of ctl02, started 2026-12-03T08:00:00Z) "
                       "left this host mid-change; run the task again through its action plugin, which rolls it back "
                       "first"]


def test_an_unparsable_run_state_value_is_a_warning_naming_the_value():
    garbage = {"raw": "{\"owner\"", "error": "Lease does not hold a JSON object (REG_SZ JSON text); remove the value "
               "once no run of this collection holds the host"}
    result, _rec = _run(_info(run_state={"lease": garbage, "interrupted": None}))
    assert result["run_state"]["lease"] == garbage
    assert ("HKLM\\SOFTWARE\\tlsops\\schannel\\Lease: " + garbage["error"]) in result["warnings"]
    assert not [w for w in result["warnings"] if "interrupted run" in w]


def test_unknown_suite_in_the_policy_list_warns_with_name_version_and_nearest_names():
    info = _info()
    info["registry"][rm.POLICY_SSL] = {"Functions": {"type": "string", "data": (
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")}}
    result, _rec = _run(info)
    (unknown,) = result["unknown_names"]
    assert unknown["list"] == "cipher_suites" and unknown["source"] == "policy"
    assert unknown["name"] == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265" and unknown["windows_version"] == "2019"
    assert unknown["nearest"][0] == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    (warning,) = [w for w in result["warnings"] if "SHA265" in w]
    assert "Windows Server 2019" in warning and "all TLS communication" in warning
    assert "fix: replace TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265 with TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" in warning


def test_a_name_of_another_release_is_unknown_on_this_one():
    info = _info(RECORDED_INFO_2008R2)
    info["registry"][rm.POLICY_SSL] = {"Functions": {"type": "string", "data": (
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA")}}
    result, _rec = _run(info)
    (unknown,) = result["unknown_names"]
    assert unknown["name"] == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" and unknown["windows_version"] == "2008r2"
    assert unknown["nearest"] and all(catalogue.get(n, "2008r2") for n in unknown["nearest"])
    assert any("Windows Server 2008 R2" in w and "GCM_SHA256" in w for w in result["warnings"])


def test_unknown_curve_in_the_local_list_warns_with_nearest_curves():
    result, _rec = _run(_info(tls_ecc_curves=["curve25519", "NistP265"]))
    (unknown,) = result["unknown_names"]
    assert unknown == dict(unknown, list="ecc_curves", source="local", name="NistP265", windows_version="2019")
    assert unknown["nearest"][0] == "NistP256"
    assert any("NistP265" in w and "W32-ECC-1607" in w and "replace NistP265 with NistP256" in w
               for w in result["warnings"])


def test_known_names_give_no_unknown_name_warning():
    result, _rec = _run(_info(tls_ecc_curves=["curve25519", "nistP521", "brainpoolP256r1"]))
    assert result["unknown_names"] == []
    assert not [w for w in result.get("warnings", []) if "does not know" in w or "W32-ECC" in w]


def test_a_name_the_host_s_own_cng_lists_is_a_table_gap_not_a_broken_list():
    # Get-TlsCipherSuite lists each suite with the code and algorithms Schannel gives it, so a name the 2019 table
    # lacks there means the table or windows_version is wrong, not that TLS may stop (no ASE quote)
    info = _info()
    info["tls_cipher_suites"] = info["tls_cipher_suites"] + [{"name": "TLS_SOME_FUTURE_SUITE", "code": 4919}]
    result, _rec = _run(info)
    (unknown,) = result["unknown_names"]
    assert unknown["name"] == "TLS_SOME_FUTURE_SUITE" and unknown["source"] == "local"
    assert "table does not have" in unknown["message"] and "all TLS communication" not in unknown["message"]
    assert "check that Windows Server 2019 is this host's release" in unknown["fix"]
    assert result["effective"]["unknown_from_host_cng"] is True
    assert any("Get-TlsCipherSuite lists TLS_SOME_FUTURE_SUITE" in w for w in result["warnings"])
