"""What a server enforces, against real servers on 127.0.0.1 whose configuration makes it matter (issue 19,
review-2026-12 §5): ChaCha20 priority in server order, the DH prime behind each accepted DHE family, SNI, client
certificates, and reasons instead of "not supported" when something could not be tested. Each is cross-checked in
the same test with ``openssl s_client`` (Debian's openssl) and, where it reports the fact, sslyze.

Servers: ``openssl s_server`` (``-prioritize_chacha``, ``-dhparam``, ``-servername/-cert2``, ``-Verify``) and the
Python ``ssl`` server of tls_servers.py (``--require-sni``); all bind 127.0.0.1, exit by themselves after
tls_fixtures.LIFETIME seconds and are stopped by PID at the end of the test."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tls_fixtures as tf
from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana, probe

pytestmark = pytest.mark.integration

# RFC 2409 Oakley group 2: the 1024-bit MODP prime old Apache/IIS set-ups served for DHE
OAKLEY_1024 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A"
    "431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24"
    "117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)


def names(*codes):
    return [iana.SUITES_BY_CODE[c].name for c in codes]


def run_probe(port, pki, sni="localhost", **options):
    opts = probe.ProbeOptions(ca_path=str(pki["ca"]), timeout=3, **options)
    (result,) = probe.run([probe.Target("127.0.0.1", port, sni)], opts)
    return result


def s_client(port, *args):
    """openssl s_client's whole output (stdout + stderr) for one handshake; stdin closed so it ends."""
    proc = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port] + list(args),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20, check=False)
    return proc.stdout + proc.stderr


def s_client_cipher(port, *args):
    match = re.search(r"Cipher is (\S+)", s_client(port, *args))
    return match.group(1) if match else None


def sslyze_json(port, tmp_path, *commands):
    out = tmp_path / ("sslyze-%d.json" % port)
    subprocess.run([sys.executable, "-m", "sslyze", "--quiet", "--json_out=%s" % out] + list(commands)
                   + ["127.0.0.1:%d" % port], check=True, timeout=90, capture_output=True)
    return json.loads(out.read_text())["server_scan_results"][0]


@pytest.fixture
def started(tmp_path):
    """Servers started by a test, stopped by PID when it ends."""
    running = []

    def start(server):
        running.append(server)
        return server
    yield start
    for server in running:
        server.stop()


@pytest.fixture(scope="module")
def dhparams(tmp_path_factory):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import dh

    d = tmp_path_factory.mktemp("dh")
    weak = d / "dh1024.pem"
    weak.write_bytes(dh.DHParameterNumbers(OAKLEY_1024, 2).parameters().parameter_bytes(
        serialization.Encoding.PEM, serialization.ParameterFormat.PKCS3))
    strong = d / "dh2048.pem"
    subprocess.run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "dh_param:ffdhe2048",
                    "-out", str(strong)], check=True, capture_output=True)
    return {1024: weak, 2048: strong}


@pytest.fixture(scope="module")
def other_name(tmp_path_factory, pki):
    """A second leaf for www.example.test, issued by the same test intermediate (s_server -cert2)."""
    d = tmp_path_factory.mktemp("sni")
    key, csr, leaf = d / "www.key", d / "www.csr", d / "www.pem"
    subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
                    "-subj", "/CN=www.example.test"], check=True, capture_output=True)
    (d / "ext").write_text("subjectAltName=DNS:www.example.test\nextendedKeyUsage=serverAuth\n")
    workdir = Path(pki["ca"]).parent
    subprocess.run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(workdir / "intermediate.pem"), "-CAkey",
                    str(workdir / "intermediate.key"), "-CAcreateserial", "-days", "90", "-sha256", "-extfile",
                    str(d / "ext"), "-out", str(leaf)], check=True, capture_output=True)
    leaf.write_bytes(leaf.read_bytes() + (workdir / "intermediate.pem").read_bytes())
    return {"cert": leaf, "key": key}


# --- 1. server order with ChaCha20 priority -----------------------------------------------------------------------

CHACHA_TLS12 = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305"
CHACHA_TLS13 = "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"


@pytest.mark.parametrize("prioritize", [True, False])
def test_server_order_with_chacha_priority(tmp_path, pki, started, prioritize):
    """review §5.1: s_server -serverpref -prioritize_chacha was reported as client order."""
    extra = ["-ciphersuites", CHACHA_TLS13] + (["-prioritize_chacha"] if prioritize else [])
    server = started(tf.openssl_server(tmp_path, pki, CHACHA_TLS12, protocol=None, extra=extra))
    r = run_probe(server.port, pki)
    order = "server_chacha_priority" if prioritize else "server"
    tls12, tls13 = r.protocols["TLS 1.2"], r.protocols["TLS 1.3"]
    assert tls12.cipher_suites == names(0xC030, 0xC02F, 0xCCA8)  # the server's own order, not ChaCha20 early
    assert (tls12.order, tls12.server_order) == (order, True)
    assert tls13.cipher_suites == names(0x1302, 0x1301, 0x1303)
    assert (tls13.order, tls13.server_order) == (order, True)
    # openssl s_client: a client listing ChaCha20 first gets it only from the prioritising server; a client
    # listing AES-128 first gets the server's first choice from both (so it is server order, not client order)
    chacha_first = s_client_cipher(server.port, "-tls1_2", "-cipher",
                                   "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384")
    assert chacha_first == ("ECDHE-RSA-CHACHA20-POLY1305" if prioritize else "ECDHE-RSA-AES256-GCM-SHA384")
    assert s_client_cipher(server.port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:"
                           "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384") == "ECDHE-RSA-AES256-GCM-SHA384"
    chacha13 = s_client_cipher(server.port, "-tls1_3", "-ciphersuites",
                               "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384")
    assert chacha13 == ("TLS_CHACHA20_POLY1305_SHA256" if prioritize else "TLS_AES_256_GCM_SHA384")


# --- 2. the DH prime behind every accepted DHE family --------------------------------------------------------------

# Server order puts ECDHE first, so no simulated client picks the DHE suite (IE 11 / Windows 7 gets ECDHE-RSA CBC):
# before, the DH prime was read only from simulated clients and a 1024-bit group went unmeasured.
DHE_LAST = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:DHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0"


@pytest.mark.parametrize("bits", [1024, 2048])
def test_dh_prime_is_measured_when_no_client_picks_dhe(tmp_path, pki, started, dhparams, bits):
    server = started(tf.openssl_server(tmp_path, pki, DHE_LAST, extra=["-dhparam", str(dhparams[bits])]))
    r = run_probe(server.port, pki, policies=("mozilla_intermediate", "pci_dss_4"))
    assert "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" in r.accepted("TLS 1.2")
    assert not any(c.dh_bits for c in r.clients.values())  # no simulated client measured it
    dhe = [k for k in r.key_exchange if k.kind == "DHE"]
    assert [(k.name, k.bits, k.cipher_suite, k.source) for k in dhe] == [
        ("DHE_RSA", bits, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "probe")]
    assert ("ECDHE", "x25519", 253) in {(k.kind, k.name, k.bits) for k in r.key_exchange}
    for name in ("mozilla_intermediate", "pci_dss_4"):
        rules = {v.rule for v in r.policies[name].violations}
        assert ("dh_size" in rules) is (bits < 2048), (name, rules)
    # openssl s_client offering only the DHE suite sees the same prime; so does sslyze
    out = s_client(server.port, "-tls1_2", "-cipher", "DHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0")
    assert re.search(r"Server Temp Key: DH, (\d+) bits", out).group(1) == str(bits)
    scan = sslyze_json(server.port, tmp_path, "--tlsv1_2")
    accepted = scan["scan_result"]["tls_1_2_cipher_suites"]["result"]["accepted_cipher_suites"]
    sizes = {a["cipher_suite"]["name"]: (a.get("ephemeral_key") or {}).get("size") for a in accepted}
    assert sizes["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"] == bits
    assert set(r.accepted("TLS 1.2")) == set(sizes)


# --- 3. SNI ------------------------------------------------------------------------------------------------------

def test_certificate_differs_without_a_server_name(tmp_path, pki, started, other_name):
    server = started(tf.openssl_server(tmp_path, pki, "HIGH", protocol=None, extra=[
        "-servername", "www.example.test", "-cert2", str(other_name["cert"]), "-key2", str(other_name["key"])]))
    r = run_probe(server.port, pki, sni="www.example.test")
    check = r.sni_check
    assert r.certificate.chain[0].subject == "CN=www.example.test" and r.certificate.hostname_match
    assert (check.tested, check.required, check.name_recognized, check.certificate_differs) == (True, False, True, True)
    assert check.without_name == "hello" and check.without_name_certificate.startswith("CN=localhost")
    assert "sni_certificate_differs" in {f.code for f in r.findings}
    assert r.supported_protocols == ["TLS 1.2", "TLS 1.3"]
    # openssl s_client: the same two certificates
    assert "subject=CN = www.example.test" in s_client(server.port, "-servername", "www.example.test")
    assert "subject=CN = localhost" in s_client(server.port, "-noservername")


@pytest.mark.parametrize("fatal", [False, True])
def test_unknown_server_name(tmp_path, pki, started, other_name, fatal):
    """s_server warns unrecognized_name for a name it does not know (TLS 1.2) and goes on; with
    -servername_fatal it refuses. Before, the warning ended every hello: every version looked refused."""
    extra = ["-servername", "www.example.test", "-cert2", str(other_name["cert"]), "-key2", str(other_name["key"])]
    server = started(tf.openssl_server(tmp_path, pki, "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA",
                                       extra=extra + (["-servername_fatal"] if fatal else [])))
    r = run_probe(server.port, pki, sni="localhost")
    codes = {f.code for f in r.findings}
    out = s_client(server.port, "-servername", "localhost")
    if fatal:
        assert r.failed and r.supported_protocols == [] and "sni_unrecognized" in codes
        assert "no_shared_suite" not in codes and "unrecognized name" in out
        assert r.connections == 1  # nothing is enumerated behind a name the server refuses
    else:
        assert r.supported_protocols == ["TLS 1.2"]
        assert r.accepted("TLS 1.2") == names(0xC02F, 0x002F)
        assert r.sni_check.name_recognized is False and "sni_name_unrecognized" in codes
        assert "subject=CN = localhost" in out and "Cipher is ECDHE-RSA-AES128-GCM-SHA256" in out


def test_server_that_requires_sni(tmp_path, pki, started):
    server = started(tf.tls_server(tmp_path, pki, min_version="1.2", max_version="1.3", require_sni="localhost"))
    r = run_probe(server.port, pki, sni="localhost")
    assert r.supported_protocols == ["TLS 1.2", "TLS 1.3"] and not r.failed
    assert (r.sni_check.required, r.sni_check.without_name) == (True, "alert:unrecognized_name")
    assert "sni_required" in {f.code for f in r.findings}
    by_ip = run_probe(server.port, pki, sni=None)  # the review's case: probed by address, no name
    codes = {f.code for f in by_ip.findings}
    assert by_ip.failed and "sni_required" in codes and "no_shared_suite" not in codes
    assert by_ip.sni_check.required is True
    # openssl s_client: refused without a name, served with it
    assert "unrecognized name" in s_client(server.port, "-noservername")
    assert "subject=CN = localhost" in s_client(server.port, "-servername", "localhost")


# --- 4. client certificates --------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode, protocol", [("-Verify", None), ("-Verify", "-tls1_2"), ("-verify", None)])
def test_client_certificate_request(tmp_path, pki, started, mode, protocol):
    ciphers = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA"
    server = started(tf.openssl_server(tmp_path, pki, ciphers, protocol=protocol,
                                       extra=[mode, "1", "-CAfile", str(pki["ca"]),
                                              "-cert_chain", str(Path(pki["ca"]).parent / "intermediate.pem")]))
    r = run_probe(server.port, pki)
    required = mode == "-Verify"
    cc = r.client_certificate
    assert (cc.requested, cc.required) == (True, required), (cc, r.untested, r.certificate)
    assert cc.ca_names == ["CN=tlsops test root"]
    # the protocols and suites are what they are without client authentication
    assert r.supported_protocols == (["TLS 1.2"] if protocol else ["TLS 1.2", "TLS 1.3"])
    assert r.accepted("TLS 1.2") == names(0xC02F, 0xC014)
    codes = {f.code for f in r.findings}
    if required:
        assert "client_certificate_required" in codes and "controller_locked_out" not in codes
        assert all(not c.connects and c.symptom == "client_certificate_required"
                   for c in r.clients.values() if c.protocol)
        assert cc.alert == ("handshake_failure" if protocol else "certificate_required")
    else:
        assert "client_certificate_requested" in codes and r.clients["chrome"].connects
    if required and protocol:  # TLS 1.2: the validation handshake cannot finish without a certificate
        assert "client certificate" in r.untested["certificate_trust"]
        assert r.certificate.trusted is None and r.certificate.chain[0].subject == "CN=localhost"
    # openssl s_client lists the same CA; sslyze says REQUIRED / OPTIONAL and sees the same suites
    assert "Acceptable client certificate CA names\nCN = tlsops test root" in s_client(server.port)
    scan = sslyze_json(server.port, tmp_path, "--tlsv1_2")
    assert scan["connectivity_result"]["client_auth_requirement"] == ("REQUIRED" if required else "OPTIONAL")
    accepted = scan["scan_result"]["tls_1_2_cipher_suites"]["result"]["accepted_cipher_suites"]
    assert {a["cipher_suite"]["name"] for a in accepted} == set(r.accepted("TLS 1.2"))


# --- 5. reasons instead of "not supported" ------------------------------------------------------------------------

def test_ssl3_refusal_is_not_blamed_on_the_suites(tmp_path, pki, started):
    """review §5.5: Debian's OpenSSL 3 has no SSL 3.0 and answers an SSL 3.0 hello with handshake_failure; the
    hello offered AES128-SHA, which the server accepts under TLS 1.2, so the suites are not the reason."""
    server = started(tf.openssl_server(tmp_path, pki, "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA"))
    r = run_probe(server.port, pki)
    ssl3 = r.protocols["SSL 3.0"]
    assert ssl3.supported is False and ssl3.tested and ssl3.outcome == "alert:handshake_failure"
    (text,) = [f.message for f in r.findings if f.evidence.get("protocol") == "SSL 3.0"]
    assert "does not speak SSL 3.0, the suites are not the reason" in text and "no shared suite" not in text
    scan = sslyze_json(server.port, tmp_path, "--sslv3")  # sslyze's own OpenSSL 1.0.2 speaks SSL 3.0
    assert scan["scan_result"]["ssl_3_0_cipher_suites"]["result"]["is_tls_version_supported"] is False
    assert "no protocols available" in s_client(server.port, "-ssl3") or "unknown option" in s_client(
        server.port, "-ssl3").lower() or "-ssl3" in s_client(server.port, "-ssl3")


# --- what the server accepts against the Windows release it should be (h15's request, issue 15.3) -----------------

def test_suite_the_windows_version_does_not_offer(tmp_path, pki, started):
    """ECDHE-RSA with AES-GCM does not exist on 2008 R2 (Schannel has it from 2016): a "2008 R2" that accepts it is
    not 2008 R2, or something in front of it answers."""
    server = started(tf.tls_server(tmp_path, pki, ciphers="ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA",
                                   min_version="1.2", max_version="1.2", server_order=True))
    r = run_probe(server.port, pki, windows_version="2008r2")
    (finding,) = [f for f in r.findings if f.code == "suite_not_in_windows_version"]
    assert finding.evidence["suite"] == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    assert "Windows Server 2008 R2 does not offer" in finding.message and "check windows_version" in finding.message
    assert finding.evidence["nearest"]  # names that release does offer
    r = run_probe(server.port, pki, windows_version="2019")
    assert not [f for f in r.findings if f.code == "suite_not_in_windows_version"], r.findings
    # OpenSSL also serves X448, which no Windows release has (2016+ have a curve list to compare with)
    assert [f.evidence["group"] for f in r.findings if f.code == "group_not_in_windows_version"] == ["x448"]
    # the same suite and group seen by openssl s_client
    assert s_client_cipher(server.port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256") == \
        "ECDHE-RSA-AES128-GCM-SHA256"
    assert "Server Temp Key: X448" in s_client(server.port, "-tls1_2", "-groups", "X448")


def test_module_refuses_an_unknown_windows_version_before_any_connection(servers):
    from test_tls_verify import _ansible

    rc, res = _ansible("host=127.0.0.1 port=%d windows_version=2009" % servers["silent"].port)
    assert rc != 0 and "windows_version" in res["msg"] and "results" not in res


# --- the same as people deploy it: one nginx ------------------------------------------------------------------------

NGINX_ENFORCING = """
daemon off;
master_process on;
worker_processes 1;
user root;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/cb; proxy_temp_path {prefix}/px; fastcgi_temp_path {prefix}/fc;
  uwsgi_temp_path {prefix}/uw; scgi_temp_path {prefix}/sc;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_ciphers {ciphers};
  ssl_prefer_server_ciphers on;
  ssl_conf_command Options PrioritizeChaCha;
  ssl_conf_command Ciphersuites {suites};
  server {{  # no name, or a name nginx does not serve: refuse the handshake (unrecognized_name)
    listen 127.0.0.1:{port} ssl default_server;
    ssl_reject_handshake on;
  }}
  server {{
    listen 127.0.0.1:{port} ssl;
    server_name localhost;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_verify_client on;
    ssl_client_certificate {ca};
    location / {{ return 200 "ok"; }}
  }}
}}
"""


def test_nginx_requiring_sni_and_client_certificates_with_chacha_priority(tmp_path, pki, started, have_nginx):
    """review §5's cases 1, 3 and 4 in one nginx: server order with PrioritizeChaCha, ssl_reject_handshake for
    hellos without the name, ssl_verify_client on (which lets the TLS handshake finish and answers the HTTP request
    with 400)."""
    port = tf.free_port()
    prefix = tmp_path / "nginx"
    server = started(tf.nginx_process(prefix, NGINX_ENFORCING.format(
        prefix=prefix, port=port, cert=pki["rsa"], key=pki["rsa_key"], ca=pki["ca"], ciphers=CHACHA_TLS12,
        suites=CHACHA_TLS13), port))
    r = run_probe(server.port, pki, sni="localhost")
    assert r.supported_protocols == ["TLS 1.2", "TLS 1.3"]
    assert r.accepted("TLS 1.2") == names(0xC030, 0xC02F, 0xCCA8)
    assert {v: r.protocols[v].order for v in ("TLS 1.2", "TLS 1.3")} == {
        "TLS 1.2": "server_chacha_priority", "TLS 1.3": "server_chacha_priority"}
    assert (r.sni_check.required, r.sni_check.without_name) == (True, "alert:unrecognized_name")
    cc = r.client_certificate
    assert (cc.requested, cc.required, cc.ca_names) == (True, True, ["CN=tlsops test root"])
    # nginx finishes the TLS handshake without a certificate and refuses at the HTTP layer
    assert cc.alert is None and "400 Bad Request: 400 No required SSL certificate was sent" in cc.detail
    assert not any(c.connects for c in r.clients.values())
    codes = {f.code for f in r.findings}
    assert {"sni_required", "client_certificate_required"} <= codes and "no_shared_suite" not in codes
    # openssl s_client: ChaCha20 first gets ChaCha20, no name is refused, the CA list is the test root
    assert s_client_cipher(server.port, "-servername", "localhost", "-tls1_2", "-cipher",
                           "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384") == "ECDHE-RSA-CHACHA20-POLY1305"
    assert "unrecognized name" in s_client(server.port, "-noservername")
    assert "Acceptable client certificate CA names\nCN = tlsops test root" in s_client(
        server.port, "-servername", "localhost")
