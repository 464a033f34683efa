"""Helpers for the fault and lock tests: twins on 127.0.0.1, small plays through real ansible-playbook, the twin's
registry and status files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
TLS10 = SCHANNEL + "\\Protocols\\TLS 1.0\\Server"
TLS11 = SCHANNEL + "\\Protocols\\TLS 1.1\\Server"


class TwinRun(object):
    """One twin and a way to run tasks against it; results come back as dicts (registered -> JSON file)."""

    def __init__(self, tmp, spec, reboot_downtime=0.5, lifetime=300):
        from tests.twin import api

        self.tmp = Path(tmp)
        self.state = self.tmp / "twins"
        self.doc = api.start_twins([spec], str(self.state), lifetime=lifetime, reboot_downtime=reboot_downtime)
        self.name = next(iter(self.doc["twins"]))
        self.info = self.doc["twins"][self.name]
        self.inventory = self.state / "inventory.yml"
        self.backups = self.tmp / "backups"
        self.runs = 0

    def stop(self):
        from tests.twin import api

        api.stop_twins(str(self.state))

    # -- twin state ----------------------------------------------------------------------------------------------
    def registry(self):
        return json.loads(Path(self.info["registry_file"]).read_text())

    def status(self):
        try:
            return json.loads(Path(self.info["status_file"]).read_text())
        except (OSError, ValueError):
            return {}

    def faults(self, **changes):
        from tests.twin.faults import Faults

        return Faults(self.state / self.name / "faults.json").update(**changes)

    def wait_running(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status().get("state") == "running":
                return True
            time.sleep(0.2)
        return False

    # -- plays ---------------------------------------------------------------------------------------------------
    def playbook(self, tasks, extra_env=None):
        """Write a play running ``tasks`` (each registered as r0, r1, ...) and dumping them; return its path."""
        self.runs += 1
        out = self.tmp / ("results-%d.json" % self.runs)
        body = []
        for i, task in enumerate(tasks):
            task = dict(task)
            task.setdefault("register", "r%d" % i)
            task.setdefault("ignore_errors", True)
            body.append(task)
        body.append({"name": "dump results", "ansible.builtin.copy": {
            "content": "{{ [%s] | to_json }}" % ", ".join("r%d | default({})" % i for i in range(len(tasks))),
            "dest": str(out), "mode": "0600"}, "delegate_to": "localhost"})
        path = self.tmp / ("play-%d.yml" % self.runs)
        path.write_text(yaml.safe_dump([{"hosts": "twins", "gather_facts": False, "tasks": body}], sort_keys=False))
        return path, out

    def env(self, extra=None):
        env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
                   ANSIBLE_LOCAL_TEMP=str(self.tmp / "ansible-tmp"))
        env.update(extra or {})
        return env

    def start(self, tasks, extra_env=None):
        """Start ansible-playbook in the background; returns (Popen, results path)."""
        path, out = self.playbook(tasks)
        proc = subprocess.Popen([str(VENV_BIN / "ansible-playbook"), "-i", str(self.inventory), str(path)],
                                cwd=str(REPO), env=self.env(extra_env), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        return proc, out

    def run(self, tasks, extra_env=None, timeout=300):
        proc, out = self.start(tasks, extra_env)
        stdout, dummy = proc.communicate(timeout=timeout)
        assert out.exists(), stdout.decode(errors="replace")[-4000:]
        return json.loads(out.read_text()), stdout.decode(errors="replace")


def schannel_task(**options):
    args = {"protocols": {"TLS 1.0": "disabled", "TLS 1.1": "disabled"}}
    args.update(options)
    return {"name": "harden", "tlsops.schannel.win_schannel": args}


def restore_task(path):
    return {"name": "restore", "tlsops.schannel.win_schannel": {"restore": str(path)}}
