"""The predictor against hand-worked cases (server order from facts §4.3, client lists from tls/clients.py)."""
from __future__ import annotations

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import compile_plan
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.effective import effective_state
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.predictor import predict, predict_one
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles as profiles

clients = pytest.importorskip("ansible_collections.tlsops.schannel.plugins.module_utils.tls.clients")


def policy(names, version="2019", extra=None):
    dump = {rm.POLICY_SSL: {"Functions": {"type": "string", "data": ",".join(names)}}}
    dump.update(extra or {})
    return effective_state(version, dump)


def one(state, key, cert="rsa:2048"):
    return predict(state, cert, [key])[key]


def test_ios_ats_plan_on_2008r2():
    plan = compile_plan(profiles.resolve_profile("ios_ats"), {"windows_version": "2008r2", "certificate_key": "rsa"})
    p = predict_one(plan.state, "rsa:2048", clients.CLIENTS["ios9_ats"])
    # first of the server's order the ATS client offers: ECDHE_RSA AES-256 CBC SHA384 with the P-256 curve
    assert p.as_dict() == {"connects": True, "protocol": "TLS 1.2", "cipher_suite":
                           "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "reason": None, "symptom": None}
    assert p.windows_name == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256"
    # Chrome offers no SHA-2 CBC suites: it lands on the AES-128 SHA-1 CBC suite
    assert one(plan.state, "chrome").cipher_suite == "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"


def test_stock_2008r2():
    state = effective_state("2008r2", {})
    p = one(state, "ios9_ats")  # TLS 1.2 is off by default (facts §2)
    assert (p.connects, p.symptom) == (False, "alert:protocol_version")
    p = one(state, "ie11_win7")  # TLS 1.0, first TLS 1.0 suite of the server order the client offers
    assert (p.protocol, p.cipher_suite, p.windows_name) == (
        "TLS 1.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256")
    p = one(state, "chrome")  # Chrome needs TLS 1.2
    assert p.symptom == "alert:protocol_version"


def test_stock_2019_and_2022():
    assert one(effective_state("2019", {}), "chrome").as_dict()["cipher_suite"] == \
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
    assert one(effective_state("2019", {}), "chrome", "ecdsa:p256").cipher_suite == \
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
    p = one(effective_state("2022", {}), "chrome")
    assert (p.protocol, p.cipher_suite) == ("TLS 1.3", "TLS_AES_256_GCM_SHA384")
    p = one(effective_state("2022", {}), "ie11_win10")
    assert (p.protocol, p.cipher_suite) == ("TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")


def test_no_shared_suite_is_a_tcp_reset():
    state = policy(["TLS_RSA_WITH_AES_128_CBC_SHA"])
    p = one(state, "ios9_ats")  # ATS offers only ECDHE suites
    assert (p.connects, p.protocol, p.cipher_suite, p.symptom) == (False, None, None, "tcp_reset")
    assert "36874" in p.reason
    assert one(state, "chrome").cipher_suite == "TLS_RSA_WITH_AES_128_CBC_SHA"
    # an ECDSA-only list on an RSA host
    p = one(policy(["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]), "chrome")
    assert p.symptom == "tcp_reset" and "ECDSA" in p.reason


def test_override_that_names_nothing_valid_on_2008r2():
    profile = profiles.resolve_profile("ios_ats", {"cipher_suites": {"set": [
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"]}})
    plan = compile_plan(profile, {"windows_version": "2008r2", "certificate_key": "rsa:2048"})
    p = one(plan.state, "ios9_ats")
    assert (p.connects, p.symptom) == (False, "tcp_reset")


def test_curves():
    curves = {rm.POLICY_SSL: {"EccCurves": {"type": "multistring", "data": ["curve25519"]}}}
    state = effective_state("2019", curves)
    assert one(state, "ios9_ats").symptom == "tcp_reset"  # iOS 9 offers P-256/384/521 only
    assert one(state, "safari15").connects
    p521 = policy(["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521"], "2008r2")
    assert one(p521, "ie11_win7").symptom == "tcp_reset"  # IE 11 on Windows 7 offers P-256/P-384


def test_certificate_rules():
    state = effective_state("2019", {})
    p = one(state, "ios9_ats", "rsa:1024")
    assert (p.connects, p.symptom, p.protocol) == (False, "certificate_rejected", "TLS 1.2")
    assert "2048" in p.reason
    assert one(state, "ios9_ats", "rsa:2048:sha1").symptom == "certificate_rejected"
    assert one(state, "chrome", "rsa:2048:sha1").symptom == "certificate_rejected"
    assert one(state, "java8", "rsa:2048:sha1").connects  # Java 8 takes SHA-1 certificates


def test_protocol_version_mismatch():
    plan = compile_plan(profiles.resolve_profile("mozilla_modern"), {"windows_version": "2022",
                                                                     "certificate_key": "ecdsa:p256"})
    assert one(plan.state, "ie11_win10", "ecdsa:p256").symptom == "alert:protocol_version"
    assert one(plan.state, "chrome", "ecdsa:p256").cipher_suite == "TLS_AES_128_GCM_SHA256"


def test_http2_note():
    state = policy(["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"])
    p = predict(state, "rsa:2048", ["chrome"], http2=True)["chrome"]
    assert p.connects and "Appendix A" in p.reason


def test_client_selection_forms():
    state = effective_state("2019", {})
    assert set(predict(state)) == set(clients.CLIENTS)
    mine = {"pywinrm": clients.CLIENTS["pywinrm"]}
    assert list(predict(state, None, mine)) == ["pywinrm"]
    assert list(predict(state, None, "chrome")) == ["chrome"]
    with pytest.raises(ValueError):
        predict(state, None, ["netscape"])
    assert set(predict(state)["chrome"].as_dict()) == {"connects", "protocol", "cipher_suite", "reason", "symptom"}
