# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Harness for the Windows action-plugin tests: no Windows, no WinRM.

``run_action`` builds the real ``ActionModule`` with a mocked task/connection and replaces ``_execute_module`` with a
recorder that answers from recorded module outputs (``RECORDED_*`` below, in the contract format of the ``.ps1``) and
keeps every call, so a test can assert what reached the host -- and that nothing did when the input was bad.
"""
from __future__ import annotations

import copy
from unittest import mock

from ansible.parsing.dataloader import DataLoader

SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
POLICY = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"

# Recorded from win_schannel_info.ps1 (shape per docs/dev/contracts.md) on a stock Server 2019 with one stray
# 'AES 128\128' pair of keys and a look-alike 'Triple DES 168/168' left by other tools.
RECORDED_INFO_2019 = {
    "changed": False,
    "os": {"version": "10.0.17763", "build": 17763, "caption": "Microsoft Windows Server 2019 Datacenter",
           "installation_type": "Server"},
    "registry": {
        SCHANNEL: {},
        SCHANNEL + "\\Ciphers": {},
        SCHANNEL + "\\Ciphers\\AES 128": {},
        SCHANNEL + "\\Ciphers\\AES 128\\128": {"Enabled": {"type": "dword", "data": 0}},
        SCHANNEL + "\\Ciphers\\Triple DES 168/168": {"Enabled": {"type": "dword", "data": 0}},
        SCHANNEL + "\\Protocols": {},
        SCHANNEL + "\\Protocols\\SSL 2.0": {},
        SCHANNEL + "\\Protocols\\SSL 2.0\\Client": {"DisabledByDefault": {"type": "dword", "data": 1}},
        SCHANNEL + "\\Protocols\\TLS 1.0": {},
        SCHANNEL + "\\Protocols\\TLS 1.0\\Server": {"Enabled": {"type": "dword", "data": 4294967295},
                                                    "DisabledByDefault": {"type": "dword", "data": 0}},
    },
    "tls_cipher_suites": [
        {"name": "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "code": 49196},
        {"name": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "code": 49195},
        {"name": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "code": 49200},
        {"name": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "code": 49199},
        {"name": "TLS_RSA_WITH_AES_256_GCM_SHA384", "code": 157},
        {"name": "TLS_RSA_WITH_AES_128_GCM_SHA256", "code": 156},
        {"name": "TLS_RSA_WITH_AES_256_CBC_SHA", "code": 53},
        {"name": "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "code": 10},
    ],
    "tls_ecc_curves": ["curve25519", "NistP256", "NistP384"],
    "bindings": [{"ip": "0.0.0.0", "hostname": None, "port": 5986, "thumbprint": "AB" * 20, "subject": "CN=web01",
                  "key_type": "rsa", "key_size": 2048, "signature_hash": "sha256",
                  "not_after": "2027-01-01T00:00:00Z"}],
    "reboot_pending": True,
    "reboot_pending_reasons": ["Windows Update waits for a reboot"],
    "last_boot_time": "2026-11-28T06:00:00Z",
}

# Recorded from win_schannel_info.ps1 on a stock Server 2008 R2 (no TLS cmdlets).
RECORDED_INFO_2008R2 = {
    "changed": False,
    "os": {"version": "6.1.7601", "build": 7601, "caption": "Microsoft Windows Server 2008 R2 Standard",
           "installation_type": "Server"},
    "registry": {SCHANNEL: {}, SCHANNEL + "\\Protocols": {}},
    "tls_cipher_suites": None,
    "tls_ecc_curves": None,
    "bindings": [],
    "reboot_pending": False,
    "reboot_pending_reasons": [],
    "last_boot_time": "2026-11-28T06:00:00Z",
}


def recorded_schannel_result(operations, dump, check_mode=False):
    """What win_schannel.ps1 returns for ``operations`` on ``dump`` (recorded shape; computed so the data fits)."""
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regops

    changes, backup_blocks, reasons, before_d, after_d = [], [], [], {}, {}
    current = copy.deepcopy(dump)
    for op in operations:
        if op["name"] is None:
            continue
        key = next((k for k in current if k.lower() == op["path"].lower()), None)
        old = (current.get(key) or {}).get(op["name"]) if key else None
        if op["state"] == "absent":
            if old is None:
                continue
            new = None
        else:
            new = {"type": op["type"], "data": op["data"]}
            if old == new:
                continue
        label = "%s\\%s" % (op["path"], op["name"])
        if old is not None:
            before_d[label] = _regops.display(old)
        if new is not None:
            after_d[label] = _regops.display(new)
        changes.append({"path": op["path"], "name": op["name"], "before": old, "after": new})
        backup_blocks.append({"path": op["path"], "name": op["name"], "state": "absent" if old is None else "present",
                              "type": old and old["type"], "data": old and old["data"],
                              "reboot_reason": op.get("reboot_reason")})
        if op.get("reboot_reason") and op["reboot_reason"] not in reasons:
            reasons.append(op["reboot_reason"])
        current = _regops.apply_operations(current, [op])
    return {"changed": bool(changes), "changes": changes, "backup": list(reversed(backup_blocks)),
            "reboot_required": bool(reasons), "reboot_reasons": reasons,
            "diff": {"before": before_d, "after": after_d}}


class Recorder(object):
    """Stands in for ``_execute_module``: answers per module name and records every call."""

    def __init__(self, info=None, answers=None):
        self.info = info if info is not None else RECORDED_INFO_2019
        self.answers = answers or {}
        self.calls = []
        self.runs = []  # the ``run`` argument (issue 14: lease and intent) of each write-module call, kept apart

    def __call__(self, module_name=None, module_args=None, task_vars=None, **_kwargs):
        args = copy.deepcopy(module_args)
        if isinstance(args, dict) and "run" in args:
            self.runs.append((module_name, args.pop("run")))
        self.calls.append((module_name, args))
        short = module_name.rsplit(".", 1)[-1]
        if short in self.answers:
            answer = self.answers[short]
            return copy.deepcopy(answer(module_args) if callable(answer) else answer)
        if short == "win_schannel_info":
            return copy.deepcopy(self.info)
        if short == "win_schannel":
            return recorded_schannel_result(module_args["operations"], self.info["registry"])
        raise AssertionError("unexpected module %s" % module_name)

    def names(self):
        return [c[0].rsplit(".", 1)[-1] for c in self.calls]


def run_action(plugin_cls, args, recorder=None, check_mode=False, task_vars=None, action="win_schannel"):
    task = mock.MagicMock()
    task.args = copy.deepcopy(args)
    task.check_mode = check_mode
    task.diff = True
    task.async_val = 0
    task.action = "tlsops.schannel.%s" % action
    connection = mock.MagicMock()
    connection._shell.tmpdir = "C:\\Windows\\TEMP\\x"
    play_context = mock.MagicMock()
    play_context.connection = "winrm"
    plugin = plugin_cls(task, connection, play_context, loader=DataLoader(), templar=None, shared_loader_obj=None)
    recorder = recorder or Recorder()
    plugin._execute_module = recorder
    tv = {"inventory_hostname": "web01", "ansible_connection": "winrm", "ansible_winrm_scheme": "http",
          "ansible_port": 5985, "ansible_host": "127.0.0.1"}
    tv.update(task_vars or {})
    return plugin.run(task_vars=tv), recorder
