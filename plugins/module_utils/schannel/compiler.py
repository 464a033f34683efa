# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compile a resolved profile plus one host's facts into that host's registry state, operations and order.

Input: a *resolved* profile (a dict as ``plugin_utils/_profiles.py`` returns it after ``extends`` and
``overrides``; module_utils never reads files) and the host facts.  Output: a :class:`Plan`.

How suite names are treated:

* names from a profile are **base IANA names**; the compiler maps each to the version's own names (the
  ``_P256``/``_P384`` variants on 2008 R2-2012 R2, in the profile's curve order), leaves out what the version
  lacks (SCH011) and what the certificate cannot serve, and trims to the 1,023-character limit (SCH013);
* names from the user's ``overrides`` (listed in ``cipher_suites_literal``) are taken **as written for this
  host**: a name this version does not have is an error (SCH001) with the name to use instead, and it is left
  out of the list -- the plan never writes a name Schannel does not know, because Microsoft warns that such a
  value may stop all TLS (ASE).  A host whose *current* list holds such names gets SCH020 (effective.py, M6).

Edges of Microsoft's tables (issue 15, docs/windows-versions.md): the 1,023-character limit holds on every version
(SCH005/SCH013); values that exist only from a given version (client key sizes from 2016, EnableOcspStaplingForSni
from 2012) are not written before it (SCH011); the release mapping (SCH017), the undocumented readings (SCH018), the
updates the oldest tables assume (SCH019) and unknown names in the host's list (SCH020) are stated as findings.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import lints
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.certificate_key import parse_certificate
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.effective import (
    EffectiveState,
    configured_list,
    effective_state,
    normalize_curve,
    unknown_names,
)
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.lints import PlanFinding
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import (
    LTSC_KEYS,
    WINDOWS_VERSIONS,
    at_least,
    resolve_windows_version,
)

# The registry dump (contracts.md "The registry dump"): key path -> value name -> {type, data}.
Dump = Dict[str, Dict[str, dict]]

STATES = ("enabled", "disabled", "default")
_PROTOCOL_DATA = {"enabled": (1, 0), "disabled": (0, 1)}
CURVES = ("curve25519", "NistP256", "NistP384", "NistP521")


@dataclass
class Plan:
    """The compiled plan for one host (see module docstring); ``as_dict()`` is what schannel_plan returns."""

    version: str
    profile: Optional[str] = None
    guideline: Optional[dict] = None
    registry: dict = field(default_factory=dict)  # path -> name -> {type, data}, or None for a value to remove
    operations: list = field(default_factory=list)  # contract operations, with reboot_reason
    changes: list = field(default_factory=list)  # the operations that change current_state, with before
    cipher_suites: Optional[list] = None  # the version's names; None leaves the order alone
    cipher_suite_scope: str = "policy"
    ecc_curves: Optional[list] = None
    findings: list[PlanFinding] = field(default_factory=list)
    reboot_reasons: list = field(default_factory=list)
    state: Optional[EffectiveState] = None  # in effect after the plan
    certificate: Optional[dict] = None  # parse_certificate's form

    @property
    def reboot_required(self) -> bool:
        return bool(self.reboot_reasons)

    @property
    def errors(self) -> List[PlanFinding]:
        return [f for f in self.findings if f.severity == "error"]

    def as_dict(self) -> dict:
        return {
            "windows_version": self.version,
            "profile": self.profile,
            "guideline": self.guideline,
            "registry": self.registry,
            "operations": self.operations,
            "changes": self.changes,
            "cipher_suites": self.cipher_suites,
            "cipher_suite_scope": self.cipher_suite_scope,
            "ecc_curves": self.ecc_curves,
            "reboot_required": self.reboot_required,
            "reboot_reasons": list(self.reboot_reasons),
            "findings": [f.as_dict() for f in self.findings],
            "effective": self.state.as_dict() if self.state is not None else None,
        }


# ---------------------------------------------------------------------------------------------------------
# Desired values

class _Desired(object):
    """Collect desired values, enforcing the model's single owner per value."""

    def __init__(self):
        self.values = {}

    def set(self, setting, path, name, data):
        value = rm.find(path, name)
        if value is None or value.setting != setting:
            raise AssertionError("%s\\%s is not owned by %s" % (path, name, setting))
        self.values[value.key] = (value, None if data is None else {"type": value.type, "data": data})


def _check_state(state, field):
    if state not in STATES:
        raise SchannelInputError(field, "must be one of %s (got %r)" % (", ".join(STATES), state))


def _protocols(profile, version, desired, findings):
    sides = {}
    for key, which in (("protocols", rm.SIDES), ("server_protocols", ("Server",)), ("client_protocols", ("Client",))):
        for protocol, state in (profile.get(key) or {}).items():
            if protocol not in rm.PROTOCOLS:
                raise SchannelInputError("%s.%s" % (key, protocol), "unknown protocol; use one of %s" % ", ".join(
                    rm.PROTOCOLS))
            _check_state(state, "%s.%s" % (key, protocol))
            for side in which:
                sides[(protocol, side)] = state
    explicit = set()
    for (protocol, side), state in sides.items():
        path = rm.protocol_path(protocol, side)
        setting = rm.protocol_setting(protocol, side)
        if state == "enabled" and rm.protocol_default(protocol, side, version) == "not_supported":
            if any(f.code == "SCH011" and f.item == protocol for f in findings):
                continue
            findings.append(PlanFinding("SCH011", "info", protocol,
                                        "%s is not supported on %s (facts §2); Microsoft calls enabling it there unsafe, "
                                        "so the plan leaves it alone" % (protocol, WINDOWS_VERSIONS[version].label),
                                        None))
            continue
        if state == "default":
            enabled = dbd = None
        else:
            enabled, dbd = _PROTOCOL_DATA[state]
            if state == "enabled" and side == "Server":
                explicit.add(protocol)
        desired.set(setting, path, "Enabled", enabled)
        desired.set(setting, path, "DisabledByDefault", dbd)
    return explicit


def _algorithms(profile, desired):
    for key, names, kind in (("ciphers", rm.CIPHERS, "Ciphers"), ("hashes", rm.HASHES, "Hashes"),
                             ("key_exchanges", rm.KEY_EXCHANGES, "KeyExchangeAlgorithms")):
        for name, state in (profile.get(key) or {}).items():
            if name not in names:
                raise SchannelInputError("%s.%s" % (key, name), "unknown name; use one of %s" % ", ".join(names))
            _check_state(state, "%s.%s" % (key, name))
            data = None if state == "default" else (rm.ENABLED_ALL if state == "enabled" else 0)
            desired.set("%s.%s" % (key, name), "%s\\%s\\%s" % (rm.SCHANNEL, kind, name), "Enabled", data)


def _not_before(managed, value, version, findings):
    """True when ``managed`` may be written on ``version``; else an SCH011 info and nothing is written (M5, M9).

    Removing such a value ("default") stays allowed: it cleans up a value Windows does not read.
    """
    if value == "default" or managed.applies_to(version):
        return True
    findings.append(PlanFinding("SCH011", "info", managed.setting, "%s\\%s exists from %s on (%s); %s does not read "
                                "it, so the plan does not write it" % (
                                    managed.path.rsplit("\\", 1)[-1], managed.name,
                                    WINDOWS_VERSIONS[managed.since].label, managed.source,
                                    WINDOWS_VERSIONS[version].label), None))
    return False


def _numbers(profile, desired, version, findings):
    """key_sizes and schannel_values: numbers the value allows, written only where the version reads them."""
    for key, value in (profile.get("key_sizes") or {}).items():
        if key not in rm.KEY_SIZE_SETTINGS:
            raise SchannelInputError("key_sizes.%s" % key, "unknown key size; use one of %s" % ", ".join(
                rm.KEY_SIZE_SETTINGS))
        managed = rm.by_setting("key_sizes.%s" % key)[0]
        if value != "default" and (not isinstance(value, int) or (managed.allowed and value not in managed.allowed)):
            raise SchannelInputError("key_sizes.%s" % key, "must be %s or default (got %r)" % (
                ", ".join(str(a) for a in managed.allowed) or "a number of bits", value))
        if _not_before(managed, value, version, findings):
            desired.set(managed.setting, managed.path, managed.name, None if value == "default" else value)
    for name, value in (profile.get("schannel_values") or {}).items():
        if name not in rm.SCHANNEL_VALUE_NAMES:
            raise SchannelInputError("schannel_values.%s" % name, "unknown value; use one of %s" % ", ".join(
                rm.SCHANNEL_VALUE_NAMES))
        managed = rm.by_setting("schannel_values.%s" % name)[0]
        if value != "default" and (not isinstance(value, int) or value < 0 or
                                   (managed.allowed and value not in managed.allowed)):
            raise SchannelInputError("schannel_values.%s" % name, "must be %s or default (got %r)" % (
                ", ".join(str(a) for a in managed.allowed) or "a non-negative integer", value))
        if _not_before(managed, value, version, findings):
            desired.set(managed.setting, managed.path, managed.name, None if value == "default" else value)


def _switches(profile, desired):
    """.NET strong crypto and the FIPS policy (a meaning each), WinHTTP's protocols (a list -> one bit mask)."""
    dotnet = profile.get("dotnet_strong_crypto")
    if dotnet is not None:
        _check_state(dotnet, "dotnet_strong_crypto")
        for managed in rm.by_setting("dotnet_strong_crypto"):
            desired.set(managed.setting, managed.path, managed.name,
                        None if dotnet == "default" else managed.values[dotnet])
    fips = profile.get("fips_algorithm_policy")
    if fips is not None:
        _check_state(fips, "fips_algorithm_policy")
        managed = rm.by_setting("fips_algorithm_policy")[0]
        desired.set(managed.setting, managed.path, managed.name, None if fips == "default" else managed.values[fips])
    winhttp = profile.get("winhttp_protocols")
    if winhttp is not None:
        if winhttp == "default" or winhttp == []:
            data = None
        else:
            data = 0
            for protocol in winhttp:
                if protocol not in rm.WINHTTP_BITS:
                    raise SchannelInputError("winhttp_protocols", "unknown protocol %r; use %s" % (
                        protocol, ", ".join(rm.WINHTTP_BITS)))
                data |= rm.WINHTTP_BITS[protocol]
        for managed in rm.by_setting("winhttp_protocols"):
            desired.set(managed.setting, managed.path, managed.name, data)


def _curves(profile, version, findings):
    curves = profile.get("ecc_curves")
    if curves is None or curves == "default":
        return curves
    out = []
    for curve in curves:
        name = normalize_curve(curve)
        unknown = lints.curve_name(name, version)  # a name this release does not know at all: the nearest ones
        if unknown is not None:
            findings.append(unknown)
            continue
        if name not in CURVES:
            findings.append(PlanFinding("SCH011", "info", str(curve),
                                        "curve %s is not enabled by default on Windows (facts §4.1); left out" % curve,
                                        None))
            continue
        if name not in out:
            out.append(name)
    return out


def _suites(profile, version, certificate, curves, findings):
    """Map the profile's list to ``version``'s names (see module docstring)."""
    requested = profile.get("cipher_suites")
    if requested is None or requested == "default":
        return requested, set()
    literal = set(profile.get("cipher_suites_literal") or ())
    suffix_curves = [c for c in (curves or []) if c in catalogue.CURVE_TO_SUFFIX] or None
    names, missing, uncertified = [], [], []
    for entry in requested:
        entry = str(entry).strip()
        if entry in literal:
            name = _literal_suite(entry, version, findings)
            if name is not None:
                names.append((name, True))
            continue
        base, curve = catalogue.split_suffix(entry.upper())
        if curve is not None:
            suite, _problem, _suggestion = catalogue.explain_name(entry, version)
            expanded = [suite.name] if suite else []
        else:
            expanded = catalogue.expand_base(base, version, suffix_curves)
        if not expanded:
            if base in catalogue.BASE_NAMES or catalogue.base_info(base):
                missing.append(base)
            else:
                findings.append(lints.suite_name(entry, version) or PlanFinding(
                    "SCH001", "error", entry, "unknown suite in the profile", "fix the profile"))
            continue
        for name in expanded:
            if certificate and catalogue.get(name, version).certificate_type not in ("any", certificate["type"]):
                uncertified.append(name)
            else:
                names.append((name, False))
    if missing:
        findings.append(PlanFinding("SCH011", "info", "cipher_suites", "%s lacks %s; left out" % (
            WINDOWS_VERSIONS[version].label, ", ".join(missing)), None))
    if uncertified:
        findings.append(PlanFinding("SCH011", "info", "cipher_suites",
                                    "left out %d suite(s) the %s certificate cannot serve: %s" % (
                                        len(uncertified), certificate["type"].upper(), ", ".join(uncertified)), None))
    first = {}  # name -> literal? of its first occurrence, in order
    for name, is_literal in names:
        first.setdefault(name, is_literal)
    ordered = list(first)
    literal_names = set(n for n, is_literal in first.items() if is_literal)
    return _within_policy_limit(ordered, bool(literal_names), version, findings), literal_names


def _literal_suite(entry, version, findings):
    """The version's name for a suite given as written for the host (an override), or None with an SCH001."""
    suite, _problem, _suggestion = catalogue.explain_name(entry, version)
    if suite is None:  # the same finding as a profile's entry: the nearest names, curve variants first
        findings.append(lints.suite_name(entry, version))
        return None
    if suite.name != entry.upper():
        findings.append(PlanFinding("SCH011", "info", entry, "%s is %s on %s (the curve order decides the "
                                    "curve; W32-CS1607)" % (entry, suite.name, WINDOWS_VERSIONS[version].label),
                                    None))
    return suite.name


def _within_policy_limit(result, has_literal, version, findings):
    """``result`` within the 1,023-character Group Policy limit (every version, M1): a list with names the user
    wrote is left as it is with SCH005, a profile's own list is trimmed from the end with SCH013."""
    if not lints.policy_list_excess(result):
        return result
    if has_literal:
        findings.extend(lints.list_length(result, version))
        return result
    trimmed = []
    while len(",".join(result)) > lints.GPO_LIST_LIMIT:
        trimmed.insert(0, result.pop())
    findings.append(PlanFinding("SCH013", "warning", "cipher_suites",
                                "trimmed to the 1,023-character Group Policy limit; left out %s" % ", ".join(trimmed),
                                "shorten the profile's list if one of these matters"))
    return result


# ---------------------------------------------------------------------------------------------------------
# Operations and diff

def _op(managed, desired_value):
    op = {"path": managed.path, "name": managed.name}
    if desired_value is None:
        op.update({"state": "absent", "type": None, "data": None})
    else:
        op.update({"state": "present", "type": desired_value["type"], "data": desired_value["data"]})
    op["reboot_reason"] = managed.reboot_reason
    return op


def _index(dump, roots=None):
    """lower-case path -> (lower-case name -> value) for one dump; only keys at or below ``roots`` when given."""
    lows = [r.lower().rstrip("\\") for r in roots] if roots else None
    index = {}
    for key, values in (dump or {}).items():
        low = key.lower()
        if lows is not None and not any(low == r or low.startswith(r + "\\") for r in lows):
            continue
        index[low] = dict((n.lower(), v) for n, v in (values or {}).items())
    return index


def _lookup(index, path, name):
    values = index.get(path.lower())
    if values is None:
        return None
    if name is None:
        return {"type": "key", "data": None}
    value = values.get(name.lower())
    if value is None:
        return None
    return value if isinstance(value, dict) else {"type": None, "data": value}


_MASKS = {"dword": 0xFFFFFFFF, "qword": 0xFFFFFFFFFFFFFFFF}
_LIST_TYPES = ("multistring", "binary", "none")


def same_value(a: Optional[dict], b: Optional[dict]) -> bool:
    """Whether two registry values (``{type, data}``, ``{type: key}`` for a key, or None = absent) are equal.

    The one comparison of registry values on the controller (the ``.ps1``'s ``Test-SameValue`` is its Windows side):
    a dword/qword compares by number in its width (``-1`` read as a signed int equals ``4294967295``), a list type
    by its items in order, anything else exactly; a value whose type is not known (``type: null``) matches on its
    data alone.
    """
    if a is None or b is None:
        return a is None and b is None
    kind_a, kind_b = a.get("type"), b.get("type")
    if kind_a is not None and kind_b is not None and kind_a != kind_b:
        return False
    kind = kind_a or kind_b
    data_a, data_b = a.get("data"), b.get("data")
    if kind in _MASKS:
        if data_a is None or data_b is None:
            return False
        try:
            return int(data_a) & _MASKS[kind] == int(data_b) & _MASKS[kind]
        except (TypeError, ValueError):
            return False
    if kind in _LIST_TYPES:
        return list(data_a or []) == list(data_b or [])
    return data_a == data_b


def _same(before, op):
    """Whether ``op`` leaves ``before`` (the value or key it targets, as read) as it is."""
    if op["state"] == "absent":
        return before is None
    if op["name"] is None:
        return before is not None
    return same_value(before, {"type": op["type"], "data": op["data"]})


def diff_operations(current_dump: Optional[Dump], operations: List[dict]) -> List[dict]:
    """The operations that would change ``current_dump``, each with ``before`` ({type, data} or None)."""
    changed = []
    index = _index(current_dump)
    for op in operations:
        before = _lookup(index, op["path"], op.get("name"))
        if not _same(before, op):
            item = dict(op)
            item["before"] = before
            changed.append(item)
    return changed


def same_state(dump_a: Optional[Dump], dump_b: Optional[Dump], roots: Optional[Iterable[str]] = None) -> bool:
    """Whether two dumps hold the same keys and values (at and below ``roots`` when given), case-insensitively."""
    a, b = _index(dump_a, roots), _index(dump_b, roots)
    if set(a) != set(b):
        return False
    for key, values in a.items():
        if set(values) != set(b[key]):
            return False
        if not all(same_value(_lookup(a, key, name), _lookup(b, key, name)) for name in values):
            return False
    return True


_PARENTS = {}


def _parents(path):
    """``HKLM\\A``, ``HKLM\\A\\B``, ... ``path`` (memoised: the same few dozen paths recur per host)."""
    found = _PARENTS.get(path)
    if found is None:
        parts = path.split("\\")
        found = _PARENTS[path] = tuple("\\".join(parts[:i]) for i in range(2, len(parts) + 1))
    return found


def apply_operations(dump: Optional[Dump], operations: Iterable[dict]) -> Dump:
    """A copy of ``dump`` with ``operations`` applied (value-level and key-level, contract semantics)."""
    # values are {type, data} dicts that are replaced, never mutated: a two-level copy is enough
    out = dict((k, dict(v or {})) for k, v in (dump or {}).items())
    index = dict((k.lower(), k) for k in out)
    for op in operations:
        path, name = op["path"], op.get("name")
        key = index.get(path.lower())
        if op["state"] == "absent":
            if key is None:
                continue
            if name is None:
                for other in [k for k in out if k.lower() == path.lower() or k.lower().startswith(path.lower() + "\\")]:
                    del out[other]
                    index.pop(other.lower(), None)
            else:
                for vname in [v for v in out[key] if v.lower() == name.lower()]:
                    del out[key][vname]
            continue
        if key is None:
            for sub in _parents(path):  # create missing parents like CreateSubKey
                if sub.lower() not in index:
                    out[sub] = {}
                    index[sub.lower()] = sub
            key = index[path.lower()]
        if name is not None:
            for vname in [v for v in out[key] if v.lower() == name.lower()]:
                del out[key][vname]
            out[key][name] = {"type": op["type"], "data": op["data"]}
    return out


# ---------------------------------------------------------------------------------------------------------

def _facts(facts):
    facts = dict(facts or {})
    version = resolve_windows_version(facts.get("windows_version"), "windows_version")
    certificate = parse_certificate(facts.get("certificate_key"))
    http2 = bool(facts.get("http2", False))
    updates = facts.get("updates")
    if updates is not None and not isinstance(updates, dict):
        raise SchannelInputError("updates", "must be win_schannel_info's updates fact: a mapping of update id "
                                 "(KB3042058) to true, false or null")
    management = facts.get("management") or None
    if management is not None:
        if not isinstance(management, dict):
            raise SchannelInputError("management", "must be a mapping with protocol and cipher_suite")
        protocol = management.get("protocol")
        if protocol is not None and protocol not in rm.TLS_PROTOCOLS:
            raise SchannelInputError("management.protocol", "must be one of %s (got %r)" % (
                ", ".join(rm.TLS_PROTOCOLS), protocol))
    current = facts.get("current_state")
    if current is not None and not isinstance(current, dict):
        raise SchannelInputError("current_state", "must be the 'registry' dump of win_schannel_info (a mapping)")
    return version, certificate, http2, management, current, updates


def _achievable(profile, plan, certificate):
    """(True, None) or (False, why) for the profile's ``requirements`` on this plan."""
    requirements = profile.get("requirements") or {}
    state = plan.state
    for protocol in requirements.get("protocols") or ():
        if not rm.protocol_supported(protocol, plan.version):
            return False, "%s does not exist on %s" % (protocol, WINDOWS_VERSIONS[plan.version].label)
        usable = [s for s in state.suites(protocol)
                  if certificate is None or s.certificate_type in ("any", certificate["type"])]
        if protocol not in state.server_protocols or not usable:
            return False, "no suite of the profile works under %s on %s with %s" % (
                protocol, WINDOWS_VERSIONS[plan.version].label,
                "an %s certificate" % certificate["type"].upper() if certificate else "this certificate")
    return True, None


def compile_plan(profile: dict, facts: dict, alternatives: Optional[dict] = None, _check_alternatives: bool = True) -> Plan:
    """Compile ``profile`` (resolved dict) for the host described by ``facts`` -> :class:`Plan`.

    ``facts``: ``windows_version`` (required), ``certificate_key`` (``rsa:2048``...), ``http2`` (bool),
    ``management`` (``{protocol, cipher_suite}`` the controller uses), ``current_state`` (registry dump),
    ``local_cipher_suites`` / ``local_ecc_curves`` (from win_schannel_info).
    ``alternatives``: resolved profiles (name -> dict) to suggest when this one is not achievable (SCH009).

    Four steps: the desired values (protocols, algorithms, key sizes, then the suite and curve order), the
    operations that write them, the state they leave, and the lints over that state.
    """
    version, certificate, http2, management, current, updates = _facts(facts)
    plan = Plan(version, profile=profile.get("name"), guideline=profile.get("guideline"), certificate=certificate)
    desired = _Desired()
    if profile.get("remove_all_managed"):
        for managed in rm.MANAGED_VALUES:
            if managed.setting != "cipher_suites.local":  # the CNG list is not a registry setting to remove
                desired.set(managed.setting, managed.path, managed.name, None)
    explicit = _protocols(profile, version, desired, plan.findings)
    _algorithms(profile, desired)
    _numbers(profile, desired, version, plan.findings)
    _switches(profile, desired)
    local_suites, local_curves, literal_names = _order(profile, facts, plan, desired)

    for managed in rm.MANAGED_VALUES:
        if managed.key in desired.values:
            value = desired.values[managed.key][1]
            plan.operations.append(_op(managed, value))
            plan.registry.setdefault(managed.path, {})[managed.name] = value

    base = current if current is not None else {}
    plan.state = effective_state(version, apply_operations(base, plan.operations),
                                 local_cipher_suites=local_suites, local_ecc_curves=local_curves)
    plan.changes = diff_operations(base, plan.operations)
    # without the host's state every operation that sets something counts; with it, only the changes
    for op in (plan.changes if current is not None else plan.operations):
        if op.get("reboot_reason") and op["reboot_reason"] not in plan.reboot_reasons and \
                (current is not None or op["state"] == "present"):
            plan.reboot_reasons.append(op["reboot_reason"])

    _lint(plan, profile, facts, explicit, literal_names, http2, management, current, updates)
    ok, why = _achievable(profile, plan, certificate)
    if not ok:
        plan.findings.append(PlanFinding(
            "SCH009", "error", plan.profile or "profile", "profile %s is not achievable: %s" % (plan.profile, why),
            _alternative(profile, facts, certificate, version, alternatives) if _check_alternatives else None))
    return plan


def _order(profile, facts, plan, desired):
    """The suite and curve order of ``profile`` in its scope -> (local suites, local curves, literal suite names).

    The policy scope writes them as registry values (``desired``); the local scope removes those values and hands
    the lists on as the host's local CNG order, which the state after the plan is computed with.
    """
    version, findings = plan.version, plan.findings
    scope = profile.get("cipher_suite_scope") or "policy"
    if scope not in ("policy", "local"):
        raise SchannelInputError("cipher_suite_scope", "must be policy or local (got %r)" % scope)
    if scope == "local" and not at_least(version, "2016"):
        findings.append(PlanFinding("SCH011", "info", "cipher_suite_scope", "the TLS cmdlets exist from Server 2016 "
                                    "(PS-TLS); %s uses the Group Policy order" % WINDOWS_VERSIONS[version].label, None))
        scope = "policy"
    plan.cipher_suite_scope = scope
    curves = _curves(profile, version, findings)
    suites, literal_names = _suites(profile, version, plan.certificate, curves, findings)
    local_suites = facts.get("local_cipher_suites")
    local_curves = facts.get("local_ecc_curves")
    if suites is not None:
        plan.cipher_suites = None if suites == "default" else suites
        if scope == "policy":
            desired.set("cipher_suites.policy", rm.POLICY_SSL, "Functions",
                        None if suites == "default" else ",".join(suites))
        else:
            desired.set("cipher_suites.policy", rm.POLICY_SSL, "Functions", None)
            if suites != "default":
                local_suites = suites
    if curves is not None:
        local_curves = _curve_order(curves, plan, desired, local_curves)
    return local_suites, local_curves, literal_names


def _curve_order(curves, plan, desired, local_curves):
    """The curve list in the plan's scope (2016 and later); before 2016 the suites' suffixes decide -> local curves."""
    version = plan.version
    if at_least(version, "2016"):
        plan.ecc_curves = None if curves == "default" else curves
        if plan.cipher_suite_scope == "policy":
            desired.set("ecc_curves.policy", rm.POLICY_SSL, "EccCurves", None if curves == "default" else curves)
        else:
            desired.set("ecc_curves.policy", rm.POLICY_SSL, "EccCurves", None)
            if curves != "default":
                local_curves = curves
    elif curves != "default" and [c for c in curves if c in catalogue.CURVE_TO_SUFFIX] != ["NistP256", "NistP384"]:
        plan.findings.append(PlanFinding("SCH011", "info", "ecc_curves", "%s has no curve list; the curve comes from "
                                         "the _P256/_P384 suffix of each suite, ordered by this list (facts §3.2)"
                                         % WINDOWS_VERSIONS[version].label, None))
    return local_curves


def _lint(plan, profile, facts, explicit, literal_names, http2, management, current, updates):
    """The lints over the state the plan leaves (appended to ``plan.findings``)."""
    version, findings, certificate = plan.version, plan.findings, plan.certificate
    in_effect = plan.state.suites()
    requirements = profile.get("requirements") or {}
    findings.extend(lints.certificate_match([s for s in in_effect if s.name in literal_names], certificate))
    findings.extend(lints.http2_order(in_effect, version, http2))
    findings.extend(lints.forward_secrecy([s for s in in_effect if not s.tls13],
                                          bool(requirements.get("forward_secrecy"))))
    if plan.cipher_suites is not None and plan.cipher_suite_scope == "policy":
        findings.extend(f for f in lints.list_length(plan.cipher_suites, version)
                        if not any(x.code == "SCH005" for x in findings))
    findings.extend(lints.protocols_without_suites(plan.state, explicit))
    findings.extend(lints.client_server_mismatch(plan.state, version))
    findings.extend(lints.protocol_values(current))
    findings.extend(lints.management(plan.state, management))
    findings.extend(lints.certificate_rules(profile.get("certificate"), certificate))
    # Edges of Microsoft's tables (issue 15): what this plan rests on, said where it matters.
    findings.extend(lints.version_note(version))
    findings.extend(lints.prerequisite_update(version, updates))
    findings.extend(lints.value_updates(version, updates, plan.operations))
    findings.extend(lints.assumptions(plan.state))
    findings.extend(lints.unknown_names(plan.state))
    if not plan.state.unknown_cipher_suites and current is not None:
        source, before = configured_list(current, facts.get("local_cipher_suites"))
        unknown = unknown_names(version, before)
        if unknown:
            findings.append(PlanFinding("SCH020", "info", "cipher_suites", "the host's %s cipher-suite list holds %s, "
                                        "which %s's Schannel does not know; %s; the plan replaces that list" % (
                                            source, ", ".join(unknown), WINDOWS_VERSIONS[version].label,
                                            lints.UNKNOWN_SUITE_RISK), None))
    if plan.cipher_suites is None and plan.state.cipher_suites_source == "policy" and \
            not any(f.code == "SCH005" for f in findings):
        findings.extend(lints.list_length(plan.state.policy_cipher_suites, version, severity="warning"))


_ALTERNATIVE_CACHE = {}


def _alternative(profile, facts, certificate, version, alternatives):
    """The closest achievable alternative: another certificate, a later version, or another profile.

    Cached per (profile, version, certificate, management): a fleet has many hosts with the same answer.
    """
    key = (json.dumps(profile, sort_keys=True, default=str), version, json.dumps(certificate, sort_keys=True),
           json.dumps(facts.get("management"), sort_keys=True, default=str), tuple(sorted(alternatives or ())))
    if key not in _ALTERNATIVE_CACHE:
        if len(_ALTERNATIVE_CACHE) > 512:
            _ALTERNATIVE_CACHE.clear()
        _ALTERNATIVE_CACHE[key] = _find_alternative(profile, facts, certificate, version, alternatives)
    return _ALTERNATIVE_CACHE[key]


def _find_alternative(profile, facts, certificate, version, alternatives):
    hints = []
    if certificate is None or certificate["type"] != "ecdsa":
        trial = dict(facts, certificate_key="ecdsa:p256", current_state=None)
        if not compile_plan(profile, trial, _check_alternatives=False).errors:
            hints.append("an ECDSA P-256 certificate")
    # suggest a Long-Term Servicing release: the one a fleet would move to
    for later in [k for k in LTSC_KEYS if WINDOWS_VERSIONS[k].index > WINDOWS_VERSIONS[version].index]:
        trial = dict(facts, windows_version=later, current_state=None)
        if not any(f.code == "SCH009" for f in compile_plan(profile, trial, _check_alternatives=False).findings):
            hints.append("Windows Server %s or later" % WINDOWS_VERSIONS[later].label.split()[-1]
                         if "R2" not in WINDOWS_VERSIONS[later].label else WINDOWS_VERSIONS[later].label)
            break
    for name, other in (alternatives or {}).items():
        trial = compile_plan(other, dict(facts), _check_alternatives=False)
        if not trial.errors:
            hints.append("profile %s (achievable here)" % name)
            break
    return "use " + ", or ".join(hints) if hints else "no shipped profile is achievable here; write overrides"
