"""End to end: the playbooks and the role against Windows host twins on 127.0.0.1, through real ansible-playbook.

What each test proves:

* a canary wave that fails verification stops the rollout (later waves are never touched);
* automatic rollback puts back the exact registry the host had before, also on a host that never had a cipher-suite
  policy (review P2: the backup removes the policy key, never a key above it);
* the backups are the action plugins' own .reg files (one run: the registry values' file, and the cipher-suite
  order's file in the folder of the same name; no JSON); the rollback entry point puts back the newest run only
  (both files when both changed), or the run of a file named with schannel_restore_file;
* audit.yml (check mode + diff) reports drift and changes nothing, and no host reboots;
* a host that needs no change does not reboot (the second harden run is a no-op);
* verify.yml on the field-report host: iOS 9 ATS fails, and the report names TLS 1.2 and the invalid suite names;
* the report files are private and the JUnit file has one case per host x policy.
"""
from __future__ import annotations

import json
import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import load_report, registry

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]

CLIENTS = ["ios9_ats", "ie11_win7", "chrome", "pywinrm"]
POLICY_SSL = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"


def role_vars(tmp_path, **extra):
    base = {
        "schannel_target": "twins",
        "schannel_profile": "ios_ats",
        "schannel_verify": {"endpoints": [{"port": "{{ tlsops_twin_https_port }}"}], "policies": ["ios_ats"],
                            "clients": CLIENTS, "validate_certs": False},  # twins: self-signed
        "schannel_backup_dir": str(tmp_path / "backups"),
        "schannel_report_dir": str(tmp_path / "reports"),
    }
    base.update(extra)
    return base


def boot_time(doc, name):
    return json.loads(Path(doc["twins"][name]["status_file"]).read_text())["boot_time"]


def hosts_by_name(report):
    return {h["host"]: h for h in report["hosts"]}


def backup_files(tmp_path, host):
    """Every file in the host's backup folder, relative to it."""
    folder = tmp_path / "backups" / host
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_verify_names_the_cause_on_the_field_report_host(twins, playbook, tmp_path):
    doc = twins(["web2008:2008r2:rsa:2048:ios_ats_failure"])
    result = playbook("verify.yml", doc["inventory"], role_vars(tmp_path, schannel_verify_report_name="before"))
    assert result.returncode != 0, result.stdout          # iOS ATS policy fails on web2008
    host = hosts_by_name(load_report(tmp_path / "reports", "before"))["web2008"]
    cells = {c["client"]: c for c in host["endpoints"][0]["clients"]}
    assert cells["ios9_ats"]["connects"] is False
    assert cells["ie11_win7"]["connects"] is True
    items = {(f["code"], f["item"]) for f in host["findings"]}
    assert ("tls12-disabled", "TLS 1.2 Server") in items
    assert any(code == "suite-name-invalid" and item == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
               for code, item in items)
    # verify changes nothing
    assert host["changes"] == []


def test_harden_fixes_ios_ats_reboots_once_and_is_idempotent(twins, playbook, tmp_path):
    doc = twins(["web2008:2008r2:rsa:2048:ios_ats_failure", "web2022:2022"])
    first_boot = {n: boot_time(doc, n) for n in doc["twins"]}
    result = playbook("harden.yml", doc["inventory"], role_vars(tmp_path))
    assert result.returncode == 0, result.stdout[-4000:]
    report = load_report(tmp_path / "reports", "schannel-report")
    hosts = hosts_by_name(report)
    assert hosts["web2008"]["status"] == "changed" and hosts["web2008"]["rebooted"] is True
    ios = {c["client"]: c for c in hosts["web2008"]["endpoints"][0]["clients"]}["ios9_ats"]
    assert ios["connects"] is True and ios["protocol"] == "TLS 1.2"
    assert boot_time(doc, "web2008") != first_boot["web2008"]
    assert os.path.exists(hosts["web2008"]["backup"])

    # report files: private, and JUnit has one test case per host x policy
    for ext in ("json", "xml", "html", "txt"):
        mode = stat.S_IMODE(os.stat(tmp_path / "reports" / ("schannel-report.%s" % ext)).st_mode)
        assert mode == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "reports").st_mode) == 0o700
    junit = ET.parse(tmp_path / "reports" / "schannel-report.xml").getroot()
    assert sorted((c.get("classname"), c.get("name")) for c in junit.iter("testcase")) == [
        ("schannel.web2008", "harden"), ("schannel.web2008", "ios_ats"),
        ("schannel.web2022", "harden"), ("schannel.web2022", "ios_ats")]

    # the second run needs no change, so no host reboots
    boots = {n: boot_time(doc, n) for n in doc["twins"]}
    again = playbook("harden.yml", doc["inventory"], role_vars(tmp_path, schannel_report_name="again"))
    assert again.returncode == 0, again.stdout[-4000:]
    second = load_report(tmp_path / "reports", "again")
    assert second["summary"]["rebooted"] == []
    assert {h["host"]: h["status"] for h in second["hosts"]} == {"web2008": "ok", "web2022": "ok"}
    assert {n: boot_time(doc, n) for n in doc["twins"]} == boots


def test_audit_reports_drift_and_changes_nothing(twins, playbook, tmp_path):
    doc = twins(["web2008:2008r2:rsa:2048:ios_ats_failure"])
    before = Path(doc["twins"]["web2008"]["registry_file"]).read_bytes()
    booted = boot_time(doc, "web2008")
    result = playbook("audit.yml", doc["inventory"], role_vars(tmp_path), args=("--diff",))
    assert Path(doc["twins"]["web2008"]["registry_file"]).read_bytes() == before
    assert boot_time(doc, "web2008") == booted
    report = load_report(tmp_path / "reports", "schannel-audit")
    host = hosts_by_name(report)["web2008"]
    assert host["check_mode"] is True
    assert host["changes"], "audit shows what would change"
    # drift and the failing ios_ats policy of the state before hardening are counted side by side
    assert (host["status"], host["drift"], host["policy_failures"]) == ("drift", len(host["changes"]), 1)
    assert (report["summary"]["drift"], report["summary"]["failed"], report["summary"]["policy_failures"]) == (1, 0, 1)
    assert not host["rebooted"]
    assert "TLS 1.2" in result.stdout                       # the diff names the protocol keys
    # CI goes red on drift: one JUnit case per host says so
    junit = ET.parse(tmp_path / "reports" / "schannel-audit.xml").getroot()
    drift = [c for c in junit.iter("testcase") if c.get("name") == "drift"]
    assert len(drift) == 1 and drift[0].find("failure").get("message") == "%d value(s) differ from the profile" % len(
        host["changes"])


def test_failed_canary_stops_the_rollout(twins, playbook, tmp_path):
    doc = twins(["canary:2022", "wave2a:2022", "wave2b:2022"])
    untouched = {n: registry(doc, n) for n in ("wave2a", "wave2b")}
    # the canary's endpoint is a closed port, so its verification fails after the change
    inventory = Path(doc["inventory"])
    inv = json.loads(inventory.read_text().split("\n", 1)[1])
    inv["all"]["children"]["twins"]["hosts"]["canary"]["tlsops_twin_https_port"] = 1
    inventory.write_text(json.dumps(inv))
    result = playbook("harden.yml", inventory, role_vars(tmp_path, schannel_waves=[1, 2]))
    assert result.returncode != 0
    assert {n: registry(doc, n) for n in ("wave2a", "wave2b")} == untouched
    report = load_report(tmp_path / "reports", "schannel-report")
    assert [h["host"] for h in report["hosts"]] == ["canary"]
    assert report["hosts"][0]["status"] == "failed"
    assert report["hosts"][0]["failed_step"] == "verify"


def test_automatic_rollback_restores_the_exact_registry(twins, playbook, tmp_path):
    doc = twins(["canary:2008r2:rsa:2048:ios_ats_failure"])
    before = registry(doc, "canary")
    inventory = Path(doc["inventory"])
    inv = json.loads(inventory.read_text().split("\n", 1)[1])
    inv["all"]["children"]["twins"]["hosts"]["canary"]["tlsops_twin_https_port"] = 1
    inventory.write_text(json.dumps(inv))
    result = playbook("harden.yml", inventory, role_vars(tmp_path, schannel_rollback_on_verify_failure=True))
    assert result.returncode != 0
    assert registry(doc, "canary") == before
    host = load_report(tmp_path / "reports", "schannel-report")["hosts"][0]
    assert host["rolled_back"] is True and host["status"] == "rolled_back"


def test_automatic_rollback_on_a_host_that_never_had_a_cipher_suite_policy(twins, playbook, tmp_path):
    """Review P2: the run creates the policy key path (...\\Cryptography\\Configuration\\SSL\\00010002 and the keys
    above it the host lacks); the backup removes the policy key only, never a key above it, so the role's automatic
    rollback (restore of that backup, which takes managed keys only) succeeds and leaves at most empty parents."""
    doc = twins(["fresh:2019"])
    before = registry(doc, "fresh")
    assert not [k for k in before if k.lower().startswith("hklm\\software\\policies\\")]
    inventory = Path(doc["inventory"])
    inv = json.loads(inventory.read_text().split("\n", 1)[1])
    inv["all"]["children"]["twins"]["hosts"]["fresh"]["tlsops_twin_https_port"] = 1  # verification fails
    inventory.write_text(json.dumps(inv))
    result = playbook("harden.yml", inventory, role_vars(tmp_path, schannel_profile="mozilla_intermediate",
                                                         schannel_rollback_on_verify_failure=True))
    assert result.returncode != 0
    host = load_report(tmp_path / "reports", "schannel-report")["hosts"][0]
    assert host["rolled_back"] is True and host["status"] == "rolled_back", host
    assert "outside the keys this collection manages" not in result.stdout
    after = registry(doc, "fresh")
    added = {k: v for k, v in after.items() if k not in before}
    # the harden run did write a policy order (its own backup file, in the folder named after the values' file),
    # whose undo removes the policy key and nothing above it
    order_files = [f for f in backup_files(tmp_path, "fresh") if "/" in f]
    assert len(order_files) == 1, backup_files(tmp_path, "fresh")
    text = (tmp_path / "backups" / "fresh" / order_files[0]).read_text(encoding="utf-16")
    removals = [line for line in text.splitlines() if line.startswith("[-")]
    assert removals == ["[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002]"], text
    assert all(POLICY_SSL.lower().startswith(k.lower() + "\\") and v == {} for k, v in added.items()), added
    assert {k: v for k, v in after.items() if k in before} == before


def test_rollback_playbook_restores_the_last_backup(twins, playbook, tmp_path):
    doc = twins(["web2008:2008r2:rsa:2048:ios_ats_failure"])
    before = registry(doc, "web2008")
    assert playbook("harden.yml", doc["inventory"], role_vars(tmp_path)).returncode == 0
    assert registry(doc, "web2008") != before
    result = playbook("rollback.yml", doc["inventory"], role_vars(tmp_path))
    assert result.returncode == 0, result.stdout[-4000:]
    assert registry(doc, "web2008") == before


def test_backups_are_the_modules_files_and_rollback_puts_back_the_last_run(twins, playbook, tmp_path):
    doc = twins(["web2008:2008r2:rsa:2048:ios_ats_failure"])
    before = registry(doc, "web2008")
    result = playbook("harden.yml", doc["inventory"], role_vars(tmp_path))
    assert result.returncode == 0, result.stdout[-4000:]
    first = registry(doc, "web2008")
    values = Path(hosts_by_name(load_report(tmp_path / "reports", "schannel-report"))["web2008"]["backup"])
    # one run that changed both: win_schannel's .reg in the host's folder, win_tls_cipher_suites' .reg in the folder
    # of the same name, nothing else (no JSON), all private
    assert values.parent == tmp_path / "backups" / "web2008" and values.suffix == ".reg"
    order = sorted(values.with_suffix("").glob("*.reg"))
    assert len(order) == 1
    assert backup_files(tmp_path, "web2008") == sorted([values.name, "%s/%s" % (values.stem, order[0].name)])
    for path in (values, order[0]):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700

    # a second run that changes only the order: its one file lands alone in the host's folder
    suites = first[POLICY_SSL]["Functions"]["data"].split(",")
    assert len(suites) > 1
    result = playbook("harden.yml", doc["inventory"], role_vars(
        tmp_path, schannel_overrides={"cipher_suites": suites[::-1]}, schannel_verify={"endpoints": []},
        schannel_report_name="second"))
    assert result.returncode == 0, result.stdout[-4000:]
    second = registry(doc, "web2008")
    assert second[POLICY_SSL]["Functions"]["data"] == ",".join(suites[::-1])
    assert {k: v for k, v in second.items() if k != POLICY_SSL} == {k: v for k, v in first.items() if k != POLICY_SSL}
    only_order = Path(hosts_by_name(load_report(tmp_path / "reports", "second"))["web2008"]["backup"])
    assert only_order.parent == values.parent and not only_order.with_suffix("").exists()

    # the rollback entry point puts back the newest run only
    result = playbook("rollback.yml", doc["inventory"], role_vars(tmp_path))
    assert result.returncode == 0, result.stdout[-4000:]
    assert registry(doc, "web2008") == first
    assert hosts_by_name(load_report(tmp_path / "reports", "schannel-rollback"))["web2008"]["backup"] == str(only_order)

    # a file named by the user puts back its run: the registry values and the order of the first run
    result = playbook("rollback.yml", doc["inventory"], role_vars(
        tmp_path, schannel_restore_file=str(values), schannel_rollback_report_name="named"))
    assert result.returncode == 0, result.stdout[-4000:]
    assert registry(doc, "web2008") == before
    assert hosts_by_name(load_report(tmp_path / "reports", "named"))["web2008"]["rolled_back"] is True


def test_verify_probes_any_tls_endpoint_without_winrm(twins, playbook, tmp_path):
    """verify.yml on a host reached without WinRM: no registry read, just the probe (here the twin's TLS port)."""
    doc = twins(["tlsbox:2022"])
    inventory = tmp_path / "plain.ini"
    inventory.write_text("[web]\nplain ansible_host=127.0.0.1 ansible_connection=local tls_port=%d\n"
                         % doc["twins"]["tlsbox"]["ports"]["https"])
    result = playbook("verify.yml", inventory, role_vars(
        tmp_path, schannel_target="web", schannel_profile="",
        schannel_verify={"endpoints": [{"port": "{{ tls_port }}"}], "policies": ["ios_ats"],
                         "clients": ["ios9_ats", "chrome"], "validate_certs": False}))
    assert result.returncode == 0, result.stdout[-4000:]
    host = load_report(tmp_path / "reports", "schannel-verify")["hosts"][0]
    assert host["status"] == "ok" and host["state"] is None
    assert {c["client"]: c["connects"] for c in host["endpoints"][0]["clients"]} == {"ios9_ats": True, "chrome": True}


def test_rollback_check_mode_reports_the_same_changes_as_the_real_rollback(twins, playbook, tmp_path):
    doc = twins(["web2008:2008r2:rsa:2048:ios_ats_failure"])
    before = registry(doc, "web2008")
    assert playbook("harden.yml", doc["inventory"], role_vars(tmp_path)).returncode == 0
    hardened = registry(doc, "web2008")
    check = playbook("rollback.yml", doc["inventory"], role_vars(tmp_path, schannel_rollback_report_name="check"),
                     check=True)
    assert check.returncode == 0, check.stdout[-4000:]
    assert registry(doc, "web2008") == hardened                      # --check wrote nothing
    real = playbook("rollback.yml", doc["inventory"], role_vars(tmp_path, schannel_rollback_report_name="real"))
    assert real.returncode == 0, real.stdout[-4000:]
    assert registry(doc, "web2008") == before
    would = hosts_by_name(load_report(tmp_path / "reports", "check"))["web2008"]
    did = hosts_by_name(load_report(tmp_path / "reports", "real"))["web2008"]
    assert len(would["changes"]) == len(did["changes"]) > 0
    assert [(c["path"], c["name"]) for c in would["changes"]] == [(c["path"], c["name"]) for c in did["changes"]]
    # the rollback report knows the host's Windows version as the harden report does
    assert would["windows_version"] == did["windows_version"] == "2008r2"


def set_host_vars(doc, host, **values):
    """Change one host's variables in the twins' inventory (JSON after a comment line)."""
    inventory = Path(doc["inventory"])
    head, body = inventory.read_text().split("\n", 1)
    inv = json.loads(body)
    inv["all"]["children"]["twins"]["hosts"][host].update(values)
    inventory.write_text(head + "\n" + json.dumps(inv))
    return inventory


def test_unreachable_host_is_in_every_report_form_with_the_reason(twins, playbook, tmp_path):
    doc = twins(["up2019:2019", "down2019:2019"])
    inventory = set_host_vars(doc, "down2019", ansible_port=1)   # nothing listens there: WinRM unreachable
    result = playbook("audit.yml", inventory, role_vars(tmp_path))
    assert result.returncode != 0
    report = load_report(tmp_path / "reports", "schannel-audit")
    hosts = hosts_by_name(report)
    assert sorted(hosts) == ["down2019", "up2019"]
    down = hosts["down2019"]
    assert (down["status"], down["unreachable"], down["failed_step"]) == ("failed", True, "connect")
    assert "unreachable" in down["msg"] and "refused" in down["msg"]
    assert report["summary"]["unreachable"] == 1 and report["summary"]["failed"] == 1
    suites = {s.get("name"): s for s in ET.parse(tmp_path / "reports" / "schannel-audit.xml").getroot()}
    assert suites["down2019"].find(".//error").get("message").startswith("connect: unreachable")
    assert "down2019" in (tmp_path / "reports" / "schannel-audit.html").read_text()
    # one error for the failed host (the pre-flight's), one line, no result dump (review §3 friction 13); the
    # connection's own UNREACHABLE line (ignored, so that the host stays in the play) comes before it
    lines = result.stdout.splitlines()
    errors = [line for line in lines if line.startswith("fatal: [down2019]: FAILED!")]
    assert len(errors) == 1 and "unreachable" in errors[0] and len(errors[0]) < 700, errors
    assert len([line for line in lines if line.startswith("fatal: [down2019]")]) == 2


def test_a_single_host_with_a_wrong_password_rewrites_the_report(twins, playbook, tmp_path):
    doc = twins(["solo:2019"])
    reports = tmp_path / "reports"
    reports.mkdir(mode=0o700)
    (reports / "schannel-report.json").write_text('{"stale": "the previous run"}')
    inventory = set_host_vars(doc, "solo", ansible_password="wrong")
    result = playbook("harden.yml", inventory, role_vars(tmp_path))
    assert result.returncode != 0
    host = load_report(reports, "schannel-report")["hosts"][0]
    assert (host["host"], host["status"], host["unreachable"]) == ("solo", "failed", True)
    assert host["msg"]


def test_verify_probes_the_endpoints_when_winrm_is_down(twins, playbook, tmp_path):
    doc = twins(["web2022:2022"])
    inventory = set_host_vars(doc, "web2022", ansible_port=1)    # WinRM down, HTTPS up
    result = playbook("verify.yml", inventory, role_vars(tmp_path, schannel_verify_report_name="v"))
    assert result.returncode == 0, result.stdout[-4000:]
    host = load_report(tmp_path / "reports", "v")["hosts"][0]
    assert host["status"] == "ok" and host["state"] is None
    assert {c["client"]: c["connects"] for c in host["endpoints"][0]["clients"]}["ios9_ats"] is True
    assert host["notes"] and host["notes"][0].startswith("registry not read (connect): unreachable")
