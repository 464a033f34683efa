"""tls_verify against real TLS servers on 127.0.0.1 (Python ssl, openssl s_server, nginx), cross-checked with
sslyze on the same servers, plus hostile servers and the real ``ansible`` command."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import connection, iana, probe

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
VENV_BIN = Path(sys.executable).parent


def run_probe(servers_or_targets, pki, **options):
    targets = [t if isinstance(t, probe.Target) else probe.Target("127.0.0.1", t.port, "localhost")
               for t in servers_or_targets]
    opts = probe.ProbeOptions(ca_path=str(pki["ca"]), timeout=options.pop("timeout", 3), **options)
    return probe.run(targets, opts)


def names(*codes):
    return [iana.SUITES_BY_CODE[c].name for c in codes]


def sslyze_scan(port: int, tmp_path: Path) -> dict:
    """Accepted and tested suite names per version, from sslyze's JSON."""
    out = tmp_path / ("sslyze-%d.json" % port)
    subprocess.run([sys.executable, "-m", "sslyze", "--quiet", "--json_out=%s" % out, "--sslv3", "--tlsv1",
                    "--tlsv1_1", "--tlsv1_2", "--tlsv1_3", "127.0.0.1:%d" % port], check=True, timeout=60,
                   capture_output=True)
    result = json.loads(out.read_text())["server_scan_results"][0]["scan_result"]
    scans = {"SSL 3.0": "ssl_3_0", "TLS 1.0": "tls_1_0", "TLS 1.1": "tls_1_1", "TLS 1.2": "tls_1_2",
             "TLS 1.3": "tls_1_3"}
    table = {}
    for version, key in scans.items():
        r = result[key + "_cipher_suites"]["result"]
        accepted = {a["cipher_suite"]["name"] for a in r["accepted_cipher_suites"]}
        rejected = {a["cipher_suite"]["name"] for a in r["rejected_cipher_suites"]}
        table[version] = (accepted, accepted | rejected)
    return table


def assert_same_as_sslyze(result, port, tmp_path):
    theirs = sslyze_scan(port, tmp_path)
    compared = 0
    for version, (accepted, tested) in theirs.items():
        ours = set(result.accepted(version))
        assert ours & tested == accepted, version
        compared += len(tested)
    assert compared > 300  # sslyze tests ~400 (version, suite) pairs


def test_2008r2_hardened_server(servers, pki, tmp_path):
    server = servers["r2_hardened"]
    (r,) = run_probe([server], pki, policies=("ios_ats", "http2", "no_legacy"))
    assert r.error is None
    assert {f.code for f in r.findings} == {"protocol_off", "http2_blocklisted_suite"}
    assert r.supported_protocols == ["TLS 1.2"]
    tls12 = r.protocols["TLS 1.2"]
    assert tls12.cipher_suites == names(0xC028, 0xC027, 0xC014, 0xC013)  # the server's order
    assert tls12.server_order is True
    assert r.protocols["TLS 1.0"].outcome == "alert:protocol_version"
    assert r.groups[:2] == ["x25519", "secp256r1"] and "secp384r1" in r.groups
    cert = r.certificate
    assert cert.trusted is True and cert.hostname_match is True and cert.chain_length == 2
    assert cert.chain[0].key_type == "rsa" and cert.chain[0].key_size == 2048 and not cert.sha1_in_chain
    c = r.clients
    assert (c["chrome"].protocol, c["chrome"].cipher_suite, c["chrome"].alpn) == (
        "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "h2")
    assert c["chrome"].http2_blocked is True
    assert c["ie11_win7"].cipher_suite == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"
    assert c["ios9_ats"].connects and c["ios9_ats"].cipher_suite == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"
    assert c["pywinrm"].connects and c["pywinrm"].alpn == "http/1.1"
    assert not c["android44"].http2_blocked  # no ALPN offered
    assert r.policies["ios_ats"].passed is True
    assert r.policies["http2"].passed is False
    assert {v.rule for v in r.policies["http2"].violations} == {"blocklisted_suite_with_h2", "mandatory_suite"}
    assert r.policies["no_legacy"].passed is True
    assert r.connections < 60  # sslyze opens ~570 for the same information
    assert_same_as_sslyze(r, server.port, tmp_path)


def test_broad_client_order_server_and_sslyze(servers, pki, tmp_path):
    server = servers["broad"]
    (r,) = run_probe([server], pki, policies=("mozilla_intermediate", "http2"))
    assert r.supported_protocols == ["TLS 1.2", "TLS 1.3"]
    assert set(r.accepted("TLS 1.3")) == set(names(0x1301, 0x1302, 0x1303))
    assert set(r.accepted("TLS 1.2")) == set(names(0xC030, 0xC02F, 0xCCA8, 0xC028, 0xC027))
    assert r.protocols["TLS 1.2"].server_order is False
    assert r.alpn["h2_tls13"] is True
    assert r.clients["chrome"].protocol == "TLS 1.3" and r.clients["chrome"].alpn == "h2"
    assert r.clients["ie11_win7"].cipher_suite == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"
    moz = r.policies["mozilla_intermediate"]
    assert not moz.passed
    assert {v.rule for v in moz.violations} == {"cipher_suites", "certificate_lifespan"}
    assert r.policies["http2"].passed is True
    assert_same_as_sslyze(r, server.port, tmp_path)


def test_ecdsa_client_order(servers, pki):
    (r,) = run_probe([servers["ecdsa_client_order"]], pki, policies=("mozilla_modern", "ios_ats"))
    assert set(r.accepted("TLS 1.2")) == set(names(0xC009, 0xC02C, 0xC02B))
    assert r.protocols["TLS 1.2"].server_order is False
    leaf = r.certificate.chain[0]
    assert (leaf.key_type, leaf.key_size, leaf.curve) == ("ecdsa", 256, "secp256r1")
    assert r.policies["ios_ats"].passed is True
    modern = r.policies["mozilla_modern"]
    assert [v.message for v in modern.violations] == ["TLS 1.2 is offered; Mozilla 6.0 modern allows only TLS 1.3",
                                                      "none of TLS 1.3 is offered"]
    assert r.clients["chrome"].cipher_suite == "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
    assert r.clients["pywinrm"].connects


def test_sha1_certificate(servers, pki):
    (r,) = run_probe([servers["sha1"]], pki, policies=("ios_ats",))
    cert = r.certificate
    assert cert.sha1_in_chain is True and cert.chain[0].signature_hash == "sha1"
    assert r.clients["ios9_ats"].connects is False
    assert r.clients["ios9_ats"].symptom == "certificate_rejected"
    assert r.clients["chrome"].connects is False  # SSL Labs data: Chrome requires SHA-2
    assert r.clients["firefox"].connects is True
    assert any(v.rule == "certificate_signature" for v in r.policies["ios_ats"].violations)
    assert any(f.code == "certificate_sha1" for f in r.findings)


def test_openssl_s_server_exotic_suites(servers, pki, tmp_path):
    server = servers["openssl"]
    (r,) = run_probe([server], pki)
    assert r.protocols["TLS 1.2"].cipher_suites == names(0xC050, 0x0084, 0x0035, 0xC02F)
    assert r.protocols["TLS 1.2"].server_order is True
    assert_same_as_sslyze(r, server.port, tmp_path)


def test_nginx_http2_trap(servers, pki, tmp_path, have_nginx):
    """scanner-anchors server A: h2 over blocklisted CBC suites, which neither sslyze nor testssl reports."""
    server = servers["nginx"]
    (r,) = run_probe([server], pki, policies=("http2",))
    assert r.protocols["TLS 1.2"].cipher_suites == names(0xC027, 0xC014, 0x002F)
    assert r.groups == ["secp256r1", "secp384r1"]
    assert r.alpn["h2_with_blocklisted_suite"] == "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"
    blocked = {k for k, c in r.clients.items() if c.http2_blocked}
    assert blocked == {"ios9_ats", "safari9", "safari15", "ie11_win10", "chrome", "firefox", "curl_openssl3"}
    assert r.policies["http2"].passed is False
    assert_same_as_sslyze(r, server.port, tmp_path)


def test_modern_server_passes_everything_it_should(servers, pki):
    (r,) = run_probe([servers["modern"]], pki, policies=("ios_ats", "http2", "pci_dss_4", "no_legacy"))
    assert all(p.passed for p in r.policies.values()), {k: p.violations for k, p in r.policies.items()}
    assert r.clients["ie11_win7"].connects is False  # IE 11 / Win 7 has no ECDHE_RSA GCM
    assert r.clients["ie11_win7"].symptom == "alert:handshake_failure"


def test_sslv2_server_is_seen_in_one_connection(servers, pki):
    """Windows Server 2008 R2 has the SSL 2.0 server on by default (schannel-facts §3); OpenSSL cannot offer it,
    so sslyze needs its bundled OpenSSL 1.0.2 and testssl its own sockets. One raw CLIENT-HELLO lists all of it."""
    (r,) = run_probe([servers["sslv2"]], pki, policies=("no_legacy", "pci_dss_4", "ios_ats"))
    ssl2 = r.protocols["SSL 2.0"]
    assert ssl2.supported is True and ssl2.connections == 1
    assert ssl2.cipher_suites == ["SSL_CK_RC4_128_WITH_MD5", "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
                                  "SSL_CK_RC4_128_EXPORT40_WITH_MD5"]  # the server's list, in its order
    assert r.supported_protocols == ["SSL 2.0"]  # every TLS hello was reset
    codes = {f.code for f in r.findings}
    assert "sslv2_enabled" in codes and "tcp_reset_after_client_hello" not in codes
    assert not r.policies["no_legacy"].passed and not r.policies["pci_dss_4"].passed
    assert not r.policies["ios_ats"].passed
    assert r.failed


def test_tls_servers_do_not_speak_sslv2(servers, pki):
    for name in ("r2_hardened", "openssl"):
        (r,) = run_probe([servers[name]], pki)
        ssl2 = r.protocols["SSL 2.0"]
        assert ssl2.supported is False and ssl2.connections == 1 and ssl2.outcome, (name, ssl2)
        assert "SSL 2.0" not in r.supported_protocols


def test_hostile_and_broken_servers_in_one_batch(servers, pki):
    kinds = ["reset", "silent", "http", "garbage", "badlen", "endless", "drip"]
    targets = [probe.Target("127.0.0.1", servers[k].port, "localhost") for k in kinds]
    targets.append(probe.Target("127.0.0.1", servers["r2_hardened"].port, "localhost"))
    started = time.monotonic()
    results = run_probe(targets, pki, timeout=1.5)
    elapsed = time.monotonic() - started
    codes = {k: {f.code for f in r.findings} for k, r in zip(kinds, results)}
    assert "tcp_reset_after_client_hello" in codes["reset"]
    assert "no_answer" in codes["silent"]
    assert "plaintext_http" in codes["http"]
    assert "not_tls" in codes["garbage"]
    assert "not_tls" in codes["badlen"]
    assert "not_tls" in codes["endless"]
    assert "no_answer" in codes["drip"]
    assert all(r.failed or r.supported_protocols == [] for r in results[:-1])
    good = results[-1]
    assert good.supported_protocols == ["TLS 1.2"] and not good.failed  # one bad target never fails the others
    assert elapsed < 10


def test_unresolvable_and_refused(monkeypatch, pki):
    import socket

    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "no-such-host.test":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(connection.socket, "getaddrinfo", fake)
    bad, refused = run_probe([probe.Target("no-such-host.test", 443), probe.Target("127.0.0.1", 1)], pki)
    assert bad.failed and bad.findings[0].code == "unresolvable" and bad.connections == 0
    assert refused.failed and refused.findings[0].code == "port_closed"
    for raw, text in (({"host": "x", "port": 70000}, "out of range"), ({"host": "", "port": 1}, "non-empty"),
                      ({"host": "x", "port": "abc"}, "not a number")):
        with pytest.raises(ValueError, match=text):
            probe.validate_target(raw)


def test_prediction_mismatch(servers, pki):
    expect = {
        "chrome": {"connects": True, "protocol": "TLS 1.2", "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                   "reason": None, "symptom": None},
        "ie11_win7": {"connects": True, "protocol": "TLS 1.2", "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                      "reason": None, "symptom": None},
        "android44": {"connects": False, "protocol": None, "cipher_suite": None, "reason": "x", "symptom": "tcp_reset"},
    }
    (r,) = run_probe([servers["r2_hardened"]], pki, expect=expect)
    mismatches = {f.evidence["client"]: f for f in r.findings if f.code == "prediction_mismatch"}
    assert set(mismatches) == {"chrome", "android44"}
    assert mismatches["chrome"].evidence["differences"] == {
        "cipher_suite": {"predicted": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                         "observed": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"}}


def _ansible(args, env_extra=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    env["ANSIBLE_NOCOLOR"] = "1"
    env["ANSIBLE_LOAD_CALLBACK_PLUGINS"] = "1"
    env["ANSIBLE_STDOUT_CALLBACK"] = "json"
    env["ANSIBLE_LOCALHOST_WARNING"] = "0"
    env["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "0"
    proc = subprocess.run(check=False, args=[str(VENV_BIN / "ansible"), "localhost", "-m", "tlsops.schannel.tls_verify", "-a", args],
                          capture_output=True, text=True, env=env, timeout=90, cwd=str(REPO))
    data = json.loads(proc.stdout[proc.stdout.index("{"):])
    return proc.returncode, data["plays"][0]["tasks"][0]["hosts"]["localhost"]


def test_ansible_ios_ats_fails_on_tls10_and_passes_when_hardened(servers, pki):
    env = {"SSL_CERT_FILE": str(pki["ca"])}  # the system default bundle, pointed at the test CA
    rc, res = _ansible("host=127.0.0.1 port=%d assert=ios_ats" % servers["r2_tls10"].port, env)
    assert rc != 0 and res["failed"] is True
    assert "ios_ats failed: ATS requires TLS 1.2, which the server does not offer (offered: TLS 1.0)" in res["msg"]
    assert "an ATS client (iOS 9) cannot connect" in res["msg"]
    rc, res = _ansible("host=127.0.0.1 port=%d assert=ios_ats" % servers["r2_hardened"].port, env)
    assert rc == 0, res.get("msg")
    assert res["results"][0]["policies"]["ios_ats"]["passed"] is True
    assert res["results"][0]["certificate"]["trusted"] is True


def test_ansible_batch_with_bad_entries(servers, pki):
    port = servers["r2_hardened"].port
    targets = [{"host": "127.0.0.1", "port": port}, {"host": "127.0.0.1", "port": 70000},
               {"host": "127.0.0.1", "port": port}]
    args = json.dumps({"targets": targets, "report": ["no_legacy"], "ca_path": str(pki["ca"]),
                       "clients": ["chrome", "pywinrm"]})
    rc, res = _ansible(args)
    assert rc != 0
    by_port = {r["port"]: r for r in res["results"]}
    # one result per target, in the order given: the duplicate is probed once and its result repeated
    assert [r["port"] for r in res["results"]] == [port, 70000, port]
    assert res["results"][0] == res["results"][2]
    assert any("duplicate target" in w for w in res.get("warnings", []))
    assert by_port[port]["failed"] is False and by_port[port]["policies"]["no_legacy"]["passed"]
    assert by_port[70000]["failed"] is True and "out of range" in by_port[70000]["error"]
    assert res["failed_targets"] == ["127.0.0.1:70000"]
    rc, res = _ansible("host=127.0.0.1 port=%d assert=no_such_policy" % port)
    assert rc != 0 and "no_such_policy" in res["msg"] and "ios_ats" in res["msg"]


def test_ansible_timeout_bounds_and_capped_message(servers, pki):
    """issue 16 item 5: timeout above 300 s is refused, a tiny one does not blame the server, msg is capped."""
    rc, res = _ansible("host=127.0.0.1 port=1 timeout=301")
    assert rc != 0 and res["msg"].startswith("timeout 301 s is above the maximum of 300 s")
    assert "results" not in res  # refused before any connection
    rc, res = _ansible("host=127.0.0.1 port=%d timeout=0.01 groups=false clients=chrome" % servers["silent"].port)
    assert rc != 0
    assert any("below 0.05 s" in w for w in res.get("warnings", []))
    assert "says nothing about the server; raise timeout" in res["msg"]
    assert "overloaded server" not in res["msg"] and "middlebox" not in res["msg"]
    # twelve closed ports: one line per failed target, ten named, then a count
    targets = [{"host": "127.0.0.1", "port": p} for p in range(1, 13)]
    rc, res = _ansible(json.dumps({"targets": targets, "clients": ["chrome"], "groups": False}))
    assert rc != 0 and len(res["results"]) == 12 and len(res["failed_targets"]) == 12
    lines = res["msg"].split("\n")
    assert len(lines) == 11 and lines[-1] == "... and 2 more failed targets (see failed_targets and results)"
    assert all(line.startswith("127.0.0.1:%d: " % p) for line, p in zip(lines, range(1, 11)))
