# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Windows modules end to end: real ansible-playbook -> action plugin -> WinRM -> twin (Python double of each
.ps1 per docs/dev/contracts.md) -> the twin's persistent registry, and its TLS listeners after a reboot."""
from __future__ import annotations

import socket
import ssl

import pytest

from tests.integration.modules.conftest import SCHANNEL, managed_part, registry, twin_status

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.slow]

POLICY = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"
HARDEN = {"protocols": {"TLS 1.0": "disabled", "TLS 1.1": "disabled"}, "ciphers": {"AES 128/128": "disabled"},
          "dotnet_strong_crypto": "enabled"}


@pytest.fixture(scope="module")
def web19(twin):
    return twin("web19:2019")


def _task(module, args, **extra):
    task = {"tlsops.schannel.%s" % module: args, "register": "r"}
    task.update(extra)
    return task


def test_info_reads_the_twin(web19, play):
    (res,), _ignored = play(web19, [_task("win_schannel_info", {})])
    assert not res.get("failed"), res
    assert res["windows_version"] == "2019"
    assert res["cipher_suites"]["source"] in ("local", "default")
    assert "TLS 1.2" in res["protocols"]["server"]
    assert {b["port"] for b in res["bindings"]} >= {web19["ports"]["winrm_https"]}


def test_check_mode_changes_nothing_then_apply_then_no_change(web19, play):
    before = registry(web19)
    (checked,), _ignored = play(web19, [_task("win_schannel", HARDEN)], check=True, diff=True)
    assert checked["changed"] and not checked.get("failed"), checked
    assert "0x00000000 (dword)" in checked["diff"]["after"]
    assert registry(web19) == before, "check mode wrote to the registry"

    (applied,), _ignored = play(web19, [_task("win_schannel", HARDEN)])
    assert applied["changed"] and applied["reboot_required"] and applied["reboot_reasons"]
    dump = registry(web19)
    assert dump[SCHANNEL + "\\Protocols\\TLS 1.0\\Server"]["Enabled"] == {"type": "dword", "data": 0}
    assert dump[SCHANNEL + "\\Protocols\\TLS 1.1\\Client"]["DisabledByDefault"] == {"type": "dword", "data": 1}

    (again,), _ignored = play(web19, [_task("win_schannel", HARDEN)])
    assert again["changed"] is False and again["backup"] == [], again


def test_key_with_a_slash_lands_under_its_own_name(web19, play):
    (res,), _ignored = play(web19, [_task("win_schannel", {"ciphers": {"RC4 128/128": "disabled"}})])
    assert not res.get("failed"), res
    dump = registry(web19)
    assert dump[SCHANNEL + "\\Ciphers\\RC4 128/128"]["Enabled"]["data"] == 0
    assert SCHANNEL + "\\Ciphers\\RC4 128" not in dump


def test_default_removes_keys(web19, play):
    play(web19, [_task("win_schannel", {"server_protocols": {"SSL 3.0": "disabled"}})])
    assert SCHANNEL + "\\Protocols\\SSL 3.0\\Server" in registry(web19)
    (res,), _ignored = play(web19, [_task("win_schannel", {"server_protocols": {"SSL 3.0": "default"}})])
    assert res["changed"], res
    assert SCHANNEL + "\\Protocols\\SSL 3.0\\Server" not in registry(web19)


def test_backup_and_restore_return_the_exact_previous_state(web19, play, tmp_path):
    before = managed_part(registry(web19))
    args = {"protocols": {"TLS 1.0": "enabled", "SSL 3.0": "disabled"}, "hashes": {"MD5": "disabled"},
            "ciphers": {"Triple DES 168": "disabled", "AES 128/128": "default"}, "backup": True,
            "backup_dir": str(tmp_path / "backups")}
    (applied,), _ignored = play(web19, [_task("win_schannel", args)])
    assert applied["changed"] and applied["backup_file"].startswith(str(tmp_path / "backups"))
    assert managed_part(registry(web19)) != before

    (from_file,), _ignored = play(web19, [_task("win_schannel", {"restore": applied["backup_file"], "guard": False})])
    assert from_file["changed"], from_file
    assert managed_part(registry(web19)) == before

    # the returned list works too, and restoring twice is idempotent
    play(web19, [_task("win_schannel", {k: v for k, v in args.items() if k not in ("backup", "backup_dir")})])
    (from_list,), _ignored = play(web19, [_task("win_schannel", {"restore": applied["backup"]})])
    assert managed_part(registry(web19)) == before
    (again,), _ignored = play(web19, [_task("win_schannel", {"restore": applied["backup"]})])
    assert again["changed"] is False


def test_bad_input_names_the_field_and_writes_nothing(web19, play):
    before = registry(web19)
    (res,), _ignored = play(web19, [_task("win_schannel", {"protocols": {"TLS 1.3": "enabled"}}, ignore_errors=True)])
    assert res["failed"] and res["field"] == "protocols.TLS 1.3"
    (res,), _ignored = play(web19, [_task("win_tls_cipher_suites", {"cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256"],
                                                                    "scope": "policy"}, ignore_errors=True)])
    assert not res.get("failed"), res  # on 2016+ a suffixed name is the bare suite (W32-CS1607), written bare
    (res,), _ignored = play(web19, [_task("win_tls_cipher_suites", {"cipher_suites": ["TLS_NOPE"]}, ignore_errors=True)])
    assert res["failed"] and res["field"] == "cipher_suites[0]"
    after = registry(web19)
    assert managed_part(after) == managed_part(before)


def test_cipher_suites_policy_then_local(web19, play):
    suites = ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    (res,), _ignored = play(web19, [_task("win_tls_cipher_suites", {"cipher_suites": suites, "ecc_curves": ["NistP384",
                                                                                                            "NistP256"]})])
    assert res["changed"] and res["reboot_required"] and res["in_effect"] == "policy"
    dump = registry(web19)
    assert dump[POLICY]["Functions"] == {"type": "string", "data": ",".join(suites)}
    assert dump[POLICY]["EccCurves"] == {"type": "multistring", "data": ["NistP384", "NistP256"]}
    (again,), _ignored = play(web19, [_task("win_tls_cipher_suites", {"cipher_suites": suites,
                                                                      "ecc_curves": ["NistP384", "NistP256"]})])
    assert again["changed"] is False
    (gone,), _ignored = play(web19, [_task("win_tls_cipher_suites", {"state": "absent"})])
    assert gone["changed"] and "Functions" not in registry(web19).get(POLICY, {})
    (local,), _ignored = play(web19, [_task("win_tls_cipher_suites", {"scope": "local", "list_mode": "remove",
                                                                      "cipher_suites": ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"]})])
    assert not local.get("failed") and local["reboot_required"] is False, local
    (info,), _ignored = play(web19, [_task("win_schannel_info", {})])
    assert "TLS_RSA_WITH_3DES_EDE_CBC_SHA" not in info["cipher_suites"]["local"]


def test_local_scope_refused_on_2008r2(twin, play):
    old = twin("old08:2008r2")
    (res,), _ignored = play(old, [_task("win_tls_cipher_suites", {"scope": "local", "cipher_suites": [
        "TLS_RSA_WITH_AES_128_CBC_SHA"]}, ignore_errors=True)])
    assert res["failed"] and res["field"] == "scope"


def _handshake(port):
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            with ctx.wrap_socket(sock) as tls:
                return tls.version()
    except (OSError, ssl.SSLError) as exc:
        return "failed: %s" % exc


def test_guard_blocks_cutting_winrm_https_and_the_cut_is_real(twin, play):
    https = twin("sec19:2019", scheme="https")
    cut = {"protocols": {"TLS 1.2": "disabled"}}
    before = registry(https)
    (refused,), _ignored = play(https, [_task("win_schannel", cut, ignore_errors=True)])
    assert refused["failed"] and "lockout guard refused" in refused["msg"], refused
    assert refused["guard"]["prediction"]["connects"] is False
    assert registry(https) == before

    (forced,), _ignored = play(https, [_task("win_schannel", dict(cut, guard=False))])
    assert forced["changed"] and any("guard: false" in w for w in forced.get("warnings", [])), forced
    assert _handshake(https["ports"]["winrm_https"]).startswith("TLS")  # pending until the reboot

    over_http = ["-e", "ansible_port=%d" % https["ports"]["winrm_http"], "-e", "ansible_winrm_scheme=http"]
    (rebooted,), _ignored = play(https, [{"ansible.windows.win_reboot": {"pre_reboot_delay": 0}}], extra=over_http)
    assert rebooted.get("rebooted"), rebooted
    assert "TLS 1.2" not in twin_status(https)["served"]["protocols"]
    assert _handshake(https["ports"]["winrm_https"]).startswith("failed")
    (ping,), proc = play(https, [{"ansible.windows.win_ping": {}}])
    assert ping.get("unreachable") or ping.get("failed"), ping


def test_a_failed_write_is_rolled_back_and_named(web19, play):
    import subprocess
    import sys

    from tests.integration.modules.conftest import REPO
    target = SCHANNEL + "\\KeyExchangeAlgorithms\\PKCS"  # written last: the cipher and hash writes come first
    before = managed_part(registry(web19))
    subprocess.run([sys.executable, "-m", "tests.twin", "fault", "--state-dir", web19["state"], "--name",
                    web19["name"], "--fail-write", target + "@Enabled"], check=True, capture_output=True, cwd=str(REPO))
    try:
        args = {"hashes": {"SHA": "disabled"}, "ciphers": {"RC2 40/128": "disabled"},
                "key_exchanges": {"PKCS": "disabled"}}
        (res,), _ignored = play(web19, [_task("win_schannel", args, ignore_errors=True)])
    finally:
        subprocess.run([sys.executable, "-m", "tests.twin", "fault", "--state-dir", web19["state"], "--name",
                        web19["name"], "--clear"], check=True, capture_output=True, cwd=str(REPO))
    assert res["failed"] and "PKCS" in res["msg"] and "restored" in res["msg"], res
    assert managed_part(registry(web19)) == before  # the writes before the failing one were undone


def test_reboot_through_the_helper_then_the_change_is_served(twin, play):
    host = twin("rb12:2012r2")
    assert "TLS 1.0" in twin_status(host)["served"]["protocols"]
    args = {"protocols": {"TLS 1.0": "disabled", "TLS 1.2": "enabled"}, "dotnet_strong_crypto": "enabled",
            "reboot": True, "reboot_timeout": 120}
    (res,), _ignored = play(host, [_task("win_schannel", args)])
    assert res["changed"] and res["rebooted"] is True and res["reboot_required"] is False, res
    assert "TLS 1.0" not in res["state_after_reboot"]["protocols"]["server"]
    served = twin_status(host)["served"]["protocols"]
    assert "TLS 1.0" not in served and "TLS 1.2" in served
