# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PowerShell gate, part 2: each module's literal ``$spec`` equals its documented options.

What is compared with what
--------------------------
A ``win_*`` module has two audiences. The playbook author writes the options of the *action plugin*
(``profile``, ``protocols``, ``backup``, ...), which are in the module's ``DOCUMENTATION`` (plus its doc
fragments) as usual. The ``.ps1`` never sees those: the action plugin compiles them and sends concrete values
(``operations``, ``keys``, final ``cipher_suites``). Those ``.ps1`` options are documented in the same ``.py`` file in a
second YAML block, ``INTERNAL_OPTIONS``, with the same schema as ``DOCUMENTATION.options``; ansible-doc does not
show it.

So for every ``plugins/modules/<name>.ps1``:

* if ``<name>.py`` defines ``INTERNAL_OPTIONS``, ``$spec.options`` must equal it;
* otherwise (a plain PowerShell module) ``$spec.options`` must equal ``DOCUMENTATION.options`` with fragments merged;
* in both cases ``$spec.supports_check_mode`` must agree with ``attributes.check_mode.support`` (``none`` = false).

"Equal" means the same option names, and for each the same ``type`` (default ``str``), ``required``, ``default``,
``choices`` (as a set), ``elements``, ``aliases``, ``no_log`` and, recursively, ``options``. The user-facing options
are checked against the action plugin's argument spec in ``tests/unit/plugins/action/test_win_argspec.py``.

``$spec`` must be literal; ``fixtures/nonliteral.ps1`` proves a spec built from a variable is rejected, and
``fixtures/mismatch.ps1`` + ``.py`` prove that each kind of disagreement is reported.
"""
from __future__ import annotations

import pytest

from tests.unit.powershell import _gate

FIXTURES = _gate.REPO_ROOT / "tests" / "unit" / "powershell" / "fixtures"
MODULES = sorted((_gate.PLUGINS / "modules").glob("*.ps1"))


@pytest.mark.parametrize("ps1", MODULES, ids=lambda p: p.stem)
def test_spec_matches_documentation(ps1):
    doc = ps1.with_suffix(".py")
    assert doc.exists(), "%s has no documentation file %s" % (ps1.name, doc.name)
    problems = _gate.gate_module(ps1, doc)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("ps1", MODULES, ids=lambda p: p.stem)
def test_action_fronted_modules_keep_internal_options(ps1):
    """A module with an action plugin in front documents its .ps1 options separately (see module docstring)."""
    if (_gate.PLUGINS / "action" / ps1.with_suffix(".py").name).exists():
        _doc, internal = _gate.load_doc(ps1.with_suffix(".py"))
        assert internal is not None, "%s: add INTERNAL_OPTIONS for what the action plugin sends" % ps1.stem


def test_mismatch_fixture_fails_for_every_kind_of_difference():
    problems = _gate.gate_module(FIXTURES / "mismatch.ps1", FIXTURES / "mismatch.py")
    text = "\n".join(problems)
    assert "undocumented: in $spec but not documented" in text          # name
    assert "name.required" in text                                       # required
    assert "state.choices" in text                                       # choices
    assert "count.type" in text and "count.default" in text              # type, default
    assert "supports_check_mode" in text
    assert len(problems) == 6, problems


def test_documented_but_missing_option_fails():
    spec = {"a": {"type": "str"}}
    doc = {"a": {"type": "str", "description": "x"}, "b": {"type": "int", "description": "y"}}
    assert _gate.compare(_gate.normalise(spec), _gate.normalise(doc)) == ["b: documented but not in $spec"]


def test_suboptions_are_compared():
    spec = {"ops": {"type": "list", "elements": "dict", "options": {"x": {"type": "int", "default": 1}}}}
    doc = {"ops": {"type": "list", "elements": "dict", "options": {"x": {"type": "int", "default": 2}}}}
    assert _gate.compare(_gate.normalise(spec), _gate.normalise(doc)) == ["ops.x.default: $spec has 1, documentation has 2"]


def test_non_literal_spec_is_rejected():
    with pytest.raises(_gate.NotLiteral):
        _gate.literal_spec((FIXTURES / "nonliteral.ps1").read_bytes())
