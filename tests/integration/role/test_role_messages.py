"""Issue 16.5 through the role against twins: quiet, exact messages (review §3 frictions 13 and A3).

* a host that fails prints one error (the task that failed), one line long, never the plan or a module result:
  the unknown suite name of a profile used to print the error twice and 50-90 KB of plan JSON;
* the host is still failed (rc 2, PLAY RECAP failed=1), nothing was written, and the report has the step and the
  message.
"""
from __future__ import annotations

import pytest

from .conftest import load_report, registry
from .test_role_e2e import role_vars

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]

UNKNOWN = "TLS_ECDHE_RSA_WITH_AES_512_GCM_SHA999"


def test_a_plan_error_is_one_line_per_host_and_nothing_is_written(twins, playbook, tmp_path):
    doc = twins(["w2019:2019", "w2022:2022"])
    profile = tmp_path / "mine.yml"
    profile.write_text("name: mine\ndescription: best practices and a suite nobody has\nextends: best_practices\n"
                       "cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, %s]\n" % UNKNOWN)
    before = {name: registry(doc, name) for name in ("w2019", "w2022")}
    extra = role_vars(tmp_path, schannel_profile=str(profile), schannel_waves=[2])
    result = playbook("harden.yml", doc["inventory"], extra)
    assert result.returncode == 2, result.stdout[-4000:]
    lines = result.stdout.splitlines()
    for host in ("w2019", "w2022"):
        errors = [line for line in lines if line.startswith("fatal: [%s]" % host)]
        assert len(errors) == 1, errors
        assert UNKNOWN in errors[0] and "SCH001" in errors[0]
        assert len(errors[0]) < 4000, len(errors[0])
        assert registry(doc, host) == before[host]
    # no result dump: the whole output of two failed hosts stays small (it was 50-90 KB per host)
    assert len(result.stdout) < 30000, len(result.stdout)
    assert '"operations"' not in result.stdout and '"predictions"' not in result.stdout
    assert "failed=1" in result.stdout
    hosts = {h["host"]: h for h in load_report(tmp_path / "reports", "schannel-report")["hosts"]}
    assert {h: (v["status"], v["failed_step"]) for h, v in hosts.items()} == {
        "w2019": ("failed", "plan"), "w2022": ("failed", "plan")}
    assert all(UNKNOWN in v["msg"] for v in hosts.values())


def test_a_warning_is_shown_once_and_names_the_role_variable(twins, playbook, tmp_path):
    """Friction 7: the .NET strong-crypto warning came from both write tasks, in two wordings, and named the
    module option (dotnet_strong_crypto) where a role user sets schannel_overrides. Friction 6: no warning about
    "a previous run" for the run's own change."""
    doc = twins(["w2022:2022"])
    result = playbook("harden.yml", doc["inventory"], role_vars(tmp_path, schannel_verify={"endpoints": []}))
    assert result.returncode == 0, result.stdout[-4000:]
    warnings = [line for line in result.stdout.splitlines() if ".NET strong crypto" in line]
    assert len(warnings) == 1, warnings
    assert "schannel_overrides" in warnings[0], warnings[0]
    # friction 6: the cipher-suite task read back the reboot the registry task of the same run had just recorded and
    # warned about "a previous run" on a host nothing had ever changed
    assert "a previous run" not in result.stdout


def test_a_failed_reboot_is_the_reboot_step(twins, playbook, tmp_path):
    """Review §3 B13: a host lost during the reboot handler was reported as failed at "apply"."""
    from pathlib import Path

    from tests.twin.faults import Faults

    doc = twins(["web2008:2008r2:rsa:2048:ios_ats_failure"])
    Faults(Path(doc["state_dir"]) / "web2008" / "faults.json").update(refuse_after_reboot=20)
    result = playbook("harden.yml", doc["inventory"], role_vars(tmp_path, schannel_reboot_timeout=4))
    assert result.returncode == 2, result.stdout[-4000:]
    host = load_report(tmp_path / "reports", "schannel-report")["hosts"][0]
    assert (host["status"], host["failed_step"]) == ("failed", "reboot"), host
    assert host["msg"].startswith("the change was applied but the reboot failed"), host["msg"]
    assert host["backup"]


@pytest.mark.parametrize("name", ["audit.yml", "harden.yml", "verify.yml", "rollback.yml"])
def test_a_target_that_matches_no_host_fails_naming_the_groups(playbook, tmp_path, name):
    """Review §3 friction 9: -e schannel_target=<typo> skipped every play with rc 0, so a nightly job stayed green."""
    inventory = tmp_path / "inventory.yml"
    inventory.write_text("all:\n  children:\n    iis:\n      hosts:\n        web01: {ansible_host: 127.0.0.1}\n")
    result = playbook(name, inventory, {"schannel_target": "windowz", "schannel_profile": "ios_ats"})
    assert result.returncode == 2, result.stdout[-4000:]
    assert "schannel_target=windowz matches no host of the inventory; its groups are iis" in result.stdout
    assert "web01" not in result.stdout  # no host was touched, not even tried
