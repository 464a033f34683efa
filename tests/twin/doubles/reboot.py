"""The plain commands ``ansible.windows.win_reboot`` runs, and a few a person types by hand.

Each entry is ``(regex, handler)``; a handler gets the twin, the match and the script and returns (stdout, rc).
``win_reboot`` reads the boot time (``LastBootUpTime.ToFileTime()``), calls ``shutdown.exe /r /t N`` wrapped in
a script that prints ``{stdout, stderr, rc}`` as JSON, then polls the boot time and finally runs its test command
(``Get-Item ...AutoLogonChecked; 'success-<uuid>'``), which must echo the quoted marker.
"""
from __future__ import annotations

import json


def _boot_time(host, match, script):
    return str(host.boot_filetime), 0


def _shutdown_reboot(host, match, script):
    try:
        host.schedule_reboot(float(match.group(1)))
    except RuntimeError as exc:
        return json.dumps({"stdout": "", "stderr": str(exc), "rc": 1190}), 0
    return json.dumps({"stdout": "", "stderr": "", "rc": 0}), 0


def _shutdown_abort(host, match, script):
    if host.abort_reboot():
        return "", 0
    return "Unable to abort the system shutdown because no shutdown was in progress.(1116)", 1116


def _logon_test(host, match, script):
    return match.group(1), 0


def _remove_item(host, match, script):
    return "", 0


def _hostname(host, match, script):
    return host.name, 0


def _whoami(host, match, script):
    return f"{host.name}\\{host.config.user}".lower(), 0


def _echo(host, match, script):
    return match.group(1), 0


def _ps_version(host, match, script):
    """``$PSVersionTable.PSVersion.ToString()`` (the role's pre-flight check, run with ``raw``: no module wrapper,
    so it answers on any PowerShell)."""
    return host.powershell_version, 0


SCRIPTS = [
    (r"\$PSVersionTable\.PSVersion", _ps_version),
    (r"LastBootUpTime.*ToFileTime\(\)", _boot_time),
    (r"shutdown\.exe\s+/r\s+/t\s+(\d+)", _shutdown_reboot),
    (r"shutdown\.exe\s+/a", _shutdown_abort),
    (r"AutoLogonChecked'\s+-ErrorAction\s+Stop;\s*'([^']*)'", _logon_test),
    (r"^\s*(?:Set-StrictMode[^\n]*\n)?\s*Remove-Item\s+'", _remove_item),
    (r"^\s*hostname(?:\.exe)?\s*$", _hostname),
    (r"^\s*whoami(?:\.exe)?\s*$", _whoami),
    (r"^\s*(?:echo|Write-Output)\s+'?([^'\r\n]*)'?\s*$", _echo),
]
