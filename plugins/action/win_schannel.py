# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of tlsops.schannel.win_schannel.

read (win_schannel_info, or ``facts``) -> take the ``plan`` schannel_plan returned (refused when the host changed
since), or compile profile + settings with the same function schannel_plan uses (``_planning.plan_for_host``: the
one merge, settings win over the profile) -> refuse on error findings / bad input / lockout -> win_schannel.ps1
once -> .reg backup -> optional reboot + re-read. The ``.ps1`` receives only concrete registry operations.
"""
from __future__ import annotations

import os

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import write_order
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _explicit_settings, _info_facts, _planning, _regfile, _regops
from ansible_collections.tlsops.schannel.plugins.plugin_utils._win_action import (
    APPLY_OPTIONS,
    Refused,
    SchannelAction,
    text_diff,
)


class ActionModule(SchannelAction):

    WRITES = True
    ARGUMENT_SPEC = dict(APPLY_OPTIONS, **{
        "profile": {"type": "str"},
        "protocols": {"type": "dict"},
        "server_protocols": {"type": "dict"},
        "client_protocols": {"type": "dict"},
        "ciphers": {"type": "dict"},
        "hashes": {"type": "dict"},
        "key_exchanges": {"type": "dict"},
        "key_sizes": {"type": "dict"},
        "schannel_values": {"type": "dict"},
        "dotnet_strong_crypto": {"type": "str", "choices": ["enabled", "disabled", "default"]},
        "winhttp_protocols": {"type": "list", "elements": "str"},
        "restore": {"type": "raw"},
    })

    def run_action(self, args, task_vars):
        explicit = [o for o in _explicit_settings.SETTING_OPTIONS if args.get(o) is not None]
        given = explicit + [o for o in ("profile", "plan") if args.get(o)]
        if args.get("restore") is not None and given:
            raise SchannelInputError("restore", "cannot be combined with %s" % ", ".join(given))
        if args.get("plan") is not None and given != ["plan"]:
            raise SchannelInputError("plan", "writes exactly what schannel_plan computed; it cannot be combined with "
                                     "%s (give them to schannel_plan as profile/overrides)"
                                     % ", ".join(o for o in given if o != "plan"))
        if args.get("restore") is None and not given:
            raise SchannelInputError("profile", "give a profile, explicit settings (protocols, ciphers, ...), the "
                                     "plan schannel_plan returned, or restore")
        # Validate the input that needs no host before the first WinRM round trip.
        restore_ops = self._restore_ops(args["restore"]) if args.get("restore") is not None else None
        explicit_args = dict((o, args[o]) for o in explicit)
        facts = self.facts_for(args, task_vars)
        version = facts["windows_version"]
        dump = facts["registry"] or {}
        findings = []
        order_safe = True
        if restore_ops is not None:
            # a backup puts values back in any order the keys allow: write it in the prefix-safe one too
            order = write_order.prefix_safe_order(version, dump, restore_ops)
            ops, order_safe = list(order.operations), order.safe
        elif args.get("plan") is not None:
            plan = _planning.take_plan(_planning.plain(args["plan"]), facts)
            ops, findings = plan["registry_operations"], plan["findings"]
            order_safe = plan.get("write_order_safe", True)
        else:
            _explicit_settings.resolve(explicit_args, version)  # names, types, contradictions between options
            host_plan = _planning.plan_for_host(args.get("profile"), explicit_args, facts,
                                                certificate_port=args["certificate_port"])
            ops, findings = host_plan.registry_operations, [f.as_dict() for f in host_plan.plan.findings]
            order_safe = host_plan.write_order_safe
            errors = [f for f in findings if f.get("severity") == "error"]
            if errors:
                raise Refused({"failed": True, "changed": False, "findings": findings,
                               "msg": "the plan has error findings, nothing was written: %s" % "; ".join(
                                   "%s (%s)%s" % (f.get("message"), f.get("item"),
                                                  (": " + f["fix"]) if f.get("fix") else "") for f in errors)})
        if not order_safe:
            self.warn("no order of these writes keeps every protocol and suite both the old and the new state serve "
                      "at each step; a run cut between two writes may boot into fewer of them")
        ops = _regops.validate_operations(ops)
        after_dump = _regops.apply_operations(dump, ops)
        verdict = self.guard(args, task_vars, version, facts, after_dump)

        result = {"changed": False, "operations": ops, "findings": findings, "guard": verdict, "changes": [],
                  "backup": [], "reboot_required": False, "reboot_reasons": [], "windows_version": version}
        pre_backup = None
        if ops:
            # the previous state reaches the controller before the first write (nothing lost if the run is cut)
            pre_backup = self.write_backup(args, task_vars, _regops.backup_for(dump, ops))
            module = self.apply_module("win_schannel", {"operations": ops}, task_vars, pre_backup,
                                       boot_time=facts.get("last_boot_time"),
                                       reboot_reasons=list(dict.fromkeys(op.get("reboot_reason") for op in ops)))
            result["changed"] = bool(module.get("changed"))
            reasons = dict(((op["path"].lower(), (op.get("name") or "").lower()), op.get("reboot_reason")) for op in ops)
            result["changes"] = [dict(c, layer=_regops.layer(c["path"]),
                                      reboot_reason=reasons.get((c["path"].lower(), (c.get("name") or "").lower())))
                                 for c in module.get("changes") or []]
            result["backup"] = _regops.removals_within(module.get("backup") or [], rm.MANAGED_KEYS)
            result["reboot_required"] = bool(module.get("reboot_required"))
            result["reboot_reasons"] = list(module.get("reboot_reasons") or [])
            diff = module.get("diff") or {}
            result["diff"] = text_diff(diff.get("before"), diff.get("after"), header=task_vars.get("inventory_hostname"))
        path = self.finish_backup(args, task_vars, result["backup"], pre_backup)
        if path:
            result["backup_file"] = path
        # the facts with the registry as this run left it (in check mode: as it would), for the next apply task
        # (win_tls_cipher_suites with the same plan) to take as facts instead of reading the host again
        result["facts_after"] = _info_facts.enrich(dict(facts, registry=after_dump))
        return self.settle_reboot(args, task_vars, facts, result)

    def _restore_ops(self, restore):
        if isinstance(restore, str):
            path = os.path.expanduser(restore)
            if not os.path.isfile(path):
                raise SchannelInputError("restore", "%s is not a file; give the backup list a previous run returned "
                                         "or the path of a .reg file written with backup: true" % restore)
            field = "restore (%s)" % restore
            ops = _regops.validate_operations(_regfile.read_reg(path), field=field)
        else:
            if isinstance(restore, dict) and "backup" in restore:  # a whole registered result
                restore = restore["backup"]
            ops, field = _regops.validate_operations(restore, field="restore"), "restore"
        for i, op in enumerate(ops):
            # A backup of this collection only touches managed keys; never let a restore delete anything else.
            if not rm.is_managed_path(op["path"]):
                raise SchannelInputError("%s[%d].path" % (field, i), "%s is outside the keys this collection "
                                         "manages; a backup written by tlsops.schannel never touches it" % op["path"])
        return ops
