"""Secrets: the WinRM password never appears in results, reports, logs or backups, even at -vvv; backups and
reports are written 0600 in 0700 folders.

One harden run (the role: info, plan, apply, backup, reboot, verify, report) against a twin whose password is
unique to this test, with -vvv and ANSIBLE_LOG_PATH, then every byte of output and every file the run wrote is
searched for the password (and its base64 and UTF-16 forms, as a Basic header or a PowerShell payload would carry
it). The twin's own inventory and twins.json hold the password by design and are not searched.
"""
from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def forms(secret):
    return [secret.encode(), secret.encode("utf-16-le"), base64.b64encode(("ansible:%s" % secret).encode()),
            base64.b64encode(secret.encode())]


def test_password_never_leaks_and_files_are_private(tmp_path):
    from tests.twin import api

    secret = "S3cr3t-%s!" % uuid.uuid4().hex
    state = tmp_path / "twins"
    doc = api.start_twins([{"name": "sec01", "version": "2008r2", "scenario": "ios_ats_failure", "password": secret}],
                          str(state), lifetime=300, reboot_downtime=0.5)
    try:
        out_dir = tmp_path / "out"
        extra = {"schannel_target": "twins", "schannel_profile": "ios_ats",
                 "schannel_verify": {"endpoints": [{"port": "{{ tlsops_twin_https_port }}"}], "policies": ["ios_ats"],
                                     "clients": ["ios9_ats"], "validate_certs": False},  # twins: self-signed
                 "schannel_backup_dir": str(out_dir / "backups"), "schannel_report_dir": str(out_dir / "reports")}
        vars_file = tmp_path / "vars.json"
        vars_file.write_text(json.dumps(extra))
        log = out_dir / "ansible.log"
        out_dir.mkdir()
        env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOG_PATH=str(log), ANSIBLE_RETRY_FILES_ENABLED="0",
                   ANSIBLE_LOCAL_TEMP=str(out_dir / "ansible-tmp"))
        proc = subprocess.run([str(VENV_BIN / "ansible-playbook"), "-vvv", "-i", str(state / "inventory.yml"),
                               str(REPO / "playbooks" / "harden.yml"), "-e", "@%s" % vars_file],
                              cwd=str(REPO), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=400,
                              check=False)
        assert proc.returncode == 0, proc.stdout[-4000:].decode(errors="replace")
        assert b"sec01" in proc.stdout and log.exists()  # the run did happen and was logged
        for needle in forms(secret):
            assert needle not in proc.stdout, "password in ansible-playbook -vvv output"
        written = [p for p in out_dir.rglob("*") if p.is_file()]
        assert any("backups" in str(p) for p in written) and any("reports" in str(p) for p in written)
        for path in written:
            data = path.read_bytes()
            for needle in forms(secret):
                assert needle not in data, "password in %s" % path
        # backups and reports: 0600 files in 0700 folders
        for path in written:
            if "backups" in path.parts or "reports" in path.parts:
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
                assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700, path.parent
        # the twin's registry (what the host holds) has no password either
        registry = Path(doc["twins"]["sec01"]["registry_file"]).read_bytes()
        assert secret.encode() not in registry
    finally:
        api.stop_twins(str(state))
