# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for ``tlsops.schannel.schannel_plan``: compile a profile on the controller, touch no host.

The work is the knowledge engine's (``module_utils/schannel``); this plugin validates the options against the
argument spec below (the same spec ``plugins/modules/schannel_plan.py`` documents), compiles through
``plugin_utils/_planning.py`` (the one merge of profile and overrides, which win_schannel and win_tls_cipher_suites
use too), runs the one lockout check (``_guard.check``, as the write modules do before they write), and turns
``SchannelInputError`` into a failed result that names the field.
"""
from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import compiler
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import predictor
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.lints import PlanFinding
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.clients import CLIENTS
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _guard, _planning

# The one client table is the prober's (tls/clients.py); the module doc lists the same keys as choices (a test
# holds the two equal).
CLIENT_KEYS = list(CLIENTS)

ARGUMENT_SPEC = {
    "profile": {"type": "str", "required": True},
    "overrides": {"type": "dict"},
    "windows_version": {"type": "raw"},
    "certificate_key": {"type": "str", "no_log": False},
    "http2": {"type": "bool", "default": False},
    "management": {"type": "dict", "options": {"protocol": {"type": "str"}, "cipher_suite": {"type": "str"}}},
    "current_state": {"type": "dict"},
    "facts": {"type": "dict"},
    "clients": {"type": "list", "elements": "str", "choices": CLIENT_KEYS},
    "guard": {"type": "bool", "default": True},
    "certificate_port": {"type": "int", "default": _planning.DEFAULT_CERTIFICATE_PORT},
    "fail_on_findings": {"type": "bool", "default": True},
}


def plan_host(args, task_vars=None):
    """The result dict for validated ``args`` (raises SchannelInputError for bad input)."""
    keys = ("windows_version", "certificate_key", "http2", "management", "current_state")
    explicit = dict((k, args.get(k)) for k in keys)
    host_plan = _planning.plan_for_host(args["profile"], args.get("overrides"), args.get("facts"),
                                        certificate_port=args["certificate_port"], explicit=explicit)
    plan = host_plan.plan
    verdict = None
    if args.get("guard"):
        # The one lockout check, the same function win_schannel/win_tls_cipher_suites run before they write.
        connection = _guard.connection_info(task_vars)
        certificate = _planning.endpoint_certificate((args.get("facts") or {}).get("bindings"), connection["port"])
        after_dump = compiler.apply_operations(plan_dump(args), host_plan.registry_operations)
        verdict = _guard.check(connection, plan.state, plan.version, certificate, after_dump=after_dump)
        if verdict["blocked"]:
            plan.findings.append(PlanFinding(
                "SCH010", "error", "pywinrm",
                "this host is managed over WinRM/HTTPS and the controller's WinRM client would no longer connect "
                "after the change: %s" % "; ".join(verdict["reasons"]),
                "keep a protocol and suite pywinrm offers (TLS 1.2 with an ECDHE AES-GCM suite), or manage the host "
                "over another transport first"))
    clients = list(args.get("clients") or CLIENT_KEYS)
    if verdict is not None and "winrm_https" in verdict["checked"] and "pywinrm" not in clients:
        clients.append("pywinrm")  # show what the guard decided on next to the other clients
    predictions = predictor.predict(plan.state, plan.certificate, clients, http2=bool(args.get("http2")))
    result = host_plan.as_dict()
    result["guard"] = verdict
    result["predictions"] = dict((key, p.as_dict()) for key, p in predictions.items())
    return result, plan


def plan_dump(args):
    """The registry the plan starts from: ``current_state``, else the facts' registry."""
    if args.get("current_state") is not None:
        return args["current_state"]
    return (args.get("facts") or {}).get("registry") or {}


class ActionModule(ActionBase):
    """Compile and predict on the controller; never connects to the host."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        args = _planning.plain(args)
        try:
            body, plan = plan_host(args, task_vars)
        except SchannelInputError as exc:
            result.update(failed=True, changed=False, msg=str(exc), field=exc.field, findings=[])
            return result
        result.update(body)
        result["changed"] = False
        errors = [f for f in plan.findings if f.severity == "error"]
        failing = ["%s %s" % (key, p["symptom"]) for key, p in result["predictions"].items() if not p["connects"]]
        outcome = " Predicted failures: %s." % ", ".join(failing) if failing else ""
        if errors and args.get("fail_on_findings", True):
            result["failed"] = True
            result["msg"] = "the plan has %d error finding(s): %s" % (len(errors), "; ".join(
                "%s %s: %s (fix: %s)" % (f.code, f.item, f.message, f.fix) for f in errors)) + outcome
        else:
            result["msg"] = "planned %d operation(s), %d suite(s) for %s; %d finding(s)" % (
                len(plan.operations), len(plan.cipher_suites or []), plan.version, len(plan.findings)) + outcome
        return result
