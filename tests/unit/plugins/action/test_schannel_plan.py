"""The schannel_plan action plugin: argument spec = documentation, results, failures, the ad-hoc contract."""
from __future__ import annotations

import json
import os
from unittest.mock import MagicMock

import pytest
import yaml

from ansible_collections.tlsops.schannel.plugins.action import schannel_plan as action_module
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.modules import schannel_plan as doc_module

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))


def run(args, task_vars=None):
    task = MagicMock()
    task.args = args
    task.async_val = 0
    task.check_mode = False
    task.diff = False
    action = action_module.ActionModule(task, MagicMock(), MagicMock(), loader=MagicMock(), templar=MagicMock(),
                                        shared_loader_obj=MagicMock())
    return action.run(task_vars=task_vars or {})


def test_documentation_matches_argument_spec():
    doc = yaml.safe_load(doc_module.DOCUMENTATION)
    yaml.safe_load(doc_module.EXAMPLES)
    returned = yaml.safe_load(doc_module.RETURN)
    options = doc["options"]
    assert sorted(options) == sorted(action_module.ARGUMENT_SPEC)
    for name, spec in action_module.ARGUMENT_SPEC.items():
        assert options[name]["type"] == spec["type"], name
        assert options[name].get("default") == spec.get("default"), name
        assert bool(options[name].get("required")) == bool(spec.get("required")), name
        assert options[name].get("choices") == spec.get("choices"), name
    for key in ("registry", "operations", "cipher_suites", "ecc_curves", "changes", "reboot_required",
                "reboot_reasons", "findings", "predictions"):
        assert key in returned


def test_ios_ats_on_2008r2():
    result = run({"profile": "ios_ats", "windows_version": "2008r2", "certificate_key": "rsa:2048"})
    assert not result.get("failed") and result["changed"] is False
    assert result["cipher_suites"][0] == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256"
    tls12 = result["registry"][rm.protocol_path("TLS 1.2", "Server")]
    assert tls12 == {"Enabled": {"type": "dword", "data": 1}, "DisabledByDefault": {"type": "dword", "data": 0}}
    assert result["reboot_required"] and rm.REBOOT_PROTOCOL in result["reboot_reasons"]
    ios = result["predictions"]["ios9_ats"]
    assert ios["connects"] and ios["protocol"] == "TLS 1.2" and ios["cipher_suite"].startswith("TLS_ECDHE_RSA_")
    assert "_CBC_" in ios["cipher_suite"]
    json.dumps(result)


def test_override_fails_with_both_names_explained():
    args = {"profile": "ios_ats", "windows_version": "2008r2", "certificate_key": "rsa:2048",
            "overrides": {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"]}}
    result = run(args)
    assert result["failed"]
    assert "does not exist before Windows Server 2016" in result["msg"]
    assert "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256" in result["msg"]
    assert result["predictions"]["ios9_ats"]["symptom"] == "tcp_reset"
    assert "ios9_ats tcp_reset" in result["msg"]
    result = run(dict(args, fail_on_findings=False))
    assert not result.get("failed") and result["findings"]


@pytest.mark.parametrize("args,field", [
    ({"profile": "ios_ats", "windows_version": "2003"}, "windows_version"),
    ({"profile": "ios_ats"}, "windows_version"),
    ({"profile": "ios_ats", "windows_version": "2019", "certificate_key": "dsa:1024"}, "certificate_key"),
    ({"profile": "nope", "windows_version": "2019"}, "profile"),
    ({"profile": "ios_ats", "windows_version": "2019", "overrides": {"protocols": {"TLS 1.2": "on"}}},
     "overrides: protocols.TLS 1.2"),
])
def test_bad_input_names_the_field(args, field):
    result = run(args)
    assert result["failed"] and result["field"] == field and result["msg"].startswith(field)


def test_argument_spec_rejects_unknown_client():
    from ansible.errors import AnsibleActionFail  # Ansible turns it into a failed result naming the option
    with pytest.raises(AnsibleActionFail) as err:
        run({"profile": "ios_ats", "windows_version": "2019", "clients": ["netscape"]})
    assert "clients" in str(err.value) and "ios9_ats" in str(err.value)


def test_facts_from_win_schannel_info():
    info = {"os": {"version": "10.0.17763", "build": 17763},
            "registry": {rm.POLICY_SSL: {"Functions": {"type": "string",
                                                       "data": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}}},
            "tls_cipher_suites": [{"name": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "code": 49199}],
            "bindings": [{"kind": "ip", "ip": "0.0.0.0", "port": 5986, "key_type": "ecdsa", "key_size": 256,
                          "signature_hash": "sha256"},
                         {"kind": "ip", "ip": "0.0.0.0", "port": 443, "key_type": "rsa", "key_size": 1024,
                          "signature_hash": "sha256"}]}
    result = run({"profile": "ios_ats", "facts": info, "clients": ["ios9_ats"], "fail_on_findings": False})
    assert result["windows_version"] == "2019"
    assert [f["code"] for f in result["findings"] if f["code"] == "SCH014"] == ["SCH014"]  # RSA 1024 for ATS
    assert result["predictions"]["ios9_ats"]["symptom"] == "certificate_rejected"
    functions = [c for c in result["changes"] if c["name"] == "Functions"][0]
    assert functions["before"]["data"] == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"


def test_guard_over_winrm_https():
    task_vars = {"ansible_connection": "winrm", "ansible_winrm_scheme": "https"}
    result = run({"profile": "ios_ats", "windows_version": "2008r2", "certificate_key": "rsa:2048",
                  "clients": ["ios9_ats"], "overrides": {"cipher_suites": ["TLS_RSA_WITH_AES_128_CBC_SHA"]}},
                 task_vars)
    assert "pywinrm" in result["predictions"]
    assert [f["item"] for f in result["findings"] if f["code"] == "SCH010"] == ["pywinrm"]
    result = run({"profile": "ios_ats", "windows_version": "2008r2", "certificate_key": "rsa:2048",
                  "clients": ["ios9_ats"]}, task_vars)
    assert not [f for f in result["findings"] if f["code"] == "SCH010"]
