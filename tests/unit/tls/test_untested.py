"""Reasons instead of "not supported" (issue 19.5): what the local TLS library cannot do is named as such."""
from __future__ import annotations

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import connection, diagnose, probe
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.results import ProtocolResult, TargetResult


def _result(*supported: str) -> TargetResult:
    r = TargetResult(host="h", port=443, sni=None)
    for v in ("SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"):
        r.protocols[v] = ProtocolResult(version=v, supported=v in supported,
                                        cipher_suites=["TLS_RSA_WITH_AES_128_CBC_SHA"] if v in supported else [])
    return r


def test_trust_untested_names_the_local_library_for_an_ssl3_only_server():
    assert "SSL 3.0" not in connection.local_versions()  # OpenSSL 1.1+/3 builds: no SSL 3.0 in Python's ssl
    why = probe.TargetProbe._trust_untested(_result("SSL 3.0"), connection.SslResult(ok=False, error="x"))
    assert why is not None and "cannot speak SSL 3.0, the only protocol the server offers" in why
    assert connection.LIBRARY in why


def test_trust_untested_is_none_when_the_library_could_have_validated():
    failed = connection.SslResult(ok=False, error="connection reset")
    assert probe.TargetProbe._trust_untested(_result("TLS 1.2"), failed) is None
    required = connection.SslResult(ok=False, error="x", client_auth="required", client_auth_alert="handshake_failure")
    assert "requires a client certificate" in probe.TargetProbe._trust_untested(_result("TLS 1.2"), required)


def test_alert_outcome_reads_openssl_error_texts():
    assert connection.alert_outcome("[SSL: TLSV1_UNRECOGNIZED_NAME] tlsv1 unrecognized name (_ssl.c:1006)") == \
        "alert:unrecognized_name"
    assert connection.alert_outcome("sslv3 alert handshake failure") == "alert:handshake_failure"
    assert connection.alert_outcome("timed out") == "error"


def test_ssl3_handshake_failure_text_depends_on_what_ssl3_could_carry():
    carried = _result("TLS 1.2")  # AES128-SHA is accepted under TLS 1.2 and SSL 3.0 can carry it
    text = diagnose._handshake_failure_text(carried, "SSL 3.0")
    assert "does not speak SSL 3.0, the suites are not the reason" in text
    only12 = _result("TLS 1.2")
    only12.protocols["TLS 1.2"].cipher_suites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    text = diagnose._handshake_failure_text(only12, "SSL 3.0")
    assert "cannot tell which" in text and "no shared suite" not in text


def test_untrusted_chain_hint_names_both_fixes():
    """review §3 friction 5 (h16): with a private CA the fix is on the controller (ca_path), not on the server."""
    from ansible_collections.tlsops.schannel.plugins.module_utils.tls.results import CertificateInfo, CertificateResult

    leaf = CertificateInfo("CN=h", "CN=ca", "01", "2026-01-01", "2027-01-01", 30, 365, False, False, "rsa", 2048, None,
                           "sha256WithRSAEncryption", "sha256", ["h"], [], False, False, "00")
    r = _result("TLS 1.2")
    r.certificate = CertificateResult(source="ssl", chain=[leaf], trusted=False,
                                      verify_error="unable to get local issuer certificate")
    (finding,) = [f for f in diagnose.certificate_findings(r) if f.code == "certificate_untrusted"]
    assert "Intermediate Certification Authorities store" in finding.message and "ca_path" in finding.message
