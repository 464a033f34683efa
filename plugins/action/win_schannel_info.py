# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of tlsops.schannel.win_schannel_info: one read on the host, everything derived in Python."""
from __future__ import annotations

from ansible_collections.tlsops.schannel.plugins.plugin_utils._win_action import RUN_KEY, SchannelAction


def fact_warnings(facts):
    """The warnings a user should see in the facts: parts the host did not let us read, look-alike keys, names the
    release's Schannel does not know (with the nearest known ones), and a run left unfinished on the host."""
    out = []
    for error in facts.get("read_errors") or ():
        out.append("could not read %s: %s" % (error.get("what"), error.get("error")))
    for stray in facts["stray_keys"]:
        out.append("stray registry key %s: %s" % (stray["path"], stray["fix"]))
    for unknown in facts.get("unknown_names") or ():
        out.append("%s; fix: %s" % (unknown["message"], unknown["fix"]))
    run_state = facts.get("run_state") or {}
    interrupted = run_state.get("interrupted")
    if isinstance(interrupted, dict) and "error" not in interrupted:
        out.append("an interrupted run (%s, run %s of %s, started %s) left this host mid-change; run the task again "
                   "through its action plugin, which rolls it back first" % (
                       interrupted.get("module"), interrupted.get("run_id"), interrupted.get("owner"),
                       interrupted.get("started")))
    for name, label in (("lease", "Lease"), ("interrupted", "Intent")):
        value = run_state.get(name)
        if isinstance(value, dict) and "error" in value:
            out.append("%s\\%s: %s" % (RUN_KEY, label, value["error"]))
    return out


class ActionModule(SchannelAction):

    ARGUMENT_SPEC = {
        "bindings": {"type": "bool", "default": True},
        "cipher_suites": {"type": "bool", "default": True},
    }

    def run_action(self, args, task_vars):
        facts = self.read_host(task_vars, bindings=args["bindings"], cipher_suites=args["cipher_suites"])
        facts["changed"] = False
        for warning in fact_warnings(facts):
            self.warn(warning)
        return facts
