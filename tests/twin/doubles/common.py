"""Helpers every double shares: Ansible.Basic's argument handling and result conventions."""
from __future__ import annotations

from .. import argspec


def modes(args: dict) -> tuple[bool, bool]:
    """(check_mode, diff) as Ansible passes them in ``complex_args``."""
    return bool(args.get("_ansible_check_mode")), bool(args.get("_ansible_diff"))


def options(args: dict) -> dict:
    return {k: v for k, v in args.items() if not k.startswith("_ansible_")}


class CaseInsensitiveDict(dict):
    """A PowerShell hashtable's keys: case-insensitive, the first spelling kept, the last value wins (D9)."""

    def __setitem__(self, key, value):
        existing = next((k for k in self if k.lower() == key.lower()), key)
        super().__setitem__(existing, value)


def run_module(module: str, args: dict, body) -> dict:
    """``[Ansible.Basic.AnsibleModule]::Create($args, $spec)``, then the module body, then ``ExitJson``/``FailJson``:
    bad arguments fail with Ansible.Basic's message, and every result carries ``invocation.module_args`` (the
    validated params), as ``GetFormattedResults`` adds it."""
    try:
        params = argspec.validate(module, args)
    except argspec.ArgumentError as exc:
        # Ansible.Basic's Result starts as {changed: false}, so its FailJson for bad arguments carries it too
        return {"failed": True, "changed": False, "msg": str(exc), "invocation": {"module_args": options(args)}}
    check_mode, want_diff = modes(args)
    result = body(params, check_mode)
    if not want_diff:
        result.pop("diff", None)
    result.setdefault("changed", False)
    result["invocation"] = {"module_args": params}
    return result
