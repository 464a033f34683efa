# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PowerShell gate, part 1: every ``.ps1``/``.psm1`` under ``plugins/`` parses.

There is no pwsh here, so syntax is checked with ``tree-sitter-pwsh`` (DESIGN "Tooling facts":
``tree-sitter-powershell`` reports many false errors). A file fails when its tree has any ERROR or MISSING node;
the fixture ``fixtures/missing_brace.ps1`` (an ``if`` block without its ``}``) proves such a file is caught.
"""
from __future__ import annotations

import pytest

from tests.unit.powershell import _gate

FIXTURES = _gate.REPO_ROOT / "tests" / "unit" / "powershell" / "fixtures"
SCRIPTS = sorted(p for ext in ("*.ps1", "*.psm1") for p in _gate.PLUGINS.rglob(ext))


def test_there_is_something_to_check():
    names = {p.name for p in SCRIPTS}
    assert {"win_schannel.ps1", "win_schannel_info.ps1", "win_tls_cipher_suites.ps1"} <= names


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(_gate.REPO_ROOT)))
def test_parses(path):
    errors = _gate.syntax_errors(path.read_bytes())
    assert errors == [], "%s does not parse: %s" % (path, errors)


def test_missing_brace_is_caught():
    errors = _gate.syntax_errors((FIXTURES / "missing_brace.ps1").read_bytes())
    assert errors, "a file with a missing } must fail the gate"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_module_conventions(path):
    """Each module names Ansible.Basic and never creates registry keys with New-Item (it splits on '/')."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ps1" and path.parent.name == "modules":
        assert "#AnsibleRequires -CSharpUtil Ansible.Basic" in text
        assert "GNU General Public License" in text
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "New-Item" not in code, "%s: create registry keys with OpenSubKey(...).CreateSubKey, not New-Item" % path
