# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of tlsops.schannel.win_schannel_info: one read on the host, everything derived in Python."""
from __future__ import annotations

from ansible_collections.tlsops.schannel.plugins.plugin_utils._win_action import SchannelAction


class ActionModule(SchannelAction):

    ARGUMENT_SPEC = {
        "bindings": {"type": "bool", "default": True},
        "cipher_suites": {"type": "bool", "default": True},
    }

    def run_action(self, args, task_vars):
        facts = self.read_host(task_vars, bindings=args["bindings"], cipher_suites=args["cipher_suites"])
        facts["changed"] = False
        for stray in facts["stray_keys"]:
            self.warn("stray registry key %s: %s" % (stray["path"], stray["fix"]))
        return facts
