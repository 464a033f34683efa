"""The shared client table: keys, well-formed parameters, facts that matter for Schannel predictions, and the
pywinrm row against the local ``ssl`` module."""
from __future__ import annotations

import ssl

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import clients, iana

KEYS = {"ios9_ats", "safari9", "safari15", "android44", "android12", "java8", "java17", "ie11_win7", "ie11_win10",
        "chrome", "firefox", "curl_openssl3", "pywinrm"}


def test_keys():
    assert set(clients.CLIENTS) == KEYS


@pytest.mark.parametrize("key", sorted(KEYS))
def test_profile_well_formed(key):
    p = clients.CLIENTS[key]
    assert p.key == key and p.label and p.source
    assert set(p.rules) == set(clients.RULE_KEYS)
    assert clients.VERSION_CODES[p.min_version] <= clients.VERSION_CODES[p.max_version]
    assert p.cipher_suites and len(set(p.cipher_suites)) == len(p.cipher_suites)
    assert all(c in iana.SUITES_BY_CODE for c in p.cipher_suites), "every offered suite is in the registry"
    assert iana.TLS_EMPTY_RENEGOTIATION_INFO_SCSV not in p.cipher_suites
    assert not any((c & 0x0F0F) == 0x0A0A for c in p.cipher_suites + p.groups), "GREASE removed"
    tls13 = any(iana.SUITES_BY_CODE[c].tls13 for c in p.cipher_suites)
    assert tls13 == (p.max_version == "TLS 1.3")
    if tls13:
        assert p.key_share and set(p.key_share) <= set(p.groups)
    assert p.to_dict()["key"] == key


def test_ats_profile():
    p = clients.CLIENTS["ios9_ats"]
    assert set(p.cipher_suites) == set(iana.ATS_CODES)
    assert 0xC014 not in p.cipher_suites
    assert p.versions == ("TLS 1.2",)
    assert p.rules == {"min_rsa_bits": 2048, "min_ecc_bits": 256, "min_dh_bits": 768,
                       "requires_sha2_certificate": True, "requires_forward_secrecy": True, "requires_tls12": True}


def test_schannel_relevant_facts():
    # IE 11 on Windows 7 offers ECDHE_RSA only with CBC suites (scanner-anchors B.6 note 3)
    ie7 = clients.CLIENTS["ie11_win7"]
    assert not any(iana.SUITES_BY_CODE[c].kex == "ECDHE" and iana.SUITES_BY_CODE[c].auth == "RSA"
                   and iana.SUITES_BY_CODE[c].aead for c in ie7.cipher_suites)
    # Chrome/Firefox do not offer the SHA-256 CBC suites a 2008 R2 server prefers
    for key in ("chrome", "firefox"):
        assert 0xC027 not in clients.CLIENTS[key].cipher_suites and 0xC014 in clients.CLIENTS[key].cipher_suites
        assert clients.CLIENTS[key].offers_h2
    assert clients.CLIENTS["java8"].alpn == ()
    assert clients.CLIENTS["android44"].min_version == "SSL 3.0"


def test_pywinrm_matches_local_ssl():
    """The recorded row was derived from this machine's ssl defaults; a different controller shows up here."""
    local = clients.local_pywinrm_profile()
    names = [c["name"] for c in ssl.create_default_context().get_ciphers()]
    assert [iana.SUITES_BY_CODE[c].name if iana.SUITES_BY_CODE[c].tls13 else iana.SUITES_BY_CODE[c].openssl_name
            for c in local.cipher_suites] == names
    if ssl.OPENSSL_VERSION.startswith("OpenSSL 3.0"):
        assert local.cipher_suites == clients.CLIENTS["pywinrm"].cipher_suites
    assert clients.CLIENTS["pywinrm"].min_version == "TLS 1.2"
    assert not any(iana.SUITES_BY_CODE[c].mac == "SHA1" for c in clients.CLIENTS["pywinrm"].cipher_suites)


def test_unknown_client_message():
    with pytest.raises(KeyError, match="valid: android12"):
        clients.get_client("netscape")


@pytest.mark.parametrize("key", sorted(KEYS))
def test_no_recorded_client_puts_chacha20_first(key):
    """docs/client-simulation.md says the replays never exercise a PrioritizeChaCha server's client-first branch
    because no recorded client lists ChaCha20 first (per protocol: TLS 1.3 suites, then the rest)."""
    suites = [iana.SUITES_BY_CODE[c] for c in clients.CLIENTS[key].cipher_suites]
    for tls13 in (True, False):
        first = next((s for s in suites if s.tls13 is tls13), None)
        assert first is None or "CHACHA20" not in first.name, (key, first.name)
