# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""win_schannel_info's updates, run_state and unknown names end to end: ansible-playbook -> action plugin -> WinRM
-> the twin's double of win_schannel_info.ps1 -> schannel_plan on the registered result (issue 15, 14).

Two 2012 R2 twins: one as the knowledge tables describe it (its stock update list carries KB2919355) and one with no
updates installed (TwinConfig.hotfixes = []). The plan made from each one's facts must give SCH019 as a verdict:
nothing for the patched host, a warning naming KB2919355 and the fix for the other.
"""
from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.slow]

LIFETIME = 300
RUN_KEY = "HKLM:\\SOFTWARE\\tlsops\\schannel"
POLICY = "HKLM:\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    from tests.twin import api

    state = tmp_path_factory.mktemp("twins")
    doc = api.start_twins([{"name": "patched12r2", "version": "2012r2"},
                           {"name": "bare12r2", "version": "2012r2", "hotfixes": []}],
                          str(state), lifetime=LIFETIME, reboot_downtime=0.5)
    try:
        yield {name: dict(doc["twins"][name], name=name, state=str(state), inventory=str(state / "inventory.yml"))
               for name in ("patched12r2", "bare12r2")}
    finally:
        api.stop_twins(str(state))


def _info_then_plan():
    return [
        {"tlsops.schannel.win_schannel_info": {}, "register": "info"},
        {"tlsops.schannel.schannel_plan": {"profile": "best_practices", "facts": "{{ info }}"}, "register": "plan"},
    ]


def _sch019(plan):
    return [f for f in plan["findings"] if f["code"] == "SCH019"]


def test_patched_host_lists_its_update_and_the_plan_relies_on_it_without_a_finding(twins, play):
    (info, plan), _proc = play(twins["patched12r2"], _info_then_plan())
    assert not info.get("failed") and not plan.get("failed"), (info, plan)
    assert info["windows_version"] == "2012r2"
    assert info["updates"] == {"KB2919355": True, "KB3042058": False, "KB3140245": False}
    assert info["read_errors"] == []
    assert _sch019(plan) == []


def test_host_without_the_update_gets_the_warning_with_the_kb_and_the_fix(twins, play):
    (info, plan), _proc = play(twins["bare12r2"], _info_then_plan())
    assert info["updates"] == {"KB2919355": False, "KB3042058": False, "KB3140245": False}
    (finding,) = _sch019(plan)
    assert finding["severity"] == "warning" and finding["item"] == "KB2919355"
    assert "did not find KB2919355" in finding["message"] and "install KB2919355" in finding["fix"]


def test_run_state_and_unknown_names_reach_the_user(twins, play):
    intent = {"run_id": "run-9", "owner": "ctl9", "module": "win_schannel", "started": "2026-12-03T08:00:00Z",
              "operations": [], "undo": []}
    tasks = [
        {"ansible.windows.win_regedit": {"path": RUN_KEY, "name": "Intent", "type": "string",
                                         "data": json.dumps(intent)}},
        {"ansible.windows.win_regedit": {"path": RUN_KEY, "name": "Lease", "type": "string", "data": "not json"}},
        {"ansible.windows.win_regedit": {"path": POLICY, "name": "Functions", "type": "string",
                                         "data": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA"}},
        {"tlsops.schannel.win_schannel_info": {}, "register": "info"},
        {"ansible.windows.win_regedit": {"path": RUN_KEY, "state": "absent", "delete_key": True}},
        {"ansible.windows.win_regedit": {"path": POLICY, "name": "Functions", "state": "absent"}},
    ]
    results, _proc = play(twins["bare12r2"], tasks)
    info = results[3]
    assert info["run_state"]["interrupted"] == intent
    assert info["run_state"]["lease"] == {"raw": "not json", "error": "Lease does not hold a JSON object (REG_SZ JSON "
                                          "text); remove the value once no run of this collection holds the host"}
    warnings = info.get("warnings") or []
    assert any("interrupted run (win_schannel, run run-9 of ctl9" in w for w in warnings), warnings
    assert any(w.startswith("HKLM\\SOFTWARE\\tlsops\\schannel\\Lease: ") for w in warnings), warnings
    # a 2016+ name in a 2012 R2 policy list: named with the release and the nearest names 2012 R2 has
    (unknown,) = info["unknown_names"]
    assert unknown["name"] == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" and unknown["windows_version"] == "2012r2"
    assert unknown["nearest"][0].startswith("TLS_ECDHE_RSA_WITH_AES_128_")
    assert any("Windows Server 2012 R2" in w and "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" in w and "fix: replace" in w
               for w in warnings), warnings
