"""Policies, client-simulation verdicts and diagnosis on synthetic results (no network)."""
from __future__ import annotations

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import clients, diagnose, iana, policies, simulate, wire
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.connection import Exchange
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.results import (CertificateInfo, CertificateResult,
                                                                                  ClientResult, ProtocolResult,
                                                                                  TargetResult)


def leaf(**kw):
    base = dict(subject="CN=iis", issuer="CN=ca", serial="1", not_before="", not_after="", days_left=300,
                lifetime_days=365, expired=False, not_yet_valid=False, key_type="rsa", key_size=2048, curve=None,
                signature_algorithm="sha256WithRSAEncryption", signature_hash="sha256", san_dns=["iis"], san_ip=[],
                is_ca=False, self_signed=False, sha256_fingerprint="00")
    base.update(kw)
    return CertificateInfo(**base)


def target(protocols, cert=None, clients_=None, **kw):
    r = TargetResult(host="iis", port=443, sni="iis", reachable=True, **kw)
    for version, codes in protocols.items():
        r.protocols[version] = ProtocolResult(version=version, supported=bool(codes),
                                              cipher_suites=[iana.SUITES_BY_CODE[c].name for c in codes])
    r.certificate = CertificateResult(source="ssl", chain=[cert or leaf()], chain_length=1, trusted=True,
                                      hostname="iis", hostname_match=True)
    r.clients = clients_ or {}
    return r


def test_unknown_policy():
    with pytest.raises(KeyError, match="valid: http2, ios_ats"):
        policies.evaluate("nist", target({}))


def test_ios_ats_tls10_only_fails_with_reason():
    r = target({"TLS 1.0": [0xC014, 0xC013], "TLS 1.2": []},
               clients_={"ios9_ats": ClientResult("ios9_ats", "Apple ATS", False, symptom="tcp_reset",
                                                  reason="the server reset the TCP connection")})
    p = policies.evaluate("ios_ats", r)
    assert not p.passed
    assert [v.rule for v in p.violations] == ["protocol", "client_simulation"]
    assert "offered: TLS 1.0" in p.violations[0].message


def test_ios_ats_passes_and_checks_certificate():
    ok = target({"TLS 1.2": [0xC028, 0xC027]})
    assert policies.evaluate("ios_ats", ok).passed
    weak = target({"TLS 1.2": [0xC028]}, cert=leaf(key_size=1024))
    assert [v.rule for v in policies.evaluate("ios_ats", weak).violations] == ["certificate_key"]
    only_c014 = target({"TLS 1.2": [0xC014]})
    assert [v.rule for v in policies.evaluate("ios_ats", only_c014).violations] == ["cipher_suites"]


def test_http2_policy():
    blocked = ClientResult("chrome", "Chrome", True, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "h2",
                           http2_blocked=True, reason="r")
    r = target({"TLS 1.2": [0xC014, 0xC02F]}, clients_={"chrome": blocked}, alpn={"h2_tls12": True})
    p = policies.evaluate("http2", r)
    assert [v.rule for v in p.violations] == ["blocklisted_suite_with_h2"]
    r2 = target({"TLS 1.2": [0xC030]}, alpn={"h2_tls12": True})
    assert [v.rule for v in policies.evaluate("http2", r2).violations] == ["mandatory_suite"]
    r3 = target({"TLS 1.2": [0xC02F]}, alpn={"h2_tls12": False, "h2_tls13": False})
    p3 = policies.evaluate("http2", r3)
    assert p3.passed and p3.warnings


def test_mozilla_intermediate_and_modern():
    r = target({"TLS 1.1": [0xC013], "TLS 1.2": [0xC02F, 0xC027], "TLS 1.3": [0x1301]}, groups=["x25519", "x448"])
    p = policies.evaluate("mozilla_intermediate", r)
    assert [v.rule for v in p.violations] == ["protocol", "cipher_suites"]
    assert "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" in p.violations[1].message
    assert p.warnings == ["groups outside the recommended X25519/P-256/P-384: x448"]
    ecdsa = leaf(key_type="ecdsa", key_size=256, curve="secp256r1", lifetime_days=90)
    m = policies.evaluate("mozilla_modern", target({"TLS 1.3": [0x1301, 0x1302]}, cert=ecdsa))
    assert m.passed


def test_pci_and_no_legacy():
    r = target({"TLS 1.0": [0x000A], "TLS 1.2": [0xC02F, 0x0005]}, cert=leaf(signature_hash="sha1"))
    r.certificate.weak_signature_certificates = ["CN=iis (sha1WithRSAEncryption)"]
    pci = policies.evaluate("pci_dss_4", r)
    assert [v.rule for v in pci.violations] == ["protocol", "cipher_suites", "cipher_suites", "certificate_signature"]
    nl = policies.evaluate("no_legacy", r)
    assert not nl.passed
    assert policies.evaluate("no_legacy", target({"TLS 1.2": [0xC02F]})).passed


def _hello_exchange(version, suite, alpn=None, key_exchange=None):
    hello = wire.ServerHello(legacy_version=min(version, wire.TLS12), version=version, cipher_suite=suite,
                             compression=0, session_id=b"", alpn=alpn)
    return Exchange("hello", wire.ServerFlight(server_hello=hello, key_exchange=key_exchange))


def test_judge_ats_certificate_rules_and_h2():
    ats = clients.CLIENTS["ios9_ats"]
    rsa1024 = {"rsa": {"key_type": "rsa", "key_size": 1024, "signature_hash": "sha256",
                       "weak_signature_in_chain": False}}
    res = simulate.judge(ats, _hello_exchange(wire.TLS12, 0xC027, "h2"), rsa1024, None)
    assert not res.connects and res.symptom == "certificate_rejected" and "1024" in res.reason
    good = {"rsa": dict(rsa1024["rsa"], key_size=2048)}
    res = simulate.judge(ats, _hello_exchange(wire.TLS12, 0xC027, "h2"), good, None)
    assert res.connects and res.http2_blocked
    res = simulate.judge(ats, _hello_exchange(wire.TLS12, 0xC02F, "h2"), good, None)
    assert res.connects and not res.http2_blocked


def test_judge_failures():
    chrome = clients.CLIENTS["chrome"]
    assert simulate.judge(chrome, Exchange("reset"), {}, None).symptom == "tcp_reset"
    alert = Exchange("alert", wire.ServerFlight(alert=wire.Alert(2, 40)))
    res = simulate.judge(chrome, alert, {}, None)
    assert res.symptom == "alert:handshake_failure" and "15 suites" in res.reason
    res = simulate.judge(chrome, _hello_exchange(wire.TLS10, 0xC014), {}, None)
    assert res.symptom == "alert:protocol_version"  # Chrome 101's minimum is TLS 1.2
    res = simulate.judge(chrome, _hello_exchange(wire.TLS12, 0x000A), {}, None)
    assert res.symptom == "alert:illegal_parameter"
    ie = clients.CLIENTS["ie11_win7"]
    dhe = _hello_exchange(wire.TLS12, 0x009F, key_exchange=wire.ServerKeyExchange(dh_bits=768))
    res = simulate.judge(ie, dhe, {}, None)
    assert not res.connects and "768" in res.reason


def test_judge_tls13_alpn():
    res = simulate.judge(clients.CLIENTS["android12"], _hello_exchange(wire.TLS13, 0x1301), {}, "h2")
    assert res.connects and res.alpn == "http/1.1"
    res = simulate.judge(clients.CLIENTS["chrome"], _hello_exchange(wire.TLS13, 0x1301), {}, "h2")
    assert res.alpn == "h2" and not res.http2_blocked


def test_diagnosis_all_resets_is_schannel():
    r = target({"TLS 1.0": [], "TLS 1.2": []})
    findings = diagnose.version_findings(r, {"TLS 1.0": "reset", "TLS 1.2": "reset"})
    assert findings[0].code == "tcp_reset_after_client_hello" and "Schannel" in findings[0].message
    r2 = target({"TLS 1.0": [], "TLS 1.2": [0xC02F]})
    f2 = diagnose.version_findings(r2, {"TLS 1.0": "alert:protocol_version", "TLS 1.2": "hello"})
    assert [f.message for f in f2] == ["TLS 1.0 is disabled (protocol_version alert)"]


def test_diagnosis_connect_failures_and_lockout():
    assert diagnose.connect_failure(Exchange("http", detail="plain HTTP answer: HTTP/1.1 400"), "h", 443).code == \
        "plaintext_http"
    assert diagnose.connect_failure(Exchange("hello"), "h", 443) is None
    r = target({"TLS 1.2": [0xC014]}, clients_={"pywinrm": ClientResult("pywinrm", "pywinrm", False,
                                                                        symptom="tcp_reset", reason="reset")})
    assert [f.code for f in diagnose.client_findings(r)] == ["controller_locked_out"]


def test_expectations():
    r = target({"TLS 1.2": [0xC014]}, clients_={
        "chrome": ClientResult("chrome", "Chrome", True, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
        "android44": ClientResult("android44", "Android", False, symptom="tcp_reset")})
    expect = {"chrome": {"connects": True, "protocol": "TLS 1.2", "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
              "android44": {"connects": False, "symptom": "alert:handshake_failure"},
              "netscape": {"connects": True}}
    findings = diagnose.expectation_findings(r, expect)
    assert [(f.code, f.evidence["client"]) for f in findings] == [
        ("prediction_mismatch", "android44"), ("prediction_unchecked", "netscape")]


def test_results_are_json_serialisable():
    import json

    r = target({"TLS 1.2": [0xC02F]}, clients_={"chrome": ClientResult("chrome", "Chrome", True)})
    r.policies["no_legacy"] = policies.evaluate("no_legacy", r)
    data = json.loads(json.dumps(r.to_dict()))
    assert data["supported_protocols"] == ["TLS 1.2"] and data["policies"]["no_legacy"]["passed"]


def test_mozilla_intermediate_is_guideline_6_like_the_profile():
    """DHE suites were dropped in 6.0; the planner's mozilla_intermediate profile compiles 6.0, so must the check."""
    dhe = target({"TLS 1.2": [0xC02F, 0x009E]})
    p = policies.evaluate("mozilla_intermediate", dhe)
    assert [v.rule for v in p.violations] == ["cipher_suites"]
    assert "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" in p.violations[0].message
    assert policies.evaluate("mozilla_intermediate", target({"TLS 1.2": [0xC02F, 0xC030], "TLS 1.3": [0x1301]})).passed


def test_mozilla_verdicts_name_the_guideline_version():
    """A reader comparing with Mozilla's page must know which version was applied (6.0, as the planner compiles)."""
    r = target({"TLS 1.0": [0xC013], "TLS 1.2": [0xC02F, 0x009E]})
    p = policies.evaluate("mozilla_intermediate", r)
    assert p.guideline == "Mozilla server-side TLS 6.0 (intermediate)"
    messages = [v.message for v in p.violations]
    assert "TLS 1.0 is offered; Mozilla 6.0 intermediate allows only TLS 1.2, TLS 1.3" in messages
    assert any(m.startswith("TLS 1.2 accepts suites outside Mozilla guideline 6.0: ") for m in messages)
    assert policies.evaluate("mozilla_modern", r).guideline == "Mozilla server-side TLS 6.0 (modern)"
    assert policies.evaluate("pci_dss_4", r).guideline is None
