"""The layers of plugins/ as Ansible means them, and no code that hedges against the collection's own parts.

Review §4 ("Control flow back and forth", "Contracts vs hedging"; issue 17.2 and 17.4) found an action plugin
importing another, the knowledge core reaching up lazily and sibling imports behind ``try``. These tests read the
imports of every Python file under plugins/ (as text: nothing is imported), so such code cannot come back unseen.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
OURS = "ansible_collections.tlsops.schannel.plugins"
FILES = sorted(p for p in PLUGINS.rglob("*.py") if "__pycache__" not in p.parts)


def imports(tree):
    """(node, module name) of every import in ``tree``, at any depth."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node, node.module


def parsed(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_files_are_found():
    assert len(FILES) > 40 and any(p.name == "compiler.py" for p in FILES)


@pytest.mark.parametrize("path", [p for p in FILES if p.parent.name == "action"], ids=lambda p: p.name)
def test_no_action_plugin_imports_another(path):
    """Shared steps live in plugin_utils; an action plugin importing another couples two modules' releases."""
    bad = [name for _node, name in imports(parsed(path)) if name.startswith(OURS + ".action")]
    assert not bad, "%s imports %s; move the shared code to plugins/plugin_utils" % (path.name, bad)


@pytest.mark.parametrize("path", [p for p in FILES if "module_utils" in p.parts or p.parent.name == "modules"],
                         ids=lambda p: str(p.relative_to(PLUGINS)))
def test_module_utils_and_modules_never_reach_up_into_controller_code(path):
    bad = [name for _node, name in imports(parsed(path))
           if name.startswith((OURS + ".plugin_utils", OURS + ".action"))]
    assert not bad, "%s imports controller-only code %s" % (path.relative_to(PLUGINS), bad)


def hedged_imports(tree):
    """Our own modules imported inside ``try:`` blocks that catch ImportError/ModuleNotFoundError."""
    hedged = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        names = [n.id for h in node.handlers if h.type is not None for n in ast.walk(h.type) if isinstance(n, ast.Name)]
        if {"ImportError", "ModuleNotFoundError"} & set(names):
            body = ast.Module(body=node.body, type_ignores=[])
            hedged += [name for _n, name in imports(body) if name.startswith("ansible_collections.tlsops")]
    return hedged


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PLUGINS)))
def test_no_sibling_import_behind_try(path):
    """``try: import <our own module> except ImportError`` hedges against the collection itself: import it.

    A third-party or platform module behind ``try`` is fine (jsonschema under ansible-test's import sanity, fcntl).
    """
    hedged = hedged_imports(parsed(path))
    assert not hedged, "%s imports its own collection's %s behind try/except ImportError" % (
        path.relative_to(PLUGINS), hedged)


def test_the_hedge_check_can_fail():
    hedge = "try:\n    from %s.module_utils.tls import iana\nexcept (ValueError, ImportError):\n    iana = None\n" % OURS
    third_party = "try:\n    import jsonschema\nexcept ImportError:\n    jsonschema = None\n"
    assert hedged_imports(ast.parse(hedge)) == [OURS + ".module_utils.tls"]
    assert hedged_imports(ast.parse(third_party)) == []
