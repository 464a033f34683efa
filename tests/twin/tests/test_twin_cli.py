"""``python -m tests.twin fault``: every fault the twin knows can be armed from the command line, and what the command
line arms is what the executor then does."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.twin import faults as faults_mod
from tests.twin.__main__ import main
from tests.twin.faults import FAULT_KEYS, Faults
from tests.twin.registry import RegistryWriteError

from tests.twin.tests.test_twin_units import TLS10, _executor_host, ops

REPO = Path(__file__).resolve().parents[3]
RC4 = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Ciphers\\RC4 128/128"


def _fault(tmp_path, *flags):
    (tmp_path / "web").mkdir(exist_ok=True)
    assert main(["fault", "--state-dir", str(tmp_path), "--name", "web", *flags]) == 0
    return json.loads((tmp_path / "web" / "faults.json").read_text())


def test_every_documented_fault_key_is_known_and_every_known_key_documented():
    documented = set(re.findall(r'``\{"([a-z_]+)"', faults_mod.__doc__)) | set(
        re.findall(r'with\s+``"([a-z_]+)"', faults_mod.__doc__))
    assert documented == set(FAULT_KEYS)


def test_one_command_line_can_arm_every_fault(tmp_path):
    data = _fault(tmp_path, "--drop-connection", "2", "--drop-module", "win_schannel",
                  "--fail-write", RC4 + "@Enabled", "--fail-write", TLS10, "--fail-write-action", "set_value",
                  "--cut-after-writes", "0", "--cut-module", "win_tls_cipher_suites",
                  "--fail-read", RC4, "--refuse-after-reboot", "4.5")
    assert set(data) == set(FAULT_KEYS)
    assert data["fail_writes"] == [{"path": RC4, "name": "Enabled", "actions": ["set_value"]},
                                   {"path": TLS10, "name": None, "actions": ["set_value"]}]
    assert data["fail_reads"] == [RC4]
    assert (data["drop_connection"], data["drop_module"]) == (2, "win_schannel")
    assert (data["cut_after_writes"], data["cut_module"]) == (0, "win_tls_cipher_suites")
    assert data["refuse_after_reboot"] == 4.5


def test_clear_removes_every_fault_then_applies_the_rest(tmp_path):
    _fault(tmp_path, "--cut-after-writes", "1", "--fail-read", RC4, "--drop-connection", "1")
    assert _fault(tmp_path, "--clear") == {}
    assert _fault(tmp_path, "--clear", "--fail-read", TLS10) == {"fail_reads": [TLS10]}


def test_write_action_without_a_write_is_refused(tmp_path, capsys):
    (tmp_path / "web").mkdir()
    with pytest.raises(SystemExit) as exc:
        main(["fault", "--state-dir", str(tmp_path), "--name", "web", "--fail-write-action", "set_value"])
    assert exc.value.code == 2 and "--fail-write-action needs --fail-write" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["fault", "--state-dir", str(tmp_path), "--name", "web", "--fail-write", TLS10,
              "--fail-write-action", "rename"])


def test_write_action_limits_the_failure_as_the_fault_file_says(tmp_path):
    _fault(tmp_path, "--fail-write", RC4 + "@Enabled", "--fail-write-action", "delete_value")
    faults = Faults(tmp_path / "web" / "faults.json")
    faults.check_write(RC4, "Enabled", "set_value")  # allowed: only the undo (delete_value) fails
    with pytest.raises(RegistryWriteError, match="Requested registry access is not allowed"):
        faults.check_write(RC4, "Enabled", "delete_value")


def test_cut_armed_from_the_command_line_cuts_the_next_execution(tmp_path):
    """Through the real process entry point, then the executor reads what the command line wrote."""
    from tests.twin.dispatch import Executor
    from tests.twin.powershell import Invocation
    state = tmp_path / "state"
    (state / "web").mkdir(parents=True)
    proc = subprocess.run([sys.executable, "-m", "tests.twin", "fault", "--state-dir", str(state), "--name", "web",
                           "--cut-after-writes", "2", "--cut-module", "win_schannel"],
                          cwd=str(REPO), capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    host = _executor_host(state / "web")
    run = Executor(host)._module(Invocation(kind="module", module="tlsops.schannel.win_schannel",
                                            args={"operations": ops()}))
    assert run[:3] == (b"", b"", 1)  # cut as a killed PowerShell host: no JSON, rc 1
    assert "cut_after_writes" not in json.loads((state / "web" / "faults.json").read_text())  # consumed once


def test_fail_read_armed_from_the_command_line_refuses_that_key_only(tmp_path):
    _fault(tmp_path, "--fail-read", RC4)
    faults = Faults(tmp_path / "web" / "faults.json")
    faults.check_read(TLS10)
    with pytest.raises(RegistryWriteError, match="Requested registry access is not allowed"):
        faults.check_read(RC4.lower() + "\\")  # as the double compares: case and a trailing backslash ignored
