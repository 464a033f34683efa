"""schannel_plan through the real `ansible` command line, as the README and issue show it.

It runs the CLI of the venv that runs pytest, so it lives with the integration tests (ansible-test units has no
`ansible` command in its own environment).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


@pytest.mark.integration
def test_adhoc_command_predicts_ios9_ats_connects_on_2008r2():
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, ".cache", "collections"),
               ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_LOAD_CALLBACK_PLUGINS="1")
    ansible = os.path.join(os.path.dirname(sys.executable), "ansible")
    out = subprocess.run([ansible, "localhost", "-m", "tlsops.schannel.schannel_plan", "-a",
                          "profile=ios_ats windows_version=2008r2 certificate_key=rsa:2048"],
                         capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False)
    data = json.loads(out.stdout)
    result = data["plays"][0]["tasks"][0]["hosts"]["localhost"]
    assert result["predictions"]["ios9_ats"]["connects"] is True
