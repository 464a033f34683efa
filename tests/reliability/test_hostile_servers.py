"""The prober against hostile servers beyond tls_verify's own tests: a certificate with HTML/JS and terminal escapes
in its names, an oversized chain, a server that renegotiates forever, one that sends HelloRequest forever, one that
drips its flight. Each ends in a result with a finding within the timeout, and no string in the result, the module's
summary or the fleet report carries a control character."""
from __future__ import annotations

import json
import re
import ssl
import time

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import probe
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.html import render_html
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.model import FleetReport
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.text import render_text
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.write import render_json
from tests.reliability import hostile_certs as hc
from tests.reliability.hostile_servers import HostileServer

pytestmark = pytest.mark.integration

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _strings(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def _tls_context(tmp_path, chain_ders, key):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    pem = b"".join(x509.load_der_x509_certificate(d).public_bytes(serialization.Encoding.PEM) for d in chain_ders)
    cert_path, key_path = tmp_path / "chain.pem", tmp_path / "key.pem"
    cert_path.write_bytes(pem)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert_path), str(key_path))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def _probe(port, timeout=2.0, **kw):
    opts = probe.ProbeOptions(timeout=timeout, clients=("chrome", "ios9_ats"), enumerate_groups=False, **kw)
    started = time.monotonic()
    (result,) = probe.run([probe.Target("127.0.0.1", port, "localhost")], opts)
    return result, time.monotonic() - started


def test_hostile_certificate_names_never_reach_output_raw(tmp_path):
    der, key = hc.build(kind="ecdsa")
    server = HostileServer("tls", lifetime=60, context=_tls_context(tmp_path, [der], key))
    try:
        result, dummy = _probe(server.port)
    finally:
        server.stop()
    data = result.to_dict()
    leaf = data["certificate"]["chain"][0]
    assert "script" in leaf["subject"]  # the name is there, as text
    assert data["certificate"]["trusted"] is False  # validate_certs defaults to true: self-signed is untrusted
    bad = [s for s in _strings(data) if RAW_CONTROL.search(s)]
    assert not bad, bad[:3]
    # the module's one-line summary and failure text are built from the same result
    from ansible_collections.tlsops.schannel.plugins.modules import tls_verify

    data["error"] = data.get("error")
    for text in (tls_verify._summary(data), tls_verify._explain(data, ["ios_ats"])):
        assert not RAW_CONTROL.search(text)
    report = FleetReport.from_results({"web01": {"verify": [data], "profile": "ios_ats"}})
    page = render_html(report)
    assert "<script" not in page and "&lt;script&gt;" in page.replace("\\", "")
    assert not RAW_CONTROL.search(render_text(report) .replace("\n", ""))
    json.loads(render_json(report))


def test_oversized_chain_ends_in_a_result(tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    leaf, dummy = hc.build(key=key, cn="localhost", ou="x", o="y", san=("localhost",))
    filler = [hc.build(key=key, cn="filler %d" % i, ou="x" * 60, o="y", san=None)[0] for i in range(300)]
    server = HostileServer("tls", lifetime=60, context=_tls_context(tmp_path, [leaf] + filler, key))
    try:
        result, elapsed = _probe(server.port, timeout=3)
    finally:
        server.stop()
    assert elapsed < 30
    assert result.supported_protocols == ["TLS 1.2"]
    # a >100 kB chain: the raw parser reads it (under its 256 kB bound) or the probe reports why it could not
    if result.certificate is not None and result.certificate.chain:
        assert result.certificate.chain_length <= 301
    else:
        assert result.findings


@pytest.mark.parametrize("mode", ["renegotiate", "hello_request", "drip_flight"])
def test_endless_servers_end_in_a_finding_within_the_timeout(mode):
    server = HostileServer(mode, lifetime=60)
    timeout = 1.5
    try:
        result, elapsed = _probe(server.port, timeout=timeout)
    finally:
        server.stop()
    codes = {f.code for f in result.findings}
    assert codes, "no finding for a %s server" % mode
    if mode == "hello_request":
        assert "not_tls" in codes
    else:  # a ServerHello came, then nothing useful: the flight times out and the odd answer is a finding
        assert "server_anomaly" in codes
    # every connection is bounded by the timeout; a handful of rounds per protocol version at most
    assert elapsed < timeout * 12, elapsed
