# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Pester runner (Conformance.Tests.ps1 + ConformanceRegistry.cs) cannot run here (no Windows, no pwsh); this
checks what can be checked without them.

- The .ps1 parses (tree-sitter-pwsh) and keeps clear of the §1 pitfalls, with no RegistryKey call of its own.
- It reads the vectors from tests/conformance/vectors, one folder level, as test_vectors.py does.
- Its vector format (top-level, host, faults, local-list keys, module names) is test_vectors.py's, key for key, and
  it acts on every top-level key (compares, writes, or skips the vector naming it): a key one runner knows and the
  other does not is a failure here, not a silently ignored field on a real host.
- It runs the module the way ansible-core's module_wrapper.ps1 does (pinned against the ansible-core installed here),
  with the same ``_ansible_*`` arguments test_vectors.py passes.
- Its registry access is its own, not the _SchannelRegistry.psm1 under test.
- The keys it may rewrite hold none of the host's own state, and the vectors it would still run on a 2019 host are
  most of them.
- ConformanceRegistry.cs compiles as C# 5 (what Add-Type compiles on Windows PowerShell 5.1) and, run under Mono,
  writes and reads back every registry value of every vector, and compares JSON exactly as test_vectors.py does.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import ansible
import pytest

from tests.conformance import test_vectors
from tests.unit.powershell import _gate, _pitfalls

RUNNER = _gate.REPO_ROOT / "tests" / "windows" / "Conformance.Tests.ps1"
HELPER = _gate.REPO_ROOT / "tests" / "windows" / "ConformanceRegistry.cs"
VECTORS = _gate.REPO_ROOT / "tests" / "conformance" / "vectors"
ANSIBLE_UTILS = Path(ansible.__file__).parent / "module_utils"
ANSIBLE_WRAPPER = Path(ansible.__file__).parent / "executor" / "powershell" / "module_wrapper.ps1"
# keys of the host's own state the runner must never clear (it backs up and deletes what it may rewrite)
HOST_OWNED = ["HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager",
              "HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion",
              "HKLM\\SOFTWARE\\Microsoft\\ServerManager", "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Cryptography",
              "HKLM\\SOFTWARE\\Microsoft", "HKLM\\SOFTWARE\\Policies", "HKLM\\SYSTEM\\CurrentControlSet\\Control"]


def _text() -> str:
    return RUNNER.read_text(encoding="utf-8")


def _code() -> str:
    return "\n".join(line for line in _text().splitlines() if not line.lstrip().startswith("#"))


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


def _ps_list(name: str) -> list[str]:
    """The strings of ``$script:<name> = @(...)`` / ``[String[]]@(...)`` in the runner."""
    match = re.search(r"\$script:%s = (?:\[String\[\]\])?@\(([^)]*)\)" % name, _code())
    assert match, name
    return re.findall(r"'([^']*)'", match.group(1))


def _ps_table(name: str) -> dict[str, list[str]]:
    match = re.search(r"\$script:%s = @\{(.*)\}\s*$" % name, _code(), re.M)
    assert match, name
    return {k: re.findall(r"'([^']*)'", v) for k, v in re.findall(r"(\w+) = @\(([^)]*)\)", match.group(1))}


def _vectors():
    return [(p, json.loads(p.read_text())) for p in sorted(VECTORS.glob("*/*.json"))]


def test_runner_parses_and_avoids_the_pitfalls():
    source = RUNNER.read_bytes()
    assert _gate.syntax_errors(source) == []
    # module_util=False: no RegistryKey member is called from the .ps1 (its registry access is ConformanceRegistry.cs)
    assert _pitfalls.find(source) == []


def test_runner_reads_the_vectors_one_level_deep_and_runs_the_real_modules():
    strings = " ".join(_strings(RUNNER.read_bytes()))
    assert "tests\\conformance\\vectors" in strings
    assert "plugins\\modules\\$($Vector['module']).ps1" in strings
    assert "plugins\\module_utils\\_SchannelRegistry.psm1" in strings
    code = _code()
    assert "-Recurse" not in code, "test_vectors.py reads */*.json: a deeper file would run on one side only"
    assert "ConformanceRegistry.cs" in code and (RUNNER.parent / "ConformanceRegistry.cs").is_file()
    assert "-ForEach $Vectors" in code and "BeforeDiscovery" in code


def test_runner_passes_the_arguments_test_vectors_passes():
    """run_vector adds _ansible_* keys to the vector's args; the runner must add the same ones."""
    source = Path(test_vectors.__file__).read_text()
    body = source[source.index("def run_vector"):source.index("def test_vector")]
    python_keys = set(re.findall(r"(_ansible_\w+)=", body))
    assert python_keys >= {"_ansible_check_mode", "_ansible_diff"}
    runner_keys = set(re.findall(r"\$moduleArgs\['(_ansible_\w+)'\]", _code()))
    assert runner_keys == python_keys
    assert "$wrapped['ANSIBLE_MODULE_ARGS'] = $moduleArgs" in _code()


def test_runner_knows_the_vector_format_of_test_vectors_key_for_key():
    assert set(_ps_list("TopKeys")) == test_vectors.TOP_KEYS
    assert set(_ps_list("HostKeys")) == test_vectors.HOST_KEYS
    assert set(_ps_list("FaultKeys")) == test_vectors.FAULT_KEYS
    assert set(_ps_list("LocalKeys")) == test_vectors.LOCAL_KEYS
    assert tuple(_ps_list("ModuleNames")) == test_vectors.MODULE_NAMES
    required = re.search(r"foreach \(\$required in @\(([^)]*)\)\)", _code())
    assert set(re.findall(r"'(\w+)'", required.group(1))) == test_vectors.REQUIRED_KEYS


def test_runner_acts_on_every_key_of_the_format():
    """Each top-level key is read by the runner ($vector['k'] / Test-Key $vector 'k') or skips the vector."""
    code = _code()
    used = set(re.findall(r"\$[Vv]ector\['(\w+)'\]", code)) | set(re.findall(r"Test-Key \$[Vv]ector '(\w+)'", code))
    skipped = set(_ps_list("TwinOnly"))
    missing = test_vectors.TOP_KEYS - used - skipped - {"description"}
    assert not missing, missing
    # and a vector key outside the format fails in both runners
    assert "unknown keys" in code and "throw \"malformed vector: $problem\"" in code


def test_runner_runs_a_module_as_ansible_cores_module_wrapper_does():
    """The child PowerShell mirrors lib/ansible/executor/powershell/module_wrapper.ps1 of the ansible-core installed
    here, and reads the arguments through the args-file path Ansible.Basic still has."""
    code = _code()
    basic = (ANSIBLE_UTILS / "csharp" / "Ansible.Basic.cs").read_text()
    wrapper = ANSIBLE_WRAPPER.read_text()
    assert (ANSIBLE_UTILS / "powershell" / "Ansible.ModuleUtils.AddType.psm1").is_file()
    assert "File.ReadAllText(args[0])" in basic and '"ANSIBLE_MODULE_ARGS"' in basic
    # what the wrapper does and the runner repeats
    for wrapper_does, runner_does in (
        ('SetVariable("ErrorActionPreference", "Stop")', "SetVariable('ErrorActionPreference', 'Stop')"),
        ("New-Module -Name $moduleName -ScriptBlock $sbk", "New-Module -Name $tlsopsUtilName -ScriptBlock"),
        ("GetFileNameWithoutExtension($Name)", "GetFileNameWithoutExtension($UtilName)"),
        ("Import-Module -WarningAction SilentlyContinue -Scope Global", "Import-Module -WarningAction SilentlyContinue -Scope Global"),
        ("${function:<AnsibleModule>}", "${function:<AnsibleModule>}"),
        ("$ps.AddCommand('<AnsibleModule>', $false)", "$ps.AddCommand('<AnsibleModule>', $false)"),
        ("[Console]::SetOut($newOut)", "[Console]::SetOut($newOut)"),
        ("Function Write-Host($msg) { Write-Output -InputObject $msg }", "Function Write-Host($msg) { Write-Output -InputObject $msg }"),
    ):
        assert wrapper_does in wrapper, wrapper_does
        assert runner_does in code, runner_does
    assert "Add-CSharpType -References" in code and "csharp\\Ansible.Basic.cs" in code
    # the module util is the one each module names in '#AnsibleRequires -PowerShell'
    util = re.search(r"\$script:SharedUtilName = '([^']+)'", code).group(1)
    for module in test_vectors.MODULE_NAMES:
        assert f"#AnsibleRequires -PowerShell {util}" in (_gate.PLUGINS / "modules" / f"{module}.ps1").read_text()
        assert "#AnsibleRequires -CSharpUtil Ansible.Basic" in (_gate.PLUGINS / "modules" / f"{module}.ps1").read_text()


def test_runner_avoids_windows_powershell_5_1_traps():
    """Dictionary[String, Object] (what JavaScriptSerializer gives) implements IDictionary.Contains explicitly, so
    5.1 cannot call it; ConvertFrom-Json would give case-insensitive PSCustomObjects; '& native 2>&1' turns a stderr
    line into a terminating error under ErrorActionPreference Stop; Get-Content reads a BOM-less UTF-8 file as ANSI."""
    code = _code()
    assert not re.search(r"\$(?!stdout)\w+\.Contains\(", code), re.findall(r"\$\w+\.Contains\(", code)
    assert "ConvertFrom-Json" not in code and "Get-Content" not in code
    assert "2>&1" not in code
    assert "$PSEdition" in code or "PSEdition" in code


def test_runner_does_not_use_the_code_under_test_for_its_own_registry_work():
    called = _pitfalls.called_commands(RUNNER.read_bytes(), r"-Schannel")
    assert called == set(), called
    assert "Import-Module -Name $script:SharedUtil" not in _code()


def test_runner_checks_after_all_vectors_that_the_host_is_as_it_was():
    code = _code()
    after_all = code[code.index("AfterAll {"):code.index("Describe '")]
    assert "Dump($script:Rewritable)" in after_all and "$script:HostAtStart" in after_all and "throw" in after_all
    assert "$script:HostAtStart = [TlsopsConformance.Registry64]::Dump($script:Rewritable)" in code
    assert "$script:LocalAtStart" in after_all


def test_runner_never_rewrites_the_hosts_own_keys():
    rewritable = _ps_list("Rewritable")
    assert rewritable
    for prefix in rewritable:
        for owned in HOST_OWNED:
            assert not (owned.lower() + "\\").startswith(prefix.lower() + "\\"), (prefix, owned)
    for always in _ps_list("AlwaysCleared"):
        assert any((always.lower() + "\\").startswith(p.lower() + "\\") for p in rewritable), always


def _under(path: str, prefixes) -> bool:
    sub = path[5:].rstrip("\\").lower()
    return any(sub == p[5:].lower() or sub.startswith(p[5:].lower() + "\\") for p in prefixes)


def _arg_paths(value):
    if isinstance(value, str):
        if value.upper().startswith("HKLM\\") and "" not in value[5:].rstrip("\\").split("\\"):
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _arg_paths(v)
    elif isinstance(value, list):
        for v in value:
            yield from _arg_paths(v)


def _exists_before(vector: dict, path: str) -> bool:
    sub = path[5:].rstrip("\\").lower()
    return any(k[5:].rstrip("\\").lower() == sub or k[5:].lower().startswith(sub + "\\") for k in vector.get("registry_before") or {})


def fault_denies(vector: dict) -> tuple[list, str]:
    """The runner's Get-FaultDeny: (path, rights) ACEs for the faults, or the reason an ACL cannot stand for them."""
    faults = vector.get("faults") or {}
    denies = [(p, {"QueryValues", "EnumerateSubKeys"}) for p in faults.get("fail_reads") or []]
    if not all(_exists_before(vector, deny[0]) for deny in denies):
        return denies, "no key to deny"
    for rule in faults.get("fail_writes") or []:
        path, everything = rule["path"], "actions" not in rule
        actions = {"create_key", "delete_key", "set_value", "delete_value"} if everything else set(rule["actions"])
        if rule.get("name") is not None:
            return denies, "value"
        if not _exists_before(vector, path):
            return denies, "created by the run"
        if not everything and "create_key" in actions:
            return denies, "create_key"
        if ("set_value" in actions) != ("delete_value" in actions):
            return denies, "one right"
        rights = ({"SetValue"} if "set_value" in actions else set()) | ({"Delete"} if "delete_key" in actions else set())
        if rights:
            denies.append((path, rights))
    return denies, ""


def runs_on_a_2019_host(vector: dict) -> bool:
    """The runner's skip rules (Get-SkipReason) for a 2019 host, from its own tables."""
    if any(k in vector for k in _ps_list("TwinOnly")) or fault_denies(vector)[1]:
        return False
    if vector.get("windows_version", "2019") != "2019":
        return False
    host_state = _ps_table("HostStateResults").get(vector["module"], [])
    if any(vector["expected"].get(k) is not None for k in host_state):
        return False
    paths = list(vector.get("registry_before") or {}) + list(vector.get("registry_after_roots") or [])
    paths += list((vector.get("faults") or {}).get("fail_reads") or []) + list(_arg_paths(vector["args"]))
    paths += [rule["path"] for rule in (vector.get("faults") or {}).get("fail_writes") or []]
    return all(_under(p, _ps_list("Rewritable")) for p in paths)


def test_a_2019_host_runs_most_vectors_and_every_skip_has_a_reason():
    vectors = _vectors()
    running = [p for p, v in vectors if runs_on_a_2019_host(v)]
    assert len(running) >= 0.6 * len(vectors), (len(running), len(vectors))
    for module in test_vectors.MODULE_NAMES:
        assert any(p.parent.name == module for p in running), module
    # the vectors naming a host-owned key are exactly the ones skipped for it
    for path, vector in vectors:
        if any(_under(p, HOST_OWNED[:6]) for p in vector.get("registry_before") or {}):
            assert not runs_on_a_2019_host(vector), path


def test_fault_rules_an_acl_can_stand_for_run_on_a_real_host():
    """P3's vector is written for a real host (a deny ACE on each ancestor it names); the runner's fault mapping
    must run it, with SetValue and Delete denied on exactly those keys, and must skip a value-level rule."""
    code = _code()
    for right in ("'QueryValues, EnumerateSubKeys'", "::SetValue", "::Delete"):
        assert right in code, right
    assert "SetDenied($deny.path, $deny.rights, $true)" in code and "SetDenied($deny.path, $deny.rights, $false)" in code
    p3 = json.loads((VECTORS / "win_schannel" / "p3_write_needs_no_rights_on_ancestors.json").read_text())
    denies, problem = fault_denies(p3)
    assert problem == "" and runs_on_a_2019_host(p3)
    assert [(p.rsplit("\\", 1)[-1], r) for p, r in denies] == [
        ("SecurityProviders", {"SetValue", "Delete"}), ("SCHANNEL", {"SetValue", "Delete"}), ("Protocols", {"SetValue", "Delete"})]
    one_value = {"registry_before": {"HKLM\\SOFTWARE\\tlsops_conformance\\K": {}},
                 "faults": {"fail_writes": [{"path": "HKLM\\SOFTWARE\\tlsops_conformance\\K", "name": "V"}]}}
    assert fault_denies(one_value)[1] == "value"
    created = {"faults": {"fail_writes": [{"path": "HKLM\\SOFTWARE\\tlsops_conformance\\New", "name": None}]}}
    assert fault_denies(created)[1] == "created by the run"


# ---------------------------------------------------------------------------------------------- the C# helper
MCS = shutil.which("mcs")
MONO = shutil.which("mono")
needs_mono = pytest.mark.skipif(not (MCS and MONO), reason="mono-mcs is not installed (apt-get install mono-mcs)")


def _cs(value) -> str:
    """A JSON value as the C# literal JavaScriptSerializer would give (Int32, Int64, Decimal, Object[], Dictionary)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "(object)true" if value else "(object)false"
    if isinstance(value, int):
        if -2**31 <= value < 2**31:
            return f"(object){value}"
        if -2**63 <= value < 2**63:
            return f"(object){value}L"
        return f"(object){value}M"
    if isinstance(value, float):
        return f"(object){value!r}D"
    if isinstance(value, str):
        return '(object)@"' + value.replace('"', '""') + '"'
    if isinstance(value, (list, tuple)):
        return "new object[] {" + ", ".join(_cs(v) for v in value) + "}"
    if isinstance(value, dict):
        return "D(" + ", ".join(f"{_cs(k)}, {_cs(v)}" for k, v in value.items()) + ")"
    raise TypeError(value)


def _cs_str(value: str) -> str:
    return '@"' + value.replace('"', '""') + '"'


DRIVER = """
using System;
using System.Collections.Generic;
using TlsopsConformance;
public static class Driver {
    static Dictionary<string, object> D(params object[] kv) {
        Dictionary<string, object> d = new Dictionary<string, object>();
        for (int i = 0; i < kv.Length; i += 2) d[(string)kv[i]] = kv[i + 1];
        return d;
    }
    static void RoundTrip(string where, string type, object data) {
        RawValue raw = Registry64.Encode("v", type, data);
        string diff = Json.Difference(Registry64.Decode(raw), D("type", type, "data", data), where);
        Console.WriteLine(diff == null ? "OK " + where : "DIFF " + diff);
    }
    static void Equal(int n, object got, object want) {
        Console.WriteLine("EQ " + n + " " + (Json.Difference(got, want, "x") == null ? "True" : "False"));
    }
    public static void Main() {
%s
    }
}
"""


@pytest.fixture(scope="module")
def helper_output(tmp_path_factory):
    work = tmp_path_factory.mktemp("cs")
    lines = []
    for path, vector in _vectors():
        for section in ("registry_before", "registry_after"):
            for key, values in (vector.get(section) or {}).items():
                for name, value in values.items():
                    where = f"{path.parent.name}/{path.stem} {section} {key} {name}"
                    lines.append(f"RoundTrip({_cs_str(where)}, {_cs_str(value['type'])}, {_cs(value['data'])});")
    extra = [("dword", 4294967295), ("qword", 18446744073709551615), ("multistring", []), ("multistring", ["", "a", ""]),
             ("string", ""), ("none", []), ("unknown", [1, 2, 3]), ("expandstring", "%SystemRoot%\\x")]
    for n, (kind, data) in enumerate(extra):
        lines.append(f'RoundTrip("extra {n}", "{kind}", {_cs(data)});')
    cases = [(g, w, test_vectors.json_equal(g, w)) for g, w in EQUALITY_CASES]
    for n, (got, want, _equal) in enumerate(cases):
        lines.append(f"Equal({n}, {_cs(got)}, {_cs(want)});")
    (work / "driver.cs").write_text(DRIVER % "\n".join("        " + line for line in lines))
    # -noconfig: mscorlib alone, as the helper promises (Add-Type's default references are not relied on)
    build = subprocess.run([MCS, "-noconfig", "-langversion:5", "-warnaserror+", "-out:" + str(work / "driver.exe"),
                            str(HELPER), str(work / "driver.cs")], capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stdout + build.stderr
    run = subprocess.run([MONO, str(work / "driver.exe")], capture_output=True, text=True, check=False, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout.splitlines(), cases, len(lines) - len(cases)


EQUALITY_CASES = [
    (True, 1), (1, True), (0, False), (1, 1.0), (None, None), ("a", "a"), ("a", "A"), ([1, 2], [2, 1]), ([1], [1, 1]),
    ({"A": 1}, {"a": 1}), ({"a": 1, "b": 2}, {"a": 1}), ({"a": [True]}, {"a": [True]}), ("1", 1), (None, []),
    (4294967295, 4294967295), (2**64 - 1, 2**64 - 1), ([], []), ({}, {}), ({"a": None}, {}), ([None], [None]),
]


@needs_mono
def test_helper_writes_and_reads_back_every_vector_value(helper_output):
    out, _cases, round_trips = helper_output
    diffs = [line for line in out if line.startswith("DIFF")]
    assert not diffs, diffs
    assert len([line for line in out if line.startswith("OK ")]) == round_trips > 100


@needs_mono
def test_helper_compares_json_as_test_vectors_does(helper_output):
    out, cases, _round_trips = helper_output
    got = {int(line.split()[1]): line.split()[2] == "True" for line in out if line.startswith("EQ ")}
    wanted = [case[2] for case in cases]
    assert got == dict(enumerate(wanted))
    assert any(wanted) and not all(wanted)


def test_the_readmes_describe_the_runner_as_it_is():
    """molecule/windows/README.md (how to run it) and tests/conformance/README.md (what it skips and rewrites) name
    what the runner reads and does, not an older version of it."""
    molecule = (_gate.REPO_ROOT / "molecule" / "windows" / "README.md").read_text()
    conformance = (_gate.REPO_ROOT / "tests" / "conformance" / "README.md").read_text()
    code = _code()
    env = set(re.findall(r"\$env:(ANSIBLE_\w+)", code))
    assert env == {"ANSIBLE_MODULE_UTILS"}, env
    assert "$env:ANSIBLE_MODULE_UTILS = " in molecule and "ANSIBLE_BASIC_CS" not in molecule + conformance
    assert "Invoke-Pester -Path tests\\windows\\Conformance.Tests.ps1" in molecule and RUNNER.is_file()
    assert "Pester -MinimumVersion 5.0" in molecule and "ModuleVersion = '5.0.0'" in _text()
    for utility in ("csharp\\Ansible.Basic.cs", "powershell\\Ansible.ModuleUtils.AddType.psm1"):
        assert utility in molecule and utility in code
    for prefix in _ps_list("Rewritable"):
        spellings = (f"`{prefix}`", "`...\\" + "\\".join(prefix.split("\\")[-2:]) + "`")
        assert any(s in conformance for s in spellings), prefix
        assert any(s in molecule for s in spellings), prefix
    for key in _ps_list("TwinOnly") + [k for keys in _ps_table("HostStateResults").values() for k in keys]:
        assert f"`{key}`" in conformance, key
