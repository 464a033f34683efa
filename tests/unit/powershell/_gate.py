# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the PowerShell gate: parse with tree-sitter-pwsh, evaluate the literal ``$spec``, load the docs.

No pwsh exists where this project is built, so the gate reads the ``.ps1`` as a syntax tree. ``$spec`` must stay a
literal hashtable (strings, numbers, ``$true``/``$false``/``$null``, arrays, nested hashtables); anything else in it
is reported as not literal, which is itself a gate failure.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import tree_sitter
import tree_sitter_pwsh
import yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
PLUGINS = REPO_ROOT / "plugins"
_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_pwsh.language()))


class NotLiteral(ValueError):
    """``$spec`` contains something that is not a literal."""


def parse(source: bytes):
    return _PARSER.parse(source)


def syntax_errors(source: bytes):
    """(line, column, text) of every ERROR or MISSING node; empty when the file parses."""
    found = []

    def walk(node):
        if node.type == "ERROR" or node.is_missing:
            found.append((node.start_point[0] + 1, node.start_point[1] + 1, node.text[:60].decode("utf-8", "replace")))
        for child in node.children:
            walk(child)

    walk(parse(source).root_node)
    return found


def _unwrap(node):
    """Descend through single-child wrappers (pipeline, unary_expression, ...) to the value node."""
    wrappers = {"pipeline", "pipeline_chain", "unary_expression", "assignment_value", "expression_with_unary_operator",
                "array_literal_expression", "string_literal", "parenthesized_expression"}
    while node.type in wrappers:
        named = [c for c in node.children if c.type not in (",",)]
        if node.type == "array_literal_expression" and len([c for c in node.children if c.type == ","]) > 0:
            return node
        if node.type == "parenthesized_expression":
            named = [c for c in node.children if c.type not in ("(", ")")]
        if len(named) != 1:
            return node
        node = named[0]
    return node


def evaluate(node):
    """Python value of a literal PowerShell expression node."""
    node = _unwrap(node)
    t = node.type
    if t == "hash_literal_expression":
        result = {}
        body = [c for c in node.children if c.type == "hash_literal_body"]
        for entry in (body[0].children if body else []):
            if entry.type != "hash_entry":
                continue
            key_node = entry.children[0]
            key = _unwrap(key_node.children[0]) if key_node.children else key_node
            key_value = key.text.decode() if key.type == "simple_name" else evaluate(key)
            value_node = [c for c in entry.children[2:] if c.type not in (";",)][0]
            result[str(key_value)] = evaluate(value_node)
        return result
    if t in ("expandable_string_literal", "verbatim_string_characters", "verbatim_string_literal"):
        text = node.text.decode()
        if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]:
            text = text[1:-1]
        if "$" in text and t == "expandable_string_literal":
            raise NotLiteral("expandable string with a variable: %s" % node.text.decode())
        return text
    if t == "variable":
        name = node.text.decode().lower()
        if name in ("$true", "$false", "$null"):
            return {"$true": True, "$false": False, "$null": None}[name]
        raise NotLiteral("variable %s" % node.text.decode())
    if t in ("decimal_integer_literal", "integer_literal"):
        return int(node.text.decode())
    if t == "hexadecimal_integer_literal":
        return int(node.text.decode(), 16)
    if t == "real_literal":
        return float(node.text.decode())
    if t == "array_literal_expression":
        return [evaluate(c) for c in node.children if c.type != ","]
    if t == "array_expression":  # @( ... )
        inner = [c for c in node.children if c.type not in ("@(", ")")]
        if not inner:
            return []
        values = []
        for statement_list in inner:
            for stmt in statement_list.children:
                if stmt.type in (";", "\n"):
                    continue
                value = evaluate(stmt)
                values.extend(value if isinstance(value, list) else [value])
        return values
    raise NotLiteral("%s: %s" % (t, node.text.decode()[:80]))


def literal_spec(source: bytes):
    """The value assigned to ``$spec`` (first top-level assignment), as Python data."""
    root = parse(source).root_node

    def find(node):
        if node.type == "assignment_expression":
            left = node.children[0]
            if left.text.decode().strip().lower() == "$spec":
                return node
        for child in node.children:
            if child.type in ("function_statement", "script_block_expression"):
                continue
            hit = find(child)
            if hit is not None:
                return hit
        return None

    assignment = find(root)
    if assignment is None:
        raise NotLiteral("no top-level $spec assignment")
    value = [c for c in assignment.children if c.type == "assignment_value"][0]
    return evaluate(value)


def _fragment(name):
    """Documentation YAML of ``tlsops.schannel.<file>[.<attr>]`` from plugins/doc_fragments."""
    parts = name.split(".")
    if parts[:2] != ["tlsops", "schannel"]:
        return {}  # fragments of other collections do not change our options
    filename, attr = parts[2], (parts[3].upper() if len(parts) > 3 else "DOCUMENTATION")
    path = PLUGINS / "doc_fragments" / ("%s.py" % filename)
    spec = importlib.util.spec_from_file_location("_frag_%s" % filename, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return yaml.safe_load(getattr(module.ModuleDocFragment, attr)) or {}


def load_doc(py_path: Path):
    """(DOCUMENTATION with fragments merged, INTERNAL_OPTIONS or None) of a module's .py documentation file."""
    spec = importlib.util.spec_from_file_location("_doc_%s" % py_path.stem, py_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    doc = yaml.safe_load(module.DOCUMENTATION)
    for name in doc.get("extends_documentation_fragment", []) or []:
        frag = _fragment(name)
        for key, value in frag.items():
            if isinstance(value, dict):
                doc.setdefault(key, {})
                for k, v in value.items():
                    doc[key].setdefault(k, v)
            elif isinstance(value, list):
                doc.setdefault(key, [])
                doc[key].extend(value)
    internal = getattr(module, "INTERNAL_OPTIONS", None)
    return doc, (yaml.safe_load(internal) if internal else None)


_DEFAULTS = {"type": "str", "required": False, "default": None, "choices": None, "elements": None, "options": None,
             "aliases": None, "no_log": False}


def normalise(options):
    """Options (from $spec or from a doc) reduced to what both must agree on."""
    result = {}
    for name, raw in (options or {}).items():
        raw = raw or {}
        entry = {}
        for key, default in _DEFAULTS.items():
            value = raw.get(key, default)
            if key == "options":
                value = normalise(value) if value else None
            elif key in ("choices", "aliases") and value is not None:
                value = sorted(str(v) for v in value) or None
            elif key == "default" and value == [] and raw.get("type") == "list":
                value = []
            entry[key] = value
        result[name] = entry
    return result


def compare(spec_options, doc_options, prefix=""):
    """Human-readable differences between normalised $spec options and doc options."""
    problems = []
    for name in sorted(set(spec_options) | set(doc_options)):
        where = prefix + name
        if name not in doc_options:
            problems.append("%s: in $spec but not documented" % where)
            continue
        if name not in spec_options:
            problems.append("%s: documented but not in $spec" % where)
            continue
        a, b = spec_options[name], doc_options[name]
        for key in _DEFAULTS:
            if key == "options":
                problems.extend(compare(a["options"] or {}, b["options"] or {}, where + "."))
            elif a[key] != b[key]:
                problems.append("%s.%s: $spec has %r, documentation has %r" % (where, key, a[key], b[key]))
    return problems


def gate_module(ps1_path: Path, py_path: Path):
    """All differences between a module's $spec and its documentation (empty = the gate passes)."""
    spec = literal_spec(ps1_path.read_bytes())
    doc, internal = load_doc(py_path)
    documented = internal if internal is not None else doc
    problems = compare(normalise(spec.get("options")), normalise(documented.get("options")))
    check_mode = ((doc.get("attributes") or {}).get("check_mode") or {}).get("support")
    if check_mode is not None and bool(spec.get("supports_check_mode", False)) != (check_mode != "none"):
        problems.append("supports_check_mode is %r but attributes.check_mode.support is %r"
                        % (spec.get("supports_check_mode", False), check_mode))
    return problems
