# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fixed texts a user or the action plugins see are spelled the same in the .ps1 and in the twin's doubles.

The conformance vectors compare whole messages against the doubles only (no pwsh here), so this pins the parts of
each message the .ps1 builds, as literal text in both: a change on one side alone fails here.
"""
from __future__ import annotations

import re

import pytest

from tests.unit.powershell import _gate

MODULES = _gate.PLUGINS / "modules"
SHARED = _gate.PLUGINS / "module_utils" / "_SchannelRegistry.psm1"
DOUBLES = _gate.REPO_ROOT / "tests" / "twin" / "doubles"

# (text, .ps1/.psm1 files that must hold it, doubles that must hold it)
TEXTS = [
    # the doubles build both through runstate.after_rollback
    ("; the values this run had already written were restored", ["win_schannel.ps1", "win_tls_cipher_suites.ps1"],
     ["runstate.py"]),
    ("; the values this run had already written could not all be restored (see warnings)",
     ["win_schannel.ps1", "win_tls_cipher_suites.ps1"], ["runstate.py"]),
    ("; the previous local order was restored", ["win_tls_cipher_suites.ps1"], ["win_tls_cipher_suites.py"]),
    ("; the previous local order could not be restored (see warnings)", ["win_tls_cipher_suites.ps1"],
     ["win_tls_cipher_suites.py"]),
    ("rollback of the local order failed: ", ["win_tls_cipher_suites.ps1"], ["win_tls_cipher_suites.py"]),
    # T7: a local failure names the step that failed
    ("failed to write the local ", ["win_tls_cipher_suites.ps1"], ["win_tls_cipher_suites.py"]),
    ("holds a value of kind unknown, which cannot be written back; the key was not removed", ["win_schannel.ps1"],
     ["regops.py"]),
    ("type is required to write a value", ["win_schannel.ps1", "win_tls_cipher_suites.ps1"],
     ["regops.py", "win_tls_cipher_suites.py"]),
    ("the Group Policy cipher-suite and curve order is read at boot", ["win_tls_cipher_suites.ps1"],
     ["win_tls_cipher_suites.py"]),
    ("Component Based Servicing (updates or features) waits for a reboot", ["win_schannel_info.ps1"],
     ["win_schannel_info.py"]),
    ("Windows Update waits for a reboot", ["win_schannel_info.ps1"], ["win_schannel_info.py"]),
    ("files are queued for replacement at boot (PendingFileRenameOperations)", ["win_schannel_info.ps1"],
     ["win_schannel_info.py"]),
    ("Server Manager waits for a reboot (ServerComponentCache RestartRequired)", ["win_schannel_info.ps1"],
     ["win_schannel_info.py"]),
    ("could not read ", ["win_schannel_info.ps1"], ["win_schannel_info.py"]),
    ("SslCcsBindingInfo", ["win_schannel_info.ps1"], ["win_schannel_info.py"]),
    ("has an empty key name", ["_SchannelRegistry.psm1"], []),
    ("is a registry hive (a key directly under HKLM), which is never removed", ["_SchannelRegistry.psm1"], ["regops.py"]),
    ("would be a new registry hive (a key directly under HKLM), which cannot be created", ["_SchannelRegistry.psm1"],
     ["regops.py"]),
    # issue 14: the lease and the intent (Enter-/Exit-SchannelRun, Write-SchannelIntent / runstate)
    ("the host is leased by ", ["_SchannelRegistry.psm1"], ["runstate.py"]),
    ("; nothing was written; wait for that run to end or for the lease to expire", ["_SchannelRegistry.psm1"],
     ["runstate.py"]),
    ("an interrupted run (", ["_SchannelRegistry.psm1"], ["runstate.py"]),
    ("left this host mid-change; run the task again through the action plugin, which rolls it back first",
     ["_SchannelRegistry.psm1"], ["runstate.py"]),
    ("is not readable (", ["_SchannelRegistry.psm1"], ["runstate.py"]),
    ("); it was taken over", ["_SchannelRegistry.psm1"], ["runstate.py"]),
    ("SOFTWARE\\tlsops\\schannel", ["_SchannelRegistry.psm1"], []),
    ("failed to take the host lease in ", ["_SchannelRegistry.psm1"], ["runstate.py"]),
    ("); no setting was changed", ["_SchannelRegistry.psm1"], ["runstate.py"]),
    ("could not clear this run's state in ", ["_SchannelRegistry.psm1"], ["runstate.py"]),
    ("failed to write this run's intent in ", ["_SchannelRegistry.psm1"], ["runstate.py"]),
    ("); the next run may take this one as interrupted", ["_SchannelRegistry.psm1"], ["runstate.py"]),
]


def _py_text(path):
    """A double's source with implicitly concatenated string literals joined ("a "\n "b" -> "a b")."""
    return re.sub(r"[\"']\s*\n\s*f?[\"']", "", path.read_text(encoding="utf-8"))


def _ps_text(name):
    path = SHARED if name.endswith(".psm1") else MODULES / name
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("text, scripts, doubles", TEXTS, ids=[t[0][:40] for t in TEXTS])
def test_text_is_spelled_the_same_on_both_sides(text, scripts, doubles):
    for name in scripts:
        assert text in _ps_text(name), "%s lacks %r" % (name, text)
    for name in doubles:
        assert text in _py_text(DOUBLES / name), "double %s lacks %r" % (name, text)


def test_empty_key_name_text_is_in_the_twin():
    """D1: the double's path check says the same as ConvertTo-SchannelSubKey."""
    twin = "\n".join(p.read_text(encoding="utf-8") for p in (_gate.REPO_ROOT / "tests" / "twin").rglob("*.py"))
    assert "has an empty key name" in twin
    assert "must start with 'HKLM\\\\'" in twin or "must start with 'HKLM\\'" in twin


def test_local_failure_names_its_step_the_same_way():
    """T7: both sides build "failed to write the local <step> order (", step one of the two local lists, and set
    the step to the same two names in the same order."""
    ps = _ps_text("win_tls_cipher_suites.ps1")
    py = _py_text(DOUBLES / "win_tls_cipher_suites.py")
    assert "failed to write the local $step order (" in ps
    assert "failed to write the local {step} order (" in py
    ps_steps = re.findall(r"\$step = '([a-z_]+)'", ps)
    py_steps = re.findall(r'\bstep = "([a-z_]+)"', py)
    assert ps_steps == py_steps == ["cipher_suites", "ecc_curves"], (ps_steps, py_steps)
