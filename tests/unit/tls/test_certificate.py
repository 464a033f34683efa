"""certificate.describe() and analyse_chain() against ``cryptography``'s own objects.

Certificate analysis reads DER with cryptography.x509 (it replaced a hand-written reader whose values it keeps).
Expected values are computed here from cryptography's objects field by field (``oracle_info`` restates what the
analysis promises: key type names and sizes, the dotted OID for an unnamed signature algorithm, printable bounded
names), so a change in the mapping shows up as a difference. Certificates come from cryptography's
CertificateBuilder (keys, signature hashes, names, SANs, validity, serials), from re-signing what the builder no
longer signs (SHA-1, MD5), and from hand-built DER. Hostile bytes may only ever raise ValueError.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import ipaddress
import os
import warnings

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa, x25519
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID, ObjectIdentifier
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import certificate
from ansible_collections.tlsops.schannel.tests.unit.tls import byte_mutations

# servers do not keep to cryptography's length limits for CN and C, so the tests do not either
# (and they send zero or negative serials, on curves cryptography is about to drop)
pytestmark = [pytest.mark.filterwarnings("ignore:Attribute's length must be:UserWarning"),
              pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")]

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)
UTC = datetime.timezone.utc
HYPOTHESIS = settings(max_examples=int(os.environ.get("TLSOPS_FUZZ_EXAMPLES", "0") or 0) or 60, deadline=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                             HealthCheck.large_base_example])


# --- a small DER writer for hand-built certificates (independent of the reader under test) -----------------------

def tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + content


def seq(*parts: bytes) -> bytes:
    return tlv(0x30, b"".join(parts))


def set_of(*parts: bytes) -> bytes:
    return tlv(0x31, b"".join(parts))


def integer(value: int) -> bytes:
    magnitude = value if value >= 0 else -value - 1
    return tlv(0x02, value.to_bytes(magnitude.bit_length() // 8 + 1, "big", signed=True))


def oid(dotted: str) -> bytes:
    arcs = [int(arc) for arc in dotted.split(".")]
    out = b""
    for arc in [arcs[0] * 40 + arcs[1]] + arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, out)


def explicit(number: int, content: bytes) -> bytes:
    return tlv(0xA0 | number, content)


NULL = b"\x05\x00"
TRUE = b"\x01\x01\xff"


def bits(data: bytes, unused: int = 0) -> bytes:
    return tlv(0x03, bytes([unused]) + data)


def name(*rdns) -> bytes:
    """Name from RDNs given as lists of (OID, tag, value bytes)."""
    return seq(*[set_of(*[seq(oid(o), tlv(t, v)) for o, t, v in rdn]) for rdn in rdns])


def split(der: bytes):
    """The complete TLVs inside one constructed element (only well-formed input: our own certificates)."""
    pos, head = 2, der[1]
    if head & 0x80:
        pos += head & 0x7F
    out = []
    while pos < len(der):
        start, pos = pos, pos + 1
        size = der[pos]
        pos += 1
        if size & 0x80:
            count = size & 0x7F
            size, pos = int.from_bytes(der[pos:pos + count], "big"), pos + count
        pos += size
        out.append(der[start:pos])
    return out


# --- keys, builder, re-signing ------------------------------------------------------------------------------------

# curve name -> cryptography class name, looked up only when used (SECT571R1 warns that it is deprecated)
CURVES = {"secp256r1": "SECP256R1", "secp384r1": "SECP384R1", "secp521r1": "SECP521R1", "secp256k1": "SECP256K1",
          "brainpoolP384r1": "BrainpoolP384R1", "sect571r1": "SECT571R1"}


@functools.lru_cache(maxsize=None)
def private_key(kind: str, size=None):
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=size)
    if kind == "ec":
        return ec.generate_private_key(getattr(ec, CURVES[size])())
    if kind == "dsa":
        return dsa.generate_private_key(size)
    return {"ed25519": ed25519.Ed25519PrivateKey, "ed448": ed448.Ed448PrivateKey}[kind].generate()


def _pss(digest):
    return padding.PSS(mgf=padding.MGF1(digest), salt_length=padding.PSS.DIGEST_LENGTH)


HASHES = {"sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512,
          "sha3-256": hashes.SHA3_256, "sha1": hashes.SHA1, "md5": hashes.MD5}
# Signature algorithms the builder refuses since cryptography 42 (RFC 3279 / RFC 5758 OIDs): re-signed by hand.
OLD_SIGNATURES = {("rsa", "sha1"): seq(oid("1.2.840.113549.1.1.5"), NULL),
                  ("rsa", "md5"): seq(oid("1.2.840.113549.1.1.4"), NULL),
                  ("ec", "sha1"): seq(oid("1.2.840.10045.4.1")),
                  ("dsa", "sha1"): seq(oid("1.2.840.10040.4.3"))}


def raw_sign(key, kind: str, data: bytes, digest: str = "sha256") -> bytes:
    algorithm = HASHES[digest]()
    if kind == "rsa":
        return key.sign(data, padding.PKCS1v15(), algorithm)
    if kind == "ec":
        return key.sign(data, ec.ECDSA(algorithm))
    if kind == "dsa":
        return key.sign(data, algorithm)
    return key.sign(data)


def rebuild(der: bytes, key, kind: str, tbs_fields=None, algorithm: bytes = None, digest: str = "sha256") -> bytes:
    """``der`` with some tbsCertificate fields replaced ({index: DER}) and/or another signature algorithm,
    really signed again with ``key``."""
    tbs, old_algorithm, dummy = split(der)
    fields = split(tbs)
    algorithm = algorithm or old_algorithm
    fields[2] = algorithm
    for index, value in (tbs_fields or {}).items():
        fields[index] = value
    tbs = seq(*fields)
    return seq(tbs, algorithm, bits(raw_sign(key, kind, tbs, digest)))


def simple_name(text: str = "reader.example") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def build(key=("ec", "secp256r1"), sign="sha256", subject=None, issuer=None, san=None, ca=None, path_length=None,
          not_before=datetime.datetime(2025, 1, 1, tzinfo=UTC), not_after=datetime.datetime(2027, 1, 1, tzinfo=UTC),
          serial=0x1234, public_key=None) -> bytes:
    """DER of a certificate made by cryptography's CertificateBuilder, re-signed by hand for SHA-1 and MD5."""
    kind = key[0]
    signer = private_key(*key)
    builder = (x509.CertificateBuilder().subject_name(subject if subject is not None else simple_name())
               .issuer_name(issuer if issuer is not None else simple_name("issuer.example"))
               .public_key(public_key or signer.public_key()).serial_number(serial)
               .not_valid_before(not_before).not_valid_after(not_after))
    if san is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind in ("ed25519", "ed448"):
            cert = builder.sign(signer, None)
        elif sign.startswith("pss-"):
            digest = HASHES[sign[4:]]()
            cert = builder.sign(signer, digest, rsa_padding=_pss(digest))
        elif (kind, sign) in OLD_SIGNATURES:
            cert = builder.sign(signer, hashes.SHA256())
        else:
            cert = builder.sign(signer, HASHES[sign]())
    der = cert.public_bytes(serialization.Encoding.DER)
    if (kind, sign) in OLD_SIGNATURES:
        der = rebuild(der, signer, kind, algorithm=OLD_SIGNATURES[(kind, sign)], digest=sign)
    return der


# --- the oracle: what certificate analysis reported from cryptography's objects ----------------------------------

def rfc4514(name: x509.Name) -> str:
    return name.rfc4514_string()


def oracle_key(cert: x509.Certificate):
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "rsa", key.key_size, None
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "ecdsa", key.curve.key_size, key.curve.name
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "ed25519", 256, None
    if isinstance(key, ed448.Ed448PublicKey):
        return "ed448", 456, None
    if isinstance(key, dsa.DSAPublicKey):
        return "dsa", key.key_size, None
    return type(key).__name__.lower(), 0, None


def oracle_signature(cert: x509.Certificate):
    try:
        digest = cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else None
    except Exception:
        digest = None
    oid_name = cert.signature_algorithm_oid._name
    # deliberate difference: the reader shows the dotted OID where cryptography says "Unknown OID"
    return (cert.signature_algorithm_oid.dotted_string if oid_name == "Unknown OID" else oid_name), digest


def oracle_san(cert: x509.Certificate):
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return list(san.get_values_for_type(x509.DNSName)), [str(i) for i in san.get_values_for_type(x509.IPAddress)]


def oracle_info(der: bytes, now: datetime.datetime = NOW) -> dict:
    cert = x509.load_der_x509_certificate(der)
    not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
    key_type, key_size, curve = oracle_key(cert)
    signature_name, digest = oracle_signature(cert)
    dns, ips = oracle_san(cert)
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    return dict(
        subject=certificate.safe_text(rfc4514(cert.subject)), issuer=certificate.safe_text(rfc4514(cert.issuer)),
        serial="%x" % cert.serial_number,
        not_before=not_before.isoformat(), not_after=not_after.isoformat(), days_left=(not_after - now).days,
        lifetime_days=(not_after - not_before).days, expired=now > not_after, not_yet_valid=now < not_before,
        key_type=key_type, key_size=key_size, curve=curve, signature_algorithm=signature_name,
        signature_hash=digest, san_dns=[certificate.safe_text(d, 255) for d in dns], san_ip=ips, is_ca=is_ca,
        self_signed=cert.subject == cert.issuer, sha256_fingerprint=cert.fingerprint(hashes.SHA256()).hex())


def assert_same_as_cryptography(der: bytes) -> x509.Certificate:
    """Every CertificateInfo field equals what cryptography's objects say; returns cryptography's certificate."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = oracle_info(der)
        cert = x509.load_der_x509_certificate(der)
    assert dataclasses.asdict(certificate.describe(der, NOW)) == expected
    return cert


def cryptography_verdict(der: bytes):
    """The oracle's CertificateInfo fields, or "unparsable"."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return oracle_info(der)
    except Exception:
        return "unparsable"


def reader_verdict(der: bytes):
    try:
        return dataclasses.asdict(certificate.describe(der, NOW))
    except ValueError:
        return "unparsable"


# --- the builder matrix: keys, signatures, names, SANs, basicConstraints, validity, serials -----------------------

KEY_CASES = [("rsa", 1024), ("rsa", 2048), ("rsa", 3072), ("rsa", 4096), ("ec", "secp256r1"), ("ec", "secp384r1"),
             ("ec", "secp521r1"), ("ec", "secp256k1"), ("ec", "brainpoolP384r1"), ("ec", "sect571r1"),
             ("ed25519", None), ("ed448", None), ("dsa", 2048)]


@pytest.mark.parametrize("key", KEY_CASES, ids=["%s-%s" % k for k in KEY_CASES])
def test_key_types_and_sizes(key):
    try:
        private_key(*key)
    except Exception as exc:  # a curve this OpenSSL build lacks
        pytest.skip("cannot generate %s: %s" % (key, exc))
    der = build(key=key)
    assert_same_as_cryptography(der)
    assert certificate.describe(der, NOW).key_size > 0


SIGNATURE_CASES = (
    [(("rsa", 2048), s) for s in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3-256", "pss-sha256",
                                  "pss-sha384", "pss-sha512", "pss-sha3-256")]
    + [(("ec", "secp256r1"), s) for s in ("sha1", "sha224", "sha384", "sha512", "sha3-256")]
    + [(("dsa", 2048), s) for s in ("sha1", "sha224", "sha256", "sha384", "sha512")]
    + [(("ed25519", None), "none"), (("ed448", None), "none")])


@pytest.mark.parametrize("key,sign", SIGNATURE_CASES, ids=["%s-%s" % (k[0], s) for k, s in SIGNATURE_CASES])
def test_signature_algorithms_and_hashes(key, sign):
    der = build(key=key, sign=sign)
    assert_same_as_cryptography(der)
    info = certificate.describe(der, NOW)
    if sign in ("md5", "sha1"):
        assert info.signature_hash == sign  # the weak hashes the analysis exists to find


def attr(oid_, value, type_=None):
    """A name attribute without cryptography's length checks (servers do not make them either)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return x509.NameAttribute(oid_, value, _type=type_, _validate=False)


NAME_CASES = {
    "escaping": x509.Name([attr(NameOID.COMMON_NAME, ',+"\\<>;=#'), attr(NameOID.ORGANIZATION_NAME, "#leading hash"),
                           attr(NameOID.ORGANIZATIONAL_UNIT_NAME, "  both ends  "),
                           attr(NameOID.LOCALITY_NAME, "nul\x00inside"),
                           attr(NameOID.STATE_OR_PROVINCE_NAME, "ctl\x1b[31m\x07\r\n\x7f\x9b end"),
                           attr(NameOID.STREET_ADDRESS, " ")]),
    "unicode": x509.Name([attr(NameOID.COMMON_NAME, "Zürich ☃ 😀 中文"), attr(NameOID.ORGANIZATION_NAME, "Ελληνικά")]),
    "multi_valued_rdns": x509.Name([
        x509.RelativeDistinguishedName([attr(NameOID.COMMON_NAME, "b"), attr(NameOID.ORGANIZATION_NAME, "a+b"),
                                        attr(NameOID.COMMON_NAME, "a")]),
        x509.RelativeDistinguishedName([attr(NameOID.COUNTRY_NAME, "DE")])]),
    "email_dc_uid_unknown_oids": x509.Name([
        attr(NameOID.DOMAIN_COMPONENT, "com"), attr(NameOID.DOMAIN_COMPONENT, "example"),
        attr(NameOID.USER_ID, "jdoe"), attr(NameOID.EMAIL_ADDRESS, "pki@example.com"),
        attr(NameOID.SERIAL_NUMBER, "42"), attr(NameOID.ORGANIZATION_IDENTIFIER, "VATDE-123"),
        attr(NameOID.TITLE, "Dr"), attr(ObjectIdentifier("1.2.3.4.5.6789012345678"), "unknown"),
        attr(ObjectIdentifier("2.999.1"), "big first arc"), attr(NameOID.COMMON_NAME, "cn")]),
    "printable": x509.Name([attr(NameOID.COUNTRY_NAME, "US"),
                            attr(NameOID.COMMON_NAME, "Test (1) +,-./:=?' z", _ASN1Type.PrintableString)]),
    "bmp": x509.Name([attr(NameOID.COMMON_NAME, "BMP ☃ and 😀", _ASN1Type.BMPString),
                      attr(NameOID.ORGANIZATION_NAME, "plain", _ASN1Type.BMPString)]),
    "universal": x509.Name([attr(NameOID.COMMON_NAME, "Universal 😀 ü", _ASN1Type.UniversalString)]),
    "ia5_t61_visible_numeric": x509.Name([attr(NameOID.COMMON_NAME, "ia5", _ASN1Type.IA5String),
                                          attr(NameOID.ORGANIZATION_NAME, "t61 ü", _ASN1Type.T61String),
                                          attr(NameOID.ORGANIZATIONAL_UNIT_NAME, "visible", _ASN1Type.VisibleString),
                                          attr(NameOID.SERIAL_NUMBER, "0123 456", _ASN1Type.NumericString)]),
    "unique_identifier_bits": x509.Name([attr(NameOID.COMMON_NAME, "uid"),
                                         x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, b"\x00\xab\xcd",
                                                            _type=_ASN1Type.BitString)]),
    "empty": x509.Name([]),
    "empty_value": x509.Name([attr(NameOID.COMMON_NAME, "")]),
    "long_value_truncated": x509.Name([attr(NameOID.COMMON_NAME, "x" * 3000 + "\x1b")]),
}


@pytest.mark.parametrize("case", sorted(NAME_CASES))
def test_names(case):
    read = assert_same_as_cryptography(build(subject=NAME_CASES[case], issuer=NAME_CASES[case]))
    assert read.subject == read.issuer


SAN_CASES = {
    "dns_ipv4_ipv6": [x509.DNSName("www.example.com"), x509.DNSName("*.example.com"),
                      x509.IPAddress(ipaddress.ip_address("192.0.2.1")),
                      x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
                      x509.IPAddress(ipaddress.ip_address("::ffff:192.0.2.1"))],
    "networks": [x509.IPAddress(ipaddress.ip_network("10.0.0.0/8")),
                 x509.IPAddress(ipaddress.ip_network("2001:db8::/32"))],
    "other_general_names": [x509.RFC822Name("pki@example.com"), x509.UniformResourceIdentifier("https://x.example"),
                            x509.DirectoryName(NAME_CASES["multi_valued_rdns"]),
                            x509.RegisteredID(ObjectIdentifier("1.2.3.4")),
                            x509.OtherName(ObjectIdentifier("1.3.6.1.4.1.311.20.2.3"), b"\x0c\x03a@b"),
                            x509.DNSName("after.example")],
    "control_characters": [x509.DNSName("\x1b[2Jevil.example"), x509.DNSName('"><img src=x>')],
    "empty": [],
    "absent": None,
}


@pytest.mark.parametrize("case", sorted(SAN_CASES))
def test_subject_alt_names(case):
    assert_same_as_cryptography(build(san=SAN_CASES[case]))


@pytest.mark.parametrize("ca,path_length", [(True, None), (True, 0), (True, 7), (False, None), (None, None)])
def test_basic_constraints(ca, path_length):
    der = build(ca=ca, path_length=path_length)
    assert_same_as_cryptography(der)
    assert certificate.describe(der, NOW).is_ca is bool(ca)


VALIDITY_CASES = [
    (datetime.datetime(1950, 1, 1, tzinfo=UTC), datetime.datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC)),
    (datetime.datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC), datetime.datetime(2050, 1, 1, tzinfo=UTC)),
    (datetime.datetime(2020, 2, 29, 12, 30, 45, tzinfo=UTC), datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    (datetime.datetime(2026, 6, 2, tzinfo=UTC), datetime.datetime(2026, 6, 3, tzinfo=UTC)),  # not yet valid
    (datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC), datetime.datetime(2000, 1, 1, tzinfo=UTC)),  # expired
]


@pytest.mark.parametrize("not_before,not_after", VALIDITY_CASES,
                         ids=["%d-%d" % (first.year, second.year) for first, second in VALIDITY_CASES])
def test_validity_from_the_builder(not_before, not_after):
    read = assert_same_as_cryptography(build(not_before=not_before, not_after=not_after))
    assert (read.not_valid_before_utc, read.not_valid_after_utc) == (not_before, not_after)


def validity(first: bytes, second: bytes) -> bytes:
    return seq(first, second)


HAND_VALIDITY = {
    # the builder refuses dates before 1950; servers do not
    "generalized_before_1950": (validity(tlv(0x18, b"19000101000000Z"), tlv(0x18, b"19491231235959Z")),
                                (1900, 1949)),
    "generalized_in_utctime_years": (validity(tlv(0x18, b"20240101000000Z"), tlv(0x18, b"20340101000000Z")),
                                     (2024, 2034)),
    "utctime_year_rule": (validity(tlv(0x17, b"500101000000Z"), tlv(0x17, b"491231235959Z")), (1950, 2049)),
    "year_one": (validity(tlv(0x18, b"00010101000000Z"), tlv(0x17, b"990101000000Z")), (1, 1999)),
}


@pytest.mark.parametrize("case", sorted(HAND_VALIDITY))
def test_validity_by_hand(case):
    encoded, years = HAND_VALIDITY[case]
    key = private_key("ec", "secp256r1")
    read = assert_same_as_cryptography(rebuild(build(), key, "ec", {4: encoded}))
    assert (read.not_valid_before_utc.year, read.not_valid_after_utc.year) == years


@pytest.mark.parametrize("serial", [1, 127, 128, 255, 256, 0x7FFF, 0x8000, 2 ** 64, 2 ** 159 - 1])
def test_serials_from_the_builder(serial):
    assert assert_same_as_cryptography(build(serial=serial)).serial_number == serial


@pytest.mark.parametrize("serial", [0, -1, -128, -129, -(2 ** 70), 2 ** 200])
def test_serials_by_hand(serial):
    """Zero, negative and over-long serials exist in the wild; the builder refuses them."""
    der = rebuild(build(), private_key("ec", "secp256r1"), "ec", {1: integer(serial)})
    assert assert_same_as_cryptography(der).serial_number == serial


def test_x25519_key_reports_what_the_analysis_did():
    der = build(public_key=x25519.X25519PrivateKey.generate().public_key())
    assert certificate.describe(der, NOW).key_type == "x25519publickey"
    assert_same_as_cryptography(der)


def test_version_1_certificate():
    der = build()
    tbs, algorithm, dummy = split(der)
    fields = split(tbs)[1:]  # no [0] version: v1
    key = private_key("ec", "secp256r1")
    v1 = seq(seq(*fields), algorithm, bits(raw_sign(key, "ec", seq(*fields))))
    assert x509.load_der_x509_certificate(v1).version == x509.Version.v1
    assert_same_as_cryptography(v1)


# --- chains: order, self-signed and the hostname fallback use cryptography's name equality -----------------------

def test_chain_order_and_weak_signature_as_cryptography_sees_them():
    root_name = x509.Name([attr(NameOID.COUNTRY_NAME, "DE"), attr(NameOID.COMMON_NAME, "Root")])
    # the intermediate names its issuer with PrintableString values, the root itself with UTF8String ones
    printable_root = x509.Name([attr(NameOID.COUNTRY_NAME, "DE"),
                                attr(NameOID.COMMON_NAME, "Root", _ASN1Type.PrintableString)])
    inter_name = simple_name("Intermediate")
    root = build(key=("rsa", 2048), subject=root_name, issuer=root_name, ca=True)
    inter = build(key=("rsa", 2048), sign="sha1", subject=inter_name, issuer=printable_root, ca=True)
    leaf = build(subject=simple_name("leaf.example"), issuer=inter_name, san=[x509.DNSName("leaf.example")])
    crypto = [x509.load_der_x509_certificate(d) for d in (leaf, inter, root)]
    assert crypto[1].issuer == crypto[2].subject  # cryptography ignores the string type
    assert crypto[1].issuer.public_bytes() != crypto[2].subject.public_bytes()  # but the bytes differ
    result = certificate.analyse_chain([leaf, inter, root], "tls12-raw", "leaf.example")
    assert result.chain_in_order is True and result.chain_length == 3 and result.hostname_match is True
    assert result.sha1_in_chain is True
    assert result.weak_signature_certificates == ["CN=Intermediate (sha1WithRSAEncryption)"]
    assert [c.self_signed for c in result.chain] == [c.subject == c.issuer for c in crypto]
    out_of_order = certificate.analyse_chain([leaf, root, inter], "tls12-raw", None)
    assert out_of_order.chain_in_order is False


def test_hostname_falls_back_to_common_names_without_san():
    der = build(subject=x509.Name([attr(NameOID.COMMON_NAME, "first.example"), attr(NameOID.COMMON_NAME, "x"),
                                   attr(NameOID.COMMON_NAME, "*.wild.example")]))
    info = certificate.describe(der, NOW)
    assert certificate.hostname_matches(info, "a.wild.example", der)
    assert certificate.hostname_matches(info, "first.example", der)
    assert not certificate.hostname_matches(info, "other.example", der)


def test_network_entries_in_san_never_match_and_never_raise():
    der = build(san=SAN_CASES["networks"] + [x509.IPAddress(ipaddress.ip_address("10.1.2.3"))])
    info = certificate.describe(der, NOW)
    assert info.san_ip == ["10.0.0.0/8", "2001:db8::/32", "10.1.2.3"]
    assert certificate.hostname_matches(info, "10.1.2.3")
    assert not certificate.hostname_matches(info, "10.0.0.1")
    assert certificate.analyse_chain([der], "tls12-raw", "10.9.9.9").hostname_match is False


# --- hand-built DER: both accept with the same values, or both refuse -----------------------------------------------

BASE_KEY = private_key("ec", "secp256r1")
BASE_SPKI = BASE_KEY.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"))
CN_TEST = name([("2.5.4.3", 0x0C, b"test")])
GOOD_VALIDITY = seq(tlv(0x17, b"240101000000Z"), tlv(0x17, b"340101000000Z"))
SAN_OID, BC_OID, PSS_OID, SHA256_OID = "2.5.29.17", "2.5.29.19", "1.2.840.113549.1.1.10", "2.16.840.1.101.3.4.2.1"
RSA_KEY = private_key("rsa", 2048)
RSA_N = RSA_KEY.public_key().public_numbers().n


def crafted(version=explicit(0, integer(2)), serial=integer(12345), algorithm=ECDSA_SHA256, issuer=CN_TEST,
            validity_=GOOD_VALIDITY, subject=CN_TEST, spki=BASE_SPKI, extensions=None, extra=b"",
            signature=bits(b"\x01" * 8), trailing=b"") -> bytes:
    parts = [version, serial, algorithm, issuer, validity_, subject, spki, extra]
    if extensions is not None:
        parts.append(explicit(3, extensions))
    return seq(seq(*parts), algorithm, signature) + trailing


def extension(oid_: str, value: bytes, critical: bytes = b"") -> bytes:
    return seq(oid(oid_), critical, tlv(0x04, value))


def san(*general_names: bytes) -> bytes:
    return crafted(extensions=seq(extension(SAN_OID, seq(*general_names))))


def spki(algorithm: bytes, key: bytes, unused: int = 0) -> bytes:
    return crafted(spki=seq(algorithm, bits(key, unused)))


def pss(*fields: bytes) -> bytes:
    return crafted(algorithm=seq(oid(PSS_OID), seq(*fields)))


def one_attribute(tag: int, value: bytes, oid_: str = "2.5.4.3") -> bytes:
    return crafted(subject=name([(oid_, tag, value)]))


# --- hypothesis: generated names, SANs and validity against the oracle ---------------------------------------------

NAME_TYPES = [NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME, NameOID.ORGANIZATIONAL_UNIT_NAME,
              NameOID.LOCALITY_NAME, NameOID.STATE_OR_PROVINCE_NAME, NameOID.STREET_ADDRESS,
              NameOID.DOMAIN_COMPONENT, NameOID.USER_ID, NameOID.EMAIL_ADDRESS, NameOID.SERIAL_NUMBER,
              ObjectIdentifier("1.3.6.1.4.1.99999.7"), ObjectIdentifier("2.5.4.65")]
PRINTABLE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?"
VALUE_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12) | \
    st.text(alphabet=',+"\\<>;#= \x00\x1b\x7f\x9b', max_size=6)


@st.composite
def name_attributes(draw):
    oid_ = draw(st.sampled_from(NAME_TYPES))
    string_type = draw(st.sampled_from([None, _ASN1Type.UTF8String, _ASN1Type.PrintableString, _ASN1Type.BMPString,
                                        _ASN1Type.UniversalString, _ASN1Type.IA5String, _ASN1Type.T61String]))
    printable = string_type == _ASN1Type.PrintableString or (string_type is None and oid_ == NameOID.SERIAL_NUMBER)
    value = draw(st.text(alphabet=PRINTABLE, max_size=10) if printable else VALUE_TEXT)
    return attr(oid_, value, string_type)


@st.composite
def names(draw):
    rdns = draw(st.lists(st.lists(name_attributes(), min_size=1, max_size=3, unique_by=lambda a: (a.oid, a.value)),
                         max_size=4))
    return x509.Name([x509.RelativeDistinguishedName(rdn) for rdn in rdns])


GENERAL_NAMES = st.one_of(
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=20).map(x509.DNSName),
    st.ip_addresses().map(x509.IPAddress),
    st.ip_addresses(v=4).map(lambda a: x509.IPAddress(ipaddress.ip_network("%s/24" % a, strict=False))),
    st.just(x509.RFC822Name("a@b.example")))
DATES = st.datetimes(min_value=datetime.datetime(1950, 1, 1), max_value=datetime.datetime(9999, 12, 31),
                     timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0))


@HYPOTHESIS
@given(subject=names(), issuer=names(), alt_names=st.none() | st.lists(GENERAL_NAMES, max_size=5),
       ca=st.sampled_from([None, True, False]), not_before=DATES, not_after=DATES,
       serial=st.integers(1, 2 ** 159 - 1))
@example(subject=x509.Name([]), issuer=x509.Name([]), alt_names=None, ca=None,
         not_before=datetime.datetime(1950, 1, 1, tzinfo=UTC), not_after=datetime.datetime(2050, 1, 1, tzinfo=UTC),
         serial=1)
def test_generated_certificates_same_as_cryptography(subject, issuer, alt_names, ca, not_before, not_after, serial):
    assume(not_before != not_after)
    not_before, not_after = sorted((not_before, not_after))
    der = build(subject=subject, issuer=issuer, san=alt_names, ca=ca, not_before=not_before, not_after=not_after,
                serial=serial)
    assert_same_as_cryptography(der)


# --- hypothesis: hostile bytes never raise anything but ValueError --------------------------------------------------

SEEDS = [build(key=("rsa", 2048), san=SAN_CASES["dns_ipv4_ipv6"], ca=False),
         build(subject=NAME_CASES["multi_valued_rdns"], san=SAN_CASES["other_general_names"], ca=True),
         build(key=("rsa", 2048), sign="pss-sha256"), build(key=("dsa", 2048), sign="sha256"),
         build(subject=NAME_CASES["unique_identifier_bits"])]


def mutated_certificates():
    return byte_mutations.mutated(SEEDS, max_edits=6)


def read_or_value_error(der):
    try:
        return certificate.describe(der, NOW)
    except ValueError as exc:
        assert exc.__class__ is ValueError and str(exc).startswith("unparsable certificate (")
        return None


@HYPOTHESIS
@given(st.binary(max_size=400) | st.binary(max_size=40).map(lambda b: b"\x30\x82\x01\x00" + b))
@example(b"")
@example(b"\x30")
@example(b"\x30\x80\x00\x00")
@example(b"\x30\x84\xff\xff\xff\xff")
@example(b"\x30\x89" + b"\xff" * 9)
@example(b"\x1f\xff\xff\xff\xff\xff\x00")
def test_random_bytes_raise_only_value_error(der):
    assert read_or_value_error(der) is None


@HYPOTHESIS
@given(mutated_certificates())
def test_mutated_certificates_raise_only_value_error_and_agree_when_cryptography_parses(der):
    read_or_value_error(der)
    expected = cryptography_verdict(der)
    if expected != "unparsable":  # whatever cryptography still reads, the reader reads the same way
        assert reader_verdict(der) == expected


def test_deep_nesting_and_megabyte_input_fail_fast():
    depth = 50000
    nested = b"".join(b"\x30\x84" + (6 * (depth - 1 - level)).to_bytes(4, "big") for level in range(depth))
    for der in (nested, b"\x30\x83\x10\x00\x00" + b"\x00" * (1 << 20), os.urandom(1 << 20)):
        with pytest.raises(ValueError):
            certificate.describe(der)


def test_not_bytes_is_a_value_error():
    for value in (None, "MII", 42):
        with pytest.raises(ValueError):
            certificate.describe(value)


# --- what the analysis says beyond cryptography's objects, and what it refuses -----------------------------------

def test_unknown_signature_algorithm_is_shown_as_its_oid_not_unknown_oid():
    der = crafted(algorithm=seq(oid("1.2.3.4")))
    assert x509.load_der_x509_certificate(der).signature_algorithm_oid._name == "Unknown OID"
    info = certificate.describe(der, NOW)
    assert (info.signature_algorithm, info.signature_hash) == ("1.2.3.4", None)


@pytest.mark.parametrize("der", [
    crafted(extensions=seq(extension("2.5.29.15", b"\xff\xff"))),  # a broken keyUsage
    crafted(extensions=seq(extension("2.5.29.35", b"\x30\x03\x02\x01\x01"))),  # a broken authorityKeyIdentifier
    spki(seq(oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")), b"\x04" + b"\x01" * 64),  # EC point off P-256
    crafted(version=explicit(0, integer(7))),  # InvalidVersion, not a ValueError, inside cryptography
    crafted(extensions=seq(extension("2.5.29.19", b"\x30\x00"), extension("2.5.29.19", b"\x30\x00"))),  # twice
], ids=["key_usage", "authority_key_id", "ec_point_off_curve", "version_8", "duplicate_extension"])
def test_what_cryptography_refuses_is_an_unparsable_certificate_fact(der):
    """The hand-written reader accepted the first three (it parsed neither those extensions nor the curve); since
    certificates are read by cryptography they are unparsable, reported as such, and never an exception other
    than ValueError."""
    with pytest.raises(ValueError, match=r"^unparsable certificate \("):
        certificate.describe(der, NOW)
    result = certificate.analyse_chain([der], "tls12-raw", "test")
    assert result.chain == [] and result.weak_signature_certificates[0].startswith("unparsable certificate: ")
