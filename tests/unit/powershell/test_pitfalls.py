# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PowerShell gate, part 3: none of the review's PowerShell pitfalls (§1) in ``plugins/``.

Rules (``_pitfalls.py``): registry provider cmdlets (``New-Item``, ``*-ItemProperty``, item cmdlets on an ``HKLM:``
path), an array assigned through an ``if`` (P4), a culture-dependent date format (P7), ``[Microsoft.Win32.Registry]``
base keys without a view (P8), a RegistryKey member called outside ``_SchannelRegistry.psm1`` (the one place
that touches the registry), a non-void .NET call as a statement (its value leaks into the function's output), the
wrapped text of a .NET exception (``$_.Exception.Message``), ``DeleteSubKeyTree(name, $false)`` (silent when the key
cannot be opened), PowerShell 7 syntax, a TLS Enable-/Disable- cmdlet without ``-Confirm:$false`` and a
pipeline that starts with Get-TlsCipherSuite/Get-TlsEccCurve, and ``$x -eq $null`` (a filter, not a test, when ``$x``
is an array). Each rule has a broken fixture that must fail; the three modules as they
were before issue 13 are caught too (P4, P7, P8 and their own registry helpers), see
test_pre_issue_13_modules_are_caught, and the shared module before the silent-delete fix, see
test_shared_module_before_the_delete_fix_is_caught.
"""
from __future__ import annotations

import re

import pytest

from tests.unit.powershell import _gate, _pitfalls

FIXTURES = _gate.REPO_ROOT / "tests" / "unit" / "powershell" / "fixtures"
# the lines of the modules as they were before a fix that the rules must catch, copied verbatim from the old
# commit (each file's first line names it) so the check needs no git history (CI may clone shallow, ansible-test
# units runs on a copy without .git), and only those lines, so no fixture is a second copy of a module
BEFORE = FIXTURES / "before_review"
SCRIPTS = sorted(p for ext in ("*.ps1", "*.psm1") for p in _gate.PLUGINS.rglob(ext))
MODULES = sorted((_gate.PLUGINS / "modules").glob("*.ps1"))
SHARED = _gate.PLUGINS / "module_utils" / "_SchannelRegistry.psm1"
REQUIRES = "#AnsibleRequires -PowerShell ansible_collections.tlsops.schannel.plugins.module_utils._SchannelRegistry"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_no_pitfall(path):
    found = _pitfalls.find(path.read_bytes(), module_util=path.suffix == ".psm1")
    assert found == [], "%s: %s" % (path.name, found)


@pytest.mark.parametrize("fixture, rule", [
    ("pitfall_provider.ps1", "provider-cmdlet"),
    ("pitfall_array_shape.ps1", "array-shape"),
    ("pitfall_culture.ps1", "culture-format"),
    ("pitfall_registry_view.ps1", "registry-view"),
    ("pitfall_helper.ps1", "registry-helper"),
    ("pitfall_output_pollution.ps1", "output-pollution"),
    ("pitfall_exception_text.ps1", "wrapped-exception-text"),
    ("pitfall_silent_delete.ps1", "silent-delete"),
    ("pitfall_ps7.ps1", "ps7-syntax"),
    ("pitfall_tls_cmdlets.ps1", "tls-confirm"),
    ("pitfall_tls_cmdlets.ps1", "tls-pipeline"),
    ("pitfall_null_right.ps1", "null-on-the-right"),
])
def test_broken_fixture_is_caught(fixture, rule):
    found = _pitfalls.find((FIXTURES / fixture).read_bytes())
    assert rule in {r for r, _line, _text in found}, found


def test_provider_fixture_catches_each_cmdlet():
    lines = {line for rule, line, _text in _pitfalls.find((FIXTURES / "pitfall_provider.ps1").read_bytes())
             if rule == "provider-cmdlet"}
    assert lines == {3, 4, 5}


def _lines(fixture, rule):
    return {line for r, line, _text in _pitfalls.find((FIXTURES / fixture).read_bytes()) if r == rule}


def test_output_pollution_fixture_catches_each_leak_and_spares_the_discarded_and_void_calls():
    """ArrayList.Add (index), HashSet.Add and Dictionary.Remove (bool), CreateSubKey (a key) and WaitOne at script
    level leak; $null =, [void], | Out-Null, > $null, List[T].Add and Hashtable.Remove (void) and a function's last
    statement (its return value) do not."""
    assert _lines("pitfall_output_pollution.ps1", "output-pollution") == {5, 6, 7, 9, 20}


def test_each_ps7_construct_is_caught():
    assert _lines("pitfall_ps7.ps1", "ps7-syntax") == {2, 3, 4, 5, 6, 7, 8, 10}


def test_tls_cmdlet_rules_spare_confirm_false_and_foreach():
    assert _lines("pitfall_tls_cmdlets.ps1", "tls-confirm") == {2, 3}
    assert _lines("pitfall_tls_cmdlets.ps1", "tls-pipeline") == {4, 5}


def test_null_on_the_left_passes():
    assert _lines("pitfall_null_right.ps1", "null-on-the-right") == {3, 4, 5}


def test_silent_delete_spares_a_delete_that_throws():
    assert _lines("pitfall_silent_delete.ps1", "silent-delete") == {2, 3}


def test_shared_module_before_the_delete_fix_is_caught():
    """fc80eee: Remove-SchannelKey called DeleteSubKeyTree($leaf, $false), and the module reported .NET's wrapped
    exception text."""
    old = (BEFORE / "_SchannelRegistry_fc80eee.psm1").read_bytes()
    rules = {r for r, _l, _t in _pitfalls.find(old, module_util=True)}
    assert {"silent-delete", "wrapped-exception-text"} <= rules, rules


def test_invariant_culture_and_direct_array_assignment_pass():
    ok = b"".join([b"$t = $d.ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture)\n",
                   b"$a = @(Get-Thing)\n$c = $null\nif ($x) { $c = @(Get-Thing) }\n",
                   b"$h = [Microsoft.Win32.RegistryKey]::OpenBaseKey('LocalMachine', 'Registry64')\n"])
    assert list(_pitfalls.find(ok, module_util=True)) == []


def test_the_shared_module_may_touch_the_registry_but_a_module_may_not():
    source = SHARED.read_bytes()
    assert _pitfalls.find(source, module_util=True) == []
    assert {r for r, _l, _t in _pitfalls.find(source)} == {"registry-helper"}


@pytest.mark.parametrize("name", ["win_schannel", "win_schannel_info", "win_tls_cipher_suites"])
def test_pre_issue_13_modules_are_caught(name):
    """The modules as the review read them (lines of commit 078d6f2): the rules catch the findings P4, P7, P8 there."""
    old = (BEFORE / ("%s_078d6f2.ps1" % name)).read_bytes()
    rules = {r for r, _l, _t in _pitfalls.find(old)}
    assert {"registry-helper", "registry-view"} <= rules
    expected = {"win_schannel_info": "culture-format", "win_tls_cipher_suites": "array-shape"}.get(name)
    if expected:
        assert expected in rules


def test_shared_module_parses_and_exports_what_it_defines():
    source = SHARED.read_bytes()
    assert _gate.syntax_errors(source) == []
    exported = _pitfalls.exported_functions(source)
    assert exported, "the .psm1 must Export-ModuleMember its functions"
    assert exported <= _pitfalls.defined_functions(source), exported - _pitfalls.defined_functions(source)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_modules_load_the_shared_module_and_call_only_what_it_exports(path):
    source = path.read_bytes()
    assert REQUIRES in path.read_text(encoding="utf-8")
    exported = _pitfalls.exported_functions(SHARED.read_bytes())
    called = _pitfalls.called_commands(source, r"-Schannel")
    assert called, "%s calls nothing of the shared module" % path.name
    assert called <= exported, "%s calls functions the .psm1 does not export: %s" % (path.name, called - exported)


def test_helper_rule_sees_a_misspelt_call():
    calls = _pitfalls.called_commands(b"Get-SchannelValu -Path 'HKLM\\X' -Name a\n", r"-Schannel")
    assert calls == {"Get-SchannelValu"}
    assert not calls <= _pitfalls.exported_functions(SHARED.read_bytes())


def test_no_module_claims_all_or_nothing():
    """Crash consistency is issue 14's: until then no .ps1 may promise 'all or nothing' (review P6)."""
    for path in SCRIPTS:
        assert not re.search(r"(?i)all[ -]or[ -]nothing|never a mix", path.read_text(encoding="utf-8")), path
