# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Load, validate and resolve Schannel profiles on the controller.

Profiles are YAML data files in the collection's ``profiles/`` folder (or any path the user gives), validated
against ``profiles/profile.schema.json``.  Only controller code reads them: module payloads carry no data files.

Resolution:

* ``extends: <name or path>`` -- the parent is resolved first; mappings (``protocols``, ``ciphers``, ...,
  ``certificate``) merge key by key, everything else the child sets replaces the parent's value.
* ``overrides`` (a dict with the same keys) applies last.  List settings (``cipher_suites``, ``ecc_curves``,
  ``winhttp_protocols``) take list semantics like microsoft.ad's ``guide_list_values``: ``{set: [...]}`` (or a
  plain list) replaces, ``{add: [...]}`` appends what is missing, ``{remove: [...]}`` takes entries out; ``add``
  and ``remove`` combine, ``set`` stands alone; a comma-separated string (the Group Policy spelling)
  means ``set``.  Suite names from overrides are marked as written for the host
  (``cipher_suites_literal``), see ``module_utils/schannel/compiler.py``.

Errors raise :class:`SchannelInputError` naming the file, the path inside it and the allowed values.
"""
from __future__ import annotations

import copy
import json
import os

import yaml

# jsonschema is a controller requirement (requirements.txt), imported when this module loads: ansible-playbook's
# main process loads the action plugins, so every fork inherits it instead of importing it again (0.1 s of CPU per
# task and host, benchmarks/README.md). Only ansible-test's import sanity runs without controller requirements.
try:
    import jsonschema
except ImportError:  # pragma: no cover - ansible-test's import sanity
    jsonschema = None

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError

PROFILES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "profiles")
SCHEMA_PATH = os.path.join(PROFILES_DIR, "profile.schema.json")
LIST_SETTINGS = ("cipher_suites", "ecc_curves", "winhttp_protocols")
MAP_SETTINGS = ("protocols", "server_protocols", "client_protocols", "ciphers", "hashes", "key_exchanges",
                "key_sizes", "schannel_values", "certificate", "requirements")

_SCHEMA = None
_CACHE = {}
_PARSED = {}  # absolute path -> ((mtime_ns, size), JSON text of the validated file)


def schema():
    global _SCHEMA
    if _SCHEMA is None:
        with open(SCHEMA_PATH) as handle:
            _SCHEMA = json.load(handle)
    return _SCHEMA


def available_profiles():
    """Names of the profiles shipped in ``profiles/``."""
    return sorted(f[:-4] for f in os.listdir(PROFILES_DIR) if f.endswith(".yml"))


def _path_text(path):
    parts = []
    for part in path:
        parts.append("[%d]" % part if isinstance(part, int) else (".%s" % part if parts else str(part)))
    return "".join(parts) or "(top level)"


def _allowed(error):
    """Allowed values or keys for a jsonschema error, for the message."""
    errors = [error] + list(error.context or [])
    for err in errors:
        if isinstance(err.schema, dict) and "enum" in err.schema:
            return ", ".join(str(v) for v in err.schema["enum"])
        if err.validator == "enum":
            return ", ".join(str(v) for v in err.validator_value)
        if err.validator == "additionalProperties":
            return ", ".join(sorted(err.schema.get("properties", {})))
        if err.validator == "const":
            return str(err.validator_value)
    return None


def validate(data, source, definition=None):
    """Raise SchannelInputError unless ``data`` matches the profile schema (or ``$defs/<definition>``)."""
    if jsonschema is None:
        raise SchannelInputError(source, "the Python package jsonschema is needed on the controller to validate "
                                 "profiles: pip install -r requirements.txt (the collection's requirements)")
    root = schema()
    target = root if definition is None else dict(root["$defs"][definition], **{"$defs": root["$defs"]})
    validator = jsonschema.Draft202012Validator(target)
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(list(e.absolute_path)), list(e.absolute_path)))
    if not errors:
        return
    error = errors[0]
    best = jsonschema.exceptions.best_match([error]) if error.context else error
    path = list(best.absolute_path) or list(error.absolute_path)
    allowed = _allowed(best) or _allowed(error)
    message = best.message
    if isinstance(best.instance, bool):
        message += " (YAML reads on/off/yes/no/true/false as booleans: write enabled/disabled)"
    raise SchannelInputError("%s: %s" % (source, _path_text(path)),
                             "%s%s" % (message, "; allowed: %s" % allowed if allowed else ""))


def _parsed(path):
    """The profile file at ``path``, parsed and validated: once per file version (modification time and size).

    A plan reads its profile three times (as written, with the overrides, and for the alternatives' SCH009
    suggestion), and a YAML parse with a schema validation is most of what a plan costs on the controller.
    """
    stat = os.stat(path)
    stamp = (stat.st_mtime_ns, stat.st_size)
    key = os.path.abspath(path)  # a relative path names another file once the working directory changes
    hit = _PARSED.get(key)
    if hit is not None and hit[0] == stamp:
        return json.loads(hit[1])  # a fresh copy: callers merge into it
    with open(path) as handle:
        try:
            data = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise SchannelInputError(path, "not valid YAML: %s" % exc) from None
    if not isinstance(data, dict):
        raise SchannelInputError(path, "a profile is a YAML mapping with at least name and description")
    _string_keys(data, path)
    validate(data, path)
    _PARSED[key] = (stamp, json.dumps(data))
    return data


def _read(name_or_path, search_dirs=None):
    """(data, source) of a profile given by shipped name or path."""
    if not isinstance(name_or_path, str) or not name_or_path.strip():
        raise SchannelInputError("profile", "give a profile name (%s) or the path of a profile YAML file"
                                 % ", ".join(available_profiles()))
    candidates = []
    as_path = os.sep in name_or_path or name_or_path.endswith((".yml", ".yaml"))
    if as_path:
        candidates.append(os.path.expanduser(name_or_path))
    else:
        for folder in list(search_dirs or []) + [PROFILES_DIR]:
            candidates.append(os.path.join(folder, name_or_path + ".yml"))
    for path in candidates:
        if os.path.isfile(path):
            return _parsed(path), path
    if as_path:
        raise SchannelInputError("profile", "profile file not found: %s (resolved from %s; a relative path is relative "
                                 "to the directory ansible-playbook runs in); a shipped profile is given by name: %s"
                                 % (name_or_path, os.getcwd(), ", ".join(available_profiles())))
    raise SchannelInputError("profile", "unknown profile %r; use one of %s, or a path to a profile YAML file" % (
        name_or_path, ", ".join(available_profiles())))


def _merge(parent, child):
    out = copy.deepcopy(parent)
    for key, value in child.items():
        if key in MAP_SETTINGS and isinstance(value, dict) and isinstance(out.get(key), dict):
            merged = dict(out[key])
            merged.update(value)
            out[key] = merged
        else:
            out[key] = copy.deepcopy(value)
    return out


def _list_op(current, op, field):
    if op == "default":
        return "default", []
    if isinstance(op, list):
        return list(op), list(op)
    if "set" in op:
        return list(op["set"]), list(op["set"])
    base = [] if current in (None, "default") else list(current)
    added = [item for item in op.get("add", []) if item not in base]
    # names may be given as written for the host: removal also matches the base name of a suffixed variant
    remove = set(op.get("remove", []))
    result = [item for item in base + added if item not in remove and _strip_suffix(item) not in remove]
    return result, added


def _strip_suffix(name):
    for suffix in ("_P256", "_P384", "_P521"):
        if str(name).upper().endswith(suffix):
            return str(name)[:-len(suffix)]
    return name


def apply_overrides(profile, overrides, source="overrides"):
    """``profile`` with ``overrides`` applied (see module docstring); validates ``overrides`` first."""
    if not overrides:
        return profile
    if not isinstance(overrides, dict):
        raise SchannelInputError(source, "must be a mapping of profile settings (protocols, cipher_suites, ...)")
    overrides = dict(overrides)
    for key in LIST_SETTINGS:  # "A,B" is the order as Group Policy writes it: read it as set: [A, B]
        value = overrides.get(key)
        if isinstance(value, str) and value != "default":
            overrides[key] = [item.strip() for item in value.split(",") if item.strip()]
    validate(overrides, source, "overrides")
    out = copy.deepcopy(profile)
    literal = list(out.get("cipher_suites_literal") or [])
    for key, value in overrides.items():
        if key in LIST_SETTINGS:
            result, added = _list_op(out.get(key), value, key)
            out[key] = result
            if key == "cipher_suites":
                literal = [n for n in literal if n in result] + [n for n in added if n not in literal]
        elif key in MAP_SETTINGS and isinstance(value, dict):
            _override_map(out, key, value, overrides)
        else:
            out[key] = copy.deepcopy(value)
    out["cipher_suites_literal"] = literal
    return out


def _override_map(out, key, value, overrides):
    """Merge a mapping setting's override into ``out`` key by key."""
    merged = dict(out.get(key) or {})
    merged.update(value)
    out[key] = merged
    if key == "protocols":
        # an override of both sides wins over the profile's per-side settings of the same protocol too
        # (the compiler applies server_protocols/client_protocols after protocols)
        for side in ("server_protocols", "client_protocols"):
            if isinstance(out.get(side), dict) and side not in overrides:
                out[side] = dict((p, v) for p, v in out[side].items() if p not in value)


def load_profile(name_or_path, search_dirs=None, _seen=None):
    """The profile with its ``extends`` chain resolved (no overrides); each file is parsed once per version."""
    data, source = _read(name_or_path, search_dirs)
    seen = list(_seen or [])
    if source in seen:
        raise SchannelInputError(source + ": extends", "circular extends: %s" % " -> ".join(seen + [source]))
    parent_name = data.get("extends")
    if parent_name:
        folder = os.path.dirname(source)
        try:
            parent = load_profile(parent_name, [folder] + list(search_dirs or []), seen + [source])
        except SchannelInputError as exc:
            if exc.field != "profile":
                raise  # an error inside the parent names the parent's file already
            raise SchannelInputError(source + ": extends", "%s (looked in %s and the shipped profiles)"
                                     % (exc.message, folder)) from None
        data = _merge(parent, data)
        data.pop("extends", None)
    data.setdefault("sources", [])
    data["source_file"] = source
    return data


def _string_keys(value, field, _stack=()):
    """Raise SchannelInputError at the first mapping key that is not a string (YAML reads ``1.2:`` as a number)
    or at a container that contains itself (a YAML alias such as ``a: &a [*a]``, which no profile needs)."""
    if isinstance(value, (dict, list)):
        if id(value) in _stack:
            raise SchannelInputError(field, "a YAML alias makes this value contain itself; write the value out")
        _stack = _stack + (id(value),)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise SchannelInputError("%s.%s" % (field, key), "setting names must be strings, got %s %r; quote "
                                         "it (YAML reads an unquoted 1.2 or on/off as a number or boolean)"
                                         % (type(key).__name__, key))
            _string_keys(item, "%s.%s" % (field, key), _stack)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _string_keys(item, "%s[%d]" % (field, i), _stack)


def resolve_profile(name_or_path, overrides=None, search_dirs=None):
    """The profile to compile: extends resolved, overrides applied.  Cached per (profile, overrides)."""
    _string_keys(overrides, "overrides")  # before json.dumps(sort_keys=True), which fails on mixed key types
    key = (name_or_path, json.dumps(overrides, sort_keys=True, default=str), tuple(search_dirs or ()))
    cached = _CACHE.get(key)
    if cached is None:
        cached = apply_overrides(load_profile(name_or_path, search_dirs), overrides)
        cached.setdefault("cipher_suites_literal", [])
        _CACHE[key] = json.dumps(cached)
    # a fresh copy per call (callers may change it); a JSON round trip is several times faster than deepcopy
    return json.loads(_CACHE[key])


def alternatives(profile, search_dirs=None):
    """Resolved profiles named in ``profile['alternatives']`` (name -> dict), for the SCH009 suggestion."""
    out = {}
    for name in profile.get("alternatives") or ():
        try:
            out[name] = resolve_profile(name, None, search_dirs)
        except SchannelInputError:
            continue
    return out
