"""``tlsops.schannel.win_schannel``: apply concrete registry operations (contracts "Registry operations").

Same single option as ``win_schannel.ps1`` (``operations``), same results; the work is in ``regops``.
"""
from __future__ import annotations

from . import common
from .regops import apply_operations

OPTIONS = ("operations",)


def run(host, args: dict) -> dict:
    bad = common.unsupported(args, OPTIONS)
    if bad:
        return bad
    operations = args.get("operations")
    if operations is None:
        return {"failed": True, "msg": "missing required arguments: operations"}
    check_mode, want_diff = common.modes(args)
    result = apply_operations(host.registry, operations, check_mode)
    if not want_diff:
        result.pop("diff", None)
    return result
