from __future__ import annotations

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.effective import effective_state


def dword(value):
    return {"type": "dword", "data": value}


def proto(protocol, side, enabled=None, dbd=None):
    values = {}
    if enabled is not None:
        values["Enabled"] = dword(enabled)
    if dbd is not None:
        values["DisabledByDefault"] = dword(dbd)
    return {rm.protocol_path(protocol, side): values}


def merge(*parts):
    out = {}
    for part in parts:
        out.update(part)
    return out


def test_defaults_2008r2():
    state = effective_state("2008r2", {})
    assert state.server_protocols == {"SSL 2.0", "SSL 3.0", "TLS 1.0"}
    assert state.client_protocols == {"SSL 3.0", "TLS 1.0"}
    assert state.cipher_suites_source == "default"
    # TLS 1.2-only suites drop out while TLS 1.2 is off
    assert "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256" not in state.cipher_suites
    assert state.cipher_suites[0] == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256"
    assert state.ecc_curves == ("NistP256", "NistP384")
    assert not any(catalogue.get(n, "2008r2").request_only for n in state.cipher_suites)


def test_enable_tls12_on_2008r2():
    dump = merge(proto("TLS 1.2", "Server", 1, 0), proto("TLS 1.2", "Client", 1, 0))
    state = effective_state("2008r2", dump)
    assert "TLS 1.2" in state.server_protocols and "TLS 1.2" in state.client_protocols
    assert state.cipher_suites[0] == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256"


@pytest.mark.parametrize("enabled,dbd,expected", [
    # R2: Enabled alone on a protocol whose 2008 R2 default is off is explicit-only (WSD-REG-2019: the enabled
    # state is Enabled non-zero AND DisabledByDefault 0; SUP-245030: set DisabledByDefault 0 to use TLS 1.1/1.2)
    (1, None, False), (0xFFFFFFFF, None, False), (5, 0, True), (0, None, False), (0, 0, False),
    (None, 0, True), (1, 1, False), (None, 1, False), (None, None, False),
])
def test_protocol_semantics_2008r2_tls11(enabled, dbd, expected):
    state = effective_state("2008r2", proto("TLS 1.1", "Server", enabled, dbd))
    assert ("TLS 1.1" in state.server_protocols) is expected
    assert "TLS 1.1" not in state.client_protocols
    assert ("TLS 1.1 Server" in state.explicit_only) is (enabled not in (None, 0) and dbd != 0)


def test_disabled_by_default_is_explicit_only():
    state = effective_state("2019", proto("TLS 1.0", "Server", 1, 1))
    assert "TLS 1.0" not in state.server_protocols
    assert "TLS 1.0 Server" in state.explicit_only


def test_unsupported_protocol_stays_off():
    state = effective_state("2019", merge(proto("TLS 1.3", "Server", 1, 0), proto("SSL 2.0", "Server", 1, 0)))
    assert "TLS 1.3" not in state.server_protocols and "SSL 2.0" not in state.server_protocols
    assert "TLS 1.3" in effective_state("2022", {}).server_protocols


def test_policy_beats_local_beats_default():
    policy = {rm.POLICY_SSL: {"Functions": {"type": "string", "data":
                                            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA"}}}
    local = ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]
    state = effective_state("2019", policy, local_cipher_suites=local)
    assert state.cipher_suites_source == "policy"
    assert state.cipher_suites == ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA")
    state = effective_state("2019", {}, local_cipher_suites=[{"name": local[0], "code": 49200}])
    assert (state.cipher_suites_source, state.cipher_suites) == ("local", tuple(local))
    state = effective_state("2019", {rm.LOCAL_SSL: {"Functions": {"type": "multistring", "data": local}}})
    assert (state.cipher_suites_source, state.cipher_suites) == ("local", tuple(local))
    assert effective_state("2019", {}).cipher_suites_source == "default"


def test_policy_with_unknown_and_suffix_names():
    data = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256,BOGUS"
    state = effective_state("2008r2", merge(proto("TLS 1.2", "Server", 1, 0),
                                            {rm.POLICY_SSL: {"Functions": {"type": "string", "data": data}}}))
    assert state.cipher_suites == ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",)
    dropped = dict(state.dropped_cipher_suites)
    assert "does not exist before" in dropped["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    assert "BOGUS" in dropped
    # on 2016+ the suffix is accepted and ignored
    state = effective_state("2016", {rm.POLICY_SSL: {"Functions": {"type": "string", "data": data}}})
    assert state.cipher_suites == ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")


def test_disabled_algorithms_remove_suites():
    dump = {rm.SCHANNEL + "\\Ciphers\\AES 128/128": {"Enabled": dword(0)},
            rm.SCHANNEL + "\\Hashes\\SHA": {"Enabled": dword(0)},
            rm.SCHANNEL + "\\KeyExchangeAlgorithms\\PKCS": {"Enabled": dword(0)}}
    state = effective_state("2019", dump)
    for name in state.cipher_suites:
        suite = catalogue.get(name, "2019")
        assert suite.cipher_key != "AES 128/128" and suite.hash_key != "SHA" and suite.kex_key != "PKCS"
    # PKCS off also removes the RSA-authenticated ECDHE/DHE suites (R1, SUP-245030)
    assert state.cipher_suites == ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384")
    assert state.disabled_ciphers == {"AES 128/128"}


def test_ecdh_key_counts_on_every_version():
    # R4: the stricter reading everywhere; before 2016 the state says it rests on no Microsoft text
    dump = {rm.SCHANNEL + "\\KeyExchangeAlgorithms\\ECDH": {"Enabled": dword(0)}}
    old, new = effective_state("2012r2", dump), effective_state("2016", dump)
    assert not any("ECDHE" in n for n in old.cipher_suites + new.cipher_suites)
    assert [i for i, _t in old.assumptions] == ["key_exchanges.ECDH"] and new.assumptions == ()


def test_tls12_off_leaves_only_older_suites():
    dump = merge(proto("TLS 1.2", "Server", 0, 1))
    state = effective_state("2019", dump)
    assert all("TLS 1.1" in catalogue.get(n, "2019").protocols or "TLS 1.0" in catalogue.get(n, "2019").protocols
               for n in state.cipher_suites)
    assert "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" in state.client_cipher_suites


def test_curves():
    assert effective_state("2019", {}).ecc_curves == ("curve25519", "NistP256", "NistP384")
    dump = {rm.POLICY_SSL: {"EccCurves": {"type": "multistring", "data": ["NistP384", "NistP256"]}}}
    state = effective_state("2019", dump)
    assert (state.ecc_curves, state.ecc_curves_source) == (("NistP384", "NistP256"), "policy")
    data = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256"
    policy = {rm.POLICY_SSL: {"Functions": {"type": "string", "data": data}}}
    assert effective_state("2012r2", policy).ecc_curves == ("NistP384", "NistP256")


def test_as_dict_is_plain_data():
    import json
    json.dumps(effective_state("2022", {}).as_dict())
