# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One read of the host per plan (benchmarks "<= 3 module executions per host"): with ``plan`` and ``facts`` the
write plugins do not run win_schannel_info; win_schannel returns ``facts_after`` (the registry as it left it), which
the cipher-suite task of the same plan takes as its facts; facts the plan does not lead to are refused."""
from __future__ import annotations

import copy

from ansible_collections.tlsops.schannel.plugins.action import win_schannel, win_tls_cipher_suites
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm

from tests.unit.plugins.action.test_schannel_plan import run as run_plan
from tests.unit.plugins.action.test_win_harness import RECORDED_INFO_2019, SCHANNEL, Recorder, run_action

TLS10_SERVER = SCHANNEL + "\\Protocols\\TLS 1.0\\Server"


def _suites_answer(module_args):
    return {"changed": True, "before": {"cipher_suites": None, "ecc_curves": None},
            "after": {"cipher_suites": module_args["cipher_suites"], "ecc_curves": module_args["ecc_curves"]},
            "backup": [], "reboot_required": True, "reboot_reasons": [rm.REBOOT_POLICY_ORDER], "diff": {}}


def _plan():
    plan = run_plan({"profile": "mozilla_intermediate", "facts": copy.deepcopy(RECORDED_INFO_2019)})
    assert not plan.get("failed"), plan.get("msg")
    return plan


def test_plan_and_facts_read_the_host_once_for_both_tasks():
    plan, info = _plan(), copy.deepcopy(RECORDED_INFO_2019)
    applied, rec = run_action(win_schannel.ActionModule, {"plan": plan, "facts": info})
    assert not applied.get("failed"), applied.get("msg")
    assert rec.names() == ["win_schannel"]  # no win_schannel_info
    after = applied["facts_after"]
    assert after["registry"] != info["registry"] and after["windows_version"] == "2019"
    rec = Recorder(answers={"win_tls_cipher_suites": _suites_answer})
    ordered, rec = run_action(win_tls_cipher_suites.ActionModule, {"plan": plan, "facts": after}, rec,
                              action="win_tls_cipher_suites")
    assert not ordered.get("failed"), ordered.get("msg")
    assert rec.names() == ["win_tls_cipher_suites"]


def test_facts_the_plan_does_not_lead_to_are_refused_before_writing():
    plan, changed = _plan(), copy.deepcopy(RECORDED_INFO_2019)
    changed["registry"][TLS10_SERVER] = {"Enabled": {"type": "dword", "data": 0}}  # someone wrote since
    for plugin, action in ((win_schannel.ActionModule, "win_schannel"),
                           (win_tls_cipher_suites.ActionModule, "win_tls_cipher_suites")):
        result, rec = run_action(plugin, {"plan": plan, "facts": changed}, Recorder(), action=action)
        assert result["failed"] and result["field"] == "plan.fingerprints", result
        assert rec.names() == []  # nothing read, nothing written


def test_check_mode_returns_the_predicted_facts():
    plan = _plan()
    applied, rec = run_action(win_schannel.ActionModule, {"plan": plan, "facts": copy.deepcopy(RECORDED_INFO_2019)},
                              check_mode=True)
    assert applied["facts_after"]["registry"] != RECORDED_INFO_2019["registry"]
