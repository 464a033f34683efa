"""The catalogue against the fact sheet (§4.2 matrix, §4.3 lists) and against hand-copied key facts."""
from __future__ import annotations

import re

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError

from . import factsheet

VERSIONS = factsheet.VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_default_order_equals_fact_sheet(version):
    lists = factsheet.version_lists()
    default, others = lists[version]
    assert catalogue.default_order(version) == [n.rstrip("*") for n in default]
    starred = [n.rstrip("*") for n in default if n.endswith("*")]
    assert [s.name for s in catalogue.suites_for(version) if s.enabled_by_default and s.request_only] == starred
    not_default = [s.name for s in catalogue.suites_for(version) if not s.enabled_by_default and not s.psk_only]
    assert sorted(not_default) == sorted(n.rstrip("*") for n in others)


def test_matrix_cells_match_catalogue():
    """Every Dn / N / — / PSK cell of §4.2 is what the catalogue says for that version."""
    for name, row in factsheet.matrix().items():
        assert catalogue.base_info(name)[0] == row["code"], name
        assert catalogue.base_info(name)[1] == row["openssl"], name
        for version, cell in row["cells"].items():
            found = catalogue.variants(name, version)
            if cell == "—":
                assert not found, (name, version)
                continue
            if cell == "PSK":
                assert [s.psk_only for s in found] == [True], (name, version)
                continue
            parts = re.findall(r"(D\d+|N)(\*?)(?:\((P\d+)\))?", cell)
            assert len(parts) == len(found), (name, version, cell)
            by_curve = dict((s.curve, s) for s in found)
            for mark, star, curve in parts:
                suite = by_curve[curve or None]
                if mark == "N":
                    assert not suite.enabled_by_default, (name, version)
                else:
                    assert suite.default_position == int(mark[1:]), (name, version, curve)
                assert suite.request_only == bool(star), (name, version)


def test_matrix_protocols():
    names = {"1.3": "TLS 1.3", "1.2": "TLS 1.2", "1.1": "TLS 1.1", "1.0": "TLS 1.0", "SSL3": "SSL 3.0",
             "SSL2": "SSL 2.0"}
    for name, row in factsheet.matrix().items():
        expected = tuple(names[p.strip()] for p in row["protocols"].split(","))
        assert catalogue.base_info(name)[2] == expected, name


@pytest.mark.parametrize("version,length", [("2008r2", 1449), ("2012", 1383), ("2012r2", 1449), ("2016", 1078),
                                            ("2019", 790), ("2022", 836), ("2025", 734)])
def test_joined_default_length_matches_facts_3_3(version, length):
    assert len(",".join(catalogue.default_order(version))) == length


@pytest.mark.parametrize("version", ["2008r2", "2012", "2012r2"])
def test_no_ecdhe_rsa_gcm_before_2016(version):
    for base in ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"):
        assert catalogue.variants(base, version) == []
    assert all(s.curve for s in catalogue.suites_for(version) if s.base_name.startswith("TLS_ECDHE_"))


@pytest.mark.parametrize("version", ["2016", "2019", "2022", "2025"])
def test_bare_names_from_2016(version):
    assert not any(s.curve for s in catalogue.suites_for(version))
    assert catalogue.variants("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", version)


def test_tls13_only_2022_plus():
    for version in VERSIONS:
        has = bool(catalogue.variants("TLS_AES_128_GCM_SHA256", version))
        assert has == (version in ("2022", "2025"))


def test_lacking_suites():
    def ltsc(base):
        return [v for v in catalogue.versions_with(base) if v in VERSIONS]
    assert ltsc("TLS_DHE_RSA_WITH_AES_128_CBC_SHA") == ["2008r2", "2012r2", "2016", "2019", "2022", "2025"]
    assert catalogue.versions_with("SSL_CK_RC4_128_WITH_MD5") == ["2008r2", "2012", "2012r2"]
    assert ltsc("TLS_PSK_WITH_AES_128_GCM_SHA256") == ["2016", "2019", "2022", "2025"]
    # the releases planned with another page's tables have what that page has (docs/windows-versions.md)
    assert [v for v in catalogue.versions_with("TLS_PSK_WITH_AES_128_GCM_SHA256") if v not in VERSIONS] == [
        "1709", "1803", "1903", "20h2", "23h2", "vnext"]


def test_registry_dependencies():
    s = catalogue.get("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256", "2008r2")
    assert (s.cipher_key, s.hash_key, s.kex_key, s.certificate_type) == ("AES 128/128", "SHA", "ECDH", "rsa")
    s = catalogue.get("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "2016")
    assert (s.cipher_key, s.hash_key, s.kex_key) == ("Triple DES 168", "SHA", "PKCS")
    s = catalogue.get("TLS_RSA_EXPORT_WITH_RC4_40_MD5", "2016")
    assert (s.cipher_key, s.hash_key) == ("RC4 40/128", "MD5")
    s = catalogue.get("TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "2016")
    assert (s.kex_key, s.certificate_type) == ("Diffie-Hellman", "dsa")
    s = catalogue.get("TLS_AES_256_GCM_SHA384", "2022")
    assert (s.cipher_key, s.kex_key, s.certificate_type) == ("AES 256/256", None, "any")
    s = catalogue.get("SSL_CK_DES_192_EDE3_CBC_WITH_MD5", "2008r2")
    assert s.cipher_key == "Triple DES 168"


def test_lookup_suffix_and_missing():
    with pytest.raises(SchannelInputError) as err:
        catalogue.lookup("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "2008r2")
    assert "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256" in str(err.value)
    with pytest.raises(SchannelInputError) as err:
        catalogue.lookup("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "2008r2")
    assert "does not exist before Windows Server 2016" in str(err.value)
    with pytest.raises(SchannelInputError) as err:
        catalogue.lookup("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265", "2019")
    assert "use TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" in str(err.value)
    # suffix accepted (and ignored) on 2016+
    assert catalogue.lookup("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256", "2019").name == \
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"
    with pytest.raises(SchannelInputError) as err:
        catalogue.lookup("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P256", "2012r2")
    assert "_P384" in str(err.value)


def test_expand_base():
    assert catalogue.expand_base("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "2008r2") == [
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384"]
    assert catalogue.expand_base("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "2012", ["NistP256", "NistP384"]) == [
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384"]
    assert catalogue.expand_base("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "2012r2", ["NistP384"]) == [
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384"]
    assert catalogue.expand_base("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "2019") == [
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"]
    assert catalogue.expand_base("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "2012r2") == []


def test_iana_properties_agree_with_matrix():
    pytest.importorskip("ansible_collections.tlsops.schannel.plugins.module_utils.tls.iana")
    for name, row in factsheet.matrix().items():
        found = catalogue.variants(name, "2008r2") or catalogue.variants(name, "2025")
        suite = found[0]
        assert suite.ats == row["ats"], name
        if row["h2"].startswith("not listed"):  # unregistered EXPORT1024 code points: prohibited by the rule
            assert suite.h2_blocklisted and not suite.aead, name
        else:
            assert suite.h2_blocklisted == (row["h2"] == "BLOCK"), name
        assert suite.openssl_name == row["openssl"]
