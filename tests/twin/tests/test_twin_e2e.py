"""End to end through ``ansible-playbook`` and the collection's action plugins against twins.

Check mode changes nothing, apply changes, a second apply is idempotent, the reboot makes the pending Schannel
change real on the TLS port (and moves the boot time), and a fleet of twenty mixed-version twins answers one run.
"""
from __future__ import annotations

import json
import socket
import ssl

import pytest

from tests.twin.testing import REPO_ROOT, ansible, status

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

HAVE_ACTIONS = all((REPO_ROOT / "plugins" / "action" / f"{m}.py").exists()
                   for m in ("win_schannel", "win_schannel_info", "win_tls_cipher_suites"))
TLS10 = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server"
POLICY = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"

PLAY = """
- hosts: web
  gather_facts: false
  tasks:
    - name: read
      tlsops.schannel.win_schannel_info:
      register: info
    - name: check mode
      tlsops.schannel.win_schannel: {protocols: {TLS 1.0: disabled}}
      check_mode: true
      diff: true
      register: check
    - name: apply
      tlsops.schannel.win_schannel: {protocols: {TLS 1.0: disabled}}
      register: apply
    - name: again
      tlsops.schannel.win_schannel: {protocols: {TLS 1.0: disabled}}
      register: again
    - name: order check
      tlsops.schannel.win_tls_cipher_suites:
        cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]
      check_mode: true
      register: order_check
    - name: order
      tlsops.schannel.win_tls_cipher_suites:
        cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]
      register: order
    - name: order again
      tlsops.schannel.win_tls_cipher_suites:
        cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]
      register: order_again
    - name: reboot
      ansible.windows.win_reboot:
      register: reboot
"""


def _results(proc) -> dict:
    doc = json.loads(proc.stdout)
    out = {}
    for play in doc["plays"]:
        for task in play["tasks"]:
            for host, res in task["hosts"].items():
                out[(host, task["task"]["name"])] = res
    return out


def _tls_cipher(twin, **settings):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    with socket.create_connection((twin["address"], twin["ports"]["https"]), timeout=5) as sock:
        with ctx.wrap_socket(sock) as tls:
            return tls.cipher()[0]


@pytest.mark.skipif(not HAVE_ACTIONS, reason="the collection's action plugins are not there yet")
def test_modules_check_apply_idempotence_and_reboot(start, tmp_path):
    state, doc = start("web:2019")
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAY)
    boot_before = status(state, "web")["boot_filetime"]
    registry_before = (state / "web" / "registry.json").read_text()
    proc = ansible(state, str(playbook), playbook=True, check=False)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    r = _results(proc)
    assert r[("web", "read")]["registry"] is not None
    assert r[("web", "check mode")]["changed"] and r[("web", "apply")]["changed"]
    assert not r[("web", "again")]["changed"]
    assert r[("web", "apply")]["reboot_required"] and r[("web", "apply")]["reboot_reasons"]
    assert r[("web", "order check")]["changed"] and r[("web", "order")]["changed"]
    assert not r[("web", "order again")]["changed"]
    assert r[("web", "reboot")]["rebooted"]
    registry = json.loads((state / "web" / "registry.json").read_text())
    assert registry != json.loads(registry_before)
    assert registry[TLS10]["Enabled"] == {"type": "dword", "data": 0}
    assert registry[POLICY]["Functions"]["type"] == "string"
    after = status(state, "web")
    assert after["boot_filetime"] != boot_before
    assert "TLS 1.0" not in after["served"]["protocols"]
    assert after["served"]["cipher_suites_source"] == "policy"
    assert _tls_cipher(doc["twins"]["web"]) == "ECDHE-RSA-AES128-GCM-SHA256"  # the new server order is served


def test_check_mode_changes_nothing_through_ansible(start, tmp_path):
    """Holds with or without the action plugins: the registry file is untouched by a check-mode run."""
    state, _doc = start("chk:2016")
    before = (state / "chk" / "registry.json").read_text()
    ansible(state, "chk", "-m", "ansible.windows.win_regedit", "--check", "-a",
            json.dumps({"path": "HKLM:\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002",
                        "name": "Functions", "data": "TLS_RSA_WITH_AES_128_CBC_SHA", "type": "string"}))
    assert (state / "chk" / "registry.json").read_text() == before


def test_twenty_twins_of_mixed_versions_answer_one_win_ping_run(start):
    versions = ("2008r2", "2012", "2012r2", "2016", "2019", "2022", "2025")
    specs = [f"f{i:02d}:{versions[i % len(versions)]}" for i in range(20)]
    state, doc = start(*specs, address="127.0.0.2")
    assert len({t["ports"]["winrm_http"] for t in doc["twins"].values()}) == 20
    proc = ansible(state, "all", "-m", "ansible.windows.win_ping", "-f", "20")
    assert proc.stdout.count("SUCCESS") == 20
    inventory = (state / "inventory.yml").read_text()
    assert "windows_2008r2" in inventory and "tlsops_twin_winrm_https_port" in inventory
