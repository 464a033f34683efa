# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""win_schannel action plugin: compile, refuse, guard, apply once, backup/restore, reboot -- no Windows."""
from __future__ import annotations

import os
import stat
from unittest import mock

import pytest

from ansible_collections.tlsops.schannel.plugins.action.win_schannel import ActionModule
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _guard, _host_state, _regfile

from tests.unit.plugins.action.test_win_harness import (RECORDED_INFO_2008R2, RECORDED_INFO_2019, SCHANNEL, Recorder,
                                                        run_action)

HTTPS = {"ansible_winrm_scheme": "https", "ansible_port": 5986}


def _ops_by(result):
    return {(op["path"].rsplit("\\SCHANNEL\\", 1)[-1], op["name"]): op for op in result["operations"]}


def test_protocols_and_ciphers_compile_to_canonical_values():
    result, rec = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled", "TLS 1.2": "enabled"},
                                            "ciphers": {"RC4 128/128": "disabled", "AES 256/256": "enabled"}})
    assert not result.get("failed"), result
    ops = _ops_by(result)
    assert ops[("Protocols\\TLS 1.0\\Server", "Enabled")]["data"] == 0
    assert ops[("Protocols\\TLS 1.0\\Client", "DisabledByDefault")]["data"] == 1
    assert ops[("Protocols\\TLS 1.2\\Server", "Enabled")]["data"] == 1
    assert ops[("Protocols\\TLS 1.2\\Client", "DisabledByDefault")]["data"] == 0
    assert ops[("Ciphers\\RC4 128/128", "Enabled")]["data"] == 0
    assert ops[("Ciphers\\AES 256/256", "Enabled")]["data"] == 0xFFFFFFFF
    assert rec.names() == ["win_schannel_info", "win_schannel"]
    assert result["changed"] and result["reboot_required"]
    assert all(c["layer"] == "local" for c in result["changes"])
    assert all(c["reboot_reason"] for c in result["changes"])  # protocol and cipher changes need a reboot


def test_facts_skip_the_read():
    _result, rec = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}, "facts": RECORDED_INFO_2019})
    assert rec.names() == ["win_schannel"]


def test_diff_shows_dwords_and_layer():
    result, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}})
    assert "Protocols\\TLS 1.0\\Server\\Enabled [local] = 0xffffffff (dword)" in result["diff"]["before"]
    assert "Protocols\\TLS 1.0\\Server\\Enabled [local] = 0x00000000 (dword)" in result["diff"]["after"]


def test_second_run_reports_no_change():
    first, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}})
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regops
    info = dict(RECORDED_INFO_2019, registry=_regops.apply_operations(RECORDED_INFO_2019["registry"],
                                                                      first["operations"]))
    second, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}}, Recorder(info=info))
    assert first["changed"] and not second["changed"]
    assert second["backup"] == [] and second["reboot_required"] is False


def _rerun_after_first_apply():
    """A first apply that needs a reboot, then the host as it left it (same boot time, registry as wanted)."""
    first, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}})
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regops
    info = dict(RECORDED_INFO_2019, registry=_regops.apply_operations(RECORDED_INFO_2019["registry"],
                                                                      first["operations"]))
    return first, info


def test_a_reboot_owed_by_an_earlier_run_is_still_required():
    """Interrupted between apply and reboot: the re-run finds the registry as wanted but the host has not rebooted
    (same boot time), so it reports the earlier reasons as reboot_owed (plugin_utils/_host_state.py)."""
    with mock.patch.object(_host_state, "controller_run", return_value="controller:100"):
        first, info = _rerun_after_first_apply()
    with mock.patch.object(_host_state, "controller_run", return_value="controller:200"):  # the next playbook run
        second, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}}, Recorder(info=info))
        assert first["reboot_required"] and not second["changed"]
        assert second["reboot_required"] is False and second["reboot_owed"] == first["reboot_reasons"]
        assert any("a previous run changed settings" in w for w in second.get("warnings", [])), second
        rebooted = dict(info, last_boot_time="2026-11-28T07:00:00Z")  # the boot time moved: nothing is owed
        third, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}}, Recorder(info=rebooted))
    assert "reboot_owed" not in third


def test_a_later_task_of_the_same_run_does_not_call_its_own_reboot_a_previous_run():
    """Review §3 friction 6: in one playbook run the registry task records the reboot it needs and the next task
    read it back as 'a previous run ...'. The same run's record gives no warning and no reboot_owed; reboot: true
    still performs it."""
    with mock.patch.object(_host_state, "controller_run", return_value="controller:100"):
        first, info = _rerun_after_first_apply()
        second, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}}, Recorder(info=info))
        assert first["reboot_required"] and not second["changed"]
        assert "reboot_owed" not in second and second["reboot_required"] is False
        assert not any("previous run" in w for w in second.get("warnings", [])), second
        with mock.patch("ansible_collections.tlsops.schannel.plugins.plugin_utils._reboot.reboot_host",
                        return_value={"changed": True, "elapsed": 1, "rebooted": True}) as reboot:
            third, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}, "reboot": True},
                                         Recorder(info=info))
    assert reboot.called and third["rebooted"] is True and third["reboot_reasons"] == first["reboot_reasons"]


def test_default_removes_values_and_the_emptied_key():
    result, _ignored = run_action(ActionModule, {"server_protocols": {"TLS 1.0": "default"}})
    ops = result["operations"]
    assert [op["name"] for op in ops] == ["Enabled", "DisabledByDefault", None]
    assert all(op["state"] == "absent" for op in ops)
    assert ops[-1]["path"] == SCHANNEL + "\\Protocols\\TLS 1.0\\Server"


def test_dotnet_and_winhttp_and_sizes():
    result, _ignored = run_action(ActionModule, {"dotnet_strong_crypto": "enabled", "winhttp_protocols": ["TLS 1.2", "TLS 1.3"],
                                                 "key_sizes": {"dh_server_min": 2048}, "schannel_values": {"EventLogging": 3}})
    names = [(op["name"], op["data"]) for op in result["operations"]]
    assert names.count(("SchUseStrongCrypto", 1)) == 4 and names.count(("SystemDefaultTlsVersions", 1)) == 4
    assert names.count(("DefaultSecureProtocols", 0x2800)) == 2
    assert ("ServerMinKeyBitLength", 2048) in names and ("EventLogging", 3) in names


@pytest.mark.parametrize("args, field, text", [
    ({"protocols": {"TLS1.2": "enabled"}}, "protocols.TLS1.2", "did you mean 'TLS 1.2'"),
    ({"ciphers": {"Triple DES 168/168": "disabled"}}, "ciphers.Triple DES 168/168", "Triple DES 168"),
    ({"protocols": {"TLS 1.2": True}}, "protocols.TLS 1.2", "enabled, disabled, default"),
    ({"protocols": {"TLS 1.3": "enabled"}}, "protocols.TLS 1.3", "does not exist on Windows Server 2019"),
    ({"protocols": {"TLS 1.0": "enabled"}, "server_protocols": {"TLS 1.0": "disabled"}}, "server_protocols.TLS 1.0",
     "contradicts protocols.TLS 1.0"),
    ({"key_sizes": {"dh_server_min": 1000}}, "key_sizes.dh_server_min", "1024, 2048, 3072, 4096"),
    ({"key_sizes": {"dh_server_min": "big"}}, "key_sizes.dh_server_min", "integer"),
    ({"winhttp_protocols": ["TLS 1.4"]}, "winhttp_protocols[0].TLS 1.4", "unknown name"),
    ({}, "profile", "give a profile"),
    ({"restore": [{"path": "HKCU\\x", "name": "a"}]}, "restore[0].path", "HKLM"),
    ({"restore": [{"path": SCHANNEL, "name": "x", "type": "dword", "data": -1}]}, "restore[0].data", "integer"),
    ({"restore": [], "protocols": {"TLS 1.0": "disabled"}}, "restore", "cannot be combined"),
    ({"restore": [{"path": "HKLM\\SOFTWARE", "name": None, "state": "absent"}]}, "restore[0].path",
     "outside the keys this collection manages"),
])
def test_bad_input_fails_before_any_write(args, field, text):
    result, rec = run_action(ActionModule, args)
    assert result["failed"], result
    assert result["field"] == field, result
    assert text in result["msg"], result["msg"]
    assert "win_schannel" not in rec.names()


@pytest.mark.parametrize("args, text", [({"protocol": {"TLS 1.0": "disabled"}}, "protocol"),
                                        ({"hashes": "MD5"}, "hashes"),
                                        ({"dotnet_strong_crypto": "on"}, "dotnet_strong_crypto")])
def test_argument_spec_errors_name_the_option(args, text):
    """Ansible's own argument validation (turned into failed: true by the executor), before any module runs."""
    from ansible.errors import AnsibleActionFail
    with pytest.raises(AnsibleActionFail, match=text):
        run_action(ActionModule, args)


def test_transactional_failure_is_reported():
    failed = {"failed": True, "changed": False,
              "msg": "failed to write HKLM\\...\\Ciphers\\RC4 128/128\\Enabled (access denied); the values this run "
                     "had already written were restored"}
    result, _ignored = run_action(ActionModule, {"ciphers": {"RC4 128/128": "disabled"}},
                                  Recorder(answers={"win_schannel": failed}))
    assert result["failed"] and "RC4 128/128" in result["msg"] and "restored" in result["msg"]


# -- backup and restore ----------------------------------------------------------------------------------------
def test_backup_file_is_private_and_round_trips(tmp_path):
    backup_dir = tmp_path / "b"
    result, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}, "backup": True,
                                                 "backup_dir": str(backup_dir)},
                                  task_vars={"inventory_hostname": "../../etc/pass\x00wd"})
    path = result["backup_file"]
    assert os.path.dirname(path) == str(backup_dir)
    assert ".." not in os.path.basename(path) and "\x00" not in path and "/" not in os.path.basename(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(backup_dir).st_mode) == 0o700
    assert _regfile.read_reg(path) == result["backup"]


def test_no_backup_file_in_check_mode(tmp_path):
    result, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}, "backup": True,
                                                 "backup_dir": str(tmp_path)}, check_mode=True)
    assert "backup_file" not in result and os.listdir(str(tmp_path)) == []


def test_restore_from_returned_list_and_from_reg_file(tmp_path):
    first, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}, "backup": True,
                                                "backup_dir": str(tmp_path)})
    by_list, rec1 = run_action(ActionModule, {"restore": first["backup"]})
    by_file, rec2 = run_action(ActionModule, {"restore": first["backup_file"]})
    assert rec1.calls[-1][1]["operations"] == first["backup"]
    assert rec2.calls[-1][1]["operations"] == first["backup"]
    assert by_list["operations"] == by_file["operations"]


def test_restore_refuses_foreign_reg_file(tmp_path):
    foreign = tmp_path / "x.reg"
    foreign.write_text("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\x]\r\n")
    result, rec = run_action(ActionModule, {"restore": str(foreign)})
    assert result["failed"] and result["field"] == "restore" and "not a backup written by" in result["msg"]
    assert rec.calls == []


def test_reg_file_round_trips_every_type(tmp_path):
    ops = [
        {"path": "HKLM\\SOFTWARE\\t\\AES 128/128", "name": None, "state": "present", "type": None, "data": None,
         "reboot_reason": "r1"},
        {"path": "HKLM\\SOFTWARE\\t\\AES 128/128", "name": "Enabled", "state": "present", "type": "dword",
         "data": 0xFFFFFFFF, "reboot_reason": "r2"},
        {"path": "HKLM\\SOFTWARE\\t", "name": "q", "state": "present", "type": "qword", "data": 2 ** 40,
         "reboot_reason": None},
        {"path": "HKLM\\SOFTWARE\\t", "name": "s \"quoted\" \\", "state": "present", "type": "string",
         "data": "a,b\\c\"d", "reboot_reason": None},
        {"path": "HKLM\\SOFTWARE\\t", "name": "", "state": "present", "type": "expandstring", "data": "%SystemRoot%",
         "reboot_reason": None},
        {"path": "HKLM\\SOFTWARE\\t", "name": "m", "state": "present", "type": "multistring",
         "data": ["NistP384", "NistP256"], "reboot_reason": None},
        {"path": "HKLM\\SOFTWARE\\t", "name": "b", "state": "present", "type": "binary", "data": [0, 255, 16],
         "reboot_reason": None},
        {"path": "HKLM\\SOFTWARE\\t", "name": "gone", "state": "absent", "type": None, "data": None,
         "reboot_reason": None},
        {"path": "HKLM\\SOFTWARE\\t\\old", "name": None, "state": "absent", "type": None, "data": None,
         "reboot_reason": "r3"},
    ]
    path = _regfile.write_backup(ops, str(tmp_path), "host")
    assert open(path, "rb").read(2) == b"\xff\xfe"  # UTF-16 LE with BOM, as regedit writes
    assert _regfile.read_reg(path) == ops


@pytest.mark.parametrize("name, expected", [("../../etc/passwd", "etc_passwd"), ("/abs/path", "abs_path"),
                                            ("web\x0001", "web01"), ("..", "host"), ("db-01.example.com",
                                                                                     "db-01.example.com")])
def test_safe_names(name, expected):
    assert _regfile.safe_name(name) == expected


# -- lockout guard -------------------------------------------------------------------------------------------------
def _no_probe(host, port, timeout=5.0):
    return {"connects": True, "protocol": "TLS 1.2", "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "error": None}


def test_guard_refuses_cutting_winrm_https():
    with mock.patch.object(_guard, "probe", _no_probe):
        result, rec = run_action(ActionModule, {"protocols": {"TLS 1.2": "disabled", "TLS 1.3": "disabled"}},
                                 task_vars=HTTPS)
    assert result["failed"] and "lockout guard refused" in result["msg"]
    assert result["guard"]["blocked"] and result["guard"]["prediction"]["connects"] is False
    assert rec.names() == ["win_schannel_info"]


def test_guard_off_applies_with_a_warning():
    with mock.patch.object(_guard, "probe", _no_probe):
        result, rec = run_action(ActionModule, {"protocols": {"TLS 1.2": "disabled"}, "guard": False},
                                 task_vars=HTTPS)
    assert not result.get("failed") and rec.names() == ["win_schannel_info", "win_schannel"]
    assert any("guard: false" in w for w in result["warnings"])


def test_guard_passes_a_safe_change_over_https():
    with mock.patch.object(_guard, "probe", _no_probe):
        result, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}, "dotnet_strong_crypto": "enabled"},
                                      task_vars=HTTPS)
    assert not result.get("failed")
    assert result["guard"]["checked"] == ["winrm_https"] and result["guard"]["prediction"]["protocol"] == "TLS 1.2"
    assert not any("strong crypto" in w for w in result.get("warnings", []))


def test_http_winrm_is_not_affected():
    result, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.2": "disabled"}})
    assert not result.get("failed") and result["guard"]["checked"] == ["winrm_http"]


def test_rdp_on_2008r2_without_kb3080079():
    args = {"protocols": {"TLS 1.0": "disabled", "TLS 1.2": "enabled"}, "rdp": True}
    refused, _ignored = run_action(ActionModule, args, Recorder(info=RECORDED_INFO_2008R2))
    assert refused["failed"] and "KB3080079" in refused["msg"]
    allowed, _ignored = run_action(ActionModule, dict(args, rdp_kb3080079=True), Recorder(info=RECORDED_INFO_2008R2))
    assert not allowed.get("failed")


def test_warns_when_legacy_tls_goes_without_strong_crypto():
    result, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled", "TLS 1.1": "disabled"}})
    assert any("TLS 1.0 and TLS 1.1 disabled while .NET strong crypto" in w for w in result["warnings"])


# -- reboot ----------------------------------------------------------------------------------------------------------
def test_reboot_through_the_helper_and_reread():
    with mock.patch("ansible_collections.tlsops.schannel.plugins.plugin_utils._reboot.reboot_host",
                    return_value={"changed": True, "elapsed": 1, "rebooted": True}) as reboot:
        result, rec = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}, "reboot": True})
    assert reboot.called and result["rebooted"] is True and result["reboot_required"] is False
    assert result["state_after_reboot"]["windows_version"] == "2019"
    # read, write, read after the reboot, and (issue 14) the release of the lease kept through the reboot
    assert rec.names() == ["win_schannel_info", "win_schannel", "win_schannel_info", "win_schannel"]
    assert rec.calls[3][1] == {"operations": []}


def test_no_reboot_in_check_mode():
    with mock.patch("ansible_collections.tlsops.schannel.plugins.plugin_utils._reboot.reboot_host") as reboot:
        result, _ignored = run_action(ActionModule, {"protocols": {"TLS 1.0": "disabled"}, "reboot": True}, check_mode=True)
    assert not reboot.called and result["rebooted"] is False and result["reboot_required"] is True


def test_new_keys_are_created_explicitly_so_the_backup_removes_them():
    result, _ignored = run_action(ActionModule, {"ciphers": {"AES 128/128": "disabled"}})
    ops = result["operations"]
    assert ops[0] == {"path": SCHANNEL + "\\Ciphers\\AES 128/128", "name": None, "state": "present", "type": None,
                      "data": None, "reboot_reason": ops[1]["reboot_reason"]}
    assert ops[1]["name"] == "Enabled"


def test_key_creation_never_reaches_above_the_dumped_roots():
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regops
    op = {"path": "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v2.0.50727", "name": "SchUseStrongCrypto",
          "state": "present", "type": "dword", "data": 1, "reboot_reason": None}
    out = _regops.with_key_creation({}, [op], ["HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v2.0.50727"])
    assert [o["path"] for o in out] == [op["path"], op["path"]] and out[0]["name"] is None
    assert _regops.with_key_creation({}, [op], []) == [op]


# -- profiles (knowledge engine: profile loader + compiler) ---------------------------------------------------------
def test_profile_compiles_without_the_suite_order():
    result, rec = run_action(ActionModule, {"profile": "mozilla_intermediate"})
    assert not result.get("failed"), result
    paths = {op["path"] for op in result["operations"]}
    assert SCHANNEL + "\\Protocols\\TLS 1.0\\Server" in paths
    assert not any("\\Policies\\" in p for p in paths)  # the order belongs to win_tls_cipher_suites
    assert all(f["severity"] != "error" for f in result["findings"])
    assert rec.names() == ["win_schannel_info", "win_schannel"]


def test_setting_wins_over_the_profile_as_schannel_plan_says():
    """Issue 16.3: a setting given next to a profile is an override (it used to fail with 'contradicts the
    profile' at apply although schannel_plan had accepted it); it is compiled by the same function as the plan."""
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _planning

    result, rec = run_action(ActionModule, {"profile": "ios_ats", "protocols": {"TLS 1.0": "enabled"}})
    assert not result.get("failed"), result
    tls10 = [op for op in result["operations"] if op["path"] == SCHANNEL + "\\Protocols\\TLS 1.0\\Server"]
    assert {op["name"]: op["data"] for op in tls10} == {"Enabled": 1, "DisabledByDefault": 0}
    assert [f["item"] for f in result["findings"] if f["code"] == _planning.OVERRIDE_WEAKENS] == ["protocols.TLS 1.0"]
    planned = _planning.plan_for_host("ios_ats", {"protocols": {"TLS 1.0": "enabled"}}, RECORDED_INFO_2019)
    assert result["operations"] == planned.registry_operations
    assert rec.names() == ["win_schannel_info", "win_schannel"]


def test_setting_that_agrees_with_the_profile_is_fine():
    result, _ignored = run_action(ActionModule, {"profile": "mozilla_intermediate", "protocols": {"TLS 1.0": "disabled"},
                                                 "dotnet_strong_crypto": "enabled"})
    assert not result.get("failed"), result


def test_unknown_profile_names_the_valid_ones():
    result, rec = run_action(ActionModule, {"profile": "mozila_intermediate"})
    assert result["failed"] and result["field"] == "profile" and "mozilla_intermediate" in result["msg"]
    assert "win_schannel" not in rec.names()


def test_error_findings_refuse():
    """A profile that is not achievable on the host (SCH009) is refused before any write."""
    result, rec = run_action(ActionModule, {"profile": "mozilla_modern"})  # TLS 1.3 only: not on 2019
    assert result["failed"] and "error findings" in result["msg"], result
    assert any(f["severity"] == "error" for f in result["findings"])
    assert "win_schannel" not in rec.names()


def test_restore_validates_operations_from_a_reg_file(tmp_path):
    ops = [{"path": SCHANNEL + "\\..\\..\\Lsa", "name": "x", "state": "present", "type": "dword", "data": 1,
            "reboot_reason": None}]
    path = _regfile.write_backup(ops, str(tmp_path), "host")
    result, rec = run_action(ActionModule, {"restore": path})
    assert result["failed"] and "'.' or '..'" in result["msg"] and result["field"].endswith("[0].path"), result
    assert "win_schannel" not in rec.names()


def test_the_backup_never_removes_a_key_above_a_managed_root():
    """A run that created Wow6432Node\\Microsoft\\Windows (to reach the 32-bit WinHTTP key) returns a backup that removes
    the WinHTTP key, not that ancestor, so restore (managed keys only) takes it (h16's guide test via h17)."""
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
    from ansible_collections.tlsops.schannel.plugins.plugin_utils._regops import removals_within
    root = "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp"
    backup = [{"path": root, "name": "DefaultSecureProtocols", "state": "absent", "type": None, "data": None,
               "reboot_reason": None},
              {"path": "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows", "name": None, "state": "absent", "type": None,
               "data": None, "reboot_reason": None}]
    fixed = removals_within(backup, rm.MANAGED_KEYS)
    assert fixed[0] == backup[0] and [op["path"] for op in fixed[1:]] == [root]
    assert removals_within(fixed, rm.MANAGED_KEYS) == fixed
    # a key creation above a root, or a removal above no root, is left for the restore's own path check to refuse
    create = dict(backup[1], state="present")
    other = dict(backup[1], path="HKLM\\SOFTWARE\\Contoso")
    assert removals_within([create, other], rm.MANAGED_KEYS) == [create, other]
