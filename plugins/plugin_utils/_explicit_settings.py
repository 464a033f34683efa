# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Explicit win_schannel settings -> registry operations, through the knowledge engine's registry model.

Every item name is checked against the model's tables (``registry_model.PROTOCOLS``, ``CIPHERS``, ...) with the
closest valid name in the error; every state/value is type-checked; the data written is the model's canonical data
for the meaning (protocols 1/0 + DisabledByDefault 0/1, algorithms 0xffffffff/0). ``default`` removes the values the
setting owns, and the key itself when nothing else is left in it. Errors are ``SchannelInputError`` naming the
field (``protocols.TLS 1.3``), raised before anything is sent to the host.
"""
from __future__ import annotations

import difflib

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import WINDOWS_VERSIONS
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regops

STATES = ("enabled", "disabled", "default")
SETTING_OPTIONS = ("protocols", "server_protocols", "client_protocols", "ciphers", "hashes", "key_exchanges",
                   "key_sizes", "schannel_values", "dotnet_strong_crypto", "winhttp_protocols")

# WinHTTP DefaultSecureProtocols bits: the knowledge engine's table.
WINHTTP_FLAGS = rm.WINHTTP_BITS


def _settings_named(exact, prefix):
    """The model's setting name(s) for an option (one combined setting, or several under a prefix)."""
    names = [s for s in rm.settings() if s == exact]
    return names or [s for s in rm.settings() if s.startswith(prefix)]


def _closest(name, names):
    found = difflib.get_close_matches(str(name), list(names), n=1, cutoff=0.5)
    if not found:
        lower = dict((n.lower(), n) for n in names)
        found = [lower[str(name).lower()]] if str(name).lower() in lower else []
    return found[0] if found else None


def _check_name(field, name, names, hint=""):
    if name in names:
        return name
    close = _closest(name, names)
    raise SchannelInputError("%s.%s" % (field, name), "unknown name%s%s; valid names: %s" % (
        (", did you mean '%s'?" % close) if close else "", hint, ", ".join(names)))


def _check_state(field, value):
    if isinstance(value, bool) or value not in STATES:
        raise SchannelInputError(field, "must be one of enabled, disabled, default (got %r%s)" % (
            value, "; quote YAML booleans or write enabled/disabled" if isinstance(value, bool) else ""))
    return value


def _check_mapping(field, value):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SchannelInputError(field, "must be a mapping of name -> state (got %s)" % type(value).__name__)
    return value


def resolve(args, version, strict=True):
    """``{setting: meaning-or-number}`` from the explicit options; contradictions between options fail.

    ``strict=False`` (for a profile's own settings) lets the compiler report, rather than refuse, protocols the
    version does not support.
    """
    wanted = {}
    origin = {}

    def put(setting, value, field):
        if setting in wanted and wanted[setting] != value:
            raise SchannelInputError(field, "contradicts %s (%r vs %r)" % (origin[setting], value, wanted[setting]))
        wanted[setting] = value
        origin[setting] = field

    label = WINDOWS_VERSIONS[version].label
    for option, sides in (("protocols", rm.SIDES), ("server_protocols", ("Server",)), ("client_protocols", ("Client",))):
        for name, state in _check_mapping(option, args.get(option)).items():
            field = "%s.%s" % (option, name)
            _check_name(option, name, rm.PROTOCOLS)
            _check_state(field, state)
            for side in sides:
                if strict and state == "enabled" and rm.protocol_default(name, side, version) == "not_supported":
                    raise SchannelInputError(field, "%s %s does not exist on %s; remove it or use disabled/default"
                                             % (name, side.lower(), label))
                put(rm.protocol_setting(name, side), state, field)
    for option, names, hint in (("ciphers", rm.CIPHERS, " (Windows Vista and later name it 'Triple DES 168')"),
                                ("hashes", rm.HASHES, ""), ("key_exchanges", rm.KEY_EXCHANGES, "")):
        for name, state in _check_mapping(option, args.get(option)).items():
            field = "%s.%s" % (option, name)
            _check_name(option, name, names, hint if "168" in str(name) else "")
            put("%s.%s" % (option, name), _check_state(field, state), field)
    size_names = [s.split(".", 1)[1] for s in rm.settings() if s.startswith("key_sizes.")]
    for name, value in _check_mapping("key_sizes", args.get("key_sizes")).items():
        _check_name("key_sizes", name, size_names)
        put("key_sizes.%s" % name, _check_number("key_sizes.%s" % name, value, rm.by_setting("key_sizes.%s" % name)[0]),
            "key_sizes.%s" % name)
    root_names = dict((s.split(".", 1)[1], s) for s in rm.settings()
                      if s.split(".", 1)[0] in ("schannel_values", "messaging_values", "schannel", "messaging"))
    for name, value in _check_mapping("schannel_values", args.get("schannel_values")).items():
        _check_name("schannel_values", name, sorted(root_names))
        setting = root_names[name]
        put(setting, _check_number("schannel_values.%s" % name, value, rm.by_setting(setting)[0]),
            "schannel_values.%s" % name)
    strong = args.get("dotnet_strong_crypto")
    if strong is not None:
        _check_state("dotnet_strong_crypto", strong)
        for setting in _settings_named("dotnet_strong_crypto", "dotnet."):
            put(setting, strong, "dotnet_strong_crypto")
    winhttp = args.get("winhttp_protocols")
    if winhttp is not None:
        if not isinstance(winhttp, list):
            raise SchannelInputError("winhttp_protocols", "must be a list of protocol names")
        mask = 0
        for i, name in enumerate(winhttp):
            _check_name("winhttp_protocols[%d]" % i, name, list(WINHTTP_FLAGS))
            mask |= WINHTTP_FLAGS[name]
        for setting in _settings_named("winhttp_protocols", "winhttp."):
            put(setting, mask if winhttp else "default", "winhttp_protocols")
    return wanted, origin


def _check_number(field, value, managed):
    if value == "default":
        return "default"
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        else:
            raise SchannelInputError(field, "must be an integer or 'default' (got %r)" % (value,))
    if managed.allowed and value not in managed.allowed:
        raise SchannelInputError(field, "must be one of %s or 'default' (got %r)" % (
            ", ".join(str(a) for a in managed.allowed), value))
    if not 0 <= value <= 0xFFFFFFFF:
        raise SchannelInputError(field, "must fit a DWORD (0 to 4294967295), got %r" % value)
    return value


def emptied_keys(ops, dump):
    """Key removals for keys that ``ops`` leave without values or sub-keys ('default' removes the key too)."""
    after = _regops.apply_operations(dump, ops)
    out = []
    for path in _unique(op["path"] for op in ops if op.get("state") == "absent" and op.get("name") is not None):
        low = path.lower()
        keys = [k for k in after if k.lower() == low or k.lower().startswith(low + "\\")]
        own = [k for k in keys if k.lower() == low]
        if own and len(keys) == 1 and not after[own[0]] and not _is_root(path):
            out.append({"path": path, "name": None, "state": "absent", "type": None, "data": None,
                        "reboot_reason": rm.reboot_reason(path, None)})
    return out


def _unique(items):
    seen = []
    for item in items:
        if item.lower() not in [s.lower() for s in seen]:
            seen.append(item)
    return seen


def merge(profile, explicit, version, origin):
    """The profile dict with explicit settings laid over it; a setting that contradicts the profile fails."""
    theirs, _o = resolve(dict((k, profile.get(k)) for k in SETTING_OPTIONS if profile.get(k) is not None), version,
                         strict=False)
    mine, _m = resolve(explicit, version)
    for setting, value in mine.items():
        if setting in theirs and theirs[setting] != value:
            raise SchannelInputError(origin.get(setting, "profile"), "contradicts the profile, which sets %s to %r; "
                                     "remove the setting or choose another profile" % (setting, theirs[setting]))
    merged = dict(profile)
    for key, value in explicit.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            combined = dict(merged[key])
            combined.update(value)
            merged[key] = combined
        else:
            merged[key] = value
    return merged


def operations(wanted, dump):
    """Registry operations for ``wanted`` settings against ``dump`` (used when no compiler is installed)."""
    ops = []
    for setting, meaning in wanted.items():
        for value in rm.by_setting(setting):
            if meaning == "default":
                ops.append({"path": value.path, "name": value.name, "state": "absent", "type": None, "data": None,
                            "reboot_reason": value.reboot_reason})
            else:
                data = value.values[meaning] if isinstance(meaning, str) else meaning
                ops.append({"path": value.path, "name": value.name, "state": "present", "type": value.type,
                            "data": data, "reboot_reason": value.reboot_reason})
    return ops + emptied_keys(ops, dump)


def _is_root(path):
    """Keys that must stay even when empty (the roots Windows ships)."""
    low = path.lower()
    return any(low == k.lower() for k in rm.MANAGED_KEYS)
