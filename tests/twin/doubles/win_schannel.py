"""``tlsops.schannel.win_schannel``: apply concrete registry operations (contracts "Registry operations").

Same options as ``win_schannel.ps1`` (``operations`` and the internal ``run``, validated from the module's ``INTERNAL_OPTIONS``),
same results; the work is in ``regops``.
"""
from __future__ import annotations

from . import common
from .regops import apply_operations


def run(host, args: dict) -> dict:
    return common.run_module("win_schannel", args, lambda params, check_mode: apply_operations(
        host.registry, params["operations"], check_mode, params=params))
