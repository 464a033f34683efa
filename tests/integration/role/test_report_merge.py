"""Sliced and multi-controller runs: the role over two halves of a twin fleet in two ansible-playbook processes (as
two AWX job slices or two controllers would run it), then schannel_report merges their reports into one that
counts, draws and tests as the report of one run over the whole fleet does."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from .conftest import load_report
from .test_role_e2e import role_vars

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]

MERGE_PLAY = """
- name: Merge the slices' reports
  hosts: localhost
  gather_facts: false
  tasks:
    - name: One fleet report from the slices
      tlsops.schannel.schannel_report:
        dest: "{{ merged_dir }}"
        name: fleet
        inputs: "{{ slice_reports }}"
"""


def junit_cases(path):
    return sorted((c.get("classname"), c.get("name"), c.find("failure") is not None, c.find("error") is not None)
                  for c in ET.parse(path).getroot().iter("testcase"))


def comparable(report):
    """What must not depend on how the fleet was split: hosts and their results, counts, matrix columns."""
    hosts = {h["host"]: {k: v for k, v in h.items() if k not in ("finished", "notes")} for h in report["hosts"]}
    return hosts, report["summary"], report["clients"]


def test_two_slices_merge_into_the_report_of_one_run(twins, playbook, tmp_path):
    doc = twins(["a2008:2008r2:rsa:2048:ios_ats_failure", "b2019:2019", "c2022:2022"])
    run_vars = role_vars(tmp_path)
    for name, limit in (("slice1", "a2008"), ("slice2", "b2019:c2022")):
        result = playbook("audit.yml", doc["inventory"], dict(run_vars, schannel_audit_report_name=name),
                          args=("--limit", limit))
        assert set(h["host"] for h in load_report(tmp_path / "reports", name)["hosts"]) == set(limit.split(":")), \
            result.stdout[-3000:]
    whole = playbook("audit.yml", doc["inventory"], dict(run_vars, schannel_audit_report_name="whole"))
    assert whole.returncode == 0, whole.stdout[-3000:]

    play = tmp_path / "merge.yml"
    play.write_text(MERGE_PLAY)
    merged_dir = tmp_path / "merged"
    result = playbook(str(play), "localhost,", {
        "merged_dir": str(merged_dir),
        "slice_reports": [str(tmp_path / "reports" / "slice1.json"), str(tmp_path / "reports" / "slice2.json")]},
        args=("-c", "local"))
    assert result.returncode == 0, result.stdout[-3000:]

    merged, one_run = load_report(merged_dir, "fleet"), load_report(tmp_path / "reports", "whole")
    assert comparable(merged) == comparable(one_run)
    assert merged["summary"]["hosts"] == 3 and merged["summary"]["drift"] >= 1
    assert merged["notes"][0].startswith("merged from 2 input(s): ")
    assert junit_cases(merged_dir / "fleet.xml") == junit_cases(tmp_path / "reports" / "whole.xml")


def test_a_host_in_two_slices_keeps_its_latest_result_with_a_note(twins, playbook, tmp_path):
    doc = twins(["a2019:2019"])
    run_vars = role_vars(tmp_path, schannel_verify={"endpoints": []})
    for name in ("first", "second"):
        result = playbook("audit.yml", doc["inventory"], dict(run_vars, schannel_audit_report_name=name))
        assert result.returncode == 0, result.stdout[-3000:]
    first, second = (load_report(tmp_path / "reports", n) for n in ("first", "second"))
    assert first["hosts"][0]["finished"] <= second["hosts"][0]["finished"]
    play = tmp_path / "merge.yml"
    play.write_text(MERGE_PLAY)
    # the newer report given first: order does not decide, the time the result was recorded does
    reports = [str(tmp_path / "reports" / "second.json"), str(tmp_path / "reports" / "first.json")]
    result = playbook(str(play), "localhost,", {"merged_dir": str(tmp_path / "m"), "slice_reports": reports},
                      args=("-c", "local"))
    assert result.returncode == 0, result.stdout[-3000:]
    (host,) = load_report(tmp_path / "m", "fleet")["hosts"]
    assert host["finished"] == second["hosts"][0]["finished"]
    assert host["notes"] == ["also in %s (finished %s); the latest result is kept, from %s (finished %s)" % (
        reports[1], first["hosts"][0]["finished"], reports[0], second["hosts"][0]["finished"])]
