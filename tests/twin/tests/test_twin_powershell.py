"""PowerShell 5.1 (review P1/T10): a twin carries its release's stock PowerShell unless WMF 5.1 is installed, and
then refuses every module as ansible-core's bootstrap_wrapper.ps1 does; the role says what to install."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.twin import personality
from tests.twin.dispatch import BOOTSTRAP_REFUSAL
from tests.twin.testing import REPO_ROOT, VENV_BIN, ansible

pytestmark = [pytest.mark.integration]


def test_bootstrap_refusal_is_ansible_cores_own_text():
    """The twin prints what bootstrap_wrapper.ps1 prints (checked against the installed ansible-core)."""
    import ansible as ansible_pkg
    from pathlib import Path
    wrapper = (Path(ansible_pkg.__file__).parent / "executor" / "powershell" / "bootstrap_wrapper.ps1").read_text()
    assert '$PSVersionTable.PSVersion -lt [Version]"5.1"' in wrapper
    assert "'" + BOOTSTRAP_REFUSAL.decode() + "'" in wrapper


@pytest.mark.parametrize("version, wmf51, expected", [
    ("2008r2", False, "2.0"), ("2012", False, "3.0"), ("2012r2", False, "4.0"),
    ("2008r2", True, "5.1.14409.1005"), ("2019", False, "5.1.17763.1")])
def test_stock_powershell_per_release(version, wmf51, expected):
    assert personality.powershell_version(version, {"2019": 17763}.get(version, 0), wmf51) == expected
    assert personality.has_powershell_51(expected) == expected.startswith("5.1")


def test_stock_2008r2_refuses_modules_but_answers_raw(start):
    state, _doc = start({"name": "stock08", "version": "2008r2", "wmf51": False},
                        {"name": "wmf08", "version": "2008r2"})
    info = ansible(state, "stock08", "-m", "tlsops.schannel.win_schannel_info", check=False)
    assert info.returncode != 0 and "Ansible requires PowerShell v5.1" in info.stdout, info.stdout
    raw = ansible(state, "all", "-m", "ansible.builtin.raw", "-a", "$PSVersionTable.PSVersion.ToString()")
    assert "stock08 | CHANGED | rc=0 >>\n2.0" in raw.stdout and "wmf08 | CHANGED | rc=0 >>\n5.1.14409.1005" in raw.stdout
    ok = ansible(state, "wmf08", "-m", "tlsops.schannel.win_schannel_info")
    assert "SUCCESS" in ok.stdout
    status = json.loads((state / "stock08" / "status.json").read_text())
    assert status["powershell_version"] == "2.0" and status["module_executions"] == 0  # the module never ran


def test_role_fails_a_stock_2008r2_with_the_install_hint(start, tmp_path):
    state, _doc = start({"name": "stock08", "version": "2008r2", "wmf51": False})
    extra = {"schannel_target": "twins", "schannel_profile": "ios_ats",
             "schannel_backup_dir": str(tmp_path / "backups"), "schannel_report_dir": str(tmp_path / "reports")}
    (tmp_path / "vars.json").write_text(json.dumps(extra))
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="0", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"))
    proc = subprocess.run([str(VENV_BIN / "ansible-playbook"), "-i", str(state / "inventory.yml"),
                           str(REPO_ROOT / "playbooks" / "harden.yml"), "-e", f"@{tmp_path / 'vars.json'}"],
                          cwd=str(REPO_ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=300, check=False)
    out = proc.stdout
    assert proc.returncode != 0, out
    assert "runs Windows PowerShell 2.0" in out and "Windows Management Framework (WMF) 5.1" in out, out[-4000:]
    assert ".NET Framework 4.5.2" in out and personality.WMF51_DOWNLOAD in out
    assert "Ansible requires PowerShell v5.1" not in out  # stopped before any module ran
    status = json.loads((state / "stock08" / "status.json").read_text())
    assert status["module_executions"] == 0
