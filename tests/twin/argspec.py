"""Module arguments validated as ``Ansible.Basic`` validates them, from the one spec both sides share.

The ``.ps1`` declares its ``$spec`` and the module's ``.py`` carries the same options as ``INTERNAL_OPTIONS``
(YAML); the doubles read that YAML, so an option added to the module reaches the double without a second list.
What is copied from ``Ansible.Basic.cs`` (ansible-core ``module_utils/csharp``): unknown options (also inside
``elements: dict`` suboptions) fail with "Unsupported parameters for (<module>) module: ... found in <option>";
required options fail with "missing required arguments: ..."; defaults are applied and every option left out is
set to null; ``str`` converts any scalar with ``ToString()``; ``list`` splits a string on ``,``; ``choices`` match
case-insensitively and keep the value as given. One thing cannot be copied: .NET lists the supported options in
``Hashtable`` order, which is not defined; the twin lists them sorted (tests/twin/README.md).
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
BOOLEANS_TRUE = ("y", "yes", "on", "1", "true", "t", "1.0")
BOOLEANS_FALSE = ("n", "no", "off", "0", "false", "f", "0.0")


class ArgumentError(Exception):
    """What ``FailJson`` reports for bad module arguments."""


@functools.lru_cache(maxsize=None)
def module_spec(module: str) -> dict:
    """The ``options`` of ``INTERNAL_OPTIONS`` in ``plugins/modules/<module>.py`` (read, never imported)."""
    tree = ast.parse((REPO_ROOT / "plugins" / "modules" / f"{module}.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["INTERNAL_OPTIONS"]:
            return yaml.safe_load(ast.literal_eval(node.value))["options"]
    raise LookupError(f"plugins/modules/{module}.py has no INTERNAL_OPTIONS")


def _dotnet_str(value) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (dict, list)):
        raise TypeError(f"{type(value).__name__} cannot be converted to a string")
    return str(value)


def _parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _dotnet_str(value).lower().strip()
    if text in BOOLEANS_TRUE:
        return True
    if text in BOOLEANS_FALSE:
        return False
    raise ValueError(f"The value '{text}' is not a valid boolean. Valid booleans include: "
                     + ", ".join(BOOLEANS_TRUE + BOOLEANS_FALSE))


def _parse_list(value) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [s.strip() for s in value.split(",")]
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    raise TypeError(f"{type(value).__name__} cannot be converted to a list")


def _parse_int(value) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(_dotnet_str(value))


CONVERTERS = {"str": _dotnet_str, "bool": _parse_bool, "int": _parse_int, "list": _parse_list,
              "raw": lambda v: v, "dict": lambda v: v}


def _check(module_name: str, options: dict, params: dict, context: list[str]) -> dict:
    def fail(msg: str):
        raise ArgumentError(msg + (" found in " + " -> ".join(context) if context else ""))

    if not isinstance(params, dict):
        fail(f"argument is of type {type(params).__name__} and we were unable to convert to dict")
    unknown = [k for k in params if not k.startswith("_ansible_") and k.lower() not in {o.lower() for o in options}]
    if unknown:
        msg = f"Unsupported parameters for ({module_name}) module: {', '.join(unknown)}"
        if context:
            msg += " found in " + " -> ".join(context)
        raise ArgumentError(f"{msg}. Supported parameters include: {', '.join(sorted(options))}")
    by_lower = {o.lower(): o for o in options}
    params = {by_lower.get(k.lower(), k): v for k, v in params.items() if not k.startswith("_ansible_")}
    missing = []
    for name, spec in options.items():
        if params.get(name) is None and spec.get("default") is not None:
            params[name] = spec["default"]
        if spec.get("required") and name not in params:
            missing.append(name)
    if missing:
        fail(f"missing required arguments: {', '.join(missing)}")
    out = {}
    for name, spec in options.items():
        value = params.get(name)
        vtype = spec.get("type", "str")
        if value is not None:
            try:
                value = CONVERTERS[vtype](value)
            except (TypeError, ValueError) as exc:
                fail(f"argument for {name} is of type {_dotnet_type(value)} and we were unable to convert to {vtype}: {exc}")
            choices = [str(c) for c in spec.get("choices") or []]
            if choices:
                given = [str(v) for v in value] if vtype == "list" else [str(value)]
                bad = [v for v in given if v.lower() not in {c.lower() for c in choices}]
                if bad:
                    kind = "one or more of" if vtype == "list" else "one of"
                    fail(f"value of {name} must be {kind}: {', '.join(choices)}. Got no match for: {', '.join(bad)}")
            elements = spec.get("elements")
            if vtype == "list" and elements == "dict" and spec.get("options"):
                value = [_check(module_name, spec["options"], item, context + [name]) for item in value]
            elif vtype == "list" and elements:
                converted = []
                for item in value:
                    try:
                        converted.append(CONVERTERS[elements](item))
                    except (TypeError, ValueError) as exc:
                        fail(f"argument for list entry {name} is of type {_dotnet_type(item)} and we were unable to "
                             f"convert to {elements}: {exc}")
                value = converted
            elif vtype == "dict" and spec.get("options"):
                value = _check(module_name, spec["options"], value, context + [name])
        out[name] = value
    return out


def _dotnet_type(value) -> str:
    return {bool: "System.Boolean", int: "System.Int32", str: "System.String", float: "System.Double",
            list: "System.Collections.ArrayList", dict: "System.Collections.Hashtable"}.get(type(value), type(value).__name__)


def validate(module: str, args: dict) -> dict:
    """The validated params (``$module.Params``); raises ``ArgumentError`` with Ansible.Basic's message."""
    name = args.get("_ansible_module_name") or module
    return _check(name, module_spec(module), args, [])
