# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compile a profile for one host: the ONE merge of profile and overrides, the ONE info -> compiler facts adapter,
the operations each write module takes from a plan, and the fingerprint that ties a plan to the host state it was
computed from.

``schannel_plan`` calls :func:`plan_for_host`; ``win_schannel`` and ``win_tls_cipher_suites`` either take the
result of ``schannel_plan`` (option ``plan``) and write exactly its ``registry_operations`` / suite and curve order,
or -- given a profile or settings of their own -- call the same :func:`plan_for_host`. So the plan a user reviews is
the plan that is written, and a setting the user gives wins over the profile the same way in every path.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from typing import Any, Iterable, List, Optional

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import compiler
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import Dump
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import write_order
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelError, SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.lints import PlanFinding
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import at_least
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _info_facts, _profiles, _regops

# The port whose certificate a plan is computed for when nothing else is said: IIS's HTTPS binding.
DEFAULT_CERTIFICATE_PORT = 443
# Override findings (the SCH001-SCH014 codes are the compiler's lints; these two judge a user's override).
OVERRIDE_WEAKENS = "SCH015"
OVERRIDE_BREAKS = "SCH016"
_STATE_STRENGTH = {"disabled": 0, "default": 1, "enabled": 2}
_ALGORITHM_SETTINGS = ("ciphers", "hashes", "key_exchanges")
_PROTOCOL_SETTINGS = ("protocols", "server_protocols", "client_protocols")


def plain(value: Any) -> Any:
    """Plain dicts/lists/scalars from Ansible's lazy or tagged containers (task args, registered results)."""
    if isinstance(value, Mapping):
        return dict((str(k), plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


# -- info -> compiler facts ---------------------------------------------------------------------------------------

def endpoint_certificate(bindings: Optional[Iterable[dict]], port: object) -> Optional[dict]:
    """The certificate of the binding that serves ``port`` (ip, sni or ccs kind), in the compiler's terms.

    Never "the first binding": a host with a WinRM listener on 5986 and IIS on 443 has two certificates, and the
    plan for the web endpoint must not be computed for the WinRM one. None when no binding on that port has a
    readable key (a ccs binding carries none): the predictor then assumes RSA 2048 / SHA-256.
    """
    for binding in bindings or ():
        if binding.get("key_type") and str(binding.get("port")) == str(port):
            return {"key_type": binding["key_type"], "key_size": binding.get("key_size"),
                    "signature_hash": binding.get("signature_hash")}
    return None


def compiler_facts(info: dict, certificate_port: int = DEFAULT_CERTIFICATE_PORT) -> dict:
    """The facts ``compiler.compile_plan`` reads, from a win_schannel_info result (raw or enriched)."""
    return {"windows_version": _info_facts.windows_version(info) if info.get("os") else None,
            "certificate_key": endpoint_certificate(info.get("bindings"), certificate_port),
            "current_state": info.get("registry") or {},
            "local_cipher_suites": _info_facts.local_suite_names(info),
            "local_ecc_curves": info.get("tls_ecc_curves"),
            # {KB id: true|false|null} (SCH019); a result from before win_schannel_info read updates has none
            "updates": info.get("updates")}


def fingerprint(version: Optional[str], dump: Optional[Dump], local_suites: Optional[List[str]],
                local_curves: Optional[List[str]], bindings: Optional[Iterable[dict]]) -> str:
    """SHA-256 of the host state a plan depends on (case-insensitive registry, local CNG lists, certificates)."""
    registry = {}
    roots = [r.lower() for r in rm.MANAGED_KEYS]
    for key, values in (dump or {}).items():
        low = key.lower()
        if not any(low == r or low.startswith(r + "\\") for r in roots):
            continue  # only the dumped roots are known; a prediction also creates the parents above them
        registry[low] = dict((name.lower(), [value.get("type"), value.get("data")])
                             for name, value in (values or {}).items())
    text = json.dumps({"version": version, "registry": registry, "local_cipher_suites": local_suites,
                       "local_ecc_curves": local_curves,
                       "bindings": sorted(json.dumps(b, sort_keys=True, default=str) for b in bindings or ())},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def settled_facts(info: dict) -> dict:
    """The host as it will be once the interrupted run its facts show (``run_state.interrupted``) is rolled back.

    A write task settles such a run before its own change (``interrupted_run``, default ``rollback``): the recovery
    applies the intent's ``undo``, registry operations or, for a local cipher-suite order, the previous lists. A plan
    is made from that state, not from the host mid-change, so the task can write it after the recovery. Facts without
    an interrupted run, or with an intent whose undo cannot be read, come back unchanged (the task then refuses the
    plan, or the recovery says why it cannot settle).
    """
    intent = (info.get("run_state") or {}).get("interrupted")
    if not isinstance(intent, dict):
        return info
    undo = intent.get("undo")
    settled = dict(info, run_state=dict(info.get("run_state") or {}, interrupted=None))
    if isinstance(undo, dict) and undo.get("scope") == "local":
        for key, facts_key in (("cipher_suites", "tls_cipher_suites"), ("ecc_curves", "tls_ecc_curves")):
            if undo.get(key) is not None:
                settled[facts_key] = list(undo[key])
        return settled
    if isinstance(undo, list):
        try:
            ops = _regops.validate_operations(undo, field="run_state.interrupted.undo")
        except SchannelError:
            return info
        settled["registry"] = compiler.apply_operations(info.get("registry") or {}, ops)
        return settled
    return info


def host_fingerprint(info: dict) -> str:
    """:func:`fingerprint` of a win_schannel_info result as it is now."""
    return fingerprint(_info_facts.windows_version(info), info.get("registry") or {},
                       _info_facts.local_suite_names(info), info.get("tls_ecc_curves"), info.get("bindings"))


# -- what each write module takes from a plan ---------------------------------------------------------------------

def is_order_value(op):
    """Values win_tls_cipher_suites owns: a profile's suite/curve order is written there, not by win_schannel."""
    if op.get("name") is None:
        return False
    value = rm.find(op["path"], op["name"])
    return value is not None and value.setting in ("cipher_suites.policy", "ecc_curves.policy", "cipher_suites.local")


def emptied_keys(ops, dump):
    """Key removals for keys that ``ops`` leave without values or sub-keys ('default' removes the key too)."""
    after = compiler.apply_operations(dump, ops)
    out, seen = [], set()
    for op in ops:
        path = op["path"]
        if op.get("state") != "absent" or op.get("name") is None or path.lower() in seen:
            continue
        seen.add(path.lower())
        low = path.lower()
        keys = [k for k in after if k.lower() == low or k.lower().startswith(low + "\\")]
        own = [k for k in keys if k.lower() == low]
        if own and len(keys) == 1 and not after[own[0]] and not any(low == r.lower() for r in rm.MANAGED_KEYS):
            out.append({"path": path, "name": None, "state": "absent", "type": None, "data": None,
                        "reboot_reason": rm.reboot_reason(path, None)})
    return out


def policy_order_operations(state, suites, curves):
    """The Group Policy values win_tls_cipher_suites writes for ``suites``/``curves`` (``state: absent`` removes)."""
    if state == "absent":
        return [{"path": rm.POLICY_SSL, "name": name, "state": "absent", "type": None, "data": None}
                for name in ("Functions", "EccCurves")]
    ops = []
    if suites is not None:
        ops.append({"path": rm.POLICY_SSL, "name": "Functions", "state": "present", "type": "string",
                    "data": ",".join(suites)})
    if curves is not None:
        ops.append({"path": rm.POLICY_SSL, "name": "EccCurves", "state": "present", "type": "multistring",
                    "data": list(curves)})
    return ops


def registry_operations(plan, dump, local_suites=None, local_curves=None):
    """win_schannel's operations for ``plan``: its values without the order values, keys it empties removed, new
    keys created explicitly (so the backup removes them), in an order that is safe at every prefix."""
    ops = [dict(op) for op in plan.operations if not is_order_value(op)]
    ops += emptied_keys(ops, dump)
    ops = _regops.with_key_creation(dump, ops, rm.MANAGED_KEYS)
    order = write_order.prefix_safe_order(plan.version, dump, ops, local_cipher_suites=local_suites,
                                          local_ecc_curves=local_curves)
    return list(order.operations), order.safe


# -- the plan ----------------------------------------------------------------------------------------------------

@dataclasses.dataclass
class HostPlan:
    """A compiled plan for one host plus what the write modules take from it."""

    plan: compiler.Plan
    registry_operations: list
    write_order_safe: bool
    overrides: list
    fingerprints: dict

    def as_dict(self) -> dict:
        out = self.plan.as_dict()
        out["registry_operations"] = self.registry_operations
        out["write_order_safe"] = self.write_order_safe
        out["overrides"] = self.overrides
        out["fingerprints"] = self.fingerprints
        return out


def _profile_value(profile, setting, item):
    """What the profile (before overrides) sets for ``setting.item``; protocols read through the side settings."""
    if setting in _PROTOCOL_SETTINGS:
        sides = {"protocols": ("server_protocols", "client_protocols"), "server_protocols": ("server_protocols",),
                 "client_protocols": ("client_protocols",)}[setting]
        values = [(profile.get(side) or {}).get(item, (profile.get("protocols") or {}).get(item)) for side in sides]
        values = [v for v in values if v is not None]
        return min(values, key=lambda v: _STATE_STRENGTH.get(v, 1)) if values else None
    return (profile.get(setting) or {}).get(item) if isinstance(profile.get(setting), dict) else None


def _item_weakens(key, item, before, wanted):
    """Whether overriding ``key.item`` from ``before`` to ``wanted`` loosens the profile."""
    if key in _PROTOCOL_SETTINGS + _ALGORITHM_SETTINGS and before is not None:
        return _STATE_STRENGTH.get(wanted, 1) > _STATE_STRENGTH.get(before, 1)
    if key == "key_sizes" and isinstance(before, int) and isinstance(wanted, int):
        return wanted < before if not item.endswith("_max") else wanted > before
    return False


def _setting_weakens(key, before, value):
    """Whether a whole-setting override (strong crypto, the suite list) loosens the profile's ``before``."""
    if key == "dotnet_strong_crypto" and before is not None:
        return before == "enabled" and value != "enabled"
    if key == "cipher_suites" and isinstance(before, list):
        added = value.get("add") if isinstance(value, dict) else (value if isinstance(value, list) else [])
        return any(str(s).upper() not in [str(b).upper() for b in before] for s in added or ())
    return False


def override_records(profile, overrides, findings):
    """One record per overridden setting ``{setting, profile, override, weakens}``; findings where an override
    weakens the profile (warning) or breaks one of its ``requirements`` (error, a policy failure)."""
    records = []
    required = set((profile.get("requirements") or {}).get("protocols") or ())
    name = profile.get("name") or "the profile"
    for key, value in (overrides or {}).items():
        if key == "cipher_suite_scope":
            continue  # where the order is written, not what it is
        if isinstance(value, dict) and key not in ("cipher_suites", "ecc_curves", "winhttp_protocols"):
            for item, wanted in value.items():
                before = _profile_value(profile, key, item)
                weakens = _item_weakens(key, item, before, wanted)
                setting = "%s.%s" % (key, item)
                records.append({"setting": setting, "profile": before, "override": wanted, "weakens": weakens})
                if key in _PROTOCOL_SETTINGS and item in required and wanted != "enabled" and \
                        key != "client_protocols":
                    findings.append(PlanFinding(OVERRIDE_BREAKS, "error", setting,
                                                "the override sets %s to %s, but %s requires %s on the server"
                                                % (setting, wanted, name, item),
                                                "remove the override, or choose a profile that does not require %s"
                                                % item))
                elif weakens:
                    findings.append(PlanFinding(OVERRIDE_WEAKENS, "warning", setting,
                                                "the override sets %s to %r where %s sets %r" % (setting, wanted, name,
                                                                                                 before),
                                                "keep it only as long as a client needs it"))
            continue
        before = profile.get(key)
        weakens = _setting_weakens(key, before, value)
        records.append({"setting": key, "profile": before, "override": value, "weakens": weakens})
        if weakens:
            findings.append(PlanFinding(OVERRIDE_WEAKENS, "warning", key, "the override of %s adds to or loosens what %s "
                                        "sets" % (key, name), "keep it only as long as a client needs it"))
    return records


def plan_for_host(profile_name: Optional[str], overrides: Optional[dict], facts: Optional[dict],
                  certificate_port: int = DEFAULT_CERTIFICATE_PORT, explicit: Optional[dict] = None) -> HostPlan:
    """The :class:`HostPlan` of ``profile_name`` (or none: ``overrides`` alone) with ``overrides`` for one host.

    ``facts`` is a win_schannel_info result; ``explicit`` replaces single compiler facts (``windows_version``,
    ``certificate_key``, ``current_state``, ``http2``, ``management``) given as task options.
    """
    if profile_name:
        profile = _profiles.load_profile(profile_name)
        resolved = _profiles.resolve_profile(profile_name, overrides)
        alternatives = _profiles.alternatives(resolved)
    else:
        profile = {"name": None}
        resolved = _profiles.apply_overrides({"name": None}, overrides)
        alternatives = None
    facts = settled_facts(facts) if facts else facts  # an interrupted run is rolled back before the plan is written
    cfacts = compiler_facts(facts, certificate_port) if facts else {}
    for key, value in (explicit or {}).items():
        if value not in (None, ""):
            cfacts[key] = value
    if not cfacts.get("windows_version"):
        raise SchannelInputError("windows_version", "give windows_version (2008r2 ... 2025, a build number or "
                                 "10.0.17763) or facts from win_schannel_info")
    plan = compiler.compile_plan(resolved, cfacts, alternatives=alternatives)
    records = override_records(profile, overrides, plan.findings) if profile_name else []
    dump = cfacts.get("current_state") or {}
    local_suites, local_curves = cfacts.get("local_cipher_suites"), cfacts.get("local_ecc_curves")
    ops, safe = registry_operations(plan, dump, local_suites, local_curves)
    fingerprints = {}
    if facts:
        version, bindings = plan.version, facts.get("bindings")
        registry_applied = compiler.apply_operations(dump, ops)
        if plan.cipher_suite_scope == "local":
            applied, after_suites = registry_applied, plan.cipher_suites or local_suites
            after_curves = plan.ecc_curves or local_curves
        else:
            curves = plan.ecc_curves if at_least(version, "2016") else None
            applied = compiler.apply_operations(registry_applied,
                                                policy_order_operations("present", plan.cipher_suites, curves))
            after_suites, after_curves = local_suites, local_curves
        fingerprints = {"before": fingerprint(version, dump, local_suites, local_curves, bindings),
                        "registry_applied": fingerprint(version, registry_applied, local_suites, local_curves,
                                                        bindings),
                        "applied": fingerprint(version, applied, after_suites, after_curves, bindings)}
    return HostPlan(plan, ops, safe, records, fingerprints)


# -- taking a plan --------------------------------------------------------------------------------------------------

PLAN_KEYS = ("windows_version", "registry_operations", "cipher_suites", "cipher_suite_scope", "ecc_curves",
             "findings", "fingerprints")


def take_plan(plan: object, info: dict) -> dict:
    """The registered result of schannel_plan, checked against the host as it is now (``info``).

    Refuses a plan with error findings, a plan for another Windows version, and a plan whose host state has changed
    since it was computed: the host must be in the state the plan was computed from, or in a state the plan itself
    leads to (its registry part written, or all of it), so re-running after a partial apply converges.
    """
    if not isinstance(plan, dict):
        raise SchannelInputError("plan", "must be the registered result of tlsops.schannel.schannel_plan")
    missing = [k for k in PLAN_KEYS if k not in plan]
    if missing:
        raise SchannelInputError("plan", "is not a result of tlsops.schannel.schannel_plan computed from facts "
                                 "(missing %s); register schannel_plan with facts: <win_schannel_info result>"
                                 % ", ".join(missing))
    if not plan["fingerprints"]:
        raise SchannelInputError("plan.fingerprints", "the plan was computed without facts from win_schannel_info, "
                                 "so it cannot be checked against the host; plan with facts")
    errors = [f for f in plan["findings"] or () if f.get("severity") == "error"]
    if errors:
        raise SchannelInputError("plan", "the plan has error findings, nothing was written: %s" % "; ".join(
            "%s %s: %s" % (f.get("code"), f.get("item"), f.get("message")) for f in errors))
    version = _info_facts.windows_version(info)
    if version != plan["windows_version"]:
        raise SchannelInputError("plan.windows_version", "the plan is for Windows %s, the host runs %s; nothing was "
                                 "written" % (plan["windows_version"], version))
    # a host left mid-change by an interrupted run: the write module refuses, the action plugin settles it, and the
    # plan is checked again against the settled host (run_recovering); a plan made from that state passes here
    settled = settled_facts(info)
    now = {host_fingerprint(info)} | ({host_fingerprint(settled)} if settled is not info else set())
    if not now & set(plan["fingerprints"].values()):
        raise SchannelInputError("plan.fingerprints", "the host changed since the plan was computed (its registry, "
                                 "local suite order or certificates differ from the facts the plan was made from, "
                                 "and from every state the plan leads to); nothing was written; read the host "
                                 "again and plan again")
    return plan
