# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of tlsops.schannel.win_tls_cipher_suites.

Resolves set/add/remove against the list in the chosen layer, validates every name against the host's Windows
version (closest valid name in the error), enforces the 1,023-character Group Policy limit, lints the order, runs the
lockout guard on the order that will be in effect, and only then sends the FINAL lists to the ``.ps1``.
"""
from __future__ import annotations

import difflib

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue, effective, lints
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import WINDOWS_VERSIONS, at_least
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _planning, _regops
from ansible_collections.tlsops.schannel.plugins.plugin_utils._win_action import (
    APPLY_OPTIONS,
    Refused,
    SchannelAction,
    text_diff,
)


def _validate_suites(names, version, field="cipher_suites"):
    out = []
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise SchannelInputError("%s[%d]" % (field, i), "must be a suite name string (got %r)" % (name,))
        suite = catalogue.lookup(name, version, field="%s[%d]" % (field, i))
        if suite.name in out:
            raise SchannelInputError("%s[%d]" % (field, i), "%s is listed twice" % suite.name)
        out.append(suite.name)
    return out


def _validate_curves(names, field="ecc_curves"):
    known = list(effective.CURVE_CODES)
    out = []
    for i, name in enumerate(names):
        curve = effective.normalize_curve(name)
        if curve not in known:
            close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.4)
            raise SchannelInputError("%s[%d]" % (field, i), "unknown curve %r%s; valid: %s" % (
                name, (", did you mean '%s'?" % close[0]) if close else "", ", ".join(known)))
        if curve in out:
            raise SchannelInputError("%s[%d]" % (field, i), "%s is listed twice" % curve)
        out.append(curve)
    return out


def resolve_list(mode, current, given, position=None):
    """set/add/remove semantics (microsoft.ad style): the order of untouched entries is kept."""
    current = list(current or [])
    if mode == "set":
        return list(given)
    if mode == "remove":
        return [c for c in current if c not in given]
    missing = [g for g in given if g not in current]
    if position is None or position >= len(current):
        return current + missing
    return current[:position] + missing + current[position:]


# The highest key a cipher-suite backup may remove: the module creates the policy key path from here down.
_POLICY_FLOOR = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography"


def _removes_policy_parent(op):
    """Whether ``op`` removes a key between ``_POLICY_FLOOR`` (included) and the policy key (excluded)."""
    low = op["path"].lower() + "\\"
    return (op["name"] is None and op["state"] == "absent" and rm.POLICY_SSL.lower().startswith(low)
            and low.startswith(_POLICY_FLOOR.lower() + "\\"))


class ActionModule(SchannelAction):

    WRITES = True

    ARGUMENT_SPEC = dict(APPLY_OPTIONS, **{
        "profile": {"type": "str"},
        "cipher_suites": {"type": "list", "elements": "str"},
        "ecc_curves": {"type": "list", "elements": "str"},
        "list_mode": {"type": "str", "choices": ["set", "add", "remove"], "default": "set"},
        "position": {"type": "int"},
        "scope": {"type": "str", "choices": ["policy", "local"], "default": "policy"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "restore": {"type": "raw"},
    })
    MUTUALLY_EXCLUSIVE = (("profile", "cipher_suites"), ("profile", "ecc_curves"), ("plan", "profile"),
                          ("plan", "cipher_suites"), ("plan", "ecc_curves"), ("plan", "restore"))

    def run_action(self, args, task_vars):
        if args.get("position") is not None and args["list_mode"] != "add":
            raise SchannelInputError("position", "only applies with list_mode: add")
        if args.get("position") is not None and args["position"] < 0:
            raise SchannelInputError("position", "must be 0 or more")
        restore = args.get("restore")
        if restore is not None and not isinstance(restore, (dict, list)):
            raise SchannelInputError("restore", "win_tls_cipher_suites takes the backup (dict or list) a previous run "
                                     "returned; a .reg backup file, the cipher-suite order's included, is put back "
                                     "with tlsops.schannel.win_schannel (restore: <that path>), as "
                                     "playbooks/rollback.yml does")
        facts = self.facts_for(args, task_vars)
        version = facts["windows_version"]
        label = WINDOWS_VERSIONS[version].label
        if isinstance(restore, list):
            return self._restore_policy(args, task_vars, facts, restore)
        scope = args["scope"]
        plan = None
        if args.get("plan") is not None:
            plan = _planning.take_plan(_planning.plain(args["plan"]), facts)
            scope = plan["cipher_suite_scope"]
        if isinstance(restore, dict):
            scope = restore.get("scope") or scope
        if scope == "local" and (not at_least(version, "2016") or facts.get("tls_cipher_suites") is None):
            raise SchannelInputError("scope", "local needs the TLS cmdlets (Get-TlsCipherSuite), which %s does not "
                                     "have; use scope: policy" % label)
        if scope == "local" and args["state"] == "absent":
            raise SchannelInputError("state", "absent only applies to scope: policy (it removes the policy list)")

        layer_suites = facts["cipher_suites"]["policy"] if scope == "policy" else facts["cipher_suites"]["local"]
        layer_curves = facts["ecc_curves"]["policy"] if scope == "policy" else facts["ecc_curves"]["local"]
        suites, curves, findings = None, None, []
        if isinstance(restore, dict):
            suites, curves = restore.get("cipher_suites"), restore.get("ecc_curves")
        elif plan is not None:
            suites, findings = plan["cipher_suites"], list(plan["findings"] or [])
            curves = plan["ecc_curves"] if at_least(version, "2016") else None
            if suites is None and curves is None:
                return {"changed": False, "scope": scope, "findings": findings, "windows_version": version,
                        "msg": "the plan leaves the cipher-suite and curve order as they are"}
        elif args.get("profile"):
            suites, curves, findings = self._profile_lists(args["profile"], facts, version, args["certificate_port"])
        elif args["state"] == "present":
            base = layer_suites if layer_suites is not None else facts["cipher_suites"]["configured"]
            if args.get("cipher_suites") is not None:
                given = _validate_suites(args["cipher_suites"], version)
                suites = resolve_list(args["list_mode"], base, given, args.get("position"))
            if args.get("ecc_curves") is not None:
                given = _validate_curves(args["ecc_curves"])
                base_curves = layer_curves if layer_curves is not None else facts["ecc_curves"]["order"]
                curves = resolve_list(args["list_mode"], base_curves, given, args.get("position"))
            if suites is None and curves is None:
                raise SchannelInputError("cipher_suites", "give cipher_suites and/or ecc_curves, a profile, "
                                         "restore, or state: absent")
        if suites is not None:
            suites = _validate_suites(suites, version)
            if not suites and args.get("list_mode") != "remove":
                raise SchannelInputError("cipher_suites", "an empty list would leave Schannel without suites")
            if not suites:
                raise SchannelInputError("cipher_suites", "removing every suite would leave Schannel without suites")
            joined = ",".join(suites)
            if scope == "policy" and len(joined) > lints.GPO_LIST_LIMIT:
                raise SchannelInputError("cipher_suites", "the list is %d characters; the Group Policy value takes at "
                                         "most %d, drop %d characters' worth of suites (or use scope: local on 2016+)"
                                         % (len(joined), lints.GPO_LIST_LIMIT, len(joined) - lints.GPO_LIST_LIMIT))
            findings += [f.as_dict() for f in lints.forward_secrecy([catalogue.get(n, version) for n in suites])]
        if curves is not None:
            curves = _validate_curves(curves)
            if not at_least(version, "2016"):
                raise SchannelInputError("ecc_curves", "%s has no separate curve order (curves are chosen by the "
                                         "_P256/_P384 suffix of each suite); remove ecc_curves" % label)

        # Predict the state in effect afterwards and run the guard on it.
        dump = facts["registry"] or {}
        state = args["state"]
        local_suites = local_curves = None
        if scope == "policy":
            ops = _planning.policy_order_operations(state, suites, curves)
            after_dump = _regops.apply_operations(dump, ops)
        else:
            after_dump = dump
            local_suites = suites
            local_curves = curves
            if facts["cipher_suites"]["policy"] is not None:
                self.warn("a Group Policy cipher-suite order is set on this host and wins over the local list; the "
                          "local change takes effect only once the policy value is removed (state: absent)")
        verdict = self.guard(args, task_vars, version, facts, after_dump, local_suites, local_curves, dotnet_warning=False)

        module_args = {"scope": scope, "cipher_suites": suites, "ecc_curves": curves, "state": state}
        pre_backup = None
        if scope == "policy" and not self._task.check_mode:
            # the previous policy values reach the controller before the first write (nothing lost if the run is cut)
            pre_backup = self.write_backup(args, task_vars, _regops.backup_for(
                dump, _regops.with_key_creation(dump, ops, rm.MANAGED_KEYS)))
        module = self.apply_module("win_tls_cipher_suites", module_args, task_vars, pre_backup,
                                   boot_time=facts.get("last_boot_time"),
                                   reboot_reasons=[rm.REBOOT_POLICY_ORDER] if scope == "policy" else [])
        after_policy = _regops.apply_operations(dump, _planning.policy_order_operations(state, suites, curves)) \
            if scope == "policy" else dump
        in_effect = "policy" if effective.RegistryView(after_policy).get(rm.POLICY_SSL, "Functions") is not None \
            else ("local" if facts["cipher_suites"]["local"] is not None else "default")
        diff = module.get("diff") or {}
        result = {
            "changed": bool(module.get("changed")),
            "before": module.get("before"),
            "after": module.get("after"),
            "in_effect": in_effect,
            "scope": scope,
            "backup": module.get("backup"),
            "reboot_required": bool(module.get("reboot_required")),
            "reboot_reasons": list(module.get("reboot_reasons") or []),
            "findings": findings,
            "guard": verdict,
            "windows_version": version,
            "diff": text_diff(diff.get("before"), diff.get("after"), header=task_vars.get("inventory_hostname")),
        }
        if scope == "policy" and isinstance(result["backup"], list):
            path = self.finish_backup(args, task_vars, result["backup"], pre_backup)
            if path:
                result["backup_file"] = path
        return self.settle_reboot(args, task_vars, facts, result)

    def _profile_lists(self, profile, facts, version, certificate_port):
        """The suite and curve order of ``profile`` for this host, compiled as schannel_plan compiles it."""
        host_plan = _planning.plan_for_host(profile, None, facts, certificate_port=certificate_port)
        findings = [f.as_dict() for f in host_plan.plan.findings]
        errors = [f for f in findings if f.get("severity") == "error"]
        if errors:
            raise Refused({"failed": True, "changed": False, "findings": findings,
                           "msg": "the plan has error findings, nothing was written: %s" % "; ".join(
                               "%s (%s)" % (f.get("message"), f.get("item")) for f in errors)})
        plan = host_plan.plan
        curves = plan.ecc_curves if at_least(version, "2016") else None
        return (list(plan.cipher_suites) if plan.cipher_suites else None), (list(curves) if curves else None), findings

    def _restore_policy(self, args, task_vars, facts, ops):
        """A policy-scope backup is a list of registry operations on the policy key; this module's ``restore`` applies
        them (with the pre-write backup, the lost-connection handling and the owed reboots of every write path)."""
        ops = _regops.validate_operations(ops, field="restore")
        for i, op in enumerate(ops):
            if op["path"].lower() != rm.POLICY_SSL.lower() and not _removes_policy_parent(op):
                raise SchannelInputError("restore[%d].path" % i, "a cipher-suite backup only touches %s; restore "
                                         "other values with tlsops.schannel.win_schannel" % rm.POLICY_SSL)
        # the module writes the policy key only: a backup that removes a parent the backed-up run created (older
        # releases wrote those) removes the policy key instead, as win_schannel's backups do for every managed root
        ops = _regops.removals_within(ops, [rm.POLICY_SSL])
        dump = facts["registry"] or {}
        after_dump = _regops.apply_operations(dump, ops)
        verdict = self.guard(args, task_vars, facts["windows_version"], facts, after_dump, dotnet_warning=False)
        pre_backup = self.write_backup(args, task_vars, _regops.backup_for(dump, ops))
        module = self.apply_module("win_tls_cipher_suites", {"scope": "policy", "restore": ops}, task_vars, pre_backup,
                                   boot_time=facts.get("last_boot_time"), reboot_reasons=[rm.REBOOT_POLICY_ORDER])
        diff = module.get("diff") or {}
        result = {"changed": bool(module.get("changed")), "scope": "policy", "backup": module.get("backup") or [],
                  "before": module.get("before"), "after": module.get("after"),
                  "reboot_required": bool(module.get("reboot_required")),
                  "reboot_reasons": list(module.get("reboot_reasons") or []), "guard": verdict, "findings": [],
                  "windows_version": facts["windows_version"],
                  "diff": text_diff(diff.get("before"), diff.get("after"), header=task_vars.get("inventory_hostname"))}
        path = self.finish_backup(args, task_vars, result["backup"], pre_backup)
        if path:
            result["backup_file"] = path
        return self.settle_reboot(args, task_vars, facts, result)
