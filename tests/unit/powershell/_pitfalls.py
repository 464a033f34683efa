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


# .NET methods that return a value whatever they are called on (a RegistryKey, a Mutex, a builder, a dictionary):
# called as a statement, the value goes to the output stream, i.e. into the enclosing function's return value (or
# after the module's JSON at script level).
NON_VOID_ANY = frozenset({"createsubkey", "opensubkey", "openbasekey", "waitone", "getvalue", "getvaluenames",
                          "getsubkeynames", "getvaluekind", "containskey", "containsvalue", "trygetvalue", "tryadd",
                          "pop", "dequeue", "append", "appendline", "appendformat"})
# Methods that return a value on some collection types only (List[T].Add is void, ArrayList.Add returns the index;
# Hashtable/OrderedDictionary.Remove are void, Dictionary[K,V]/HashSet[T]/List[T].Remove return a bool).
COLLECTION_TYPES = [
    ("arraylist", re.compile(r"(?i)\bArrayList\b")),
    ("hashset", re.compile(r"(?i)\bHashSet\b")),
    ("list", re.compile(r"(?i)Generic\.List\b|\bList\[")),
    ("dictionary", re.compile(r"(?i)Generic\.Dictionary\b|(?<![A-Za-z])Dictionary\[")),
    ("stringbuilder", re.compile(r"(?i)\bStringBuilder\b")),
]
NON_VOID_ON = {
    "arraylist": {"add"},
    "hashset": {"add", "remove"},
    "list": {"remove"},
    "dictionary": {"remove"},
    "stringbuilder": {"insert", "remove", "replace", "clear"},
}


def _variable_name(node):
    text = node.text.decode("utf-8", "replace").lstrip("$").lower()
    return text.split(":", 1)[-1].strip("{}")


def _collection_kinds(root):
    """Variable name -> collection family, from its typed parameters and its assignments (flow-insensitive)."""
    kinds = {}

    def classify(text):
        for kind, rx in COLLECTION_TYPES:
            if rx.search(text):
                return kind
        return None

    for node in _walk(root):
        if node.type == "script_parameter":
            variables = [c for c in node.children if c.type == "variable"]
            types = [c for c in node.children if c.type == "attribute_list"]
            if variables and types:
                kind = classify(types[0].text.decode("utf-8", "replace"))
                if kind:
                    kinds[_variable_name(variables[0])] = kind
        elif node.type == "assignment_expression":
            left = [n for n in _walk(node.children[0]) if n.type == "variable"]
            values = [c for c in node.children if c.type == "assignment_value"]
            if left and values and node.children[0].text.strip().startswith(b"$") and len(left) == 1:
                kind = classify(values[0].text.decode("utf-8", "replace"))
                if kind:
                    kinds[_variable_name(left[0])] = kind
    return kinds


def output_pollution(root):
    """A non-void .NET method called as a statement (not assigned, not ``[void]``, not piped to ``Out-Null``, not
    redirected): its value becomes part of the function's output, so the caller gets an array instead of the one
    value it expects (e.g. ``$x.Add(...)`` on an ArrayList inside a function that returns a bool). The last
    statement of a function body is taken as its intended return value."""
    kinds = _collection_kinds(root)
    # the last statement of a function body is its return value: meant as output
    results = set()
    for fn in _walk(root):
        if fn.type == "function_statement":
            bodies = [n for n in _walk(fn) if n.type == "script_block_body"][:1]
            lists = [c for c in bodies[0].children if c.type == "statement_list"] if bodies else []
            statements = [c for c in lists[0].children if c.type != "empty_statement"] if lists else []
            if statements:
                results.add((statements[-1].start_byte, statements[-1].end_byte))
    for node in _walk(root):
        if node.type != "pipeline" or node.parent is None or node.parent.type != "statement_list":
            continue
        if (node.start_byte, node.end_byte) in results:
            continue
        if [c.type for c in node.children] != ["pipeline_chain"]:
            continue
        chain = node.children[0]
        if [c.type for c in chain.children] != ["unary_expression"]:
            continue
        inner = chain.children[0].children
        if len(inner) != 1 or inner[0].type != "invocation_expression":
            continue
        call = inner[0]
        method = _member(call)
        receiver = call.children[0] if call.children and call.children[0].type == "variable" else None
        kind = kinds.get(_variable_name(receiver)) if receiver is not None else None
        if method in NON_VOID_ANY or (kind and method in NON_VOID_ON.get(kind, ())):
            yield ("output-pollution", _line(node), _text(node))


def wrapped_exception_text(root):
    """``$_.Exception.Message`` in a catch block: for an exception thrown inside a .NET method PowerShell wraps it
    ('Exception calling "SetValue" with "3" argument(s): "..."'); Get-SchannelErrorMessage gives the .NET text."""
    for node in _walk(root):
        if node.type == "member_access" and re.match(rb"(?i)^\$(_|psitem)\.exception\.message$", node.text):
            yield ("wrapped-exception-text", _line(node), _text(node))


def silent_delete(root):
    """``DeleteSubKeyTree(name, $false)`` / ``DeleteSubKey(name, $false)``: .NET opens the key through an internal
    call that returns null on any error, so a key the account may not open is left in place without an error."""
    for node in _walk(root):
        if node.type == "invocation_expression" and _member(node) in ("deletesubkeytree", "deletesubkey"):
            args = [n for n in _walk(node) if n.type == "argument_expression"]
            if len(args) >= 2 and args[1].text.strip().lower() == b"$false":
                yield ("silent-delete", _line(node), _text(node))


# Cmdlets and parameters that exist only in PowerShell 6+ (a 5.1 host fails with "not recognized" or "A parameter
# cannot be found"): command name -> parameters (empty: the command itself).
PS7_COMMANDS = {
    "foreach-object": ("parallel",), "%": ("parallel",), "foreach": ("parallel",),
    "convertfrom-json": ("ashashtable", "depth", "noenumerate"),
    "convertto-json": ("asarray", "enumsasstrings", "escapehandling"),
    "get-content": ("asbytestream",), "set-content": ("asbytestream",), "add-content": ("asbytestream",),
    "invoke-webrequest": ("skipcertificatecheck",), "invoke-restmethod": ("skipcertificatecheck",),
    "test-json": (), "join-string": (), "get-error": (),
}


def ps7_syntax(root):
    """Syntax and commands Windows PowerShell 5.1 does not have (the modules run there): ``??``, ``??=``,
    ``a ? b : c``, ``&&``/``||`` between pipelines, a ``clean`` block, `` `u{...} `` escapes, and the PowerShell 6+
    cmdlets and parameters in ``PS7_COMMANDS`` (``ForEach-Object -Parallel``, ``ConvertFrom-Json -AsHashtable``...)."""
    for node in _walk(root):
        bad = node.type in ("null_coalesce_expression", "ternary_expression", "pipeline_chain_tail")
        bad = bad or (node.type == "assignment_operator" and node.text.strip() == b"??=")
        bad = bad or (node.type == "block_name" and node.text.strip().lower() == b"clean")
        bad = bad or (node.type == "expandable_string_literal" and b"`u{" in node.text)
        if node.type == "command":
            name = _command_name(node)
            if name in PS7_COMMANDS:
                params = PS7_COMMANDS[name]
                given = {p.text.decode().lstrip("-").split(":")[0].lower()
                         for p in _walk(node) if p.type == "command_parameter"}
                bad = bad or not params or any(p in given for p in params)
        if bad:
            yield ("ps7-syntax", _line(node), _text(node))


def null_on_the_right(root):
    """``$x -eq $null`` / ``$x -ne $null`` (any equality operator): when ``$x`` is an array the comparison filters it
    and returns the matching elements, not a bool, so an empty or one-element list tests wrongly; ``$null`` goes on
    the left."""
    for node in _walk(root):
        if node.type != "comparison_expression":
            continue
        ops = [c for c in node.children if c.type == "comparison_operator"]
        operands = [c for c in node.children if c.type != "comparison_operator"]
        if len(ops) == 1 and len(operands) == 2 and \
                re.fullmatch(rb"(?i)-[ci]?(eq|ne)", ops[0].text.strip()) and \
                operands[1].text.strip().lower() == b"$null":
            yield ("null-on-the-right", _line(node), _text(node))


TLS_WRITE_CMDLETS = frozenset({"enable-tlsciphersuite", "disable-tlsciphersuite", "enable-tlsecccurve", "disable-tlsecccurve"})
TLS_READ_CMDLETS = frozenset({"get-tlsciphersuite", "get-tlsecccurve"})


def _command_name(node):
    names = [c for c in node.children if c.type == "command_name"]
    return names[0].text.decode().lower() if names else None


def tls_cmdlets(root):
    """A TLS Enable-/Disable- call without ``-Confirm:$false`` ("tls-confirm": their ConfirmImpact is not documented,
    and the module runspace has no host, so a ShouldProcess prompt would throw), and a pipeline that starts with
    Get-TlsCipherSuite/Get-TlsEccCurve ("tls-pipeline": their output is known not to arrive one object per suite in
    Select-Object; ``foreach ($x in Get-TlsCipherSuite)`` enumerates it either way)."""
    for node in _walk(root):
        if node.type != "command":
            continue
        name = _command_name(node)
        if name in TLS_WRITE_CMDLETS and not re.search(rb"(?i)-confirm:\s*\$false\b", node.text):
            yield ("tls-confirm", _line(node), _text(node))
        if name in TLS_READ_CMDLETS and node.parent is not None and node.parent.type == "pipeline_chain":
            siblings = node.parent.children
            if siblings.index(node) == 0 and any(c.type == "|" for c in siblings):
                yield ("tls-pipeline", _line(node), _text(node.parent))


def find(source: bytes, module_util: bool = False):
    """Every pitfall in one file; a module util (the shared .psm1) may call RegistryKey members."""
    root = _gate.parse(source).root_node
    found = [*provider_cmdlets(root), *array_shape_lost(root), *culture_formats(root), *registry_view(root),
             *output_pollution(root), *wrapped_exception_text(root), *silent_delete(root), *ps7_syntax(root),
             *tls_cmdlets(root), *null_on_the_right(root)]
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
