"""``win_reboot`` round trip on its own (win_regedit + win_reboot, no collection action plugins involved)."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.twin.testing import REPO_ROOT, ansible, status

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

TLS10 = "SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server"


def test_pending_change_waits_for_the_reboot_and_the_boot_time_moves(start):
    state, _doc = start("rb:2012r2")
    before = status(state, "rb")
    assert "TLS 1.0" in before["served"]["protocols"]
    ansible(state, "rb", "-m", "ansible.windows.win_regedit", "-a",
            json.dumps({"path": "HKLM:\\" + TLS10, "name": "Enabled", "data": 0, "type": "dword"}))
    assert "TLS 1.0" in status(state, "rb")["served"]["protocols"]  # pending until the reboot
    subprocess.run([sys.executable, "-m", "tests.twin", "fault", "--state-dir", str(state), "--name", "rb",
                    "--refuse-after-reboot", "2"], check=True, capture_output=True, cwd=REPO_ROOT)
    started = time.monotonic()
    proc = ansible(state, "rb", "-m", "ansible.windows.win_reboot", "-a", "pre_reboot_delay=0")
    assert "rebooted" in proc.stdout and time.monotonic() - started >= 3  # 1 s downtime + 2 s refused
    after = status(state, "rb")
    assert after["boot_filetime"] > before["boot_filetime"]
    assert "TLS 1.0" not in after["served"]["protocols"]
