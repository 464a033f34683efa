# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the end-to-end tests of the Windows modules: twins on 127.0.0.1 and a real ansible-playbook.

Every twin a test starts exits by itself after ``LIFETIME`` seconds and is stopped by the fixture by PID.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO))  # `tests.twin` importable however pytest is started
VENV_BIN = Path(sys.executable).parent
LIFETIME = 300
SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"


@pytest.fixture(scope="module")
def twin(tmp_path_factory):
    """``twin(spec, scheme="http")`` -> dict with name, state dir, inventory, registry file, ports."""
    from tests.twin import api

    started = []

    def start(spec, scheme="http"):
        state = tmp_path_factory.mktemp("twins")
        doc = api.start_twins([spec], str(state), lifetime=LIFETIME, reboot_downtime=0.5, scheme=scheme)
        started.append(state)
        name = spec.split(":", 1)[0]
        info = dict(doc["twins"][name], name=name, state=str(state), inventory=str(state / "inventory.yml"))
        return info

    yield start
    for state in started:
        api.stop_twins(str(state))


def registry(twin_info) -> dict:
    return json.loads(Path(twin_info["registry_file"]).read_text())


def managed_part(dump) -> dict:
    """The part of a dump under the Schannel root (what these tests change)."""
    return dict((k, v) for k, v in dump.items() if k.lower().startswith(SCHANNEL.lower()))


def twin_status(twin_info) -> dict:
    return json.loads(Path(twin_info["status_file"]).read_text())


@pytest.fixture
def play(tmp_path):
    """``play(twin, tasks, check=False, diff=False, extra=())`` runs one play with the json callback and returns the
    per-task results for the twin (list of dicts, in task order) plus the CompletedProcess."""
    counter = {"n": 0}

    def run(twin_info, tasks, check=False, diff=False, extra=(), host_vars=None):
        counter["n"] += 1
        book = tmp_path / ("play%d.yml" % counter["n"])
        play_doc = [{"hosts": twin_info["name"], "gather_facts": False, "tasks": tasks}]
        if host_vars:
            play_doc[0]["vars"] = host_vars
        book.write_text(yaml.safe_dump(play_doc, sort_keys=False))
        cmd = [str(VENV_BIN / "ansible-playbook"), "-i", twin_info["inventory"], str(book), *extra]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
                   ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_HOST_KEY_CHECKING="0",
                   ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"), ANSIBLE_DEPRECATION_WARNINGS="0")
        proc = subprocess.run(cmd, check=False, cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=300)
        try:
            doc = json.loads(proc.stdout)
        except ValueError:
            raise AssertionError("ansible-playbook did not print JSON (rc %d):\n%s\n%s"
                                 % (proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:]))
        results = [t["hosts"].get(twin_info["name"], {}) for t in doc["plays"][0]["tasks"]]
        return results, proc

    return run
