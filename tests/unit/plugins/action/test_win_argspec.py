# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user-facing half of the doc check: each Windows action plugin's argument spec equals the options in its
module's DOCUMENTATION (doc fragments merged). The ``.ps1`` half (``$spec`` vs ``INTERNAL_OPTIONS``) is the
PowerShell gate in tests/unit/powershell."""
from __future__ import annotations

import importlib

import pytest

from tests.unit.powershell import _gate

MODULES = ("win_schannel", "win_schannel_info", "win_tls_cipher_suites")


@pytest.mark.parametrize("name", MODULES)
def test_action_argspec_matches_documentation(name):
    plugin = importlib.import_module("ansible_collections.tlsops.schannel.plugins.action.%s" % name)
    doc, _internal = _gate.load_doc(_gate.PLUGINS / "modules" / ("%s.py" % name))
    problems = _gate.compare(_gate.normalise(plugin.ActionModule.ARGUMENT_SPEC), _gate.normalise(doc["options"]))
    assert problems == [], "\n".join(problems)
