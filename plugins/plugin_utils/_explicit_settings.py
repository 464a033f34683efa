# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate explicit win_schannel settings against the knowledge engine's registry model.

The settings then go through the one merge and compile of the collection (``_planning.plan_for_host``, as overrides
of the profile, or alone); this module only refuses bad input early, with the closest valid name.

Every item name is checked against the model's tables (``registry_model.PROTOCOLS``, ``CIPHERS``, ...) with the
closest valid name in the error; every state/value is type-checked; two options that set one value differently
(``protocols`` and ``server_protocols``) fail. Errors are ``SchannelInputError`` naming the field
(``protocols.TLS 1.3``), raised before anything is sent to the host.
"""
from __future__ import annotations

import difflib

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import WINDOWS_VERSIONS

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


class _Wanted(object):
    """``{setting: value}`` with the option each came from; two options that set one value differently fail."""

    def __init__(self):
        self.values = {}
        self.origin = {}

    def put(self, setting, value, field):
        if setting in self.values and self.values[setting] != value:
            earlier = self.values[setting]
            raise SchannelInputError(field, "contradicts %s (%r vs %r)" % (self.origin[setting], value, earlier))
        self.values[setting] = value
        self.origin[setting] = field


def resolve(args, version, strict=True):
    """``{setting: meaning-or-number}`` from the explicit options; contradictions between options fail.

    ``strict=False`` (for a profile's own settings) lets the compiler report, rather than refuse, protocols the
    version does not support.
    """
    wanted = _Wanted()
    _protocols(args, version, strict, wanted)
    _algorithms(args, wanted)
    _numbers(args, wanted)
    _lists(args, wanted)
    return wanted.values, wanted.origin


def _protocols(args, version, strict, wanted):
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
                wanted.put(rm.protocol_setting(name, side), state, field)


def _algorithms(args, wanted):
    for option, names, hint in (("ciphers", rm.CIPHERS, " (Windows Vista and later name it 'Triple DES 168')"),
                                ("hashes", rm.HASHES, ""), ("key_exchanges", rm.KEY_EXCHANGES, "")):
        for name, state in _check_mapping(option, args.get(option)).items():
            field = "%s.%s" % (option, name)
            _check_name(option, name, names, hint if "168" in str(name) else "")
            wanted.put("%s.%s" % (option, name), _check_state(field, state), field)


def _numbers(args, wanted):
    """key_sizes and schannel_values: numbers (or 'default') checked against what the value allows."""
    size_names = [s.split(".", 1)[1] for s in rm.settings() if s.startswith("key_sizes.")]
    for name, value in _check_mapping("key_sizes", args.get("key_sizes")).items():
        _check_name("key_sizes", name, size_names)
        setting = "key_sizes.%s" % name
        wanted.put(setting, _check_number(setting, value, rm.by_setting(setting)[0]), setting)
    root_names = dict((s.split(".", 1)[1], s) for s in rm.settings()
                      if s.split(".", 1)[0] in ("schannel_values", "messaging_values", "schannel", "messaging"))
    for name, value in _check_mapping("schannel_values", args.get("schannel_values")).items():
        _check_name("schannel_values", name, sorted(root_names))
        setting = root_names[name]
        wanted.put(setting, _check_number("schannel_values.%s" % name, value, rm.by_setting(setting)[0]),
                   "schannel_values.%s" % name)


def _lists(args, wanted):
    """dotnet_strong_crypto (one state for all four .NET keys) and winhttp_protocols (a list -> one bit mask)."""
    strong = args.get("dotnet_strong_crypto")
    if strong is not None:
        _check_state("dotnet_strong_crypto", strong)
        for setting in _settings_named("dotnet_strong_crypto", "dotnet."):
            wanted.put(setting, strong, "dotnet_strong_crypto")
    winhttp = args.get("winhttp_protocols")
    if winhttp is not None:
        if not isinstance(winhttp, list):
            raise SchannelInputError("winhttp_protocols", "must be a list of protocol names")
        mask = 0
        for i, name in enumerate(winhttp):
            _check_name("winhttp_protocols[%d]" % i, name, list(WINHTTP_FLAGS))
            mask |= WINHTTP_FLAGS[name]
        for setting in _settings_named("winhttp_protocols", "winhttp."):
            wanted.put(setting, mask if winhttp else "default", "winhttp_protocols")


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
