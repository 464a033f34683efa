# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PowerShell pitfalls of the December 2026 review (§1), found in a tree-sitter-pwsh syntax tree.

Each rule returns findings ``(rule, line, text)``; the gate (test_pitfalls.py) wants none in ``plugins/`` and proves
each rule with a broken fixture. No pwsh runs here, so these checks stand in for what a real host would show.
"""
from __future__ import annotations

import re

from tests.unit.powershell import _gate

# Cmdlets that only make sense on the registry provider: always a finding.
PROPERTY_CMDLETS = frozenset({"new-itemproperty", "set-itemproperty", "get-itemproperty", "remove-itemproperty",
                              "get-itempropertyvalue", "rename-itemproperty", "copy-itemproperty",
                              "move-itemproperty", "clear-itemproperty"})
# Item cmdlets: a finding when New-Item (it splits key names on '/'), or when an argument names a registry path.
ITEM_CMDLETS = frozenset({"new-item", "remove-item", "get-item", "get-childitem", "set-item", "test-path",
                          "copy-item", "move-item", "rename-item", "clear-item"})
REGISTRY_PATH = re.compile(r"(?i)\b(hklm|hkcu|hkcr|hku|hkcc):|registry::|hkey_[a-z_]+")
# .NET RegistryKey members: only _SchannelRegistry.psm1 may call them.
REGISTRY_MEMBERS = frozenset({"opensubkey", "createsubkey", "getvalue", "setvalue", "deletevalue", "deletesubkey",
                              "deletesubkeytree", "getvaluenames", "getsubkeynames", "getvaluekind", "openbasekey",
                              "openremotebasekey"})
# Custom date/time format tokens whose output depends on the current culture (':' is its TimeSeparator, 'yyyy' its
# calendar's year).
DATE_FORMAT = re.compile(r"yyyy|yy|MM|dd|HH|hh|mm|ss|:")
BASE_KEYS = frozenset({"localmachine", "currentuser", "users", "classesroot", "currentconfig", "performancedata"})


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _line(node):
    return node.start_point[0] + 1


def _text(node, limit=70):
    return node.text.decode("utf-8", "replace")[:limit]


def _member(node):
    names = [c for c in node.children if c.type == "member_name"]
    return names[0].text.decode().lower() if names else None


def provider_cmdlets(root):
    for node in _walk(root):
        if node.type != "command":
            continue
        names = [c for c in node.children if c.type == "command_name"]
        if not names:
            continue
        name = names[0].text.decode().lower()
        args = node.text.decode("utf-8", "replace")
        if name in PROPERTY_CMDLETS or name == "new-item" or (name in ITEM_CMDLETS and REGISTRY_PATH.search(args)):
            yield ("provider-cmdlet", _line(node), _text(node))


def array_shape_lost(root):
    """``$x = if (...) { @(...) }``: the statement's output is enumerated, one item becomes a scalar, none $null."""
    for node in _walk(root):
        if node.type != "assignment_expression":
            continue
        for value in node.children:
            if value.type in ("if_statement", "switch_statement", "foreach_statement", "for_statement",
                              "while_statement", "try_statement"):
                blocks = [n for n in _walk(value) if n.type == "statement_block"]
                if any(n.type == "array_expression" for b in blocks for n in _walk(b)):
                    yield ("array-shape", _line(node), _text(node))


def culture_formats(root):
    """``.ToString('yyyy-MM-dd...')`` without InvariantCulture, and ``Get-Date -Format``."""
    for node in _walk(root):
        if node.type == "invocation_expression" and _member(node) == "tostring":
            arglists = [c for c in node.children if c.type == "argument_list"]
            if not arglists:
                continue
            args = [n for n in _walk(arglists[0]) if n.type == "argument_expression"]
            first = args[0].text.decode() if args else ""
            literal = first[:1] in ("'", '"')
            if literal and DATE_FORMAT.search(first) and not any(b"InvariantCulture" in a.text for a in args[1:]):
                yield ("culture-format", _line(node), _text(node))
        elif node.type == "command":
            names = [c for c in node.children if c.type == "command_name"]
            if names and names[0].text.decode().lower() == "get-date" and re.search(rb"(?i)-(u?format)\b", node.text):
                yield ("culture-format", _line(node), _text(node))


def registry_view(root):
    """``[Microsoft.Win32.Registry]::LocalMachine``: the process's view, WOW6432Node in a 32-bit host."""
    for node in _walk(root):
        if node.type != "member_access" or _member(node) not in BASE_KEYS:
            continue
        types = [c for c in node.children if c.type == "type_literal"]
        if types and types[0].text.decode().strip("[]").lower() in ("microsoft.win32.registry", "registry"):
            yield ("registry-view", _line(node), _text(node))


def registry_helpers(root):
    """A RegistryKey member called outside the shared module: the .ps1 grew a registry helper of its own."""
    for node in _walk(root):
        if node.type == "invocation_expression" and _member(node) in REGISTRY_MEMBERS:
            yield ("registry-helper", _line(node), _text(node))


def find(source: bytes, module_util: bool = False):
    """Every pitfall in one file; a module util (the shared .psm1) may call RegistryKey members."""
    root = _gate.parse(source).root_node
    found = [*provider_cmdlets(root), *array_shape_lost(root), *culture_formats(root), *registry_view(root)]
    if not module_util:
        found.extend(registry_helpers(root))
    return found


def exported_functions(source: bytes):
    """Names given to Export-ModuleMember -Function."""
    names = set()
    for node in _walk(_gate.parse(source).root_node):
        if node.type == "command" and node.children and node.children[0].text.decode().lower() == "export-modulemember":
            names.update(re.findall(r"[A-Za-z]+-[A-Za-z]+", node.text.decode().split("-Function", 1)[-1]))
    return names


def defined_functions(source: bytes):
    return {n.text.decode() for node in _walk(_gate.parse(source).root_node) if node.type == "function_statement"
            for n in node.children if n.type == "function_name"}


def called_commands(source: bytes, pattern: str):
    """Command names matching ``pattern`` (a regex) that a script calls."""
    rx = re.compile(pattern)
    return {c.text.decode() for node in _walk(_gate.parse(source).root_node) if node.type == "command"
            for c in node.children if c.type == "command_name" and rx.search(c.text.decode())}
