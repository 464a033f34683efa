# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Pester runner (Conformance.Tests.ps1) cannot run here (no Windows, no pwsh); this checks what can be checked.

It parses (tree-sitter-pwsh), keeps clear of the §1 pitfalls, reads the vectors from tests/conformance/vectors,
runs the modules from plugins/modules with the shared .psm1, calls only functions that module exports, skips the
vector keys only the twin can model, and compares every part of a vector the pytest runner compares.
"""
from __future__ import annotations

import json
import re

from tests.unit.powershell import _gate, _pitfalls

RUNNER = _gate.REPO_ROOT / "tests" / "windows" / "Conformance.Tests.ps1"
VECTORS = _gate.REPO_ROOT / "tests" / "conformance" / "vectors"
SHARED = _gate.PLUGINS / "module_utils" / "_SchannelRegistry.psm1"


def _strings(source: bytes):
    root = _gate.parse(source).root_node
    out = []

    def walk(node):
        if node.type in ("verbatim_string_characters", "expandable_string_literal", "verbatim_here_string_characters"):
            out.append(node.text.decode())
        for child in node.children:
            walk(child)

    walk(root)
    return out


def test_runner_parses_and_avoids_the_pitfalls():
    source = RUNNER.read_bytes()
    assert _gate.syntax_errors(source) == []
    assert _pitfalls.find(source, module_util=True) == []


def test_runner_reads_the_vectors_and_runs_the_real_modules():
    strings = " ".join(_strings(RUNNER.read_bytes()))
    assert "tests\\conformance\\vectors" in strings
    assert "plugins\\modules\\$Module.ps1" in strings
    assert "plugins\\module_utils\\_SchannelRegistry.psm1" in strings
    assert "_ansible_check_mode" in strings and "_ansible_diff" in strings
    code = "\n".join(line for line in RUNNER.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#"))
    assert "ANSIBLE_MODULE_ARGS = $moduleArgs" in code


def test_runner_calls_only_what_the_shared_module_exports():
    called = _pitfalls.called_commands(RUNNER.read_bytes(), r"-Schannel")
    assert called and called <= _pitfalls.exported_functions(SHARED.read_bytes()), called


def test_runner_handles_every_key_a_vector_uses():
    """A vector key the runner neither compares nor skips would be silently ignored on a real host."""
    text = RUNNER.read_text(encoding="utf-8")
    handled = {"description", "module", "args", "check_mode", "diff", "expected", "windows_version"}
    handled |= {k for k in ("registry_before", "registry_after", "registry_after_roots", "local_before", "local_after")
                if re.search(r"\$vector\.%s\b" % k, text)}
    handled |= set(re.findall(r"'(\w+)'", re.search(r"\$twinOnly = @\(([^)]*)\)", text).group(1)))
    used = set()
    for path in VECTORS.glob("*/*.json"):
        used |= set(json.loads(path.read_text()))
    assert used, "no vectors found under %s" % VECTORS
    assert used <= handled, used - handled
