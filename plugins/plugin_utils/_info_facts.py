# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the raw result of win_schannel_info.ps1 into the facts users and the other action plugins read.

The ``.ps1`` returns only what it saw (contracts "win_schannel_info.ps1"); everything derived -- the Windows version
key, set vs effective per managed value, which layer decides the suite order, supported suites, look-alike keys --
is computed here from the knowledge engine (registry model, effective state, catalogue).
"""
from __future__ import annotations

import difflib

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import effective
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import WINDOWS_VERSIONS
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import resolve_windows_version
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regops

# What the .ps1 returns and the facts carry unchanged (read_errors, updates and run_state: issue 15 / 14; each is
# None in a result registered before the .ps1 returned it).
RAW_KEYS = ("os", "registry", "tls_cipher_suites", "tls_ecc_curves", "bindings", "reboot_pending",
            "reboot_pending_reasons", "last_boot_time", "read_errors", "updates", "run_state")


def info_module_args(bindings=True, cipher_suites=True):
    """What the action plugins send to win_schannel_info.ps1.

    ``updates``: only the update ids the knowledge tables assume (catalogue.PREREQUISITE_UPDATE_IDS), never the whole
    update history: the .ps1 asks Win32_QuickFixEngineering for exactly these, and the lint SCH019 reads the answer.
    """
    return {"keys": list(rm.MANAGED_KEYS), "cipher_suites": bool(cipher_suites), "bindings": bool(bindings),
            "updates": list(catalogue.PREREQUISITE_UPDATE_IDS)}


def windows_version(raw):
    """Version key from the ``os`` block (version string first, then build, then caption)."""
    os_info = (raw or {}).get("os") or {}
    for candidate, field in ((os_info.get("version"), "facts.os.version"), (os_info.get("build"), "facts.os.build"),
                             (os_info.get("caption"), "facts.os.caption")):
        if candidate:
            try:
                return resolve_windows_version(candidate, field=field)
            except SchannelInputError:
                continue
    raise SchannelInputError("facts.os", "cannot tell the Windows Server version from %r; pass the registered "
                             "result of tlsops.schannel.win_schannel_info" % (os_info,))


def local_suite_names(raw):
    suites = raw.get("tls_cipher_suites")
    if suites is None:
        return None
    return [s["name"] if isinstance(s, dict) else str(s) for s in suites]


def _meaning(value, data):
    if data is None:
        return None
    if value.values:
        if value.name == "Enabled" and value.values.get("enabled") not in (None, 0):
            return "enabled" if int(data) != 0 else "disabled"  # any non-zero Enabled reads as enabled
        for meaning, canonical in value.values.items():
            if canonical == data:
                return meaning
        return "unknown"
    return data


def managed_values(version, dump):
    """Every managed value: set (raw), effective (meaning once defaults apply), default, layer, owner setting."""
    index = dict((key.lower(), dict((name.lower(), v) for name, v in (values or {}).items()))
                 for key, values in (dump or {}).items())
    rows = []
    for value in rm.MANAGED_VALUES:
        found = index.get(value.path.lower(), {}).get(value.name.lower())
        raw = {"type": found.get("type"), "data": found.get("data")} if found is not None else None
        default = value.defaults.get(version)
        rows.append({
            "setting": value.setting,
            "path": value.path,
            "name": value.name,
            "layer": _regops.layer(value.path),
            "set": raw,
            "display": _regops.display(raw) if raw else None,
            "default": default,
            # a value this version does not read is never effective (M5, M9: registry_model ManagedValue.since)
            "effective": (_meaning(value, raw["data"]) if raw else default) if value.applies_to(version)
            else "not_supported",
            "source": "set" if raw else "default",
        })
    return rows


def stray_keys(dump):
    """Keys under Ciphers/Hashes/KeyExchangeAlgorithms/Protocols that Schannel does not read, with the fix."""
    found = []
    groups = (("Ciphers", rm.CIPHERS), ("Hashes", rm.HASHES), ("KeyExchangeAlgorithms", rm.KEY_EXCHANGES),
              ("Protocols", rm.PROTOCOLS))
    for key in sorted(dump or {}):
        low = key.lower()
        for group, names in groups:
            root = ("%s\\%s\\" % (rm.SCHANNEL, group)).lower()
            if not low.startswith(root):
                continue
            rest = key[len(root):]
            parts = rest.split("\\")
            top = parts[0]
            lower_names = dict((n.lower(), n) for n in names)
            if group == "Protocols":
                if top.lower() not in lower_names:
                    close = difflib.get_close_matches(top, names, n=1, cutoff=0.6)
                    found.append({"path": key, "looks_like": close[0] if close else None,
                                  "fix": "Schannel reads only %s\\Protocols\\<name>\\Client|Server; remove this key"
                                  % rm.SCHANNEL})
                elif len(parts) == 2 and parts[1].lower() not in ("client", "server"):
                    found.append({"path": key, "looks_like": None,
                                  "fix": "protocol sub-keys are Client and Server only; remove this key"})
                break
            if len(parts) == 1:
                if top.lower() not in lower_names:
                    close = difflib.get_close_matches(top, names, n=1, cutoff=0.6)
                    found.append({"path": key, "looks_like": close[0] if close else None,
                                  "fix": "not a key Schannel reads%s; remove it"
                                  % ((" (did you mean '%s'?)" % close[0]) if close else "")})
            else:
                joined = "/".join(parts[:2])
                if joined.lower() in lower_names:
                    name = lower_names[joined.lower()]
                    found.append({"path": key, "looks_like": name,
                                  "fix": "'%s' was split on '/' by a tool that used New-Item or an old win_regedit; "
                                  "remove '%s\\%s\\%s' and set '%s' with tlsops.schannel.win_schannel"
                                  % (name, rm.SCHANNEL, group, parts[0], name)})
                else:
                    found.append({"path": key, "looks_like": None,
                                  "fix": "Schannel reads no sub-keys below %s\\%s; remove it" % (group, parts[0])})
            break
    # A parent left behind by a split ('Ciphers\AES 128' holding '128') is reported once, through its child.
    children = set(s["path"].lower() for s in found)
    return [s for s in found if not any(c != s["path"].lower() and c.startswith(s["path"].lower() + "\\")
                                        for c in children)]


def enrich(raw, bindings=True):
    """Facts for users and action plugins from a raw win_schannel_info.ps1 result (or such facts again)."""
    if not isinstance(raw, dict) or "registry" not in raw or "os" not in raw:
        raise SchannelInputError("facts", "must be the registered result of tlsops.schannel.win_schannel_info "
                                 "(with 'os' and 'registry')")
    version = windows_version(raw)
    dump = raw.get("registry") or {}
    local_suites = local_suite_names(raw)
    state = effective.effective_state(version, dump, local_cipher_suites=local_suites,
                                      local_ecc_curves=raw.get("tls_ecc_curves"))
    state_dict = state.as_dict()
    facts = dict((k, raw.get(k)) for k in RAW_KEYS)
    facts["reboot_pending_reasons"] = list(raw.get("reboot_pending_reasons") or [])
    facts["windows_version"] = version
    facts["managed_values"] = managed_values(version, dump)
    facts["protocols"] = {"server": state_dict["server_protocols"], "client": state_dict["client_protocols"],
                          "server_dtls": state_dict["server_dtls"], "client_dtls": state_dict["client_dtls"]}
    facts["cipher_suites"] = {
        "order": state_dict["cipher_suites"],
        "source": state_dict["cipher_suites_source"],
        "configured": state_dict["configured_cipher_suites"],
        "policy": state_dict["policy_cipher_suites"],
        "local": state_dict["local_cipher_suites"],
        "dropped": state_dict["dropped_cipher_suites"],
        "supported": [s.name for s in catalogue.suites_for(version)],
    }
    # What the host offers to enable: the TLS cmdlets' list on 2016+, the local registry list elsewhere, else the
    # version's default list.
    registry_local = _names(effective.RegistryView(dump).get(rm.LOCAL_SSL, "Functions"))
    if local_suites is not None:
        facts["cipher_suites"]["available"], source = list(local_suites), "Get-TlsCipherSuite"
    elif registry_local is not None:
        facts["cipher_suites"]["available"], source = registry_local, "registry"
    else:
        facts["cipher_suites"]["available"], source = catalogue.default_order(version), "default"
    facts["cipher_suites"]["available_source"] = source
    facts["ecc_curves"] = {"order": state_dict["ecc_curves"], "source": state_dict["ecc_curves_source"],
                           "policy": _policy_curves(dump), "local": raw.get("tls_ecc_curves")}
    facts["effective"] = state_dict
    facts["stray_keys"] = stray_keys(dump)
    facts["unknown_names"] = unknown_names(state)
    return facts


def unknown_names(state):
    """Each name in the host's configured suite or curve list that its release's Schannel does not know, with the
    nearest known names and the fix (issue 15; M6 and W32-ECC-1607): ``{list, source, name, windows_version,
    nearest, message, fix}``. The action plugin turns each into a warning."""
    label = WINDOWS_VERSIONS[state.version].label
    out = []
    for name in state.unknown_cipher_suites:
        nearest = catalogue.suggest_suites(name, state.version)
        entry = {"list": "cipher_suites", "source": state.cipher_suites_source, "name": name,
                 "windows_version": state.version, "nearest": nearest,
                 "message": "the %s cipher-suite list holds %s, which %s's Schannel does not know; %s" % (
                     state.cipher_suites_source, name, label, effective.UNKNOWN_SUITE_RISK),
                 "fix": _fix(name, nearest, state.cipher_suites_source, "cipher_suites")}
        if state.unknown_from_host_cng:  # the host's Schannel lists it with its code: a table gap
            entry["message"] = ("Get-TlsCipherSuite lists %s on this host, which this collection's %s table does not "
                                "have; plans and predictions leave it out" % (name, label))
            entry["fix"] = ("check that %s is this host's release (os.build); if it is, the collection's table lacks "
                            "%s: add it (CONTRIBUTING.md, adding a Windows version)" % (label, name))
        out.append(entry)
    for name in state.unknown_ecc_curves:
        nearest = catalogue.explain_curve(name, state.version)[2]
        out.append({"list": "ecc_curves", "source": state.ecc_curves_source, "name": name,
                    "windows_version": state.version, "nearest": nearest,
                    "message": "the %s curve list holds %s, which %s's Schannel does not list among its curves "
                               "(W32-ECC-1607)" % (state.ecc_curves_source, name, label),
                    "fix": _fix(name, nearest, state.ecc_curves_source, "ecc_curves")})
    return out


def _fix(name, nearest, source, setting):
    where = "the %s %s list (tlsops.schannel.win_tls_cipher_suites %s with scope: %s writes a list of known names)" % (
        source, "cipher-suite" if setting == "cipher_suites" else "curve", setting, source)
    if nearest:
        return "replace %s with %s in %s, or remove it" % (name, " or ".join(nearest), where)
    return "remove %s from %s (no known name is close)" % (name, where)


def _names(value):
    """A REG_MULTI_SZ list or a comma-separated REG_SZ as a list of names (None when absent)."""
    if value is None:
        return None
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(i).strip() for i in items if str(i).strip()]


def _policy_curves(dump):
    view = effective.RegistryView(dump)
    value = view.get(rm.POLICY_SSL, "EccCurves")
    return list(value) if isinstance(value, list) else value


def effective_of(version, dump, facts, local_suites=None, local_curves=None):
    """EffectiveState of ``dump`` with the host's local lists unless others are given."""
    if local_suites is None:
        local_suites = local_suite_names(facts)
    if local_curves is None:
        local_curves = facts.get("tls_ecc_curves")
    return effective.effective_state(version, dump, local_cipher_suites=local_suites, local_ecc_curves=local_curves)
