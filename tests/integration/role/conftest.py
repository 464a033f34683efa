"""Fixtures for the end-to-end tests of the role and playbooks: twins on 127.0.0.1 and an ansible-playbook runner.

Every twin a test starts exits by itself after ``LIFETIME`` seconds and is stopped by the fixture by PID.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
VENV_BIN = Path(sys.executable).parent
LIFETIME = 240


@pytest.fixture
def twins(tmp_path):
    """Start twins: ``start(["web2008:2008r2::ios_ats_failure", ...])`` -> twins.json document; stopped after."""
    from tests.twin import api

    started = []

    def start(specs, name="twins", **kwargs):
        state = tmp_path / name
        kwargs.setdefault("lifetime", LIFETIME)
        kwargs.setdefault("reboot_downtime", 0.5)
        doc = api.start_twins(specs, str(state), **kwargs)
        started.append(state)
        doc["inventory"] = str(state / "inventory.yml")
        return doc

    yield start
    for state in started:
        api.stop_twins(str(state))


def registry(doc, name) -> dict:
    """The twin's persistent registry (the contract's dump format)."""
    return json.loads(Path(doc["twins"][name]["registry_file"]).read_text())


@pytest.fixture
def playbook(tmp_path):
    """Run one of the collection's playbooks; returns the CompletedProcess (stdout+stderr in ``.stdout``)."""

    def run(name, inventory, extra_vars=None, check=False, args=(), timeout=300):
        vars_file = tmp_path / ("vars-%s-%d.json" % (Path(name).stem, len(list(tmp_path.glob("vars-*")))))
        vars_file.write_text(json.dumps(extra_vars or {}))
        cmd = [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(REPO / "playbooks" / name),
               "-e", "@%s" % vars_file, *args]
        if check:
            cmd.append("--check")
        env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_RETRY_FILES_ENABLED="0",
                   ANSIBLE_HOST_KEY_CHECKING="0", ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
                   PYTHONPATH=os.environ.get("PYTHONPATH", ""))
        return subprocess.run(cmd, check=False, cwd=str(REPO), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout)

    return run


def load_report(directory, name) -> dict:
    return json.loads((Path(directory) / ("%s.json" % name)).read_text())
