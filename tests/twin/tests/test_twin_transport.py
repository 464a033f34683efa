"""WinRM and TLS against running twins: pywinrm, ansible ad-hoc, the Schannel gate (RST), faults, lifetime.

The twins' WinRM listeners are a stock Windows host's: NTLM with message encryption over HTTP, NTLM over HTTPS,
Basic and plain SOAP refused unless a twin is started with ``winrm_basic``.
"""
from __future__ import annotations

import base64
import json
import socket
import ssl
import subprocess
import sys
import time

import pytest
import requests
import spnego
import spnego.channel_bindings
import winrm
import winrm.exceptions

from tests.twin import api
from tests.twin.testing import REPO_ROOT, ansible, client_hello, status

pytestmark = pytest.mark.integration

SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"


@pytest.fixture(scope="module")
def pair(start):
    return start("web:2019", "old:2008r2::ios_ats_failure", "ec:2022:ecdsa:p256")


def session(doc, name, scheme="http", transport="ntlm", encryption="auto", password=None, ca=True):
    """A pywinrm session as a user writes it for a Windows host: NTLM, certificate validated against the CA."""
    twin = doc["twins"][name]
    port = twin["ports"]["winrm_https" if scheme == "https" else "winrm_http"]
    return winrm.Session(f"{scheme}://{twin['address']}:{port}/wsman", auth=(twin["user"], password or twin["password"]),
                         transport=transport, message_encryption=encryption, server_cert_validation="validate",
                         ca_trust_path=twin["ca_file"] if ca else None, operation_timeout_sec=5, read_timeout_sec=10)


def test_ntlm_with_message_encryption_is_what_the_http_listener_speaks(pair):
    _state, doc = pair
    sess = session(doc, "web", encryption="always")
    assert sess.run_cmd("hostname").std_out.strip() == b"web"
    transport = sess.protocol.transport
    http = transport.build_session()  # authenticates the connection and sets up the session keys
    assert transport.encryption is not None
    raw = http.post(sess.url, data=b"<not-sealed/>", headers={"Content-Type": "application/soap+xml;charset=UTF-8"})
    assert raw.status_code == 400 and b"AllowUnencrypted" in raw.content  # plain SOAP on the same NTLM connection


def test_windows_defaults_refuse_basic_plain_soap_and_a_wrong_password(pair):
    _state, doc = pair
    with pytest.raises(winrm.exceptions.InvalidCredentialsError):
        session(doc, "web", transport="basic").run_cmd("hostname")
    with pytest.raises(winrm.exceptions.InvalidCredentialsError):
        session(doc, "web", transport="basic", scheme="https").run_cmd("hostname")
    with pytest.raises(winrm.exceptions.WinRMError, match="AllowUnencrypted"):
        session(doc, "web", encryption="never").run_cmd("hostname")
    with pytest.raises(winrm.exceptions.InvalidCredentialsError):
        session(doc, "web", password="wrong").run_cmd("hostname")
    twin = doc["twins"]["web"]
    offered = requests.post(f"http://{twin['address']}:{twin['ports']['winrm_http']}/wsman", data=b"", timeout=5)
    assert offered.status_code == 401 and offered.headers["WWW-Authenticate"] == "Negotiate"


def test_https_validates_against_the_state_folders_ca_and_binds_ntlm_to_it(pair):
    _state, doc = pair
    assert session(doc, "web", "https").run_cmd("hostname").std_out.strip() == b"web"
    with pytest.raises(requests.exceptions.SSLError):  # the system store does not know the twins' CA
        session(doc, "web", "https", ca=False).run_cmd("hostname")
    # NTLM over TLS carries the certificate's hash (channel binding); one computed for another certificate fails
    twin = doc["twins"]["web"]
    url = f"https://{twin['address']}:{twin['ports']['winrm_https']}/wsman"
    first = requests.post(url, data=b"", verify=twin["ca_file"], timeout=5)
    assert first.status_code == 401
    wrong = spnego.channel_bindings.GssChannelBindings(application_data=b"tls-server-end-point:" + b"\0" * 32)
    client = spnego.client(twin["user"], twin["password"], hostname=twin["address"], service="http", protocol="ntlm",
                           channel_bindings=wrong, options=spnego.NegotiateOptions.use_ntlm)
    with requests.Session() as http:
        challenge = http.post(url, data=b"", verify=twin["ca_file"], timeout=5,
                              headers={"Authorization": "Negotiate " + base64.b64encode(client.step()).decode()})
        token = base64.b64decode(challenge.headers["WWW-Authenticate"].split()[1])
        final = http.post(url, data=b"", verify=twin["ca_file"], timeout=5,
                          headers={"Authorization": "Negotiate " + base64.b64encode(client.step(token)).decode()})
    assert final.status_code == 401


def test_basic_only_when_the_twin_is_started_with_it(start):
    state, doc = start("lab:2016", winrm_basic=True)
    assert session(doc, "lab", transport="basic").run_cmd("hostname").std_out.strip() == b"lab"
    assert session(doc, "lab").run_cmd("hostname").std_out.strip() == b"lab"  # NTLM still offered
    inventory = json.loads((state / "inventory.yml").read_text().split("\n", 1)[1])
    assert inventory["all"]["children"]["twins"]["hosts"]["lab"]["ansible_winrm_transport"] == "basic"
    assert "SUCCESS" in ansible(state, "lab", "-m", "ansible.windows.win_ping").stdout


def test_pywinrm_runs_commands(pair):
    _state, doc = pair
    result = session(doc, "web").run_cmd("hostname")
    assert (result.status_code, result.std_out.strip()) == (0, b"web")
    assert session(doc, "web").run_ps("whoami").std_out.strip() == b"web\\ansible"
    unknown = session(doc, "web").run_cmd("format", ["c:"])
    assert unknown.status_code == 1 and b"not modelled" in unknown.std_err


def test_ansible_win_ping_and_module_counter(pair):
    state, _doc = pair
    host = json.loads((state / "inventory.yml").read_text().split("\n", 1)[1])["all"]["children"]["twins"]["hosts"]["web"]
    assert (host["ansible_winrm_transport"], host["ansible_winrm_message_encryption"]) == ("ntlm", "always")
    before = status(state, "web")["module_executions"]
    out = ansible(state, "all", "-m", "ansible.windows.win_ping").stdout
    assert out.count("SUCCESS") == 3
    assert status(state, "web")["module_executions"] == before + 1


def test_unknown_module_fails_with_its_name(pair):
    state, _doc = pair
    proc = ansible(state, "web", "-m", "ansible.windows.win_service", "-a", "name=spooler", check=False)
    assert proc.returncode != 0 and "ansible.windows.win_service" in proc.stdout


def test_https_winrm_follows_the_twins_own_schannel(pair):
    _state, doc = pair
    assert session(doc, "web", "https").run_cmd("hostname").std_out.strip() == b"web"
    with pytest.raises(Exception) as err:  # 2008 R2 with TLS 1.0 only: a modern controller is locked out
        session(doc, "old", "https").run_cmd("hostname")
    # the server answers at TLS 1.0 (a TLS <= 1.2 hello cannot state the client's minimum) and finds none of its two
    # RSA suites in the controller's OpenSSL 3 list: Schannel's reset, as the predictor says for pywinrm
    assert "reset" in str(err.value).lower()


def _tls(doc, name, ctx):
    twin = doc["twins"][name]
    with socket.create_connection((twin["address"], twin["ports"]["https"]), timeout=5) as sock, \
            ctx.wrap_socket(sock, server_hostname=name) as tls:
        return tls.version(), tls.cipher()[0]


def _client(**settings):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    for key, value in settings.items():
        ctx.set_ciphers(value) if key == "ciphers" else setattr(ctx, key, value)
    return ctx


def test_server_order_is_enforced(pair):
    _state, doc = pair
    served = status(pair[0], "web")["served"]["openssl_ciphers"]
    reversed_client = _client(maximum_version=ssl.TLSVersion.TLSv1_2, ciphers=":".join(reversed(served)))
    assert _tls(doc, "web", reversed_client) == ("TLSv1.2", served[0])
    assert _tls(doc, "ec", _client())[0] == "TLSv1.3"


def test_no_shared_suite_is_a_tcp_reset_seen_by_a_raw_client(pair):
    _state, doc = pair
    twin = doc["twins"]["web"]
    hello = client_hello(ciphers="ECDHE-ECDSA-AES128-GCM-SHA256", maximum_version=ssl.TLSVersion.TLSv1_2)
    with socket.create_connection((twin["address"], twin["ports"]["https"]), timeout=5) as sock:
        sock.sendall(hello)
        with pytest.raises(ConnectionResetError):
            sock.recv(4096)
    # ... while a shared suite gets a ServerHello
    ok_hello = client_hello(ciphers="ECDHE-RSA-AES128-GCM-SHA256", maximum_version=ssl.TLSVersion.TLSv1_2)
    with socket.create_connection((twin["address"], twin["ports"]["https"]), timeout=5) as sock:
        sock.sendall(ok_hello)
        assert sock.recv(5)[:1] == b"\x16"


def test_tls13_suites_follow_the_windows_list(pair):
    """2022 does not enable ChaCha20: a TLS 1.3 client offering only that suite is reset; AES-256 comes first."""
    from tests.twin import openssl_ext
    _state, doc = pair
    assert _tls(doc, "ec", _client()) == ("TLSv1.3", "TLS_AES_256_GCM_SHA384")
    chacha = _client(minimum_version=ssl.TLSVersion.TLSv1_3)
    assert openssl_ext.set_tls13_suites(chacha, ["TLS_CHACHA20_POLY1305_SHA256"])
    with pytest.raises(ConnectionResetError):
        _tls(doc, "ec", chacha)


def test_fault_drop_connection_then_recovery(pair):
    state, _doc = pair
    subprocess.run([sys.executable, "-m", "tests.twin", "fault", "--state-dir", str(state), "--name", "web",
                    "--drop-connection", "1"], check=True, capture_output=True, cwd=REPO_ROOT)
    failed = ansible(state, "web", "-m", "ansible.windows.win_ping", check=False)
    assert failed.returncode != 0 and "SUCCESS" not in failed.stdout
    assert "SUCCESS" in ansible(state, "web", "-m", "ansible.windows.win_ping").stdout


def test_fault_failed_registry_write_rolls_back(pair):
    state, _doc = pair
    key = SCHANNEL + "\\Ciphers\\RC4 128/128"
    (state / "web" / "faults.json").write_text(json.dumps({"fail_writes": [{"path": key, "name": "Enabled"}]}))
    try:
        registry = json.loads((state / "web" / "registry.json").read_text())
        proc = ansible(state, "web", "-m", "ansible.windows.win_regedit", "-a",
                       json.dumps({"path": "HKLM:\\" + key[5:], "name": "Enabled", "data": 0, "type": "dword"}), check=False)
        assert proc.returncode != 0 and "RC4 128/128\\Enabled" in proc.stdout
        assert json.loads((state / "web" / "registry.json").read_text()) == registry
    finally:
        (state / "web" / "faults.json").write_text("{}")


def test_twins_exit_by_themselves_after_their_lifetime(start):
    state, doc = start("brief:2016", lifetime=1.5)
    pid = doc["twins"]["brief"]["pid"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and api._alive(pid):
        time.sleep(0.2)
    assert not api._alive(pid)
    assert status(state, "brief")["state"] == "stopped"


def test_ansible_over_winrm_https_and_the_lockout(start):
    state, _doc = start("good:2016", "locked:2008r2::ios_ats_failure", scheme="https")
    host = json.loads((state / "inventory.yml").read_text().split("\n", 1)[1])["all"]["children"]["twins"]["hosts"]["good"]
    assert (host["ansible_winrm_transport"], host["ansible_winrm_server_cert_validation"]) == ("ntlm", "validate")
    proc = ansible(state, "all", "-m", "ansible.windows.win_ping", check=False)
    assert "good | SUCCESS" in proc.stdout
    assert "locked | UNREACHABLE" in proc.stdout and "reset" in proc.stdout.lower()


def test_iis_port_offers_h2_on_2016_and_later_when_asked(start):
    _state, doc = start("h2:2019", "old2:2012r2", alpn=["h2", "http/1.1"])

    def negotiated(name):
        ctx = _client()
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        twin = doc["twins"][name]
        with socket.create_connection((twin["address"], twin["ports"]["https"]), timeout=5) as sock, \
                ctx.wrap_socket(sock) as tls:
            return tls.selected_alpn_protocol()

    assert negotiated("h2") == "h2" and negotiated("old2") is None


# -- PSRP: Ansible's psrp connection (pypsrp) on the same listeners, answered by the same doubles ----------------------
TLS10 = SCHANNEL[5:] + "\\Protocols\\TLS 1.0\\Server"


def _hostvars(state, name):
    return json.loads((state / "inventory.yml").read_text().split("\n", 1)[1])["all"]["children"]["twins"]["hosts"][name]


def test_psrp_over_sealed_ntlm_runs_modules_and_win_reboot(start):
    state, _doc = start("ps1:2012r2", connection="psrp")
    host = _hostvars(state, "ps1")
    assert (host["ansible_connection"], host["ansible_psrp_auth"], host["ansible_psrp_message_encryption"],
            host["ansible_psrp_protocol"]) == ("psrp", "ntlm", "always", "http")
    assert "SUCCESS" in ansible(state, "ps1", "-m", "ansible.windows.win_ping").stdout
    before = status(state, "ps1")
    ansible(state, "ps1", "-m", "ansible.windows.win_regedit", "-a",
            json.dumps({"path": "HKLM:\\" + TLS10, "name": "Enabled", "data": 0, "type": "dword"}))
    registry = json.loads((state / "ps1" / "registry.json").read_text())
    assert registry["HKLM\\" + TLS10]["Enabled"] == {"type": "dword", "data": 0}
    # a failing module: rc travels as PowerShell's SetShouldExit host call, the JSON as the output object
    failed = ansible(state, "ps1", "-m", "ansible.windows.win_service", "-a", "name=spooler", check=False)
    assert failed.returncode != 0 and "ansible.windows.win_service" in failed.stdout
    proc = ansible(state, "ps1", "-m", "ansible.windows.win_reboot", "-a", "pre_reboot_delay=0")
    assert "rebooted" in proc.stdout
    after = status(state, "ps1")
    assert after["boot_filetime"] > before["boot_filetime"] and "TLS 1.0" not in after["served"]["protocols"]
    assert after["module_executions_by_module"]["ansible.windows.win_ping"] == 1


def test_psrp_over_validated_https(start):
    state, _doc = start("ps2:2019", scheme="https", connection="psrp")
    host = _hostvars(state, "ps2")
    assert (host["ansible_psrp_protocol"], host["ansible_psrp_cert_validation"]) == ("https", "validate")
    assert host["ansible_psrp_ca_cert"].endswith("_keys/ca.pem")
    assert "SUCCESS" in ansible(state, "ps2", "-m", "ansible.windows.win_ping").stdout


def test_psrp_malformed_creation_is_a_fault_not_a_crash(pair):
    """A Runspace Pool Create whose PSRP fragments psrpcore cannot read gets a WSManFault; the twin keeps serving."""
    from tests.twin import psrp, wsman
    endpoint = psrp.PSRPEndpoint(lambda *a: (b"", b"", 0, False), "http://127.0.0.1/wsman")
    body = ('<s:Envelope xmlns:s="{s}" xmlns:a="{a}" xmlns:w="{w}" xmlns:rsp="{rsp}"><s:Header>'
            '<a:Action>{create}</a:Action><a:MessageID>uuid:1</a:MessageID><w:ResourceURI>{uri}</w:ResourceURI>'
            '</s:Header><s:Body><rsp:Shell ShellId="6A0E0B44-0000-0000-0000-000000000001"><creationXml '
            'xmlns="http://schemas.microsoft.com/powershell">AAAA</creationXml></rsp:Shell></s:Body></s:Envelope>'
            ).format(create=wsman.ACTION_CREATE, uri=psrp.RESOURCE_URI, **wsman.NS).encode()
    status_code, answer, drop = endpoint.handle(wsman.parse_request(body))
    assert status_code == 500 and b"WSManFault" in answer and not drop
    _state, doc = pair
    assert session(doc, "web").run_cmd("hostname").std_out.strip() == b"web"
