"""The guides run as written: every ``bash`` block and every play (a ``yaml`` block that is a list of plays) of
README.md, docs/guide-*.md and docs/role-schannel.md runs against Windows host twins, in document order, with only
the inventory swapped.

How a document is run (one test per document, its own twins, so the tests stay independent under xdist):

* the working folder holds ``inventory.yml``: the twins of ``GUIDES[doc]`` in the groups the document targets
  (``windows``, ``iis``, and the twins' own ``twins`` / ``windows_<version>``), plus the two inventory variables
  the guides read: ``tls_port`` (the twin's HTTPS port) and ``tls_ca_file`` (the CA that signed its certificate);
* a ``bash`` block runs in ``bash -e -o pipefail`` from that folder, with ``HOME`` a scratch folder, the project's
  venv first on ``PATH`` and ``~/tlsops-venv`` a link to it (the README's install step uses that name);
* a play is written to ``play-<n>.yml`` in that folder and run with ``ansible-playbook -i inventory.yml``;
* an HTML comment ``<!-- guide-test: ... -->`` right before a block says how to run it: ``rc=N`` (the exit code
  the guide announces, default 0), ``cwd=checkout`` (run from the repository root), ``args=--check --diff`` (for
  a play) or ``skip (why)``. Blocks in other languages (output excerpts, PowerShell) are not run.

After the blocks, ``CHECKS[doc]`` asserts what the guide says the reader will see (reports, statuses, registry).
Every twin binds 127.0.0.1, exits by itself after ``LIFETIME`` seconds and is stopped by PID at the end.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
COLLECTIONS = Path(os.environ.get("TLSOPS_COLLECTIONS_ROOT", REPO / ".cache" / "collections"))
LIFETIME = 600
ANNOTATION = re.compile(r"^<!--\s*guide-test:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^```(\S*)\s*$")


def blocks(path: Path):
    """(language, text, annotation, line) of each fenced block, with the guide-test comment right before it."""
    lines = path.read_text().splitlines()
    found, annotation, i = [], "", 0
    while i < len(lines):
        match_note = ANNOTATION.match(lines[i])
        if match_note:
            annotation = match_note.group(1)
            i += 1
            continue
        fence = FENCE.match(lines[i])
        if fence:
            start, body = i + 1, []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            found.append((fence.group(1), "\n".join(body) + "\n", annotation, start))
            annotation = ""  # an annotation applies to the next block only
        i += 1
    return found


def is_play(text: str) -> bool:
    data = yaml.safe_load(text)  # a yaml block that does not parse fails the guide's test: a reader would copy it
    return isinstance(data, list) and bool(data) and isinstance(data[0], dict) and "hosts" in data[0]


def parse_annotation(text: str) -> dict:
    found = {"rc": 0, "cwd": "work", "args": [], "skip": None}
    if not text:
        return found
    if text.startswith("skip"):
        found["skip"] = text[4:].strip(" :()") or "skipped"
        return found
    for part in re.split(r";\s*", text):
        key, _sep, value = part.partition("=")
        key = key.strip()
        if key == "rc":
            found["rc"] = int(value)
        elif key == "cwd":
            found["cwd"] = value.strip()
        elif key == "args":
            found["args"] = shlex.split(value)
        else:
            raise AssertionError("unknown guide-test annotation %r" % part)
    return found


# The twins each document needs, and the groups its plays and commands target (every twin is in ``windows``).
GUIDES = {
    "README.md": {"twins": ["web01:2008r2:rsa:2048:ios_ats_failure", "web02:2022"], "iis": ["web01", "web02"]},
    "docs/guide-ios-ats-iis75.md": {"twins": ["web2008:2008r2:rsa:2048:ios_ats_failure"], "iis": ["web2008"]},
    # 2012 R2 with an ECDSA certificate, as the guide says; the other versions with RSA
    "docs/guide-mozilla-intermediate-fleet.md": {
        "twins": ["w2012r2:2012r2:ecdsa:p256", "w2016:2016", "w2019:2019", "w2022:2022"], "iis": []},
    "docs/guide-audit-drift-nightly.md": {"twins": ["web01:2019", "web02:2022:rsa:2048:iis_crypto_best_practices"],
                                          "iis": []},
    "docs/guide-rollback.md": {"twins": ["web01:2019", "web02:2022"], "iis": []},
    "docs/role-schannel.md": {"twins": ["web01:2019"], "iis": ["web01"], "alpn": "h2,http/1.1"},
}


def write_inventory(twins_doc: dict, work: Path, iis) -> Path:
    """The twins' inventory with the groups the guides target and the two variables they read."""
    source = yaml.safe_load(Path(twins_doc["inventory"]).read_text())
    children = source["all"]["children"]
    hosts = children["twins"]["hosts"]
    for hostvars in hosts.values():
        hostvars["tls_port"] = hostvars["tlsops_twin_https_port"]
        hostvars["tls_ca_file"] = hostvars["tlsops_twin_ca_file"]
    children["windows"] = {"hosts": {name: {} for name in hosts}}
    children["iis"] = {"hosts": {name: {} for name in iis}}
    path = work / "inventory.yml"
    path.write_text(yaml.safe_dump(source, sort_keys=False))
    return path


def environment(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ANSIBLE_", "PYTEST_", "TLSOPS_")) and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HOME=str(home), PATH="%s:%s" % (VENV_BIN, os.environ.get("PATH", "/usr/bin:/bin")),
               ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_HOST_KEY_CHECKING="0",
               ANSIBLE_LOCAL_TEMP=str(home / ".ansible-tmp"))
    return env


def run_document(doc: str, tmp_path: Path) -> tuple[Path, Path, dict, list]:
    from tests.twin import api

    config = GUIDES[doc]
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    (home / "tlsops-venv").symlink_to(VENV_BIN.parent)
    kwargs = {"alpn": config["alpn"]} if config.get("alpn") else {}
    state = tmp_path / "twins"
    twins_doc = api.start_twins(config["twins"], str(state), lifetime=LIFETIME, reboot_downtime=0.5, **kwargs)
    twins_doc["inventory"] = str(state / "inventory.yml")
    env = environment(home)
    if doc == "README.md":
        # the README installs the collection itself (into ~/.ansible/collections): use that copy, not the link
        env.pop("ANSIBLE_COLLECTIONS_PATH")
    ran, registries = [], {}
    try:
        write_inventory(twins_doc, work, config["iis"])
        registries[0] = {name: json.loads(Path(twin["registry_file"]).read_text())
                         for name, twin in twins_doc["twins"].items()}  # before any block
        for number, (language, text, note, line) in enumerate(blocks(REPO / doc), 1):
            how = parse_annotation(note)
            if language not in ("bash", "yaml") or (language == "yaml" and not is_play(text)):
                continue
            if how["skip"]:
                ran.append((line, "skipped: " + how["skip"]))
                continue
            cwd = REPO if how["cwd"] == "checkout" else work
            if language == "bash":
                cmd = ["bash", "-e", "-o", "pipefail", "-c", text]
            else:
                play = work / ("play-%d.yml" % number)
                play.write_text(text)
                cmd = [str(VENV_BIN / "ansible-playbook"), "-i", "inventory.yml", str(play), *how["args"]]
            # the role's default report and backup folders follow $PWD, as in a shell
            proc = subprocess.run(cmd, cwd=str(cwd), env=dict(env, PWD=str(cwd)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, timeout=600, check=False)
            ran.append((line, proc.returncode))
            registries[line] = {name: json.loads(Path(twin["registry_file"]).read_text())
                                for name, twin in twins_doc["twins"].items()}
            assert proc.returncode == how["rc"], "%s line %d: rc %d, the guide says %d\n%s\n---\n%s" % (
                doc, line, proc.returncode, how["rc"], text, proc.stdout[-6000:])
        assert any(isinstance(rc, int) for _line, rc in ran), "%s: no block of the guide ran (all skipped)" % doc
    finally:
        api.stop_twins(str(state))
        readme_twins = home / "twins"
        if (readme_twins / "twins.json").exists():
            api.stop_twins(str(readme_twins))
    twins_doc["after_block"] = registries  # line of the block (0: before any) -> each twin's registry after it ran
    return work, home, twins_doc, ran


def _report(path: Path) -> dict:
    return json.loads(path.read_text())


def _statuses(report: dict) -> dict:
    return {h["host"]: h["status"] for h in report["hosts"]}


SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"


def _values(twins: dict, host: str, path: str, after_block=None) -> dict:
    """The values of one key of the twin's registry, as the twin persisted it (now, or after the block that
    starts on line ``after_block``)."""
    if after_block is None:
        dump = json.loads(Path(twins["twins"][host]["registry_file"]).read_text())
    else:
        dump = twins["after_block"][after_block][host]
    found = next((v for k, v in dump.items() if k.lower() == path.lower()), None) or {}
    return {name: value["data"] for name, value in found.items()}


def check_readme(work, home, _twins):
    audit = _report(work / "schannel-reports" / "schannel-audit.json")
    assert set(_statuses(audit)) == {"web01", "web02"}
    harden = _report(work / "schannel-reports" / "schannel-report.json")
    assert harden["summary"]["failed"] == 0, harden["summary"]
    assert list((home / ".ansible" / "collections" / "ansible_collections" / "tlsops" / "schannel").glob("MANIFEST.json"))
    twin_audit = _report(home / "twins" / "reports" / "schannel-audit.json")
    assert set(_statuses(twin_audit)) == {"web01", "web02"}


def check_ios(work, _home, twins):
    before = _report(work / "schannel-reports" / "schannel-verify.json")
    host = before["hosts"][0]
    assert host["status"] == "failed" and host["policy_failures"], host
    # the findings the guide quotes are the report's own words (review §3 friction 16)
    text = (work / "schannel-reports" / "schannel-verify.txt").read_text()
    assert "error tls12-disabled TLS 1.2 Server: TLS 1.2 is not enabled on the server side (Windows Server 2008 R2 " \
           "default: disabled)" in text
    assert "error suite-name-invalid TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: Schannel does not use this name from the " \
           "policy cipher list: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 does not exist before Windows Server 2016" in text
    after = _report(work / "schannel-reports" / "schannel-report.json")
    assert after["summary"]["failed"] == 0, after["summary"]
    # the plays name four clients: no "no client simulation" noise for the others (review §3 friction 14)
    assert "no client simulation" not in (work / "schannel-reports" / "schannel-report.txt").read_text()
    # the last play (the RDP paragraph): TLS 1.0 stays on next to TLS 1.2, as the override says
    assert _values(twins, "web2008", SCHANNEL + "\\Protocols\\TLS 1.0\\Server") == {"Enabled": 1, "DisabledByDefault": 0}
    assert _values(twins, "web2008", SCHANNEL + "\\Protocols\\TLS 1.2\\Server") == {"Enabled": 1, "DisabledByDefault": 0}


def check_mozilla(work, _home, _twins):
    audit = _report(work / "schannel-reports" / "schannel-audit.json")
    assert set(_statuses(audit)) == {"w2012r2", "w2016", "w2019", "w2022"}
    report = _report(work / "schannel-reports" / "schannel-report.json")
    assert _statuses(report) == {h: "changed" for h in ("w2012r2", "w2016", "w2019", "w2022")}, _statuses(report)


def check_audit(work, _home, _twins):
    reports = list((work / "tls-reports").glob("20*/schannel-audit.json"))  # the dated folder of the command
    assert len(reports) == 1
    assert _report(reports[0])["summary"]["drift"] >= 1
    nightly = _report(work / "tls-reports" / "nightly" / "schannel-audit.json")
    assert set(_statuses(nightly)) == {"web01", "web02"}
    assert (work / "tls-reports" / "nightly" / "schannel-audit.xml").exists()


def _with_values(dump: dict) -> dict:
    """The keys that hold values (a rollback may leave a key it created empty: review §3 friction 12)."""
    return {key: values for key, values in dump.items() if values}


def check_rollback(work, _home, twins):
    assert list((work / "schannel-backups" / "web01").glob("web01-*.reg"))
    report = _report(work / "schannel-reports" / "schannel-rollback.json")
    assert [h["host"] for h in report["hosts"]] == ["web01"], report["hosts"]
    by_hand = next(line for _lang, text, _note, line in blocks(REPO / "docs/guide-rollback.md")
                   if "tlsops.schannel.rollback -e schannel_target=web01\n" in text)
    harden = min(line for line in twins["after_block"] if line)
    assert _with_values(twins["after_block"][harden]["web01"]) != _with_values(twins["after_block"][0]["web01"])
    # "By hand, later" puts web01 back as it was before the harden run; web02 keeps its change
    assert _with_values(twins["after_block"][by_hand]["web01"]) == _with_values(twins["after_block"][0]["web01"])
    assert _with_values(twins["after_block"][by_hand]["web02"]) == _with_values(twins["after_block"][harden]["web02"])


def check_role(work, _home, twins):
    report = _report(work / "schannel-reports" / "schannel-report.json")
    assert _statuses(report) and "failed" not in _statuses(report).values(), _statuses(report)
    # example 2's override reached the host (example 3, pci_dss_4, turns TLS 1.1 off again)
    example2 = next(line for _lang, text, _note, line in blocks(REPO / "docs/role-schannel.md") if "TLS 1.1: enabled" in text)
    assert _values(twins, "web01", SCHANNEL + "\\Protocols\\TLS 1.1\\Server", example2) == {"Enabled": 1, "DisabledByDefault": 0}
    assert _values(twins, "web01", SCHANNEL + "\\Protocols\\TLS 1.1\\Server").get("Enabled") == 0


CHECKS = {"README.md": check_readme, "docs/guide-ios-ats-iis75.md": check_ios,
          "docs/guide-mozilla-intermediate-fleet.md": check_mozilla, "docs/guide-audit-drift-nightly.md": check_audit,
          "docs/guide-rollback.md": check_rollback, "docs/role-schannel.md": check_role}


def test_every_guide_is_covered():
    """A new guide must be added to GUIDES (its twins) or this fails."""
    documents = {"README.md", "docs/role-schannel.md"} | {
        "docs/" + p.name for p in (REPO / "docs").glob("guide-*.md")}
    assert documents == set(GUIDES) == set(CHECKS)


# a document runs several plays with reboots in a row: more than pytest.ini's 300 s per test on a loaded machine
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("doc", sorted(GUIDES))
def test_guide_runs_as_written(doc, tmp_path):
    work, home, twins, ran = run_document(doc, tmp_path)
    assert any(isinstance(rc, int) for _line, rc in ran), "nothing of %s ran" % doc
    CHECKS[doc](work, home, twins)
