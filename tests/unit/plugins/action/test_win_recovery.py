# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 14 in the action plugins (plugin_utils/_win_action.py): the ``run`` every write-module call carries, the
recovery of an interrupted run (``interrupted_run``), a refusal for another controller's lease, and the take-over of a
lease left by a process of this controller that has ended. The host answers are recorded module results."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.tlsops.schannel.plugins.action import win_schannel, win_tls_cipher_suites
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _win_action

from tests.unit.plugins.action.test_win_harness import SCHANNEL, Recorder, recorded_schannel_result, run_action

TLS10 = SCHANNEL + "\\Protocols\\TLS 1.0\\Server"
ARGS = {"protocols": {"TLS 1.0": "disabled"}}
UNDO = [{"path": TLS10, "name": "Enabled", "state": "present", "type": "dword", "data": 4294967295,
         "reboot_reason": None}]
INTENT = {"run_id": "ctl-a:1:abc", "owner": "ops@ctl-a (pid 1)", "module": "win_schannel",
          "started": "2026-12-02T10:15:00Z", "operations": [dict(UNDO[0], data=0)], "undo": UNDO}


def _interrupted_once(info):
    """win_schannel refuses once for an interrupted run, then answers as the .ps1 does."""
    state = {"refused": False}

    def answer(args):
        if not state["refused"] and not args.get("run", {}).get("recover"):
            state["refused"] = True
            return {"failed": True, "changed": False, "interrupted": INTENT,
                    "msg": "an interrupted run (win_schannel, run ctl-a:1:abc of ops@ctl-a (pid 1), started "
                           "2026-12-02T10:15:00Z) left this host mid-change; run the task again through the action "
                           "plugin, which rolls it back first"}
        return recorded_schannel_result(args["operations"], info["registry"])
    return answer


def test_every_write_call_carries_a_run_of_this_controller():
    result, rec = run_action(win_schannel.ActionModule, ARGS)
    assert not result.get("failed"), result
    (name, run), = rec.runs
    assert name.endswith(".win_schannel")
    host, pid, _rand = run["id"].split(":")
    assert host == socket.gethostname() and int(pid) == os.getpid()
    assert run["owner"].endswith("@%s (pid %d)" % (socket.gethostname(), os.getpid()))
    assert "recovered" not in result

    result, rec = run_action(win_schannel.ActionModule, dict(ARGS, run_owner="nightly job"))
    assert rec.runs[0][1]["owner"] == "nightly job"
    assert not [c for c in rec.calls if c[0].endswith("win_schannel_info") and "run" in (c[1] or {})]


def test_an_interrupted_run_is_rolled_back_first_then_the_task_runs():
    rec = Recorder()
    rec.answers["win_schannel"] = _interrupted_once(rec.info)
    result, rec = run_action(win_schannel.ActionModule, ARGS, rec)
    assert not result.get("failed"), result
    assert result["recovered"]["action"] == "rollback" and result["recovered"]["interrupted"]["run_id"] == "ctl-a:1:abc"
    # info, refused write, the rollback (the intent's undo), info again, the task's write, the lease release
    assert rec.names() == ["win_schannel_info", "win_schannel", "win_schannel", "win_schannel_info", "win_schannel",
                           "win_schannel"]
    assert rec.calls[2][1] == {"operations": UNDO}
    runs = [r for _n, r in rec.runs]
    assert runs[1]["recover"] is True and runs[1]["release"] is False
    assert rec.calls[5][1] == {"operations": []} and runs[3]["release"] is True
    assert len({r["id"] for r in runs}) == 1  # one run, one lease
    assert any("rolled back to the state before it" in w for w in result["warnings"])


def test_finish_writes_what_the_interrupted_run_meant_to():
    rec = Recorder()
    rec.answers["win_schannel"] = _interrupted_once(rec.info)
    result, rec = run_action(win_schannel.ActionModule, dict(ARGS, interrupted_run="finish"), rec)
    assert result["recovered"]["action"] == "finish", result
    assert rec.calls[2][1] == {"operations": INTENT["operations"]}


def test_fail_leaves_it_and_writes_nothing():
    rec = Recorder()
    rec.answers["win_schannel"] = _interrupted_once(rec.info)
    result, rec = run_action(win_schannel.ActionModule, dict(ARGS, interrupted_run="fail"), rec)
    assert result["failed"] and "interrupted_run: fail leaves it" in result["msg"], result
    assert result["interrupted"] == INTENT
    assert rec.names() == ["win_schannel_info", "win_schannel"]  # the refused call only


def test_a_local_order_intent_is_rolled_back_with_the_cipher_suite_module():
    local = {"scope": "local", "cipher_suites": ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"], "ecc_curves": ["NistP256"]}
    intent = dict(INTENT, module="win_tls_cipher_suites", undo=local, operations=dict(local, cipher_suites=[]))
    calls = {"n": 0}

    def suites(args):
        calls["n"] += 1
        if calls["n"] == 1:
            return {"failed": True, "changed": False, "interrupted": intent, "msg": "an interrupted run (...)"}
        return {"changed": True, "before": {}, "after": {}, "backup": {"scope": "local"}, "reboot_required": False,
                "reboot_reasons": []}
    rec = Recorder(answers={"win_tls_cipher_suites": suites})
    result, rec = run_action(win_tls_cipher_suites.ActionModule, {"cipher_suites": ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"],
                                                                  "scope": "local"}, rec, action="win_tls_cipher_suites")
    assert not result.get("failed"), result
    recovery = [c for c in rec.calls if c[0].endswith("win_tls_cipher_suites")][1][1]
    assert recovery == {"scope": "local", "cipher_suites": ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"], "ecc_curves": ["NistP256"]}
    assert result["recovered"]["module"] == "win_tls_cipher_suites"


def test_another_controllers_lease_fails_the_task_naming_it():
    holder = {"owner": "ops@awx-2 (pid 9)", "run_id": "awx-2:9:ff", "expires": "2099-01-01T00:00:00Z"}
    msg = ("the host is leased by ops@awx-2 (pid 9) (run awx-2:9:ff) until 2099-01-01T00:00:00Z; nothing was written; "
           "wait for that run to end or for the lease to expire")
    rec = Recorder(answers={"win_schannel": {"failed": True, "changed": False, "lease": holder, "msg": msg}})
    result, rec = run_action(win_schannel.ActionModule, ARGS, rec)
    assert result["failed"] and result["msg"] == msg and result["lease"] == holder
    assert rec.names() == ["win_schannel_info", "win_schannel"]  # not retried: not this controller's


def test_a_lease_of_an_ended_process_of_this_controller_is_taken_over():
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its pid is free now (reuse within this test is not expected)
    holder = {"owner": "me", "run_id": "%s:%d:ab" % (socket.gethostname(), dead.pid), "expires": "2099-01-01T00:00:00Z"}
    state = {"n": 0}

    def answer(args):
        state["n"] += 1
        if args["run"]["id"] != holder["run_id"]:
            return {"failed": True, "changed": False, "lease": holder, "msg": "the host is leased by me ..."}
        return recorded_schannel_result(args["operations"], Recorder().info["registry"])
    result, rec = run_action(win_schannel.ActionModule, ARGS, Recorder(answers={"win_schannel": answer}))
    assert not result.get("failed"), result
    assert [r["id"] for _n, r in rec.runs] == [rec.runs[0][1]["id"], holder["run_id"]]
    assert any("took over the lease" in w for w in result["warnings"])


def test_a_lease_of_a_live_process_is_not_taken_over():
    live = "%s:%d:ab" % (socket.gethostname(), os.getppid())
    holder = {"owner": "me", "run_id": live, "expires": "2099-01-01T00:00:00Z"}
    rec = Recorder(answers={"win_schannel": {"failed": True, "changed": False, "lease": holder, "msg": "leased"}})
    result, rec = run_action(win_schannel.ActionModule, ARGS, rec)
    assert result["failed"] and rec.names().count("win_schannel") == 1


def test_interrupted_run_is_documented_and_validated():
    spec = _win_action.APPLY_OPTIONS["interrupted_run"]
    assert spec["choices"] == ["rollback", "finish", "fail"] and spec["default"] == "rollback"
    rec = Recorder()
    with pytest.raises(AnsibleActionFail, match="value of interrupted_run must be one of: rollback, finish, fail"):
        run_action(win_schannel.ActionModule, dict(ARGS, interrupted_run="later"), rec)
    assert rec.calls == []  # before anything reached the host


def test_check_mode_passes_the_modules_warning_on_and_settles_nothing():
    text = ("an interrupted run (win_schannel, run ctl-a:1:abc of ops@ctl-a (pid 1), started 2026-12-02T10:15:00Z) left "
            "this host mid-change; run the task again through the action plugin, which rolls it back first")

    def answer(args):
        return dict(recorded_schannel_result(args["operations"], Recorder().info["registry"]), warnings=[text])
    result, rec = run_action(win_schannel.ActionModule, ARGS, Recorder(answers={"win_schannel": answer}), check_mode=True)
    assert not result.get("failed") and text in result["warnings"], result
    assert rec.names() == ["win_schannel_info", "win_schannel"] and "recovered" not in result


def test_with_reboot_the_lease_is_kept_through_the_reboot_and_released_after():
    from unittest import mock

    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _reboot
    with mock.patch.object(_reboot, "reboot_host", return_value={"failed": False}) as reboot:
        result, rec = run_action(win_schannel.ActionModule, dict(ARGS, reboot=True, reboot_timeout=300))
    assert not result.get("failed") and result["rebooted"] and reboot.called, result
    assert rec.names() == ["win_schannel_info", "win_schannel", "win_schannel_info", "win_schannel"]
    (_w, write), (_r, release) = rec.runs
    assert write["release"] is False and write["lease_seconds"] == 1200  # 900 + reboot_timeout
    assert rec.calls[3][1] == {"operations": []} and release["release"] is True and release["id"] == write["id"]


def test_without_reboot_the_write_releases_the_lease_itself():
    result, rec = run_action(win_schannel.ActionModule, ARGS)
    assert rec.names() == ["win_schannel_info", "win_schannel"] and "release" not in rec.runs[0][1]
