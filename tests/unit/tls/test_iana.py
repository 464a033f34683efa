"""The IANA registry: size, lookups, the name parser (checked against testssl's own columns when the Debian file
is installed), the HTTP/2 blocklist rule against RFC 7540 Appendix A as golang/net lists it, and ATS."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana

from ansible_collections.tlsops.schannel.tests.unit.tls.tls_rfc7540_blocklist import GOLANG_NET_BAD_CIPHERS

TESTSSL_MAPPING = Path("/etc/testssl/cipher-mapping.txt")


def test_registry_size_and_uniqueness():
    # testssl 3.0.8: 357 two-byte codes + 4 TLS 1.3 rows from 3be7a85; 13 SSLv2 three-byte codes
    assert len(iana.ALL_SUITES) == 361
    assert len(iana.SSL2_SUITES) == 13
    assert len(iana.SUITES_BY_CODE) == 361
    assert all(0 <= s.code <= 0xFFFF for s in iana.ALL_SUITES)
    assert list(iana.SUITES_BY_CODE) == sorted(iana.SUITES_BY_CODE)
    assert set(iana.TLS13_CODES) == {0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0x00C6, 0x00C7, 0xC0B4, 0xC0B5}


@pytest.mark.parametrize("value", [0xC02F, "0xC02F", "c02f", "0xC0,0x2F", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                   "ECDHE-RSA-AES128-GCM-SHA256"])
def test_lookup_forms(value):
    assert iana.lookup(value).code == 0xC02F


def test_lookup_schannel_curve_suffix():
    assert iana.lookup("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384").code == 0xC028
    with pytest.raises(KeyError):
        iana.lookup("TLS_NO_SUCH_SUITE")
    assert iana.suite_name(0x0A0A) == "0x0A0A"  # GREASE is not a suite


@pytest.mark.parametrize("name, expected", [
    ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
     dict(kex="ECDHE", auth="RSA", enc="AES_128_GCM", enc_bits=128, mac="AEAD", hash="SHA256", aead=True, pfs=True)),
    ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
     dict(kex="ECDHE", auth="RSA", enc="AES_256_CBC", cipher_type="block", mac="SHA1", aead=False, pfs=True)),
    ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", dict(kex="RSA", auth="RSA", enc_family="3DES", enc_bits=168, pfs=False)),
    ("TLS_RSA_EXPORT_WITH_RC4_40_MD5", dict(export=True, enc_family="RC4", enc_bits=40, cipher_type="stream", mac="MD5")),
    ("TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", dict(export=True, enc_family="DES", enc_bits=56)),
    ("TLS_DH_anon_WITH_AES_128_GCM_SHA256", dict(kex="DHE", auth="anon", anonymous=True, aead=True)),
    ("TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", dict(kex="ECDH", auth="ECDSA", pfs=False)),
    ("TLS_PSK_DHE_WITH_AES_128_CCM_8", dict(kex="DHE_PSK", auth="PSK", enc="AES_128_CCM_8", hash="SHA256", aead=True)),
    ("TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", dict(kex="SRP", auth="DSS")),
    ("TLS_AES_128_GCM_SHA256", dict(kex="ANY", tls13=True, aead=True, pfs=True)),
    ("TLS_SHA256_SHA256", dict(tls13=True, enc_family="NULL", cipher_type="null", aead=False)),
    ("TLS_NULL_WITH_NULL_NULL", dict(kex="NULL", enc_family="NULL", mac="NULL")),
    ("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD", dict(kex="ECDHE", enc_bits=256, aead=True)),
    ("SSL_CK_DES_192_EDE3_CBC_WITH_MD5", dict(sslv2=True, enc_family="3DES", enc_bits=168)),
    ("SSL_CK_RC4_128_EXPORT40_WITH_MD5", dict(sslv2=True, export=True, enc_bits=40)),
])
def test_parser(name, expected):
    props = iana.parse_suite_name(name)
    assert {k: props[k] for k in expected} == expected


def test_every_row_parses_consistently():
    for s in iana.ALL_SUITES + iana.SSL2_SUITES:
        assert s.aead == (s.cipher_type == "aead")
        assert s.mac == ("AEAD" if s.aead else s.hash)
        assert s.to_dict()["hex"].startswith("0x")


@pytest.mark.skipif(not TESTSSL_MAPPING.exists(), reason="Debian testssl.sh not installed")
def test_parser_agrees_with_testssl_columns():
    """The parser reads the name only; testssl's Kx/Au/Enc/Mac/export columns are an independent check."""
    kx_names = {"ECDHE": "ECDH", "DHE": "DH", "RSA": "RSA", "PSK": "PSK", "DHE_PSK": "DHEPSK", "ECDHE_PSK": "ECDHEPSK",
                "RSA_PSK": "RSAPSK", "SRP": "SRP", "KRB5": "KRB5", "GOST": "GOST", "CECPQ1": "CECPQ1", "NULL": "None",
                "ANY": "any"}
    # two SSLv2 oddities where testssl's columns are not derivable from the name
    known = {"SSL_CK_DES_64_CFB64_WITH_MD5_1", "SSL_CK_NULL_WITH_MD5"}
    checked = 0
    for line in TESTSSL_MAPPING.read_text().splitlines():
        m = re.match(r"\s*((?:0x[0-9A-F]{2},?)+)\s+-\s+(\S+)\s+(\S+)\s+(\S+)\s+Kx=(\S+)\s+Au=(\S+)\s+Enc=(\S+)\s+"
                     r"Mac=(\S+)\s*(export)?", line)
        assert m, line
        parts = [int(x, 16) for x in m.group(1).split(",")]
        code = int("".join("%02X" % p for p in parts), 16)
        suite = (iana.SSL2_SUITES_BY_CODE if len(parts) == 3 else iana.SUITES_BY_CODE)[code]
        if suite.name in known:
            continue
        kx, au, enc, mac, export = m.group(5, 6, 7, 8, 9)
        bits = int(re.search(r"\((\d+)\)", enc).group(1)) if "(" in enc else 0
        assert suite.enc_bits == bits, suite.name
        assert suite.aead == (mac == "AEAD"), suite.name
        assert suite.export == bool(export), suite.name
        if mac in ("SHA1", "MD5", "SHA256", "SHA384", "AEAD"):
            assert suite.mac == mac, suite.name
        if not suite.sslv2:
            if suite.kex in ("DH", "ECDH"):
                assert kx == "%s/%s" % (suite.kex, suite.auth), suite.name
                assert au == suite.kex, suite.name
            else:
                assert kx.split("(")[0] == kx_names[suite.kex], suite.name
                assert au == {"anon": "None", "NULL": "None", "ANY": "any"}.get(suite.auth, suite.auth) or \
                    suite.auth == "GOST", suite.name
        assert suite.openssl_name == (None if m.group(2) == "-" else m.group(2))
        checked += 1
    assert checked == 368


def test_h2_blocklist_matches_rfc7540_appendix_a():
    listed = set(GOLANG_NET_BAD_CIPHERS)
    assert len(GOLANG_NET_BAD_CIPHERS) == 276 == len(listed)
    listed.discard("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")  # a signalling value, not a suite
    assert all(name in iana.SUITES_BY_NAME for name in listed)
    ruled = {s.name for s in iana.ALL_SUITES if s.h2_blocklisted and s.registered}
    # The list was frozen in 2015; the rule also catches the non-ephemeral ChaCha20 suites of RFC 7905 (2016).
    assert ruled - listed == {"TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256"}
    assert listed - ruled == set()


def test_h2_allowed_windows_suites():
    allowed = {s.name for s in iana.ALL_SUITES if not s.h2_blocklisted and not s.tls13 and s.registered
               and s.kex in ("ECDHE", "DHE") and s.enc_family == "AES" and s.enc.endswith("GCM")}
    assert allowed == {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                       "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"}
    assert iana.lookup(0xC027).h2_blocklisted  # ECDHE-RSA-AES128-SHA256: the 2008 R2 trap


def test_ats_list():
    ats = [s for s in iana.ALL_SUITES if s.ats]
    assert len(ats) == 11
    assert all(s.kex == "ECDHE" and s.enc_family == "AES" and s.pfs for s in ats)
    assert not iana.lookup(0xC014).ats  # TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA is not in Apple's list
