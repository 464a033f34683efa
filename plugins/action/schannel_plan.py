# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for ``tlsops.schannel.schannel_plan``: compile a profile on the controller, touch no host.

The work is the knowledge engine's (``module_utils/schannel``); this plugin validates the options against the
argument spec below (the same spec ``plugins/modules/schannel_plan.py`` documents), reads the profile files
(``plugin_utils/_profiles.py``), and turns ``SchannelInputError`` into a failed result that names the field.
"""
from __future__ import annotations

from collections.abc import Mapping

from ansible.plugins.action import ActionBase

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import compiler
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import predictor
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.lints import Finding
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles as profiles

CLIENT_KEYS = ["ios9_ats", "safari9", "safari15", "android44", "android12", "java8", "java17", "ie11_win7",
               "ie11_win10", "chrome", "firefox", "curl_openssl3", "pywinrm"]

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
    "fail_on_findings": {"type": "bool", "default": True},
}


def _plain(value):
    """Plain dicts/lists/scalars from Ansible's lazy or tagged containers."""
    if isinstance(value, Mapping):
        return dict((str(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def host_facts(args):
    """Compiler facts from the options, filling gaps from a win_schannel_info result."""
    info = args.get("facts") or {}
    facts = {"windows_version": args.get("windows_version"), "certificate_key": args.get("certificate_key"),
             "http2": args.get("http2"), "management": args.get("management"),
             "current_state": args.get("current_state")}
    os_info = info.get("os") or {}
    if facts["windows_version"] in (None, ""):
        facts["windows_version"] = os_info.get("version") or os_info.get("build") or os_info.get("caption")
        if facts["windows_version"] in (None, ""):
            raise SchannelInputError("windows_version", "give windows_version (2008r2 ... 2025, a build number or "
                                     "10.0.17763) or facts from win_schannel_info")
    if facts["current_state"] is None and info.get("registry") is not None:
        facts["current_state"] = info["registry"]
    if info.get("tls_cipher_suites") is not None:
        facts["local_cipher_suites"] = info["tls_cipher_suites"]
    if info.get("tls_ecc_curves") is not None:
        facts["local_ecc_curves"] = info["tls_ecc_curves"]
    if not facts["certificate_key"] and info.get("bindings"):
        binding = info["bindings"][0]
        if binding.get("key_type"):
            facts["certificate_key"] = {"key_type": binding.get("key_type"), "key_size": binding.get("key_size"),
                                        "signature_hash": binding.get("signature_hash")}
    return facts


def plan_host(args, winrm_https=False):
    """The result dict for validated ``args`` (raises SchannelInputError for bad input)."""
    profile = profiles.resolve_profile(args["profile"], args.get("overrides"))
    facts = host_facts(args)
    plan = compiler.compile_plan(profile, facts, alternatives=profiles.alternatives(profile))
    clients = list(args.get("clients") or CLIENT_KEYS)
    if winrm_https and args.get("guard") and "pywinrm" not in clients:
        clients.append("pywinrm")
    predictions = predictor.predict(plan.state, plan.certificate, clients, http2=bool(args.get("http2")))
    if winrm_https and args.get("guard") and not predictions["pywinrm"].connects:
        plan.findings.append(Finding(
            "SCH010", "error", "pywinrm",
            "this host is managed over WinRM/HTTPS and the controller's WinRM client would no longer connect after "
            "the change: %s" % predictions["pywinrm"].reason,
            "keep a protocol and suite pywinrm offers (TLS 1.2 with an ECDHE AES-GCM suite), or manage the host "
            "over another transport first"))
    result = plan.as_dict()
    result["predictions"] = dict((key, p.as_dict()) for key, p in predictions.items())
    return result, plan


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
        args = _plain(args)
        winrm_https = str(task_vars.get("ansible_connection", "")) in ("winrm", "psrp") and \
            str(task_vars.get("ansible_winrm_scheme", task_vars.get("ansible_psrp_protocol", ""))) == "https"
        try:
            body, plan = plan_host(args, winrm_https)
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
