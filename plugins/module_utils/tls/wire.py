# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS wire format: build ClientHello records byte by byte, parse what a server sends back before encryption.

Why hand-built hellos: the local OpenSSL cannot offer RC4, 3DES, export or NULL suites, cannot restrict TLS 1.3
suites, and needs one connection per suite; a raw hello can carry any two-byte code and the server's choice is
readable in its ServerHello before any cryptography. The parser is written for hostile input: every length is
checked against what is actually there and every failure is a ``WireError`` (never an IndexError/struct.error),
so a server sending garbage ends in a finding, not a traceback.
"""
from __future__ import annotations

import functools
import os
import struct
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana, keyshare

# --- constants --------------------------------------------------------------------------------------------------

CONTENT_CHANGE_CIPHER_SPEC = 20
CONTENT_ALERT = 21
CONTENT_HANDSHAKE = 22
CONTENT_APPLICATION_DATA = 23

HS_CLIENT_HELLO = 1
HS_SERVER_HELLO = 2
HS_CERTIFICATE = 11
HS_SERVER_KEY_EXCHANGE = 12
HS_CERTIFICATE_REQUEST = 13
HS_SERVER_HELLO_DONE = 14

EXT_SERVER_NAME = 0
EXT_STATUS_REQUEST = 5
EXT_SUPPORTED_GROUPS = 10
EXT_EC_POINT_FORMATS = 11
EXT_SIGNATURE_ALGORITHMS = 13
EXT_ALPN = 16
EXT_PADDING = 21
EXT_ENCRYPT_THEN_MAC = 22
EXT_EXTENDED_MASTER_SECRET = 23
EXT_SESSION_TICKET = 35
EXT_SUPPORTED_VERSIONS = 43
EXT_PSK_KEY_EXCHANGE_MODES = 45
EXT_CERTIFICATE_AUTHORITIES = 47
EXT_KEY_SHARE = 51
EXT_RENEGOTIATION_INFO = 0xFF01

SSL3, TLS10, TLS11, TLS12, TLS13 = 0x0300, 0x0301, 0x0302, 0x0303, 0x0304
VERSION_NAMES = {0x0200: "SSL 2.0", SSL3: "SSL 3.0", TLS10: "TLS 1.0", TLS11: "TLS 1.1", TLS12: "TLS 1.2",
                 TLS13: "TLS 1.3"}
VERSION_CODES = {v: k for k, v in VERSION_NAMES.items()}

# RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")

ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 21: "decryption_failed",
          22: "record_overflow", 30: "decompression_failure", 40: "handshake_failure", 41: "no_certificate",
          42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired",
          46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied",
          50: "decode_error", 51: "decrypt_error", 60: "export_restriction", 70: "protocol_version",
          71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
          100: "no_renegotiation", 109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name",
          113: "bad_certificate_status_response", 115: "unknown_psk_identity", 116: "certificate_required",
          120: "no_application_protocol"}

GROUPS = {0x0001: "sect163k1", 0x0002: "sect163r1", 0x0003: "sect163r2", 0x0004: "sect193r1", 0x0005: "sect193r2",
          0x0006: "sect233k1", 0x0007: "sect233r1", 0x0008: "sect239k1", 0x0009: "sect283k1", 0x000A: "sect283r1",
          0x000B: "sect409k1", 0x000C: "sect409r1", 0x000D: "sect571k1", 0x000E: "sect571r1", 0x000F: "secp160k1",
          0x0010: "secp160r1", 0x0011: "secp160r2", 0x0012: "secp192k1", 0x0013: "secp192r1", 0x0014: "secp224k1",
          0x0015: "secp224r1", 0x0016: "secp256k1", 0x0017: "secp256r1", 0x0018: "secp384r1", 0x0019: "secp521r1",
          0x001A: "brainpoolP256r1", 0x001B: "brainpoolP384r1", 0x001C: "brainpoolP512r1", 0x001D: "x25519",
          0x001E: "x448", 0x001F: "brainpoolP256r1tls13", 0x0020: "brainpoolP384r1tls13",
          0x0021: "brainpoolP512r1tls13", 0x0100: "ffdhe2048", 0x0101: "ffdhe3072", 0x0102: "ffdhe4096",
          0x0103: "ffdhe6144", 0x0104: "ffdhe8192", 0x11EB: "SecP256r1MLKEM768", 0x11EC: "X25519MLKEM768",
          0x11ED: "SecP384r1MLKEM1024"}
GROUP_CODES = {v: k for k, v in GROUPS.items()}
GROUP_BITS = {0x0017: 256, 0x0018: 384, 0x0019: 521, 0x001D: 253, 0x001E: 448, 0x0100: 2048, 0x0101: 3072,
              0x0102: 4096, 0x0103: 6144, 0x0104: 8192}

SIGALGS = {0x0201: "rsa_pkcs1_sha1", 0x0203: "ecdsa_sha1", 0x0401: "rsa_pkcs1_sha256",
           0x0403: "ecdsa_secp256r1_sha256", 0x0501: "rsa_pkcs1_sha384", 0x0503: "ecdsa_secp384r1_sha384",
           0x0601: "rsa_pkcs1_sha512", 0x0603: "ecdsa_secp521r1_sha512", 0x0804: "rsa_pss_rsae_sha256",
           0x0805: "rsa_pss_rsae_sha384", 0x0806: "rsa_pss_rsae_sha512", 0x0807: "ed25519", 0x0808: "ed448",
           0x0809: "rsa_pss_pss_sha256", 0x080A: "rsa_pss_pss_sha384", 0x080B: "rsa_pss_pss_sha512"}

# What the prober offers when it is not replaying a client: every group and signature scheme that matters.
DEFAULT_GROUPS = (0x001D, 0x0017, 0x0018, 0x0019, 0x001E, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104, 0x001A,
                  0x001B, 0x001C, 0x0016, 0x0015, 0x0013, 0x0014, 0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x000E)
DEFAULT_SIGALGS = (0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080A, 0x080B, 0x0401,
                   0x0501, 0x0601, 0x0203, 0x0201, 0x0303, 0x0301, 0x0402, 0x0302, 0x0202)

MAX_RECORD = 16384 + 2048  # RFC 5246 6.2.3: TLSCiphertext.length must not exceed 2^14 + 2048


class WireError(ValueError):
    """The peer sent bytes that are not a well-formed TLS record/handshake message."""


# --- key shares -------------------------------------------------------------------------------------------------


_KEY_SHARES: Dict[int, Optional[bytes]] = {}


def key_share_for(group: int) -> Optional[bytes]:
    """A real public key for ``group`` (so a strict TLS 1.3 server does not abort with illegal_parameter); None
    when no key can be made (then the group is offered without a share and the server may ask for one).

    One key per group and process: the prober never completes a key exchange, so reusing a public key is safe and
    saves a key generation per hello."""
    if group not in _KEY_SHARES:
        _KEY_SHARES[group] = keyshare.public_key(group)
    return _KEY_SHARES[group]


# --- building ---------------------------------------------------------------------------------------------------


def _u8(n: int) -> bytes:
    return struct.pack(">B", n)


def _u16(n: int) -> bytes:
    return struct.pack(">H", n)


def _u24(n: int) -> bytes:
    return struct.pack(">I", n)[1:]


def _vec8(data: bytes) -> bytes:
    return _u8(len(data)) + data


def _vec16(data: bytes) -> bytes:
    return _u16(len(data)) + data


def _ext(ext_type: int, data: bytes) -> bytes:
    return _u16(ext_type) + _vec16(data)


@dataclass
class HelloParams:
    """Everything a ClientHello says. ``max_version``/``min_version`` are wire codes (0x0303 = TLS 1.2); a
    ``max_version`` of TLS 1.3 sends ``supported_versions``; ``key_share_groups`` get real keys."""

    max_version: int = TLS12
    min_version: int = TLS10
    cipher_suites: Sequence[int] = ()
    server_name: Optional[str] = None
    groups: Sequence[int] = DEFAULT_GROUPS
    signature_algorithms: Sequence[int] = DEFAULT_SIGALGS
    alpn: Sequence[str] = ()
    key_share_groups: Sequence[int] = (0x001D,)
    renegotiation_scsv: bool = True
    fallback_scsv: bool = False
    point_formats: Sequence[int] = (0,)
    extensions: bool = True
    session_ticket: bool = False
    extended_master_secret: bool = True
    pad: bool = True


def _u16s(values: Sequence[int]) -> bytes:
    return struct.pack(">%dH" % len(values), *values)


@functools.lru_cache(maxsize=256)
def _extensions(tls13: bool, legacy: int, min_version: int, max_version: int, server_name: Optional[str],
                groups: Tuple[int, ...], point_formats: Tuple[int, ...], signature_algorithms: Tuple[int, ...],
                alpn: Tuple[str, ...], extended_master_secret: bool, session_ticket: bool,
                key_share_groups: Tuple[int, ...]) -> bytes:
    """Every extension but padding. Cached: an enumeration sends dozens of hellos that differ only in their
    suites, and the key shares are per-process anyway (see key_share_for)."""
    exts = b""
    if server_name and not _is_ip(server_name):
        name = server_name.rstrip(".").encode("idna")
        exts += _ext(EXT_SERVER_NAME, _vec16(_u8(0) + _vec16(name)))
    if groups:
        exts += _ext(EXT_SUPPORTED_GROUPS, _vec16(_u16s(groups)))
    if point_formats:
        exts += _ext(EXT_EC_POINT_FORMATS, _vec8(bytes(point_formats)))
    if legacy >= TLS12 and signature_algorithms:
        exts += _ext(EXT_SIGNATURE_ALGORITHMS, _vec16(_u16s(signature_algorithms)))
    if alpn:
        exts += _ext(EXT_ALPN, _vec16(b"".join(_vec8(p.encode("ascii")) for p in alpn)))
    if extended_master_secret:
        exts += _ext(EXT_EXTENDED_MASTER_SECRET, b"")
    if session_ticket:
        exts += _ext(EXT_SESSION_TICKET, b"")
    if tls13:
        versions = [v for v in (TLS13, TLS12, TLS11, TLS10) if min_version <= v <= max_version]
        exts += _ext(EXT_SUPPORTED_VERSIONS, _vec8(_u16s(versions)))
        exts += _ext(EXT_PSK_KEY_EXCHANGE_MODES, _vec8(b"\x01"))
        shares = b""
        for group in key_share_groups:
            key = key_share_for(group)
            if key is not None:
                shares += _u16(group) + _vec16(key)
        exts += _ext(EXT_KEY_SHARE, _vec16(shares))
    return exts


def build_client_hello(params: HelloParams) -> bytes:
    """One TLS record holding one ClientHello, built from ``params``."""
    legacy = min(params.max_version, TLS12)
    tls13 = params.max_version >= TLS13
    suites = list(params.cipher_suites)
    if params.renegotiation_scsv and 0x00FF not in suites:
        suites.append(0x00FF)
    if params.fallback_scsv:
        suites.append(0x5600)
    if not suites:
        raise ValueError("a ClientHello needs at least one cipher suite")
    if len(suites) > 32767:
        raise ValueError("too many cipher suites")
    body = _u16(legacy) + os.urandom(32)
    body += _vec8(os.urandom(32) if tls13 else b"")  # TLS 1.3 middlebox compatibility mode sends a session id
    body += _vec16(_u16s(suites))
    body += _vec8(b"\x00")  # compression: null only
    if params.extensions:
        exts = _extensions(tls13, legacy, params.min_version, params.max_version, params.server_name,
                           tuple(params.groups), tuple(params.point_formats), tuple(params.signature_algorithms),
                           tuple(params.alpn), params.extended_master_secret, params.session_ticket,
                           tuple(params.key_share_groups))
        # RFC 7685: some servers (F5) hang on hellos of 256-511 bytes; pad those to 512.
        length = 4 + len(body) + 2 + len(exts)
        if params.pad and 256 <= length < 512:
            pad_len = max(512 - length - 4, 1)
            exts += _ext(EXT_PADDING, b"\x00" * pad_len)
        body += _vec16(exts)
    handshake = _u8(HS_CLIENT_HELLO) + _u24(len(body)) + body
    record_version = SSL3 if params.max_version <= SSL3 else TLS10
    out = b""
    for i in range(0, len(handshake), 16384):  # a hello larger than one record is split (RFC 5246 6.2.1)
        chunk = handshake[i:i + 16384]
        out += _u8(CONTENT_HANDSHAKE) + _u16(record_version) + _vec16(chunk)
    return out


def _is_ip(name: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(name.strip("[]"))
        return True
    except ValueError:
        return False


# --- parsing ----------------------------------------------------------------------------------------------------


class _Reader:
    """Bounds-checked cursor over bytes; every overrun raises WireError."""

    def __init__(self, data: bytes, what: str) -> None:
        self.data = data
        self.pos = 0
        self.what = what

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise WireError("%s: truncated (need %d bytes at offset %d of %d)"
                            % (self.what, n, self.pos, len(self.data)))
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return int.from_bytes(self.take(2), "big")

    def u24(self) -> int:
        return int.from_bytes(self.take(3), "big")

    def vec8(self) -> bytes:
        return self.take(self.u8())

    def vec16(self) -> bytes:
        return self.take(self.u16())

    def vec24(self) -> bytes:
        return self.take(self.u24())

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos


@dataclass
class ServerHello:
    """The fields of a ServerHello (or HelloRetryRequest) that a prober needs."""

    legacy_version: int
    version: int  # negotiated: supported_versions if present, else legacy_version
    cipher_suite: int
    compression: int
    session_id: bytes
    extensions: Dict[int, bytes] = field(default_factory=dict)
    is_hrr: bool = False
    selected_group: Optional[int] = None  # TLS 1.3 key_share (ServerHello) or HRR selected_group
    alpn: Optional[str] = None  # only visible here for TLS <= 1.2
    secure_renegotiation: bool = False


@dataclass
class Alert:
    level: int
    description: int

    @property
    def name(self) -> str:
        return ALERTS.get(self.description, "alert_%d" % self.description)


@dataclass
class CertificateRequest:
    """A server's request for a client certificate (TLS <= 1.2 in the clear, TLS 1.3 read after the handshake keys
    by the ssl module's message callback): the certificate authorities it names, as readable distinguished names."""

    ca_names: List[str] = field(default_factory=list)
    tls13: bool = False


@dataclass
class ServerKeyExchange:
    """Only what identifies the key exchange: the named group for ECDHE, the prime size for DHE."""

    named_group: Optional[int] = None
    dh_bits: Optional[int] = None


def parse_server_hello(body: bytes) -> ServerHello:
    r = _Reader(body, "ServerHello")
    legacy = r.u16()
    random = r.take(32)
    session_id = r.vec8()
    if len(session_id) > 32:
        raise WireError("ServerHello: session id longer than 32 bytes")
    suite = r.u16()
    compression = r.u8()
    extensions: Dict[int, bytes] = {}
    if r.remaining:
        ext_data = _Reader(r.vec16(), "ServerHello extensions")
        while ext_data.remaining:
            ext_type = ext_data.u16()
            extensions[ext_type] = ext_data.vec16()
    hello = ServerHello(legacy_version=legacy, version=legacy, cipher_suite=suite, compression=compression,
                        session_id=session_id, extensions=extensions, is_hrr=random == HRR_RANDOM)
    if EXT_SUPPORTED_VERSIONS in extensions:
        sv = extensions[EXT_SUPPORTED_VERSIONS]
        if len(sv) != 2:
            raise WireError("ServerHello: supported_versions must hold one version")
        hello.version = struct.unpack(">H", sv)[0]
    if EXT_KEY_SHARE in extensions:
        ks = extensions[EXT_KEY_SHARE]
        if len(ks) < 2:
            raise WireError("ServerHello: key_share too short")
        hello.selected_group = struct.unpack(">H", ks[:2])[0]
    if EXT_ALPN in extensions:
        a = _Reader(extensions[EXT_ALPN], "ALPN")
        protos = _Reader(a.vec16(), "ALPN list")
        proto = protos.vec8()
        try:
            hello.alpn = proto.decode("ascii")
        except UnicodeDecodeError:
            raise WireError("ServerHello: ALPN protocol is not ASCII") from None
    hello.secure_renegotiation = EXT_RENEGOTIATION_INFO in extensions
    return hello


def parse_certificate(body: bytes, tls13: bool = False) -> List[bytes]:
    """DER certificates of a Certificate message, in the order the server sent them."""
    r = _Reader(body, "Certificate")
    if tls13:
        r.vec8()  # certificate_request_context
    certs = _Reader(r.vec24(), "certificate_list")
    out = []
    while certs.remaining:
        out.append(certs.vec24())
        if tls13:
            certs.vec16()  # per-certificate extensions
    return out


# Attribute OIDs (DER content bytes) that name a CA in practice; anything else is shown as its dotted OID.
_DN_ATTRIBUTES = {bytes.fromhex("550403"): "CN", bytes.fromhex("55040a"): "O", bytes.fromhex("55040b"): "OU",
                  bytes.fromhex("550406"): "C", bytes.fromhex("550407"): "L", bytes.fromhex("550408"): "ST",
                  bytes.fromhex("0992268993f22c640119"): "DC", bytes.fromhex("2a864886f70d010901"): "emailAddress"}


def _der_tlv(r: "_Reader") -> Tuple[int, bytes]:
    tag = r.u8()
    length = r.u8()
    if length & 0x80:
        count = length & 0x7F
        if not 1 <= count <= 3:
            raise WireError("DER: unsupported length of %d bytes" % count)
        length = int.from_bytes(r.take(count), "big")
    return tag, r.take(length)


def _oid_text(oid: bytes) -> str:
    if not oid:
        return "?"
    parts = [oid[0] // 40, oid[0] % 40]
    value = 0
    for byte in oid[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


def distinguished_name(der: bytes) -> str:
    """RFC 4514-like text of a DER Name (SEQUENCE OF SET OF AttributeTypeAndValue), most specific first as
    OpenSSL prints it reversed; e.g. ``CN=Example CA,O=Example``. Raises WireError on malformed DER."""
    outer = _Reader(der, "DistinguishedName")
    tag, rdns = _der_tlv(outer)
    if tag != 0x30:
        raise WireError("DistinguishedName: not a SEQUENCE")
    r = _Reader(rdns, "RDNSequence")
    parts: List[str] = []
    while r.remaining:
        tag, rdn = _der_tlv(r)
        if tag != 0x31:
            raise WireError("DistinguishedName: RDN is not a SET")
        s = _Reader(rdn, "RDN")
        while s.remaining:
            tag, atv = _der_tlv(s)
            a = _Reader(atv, "AttributeTypeAndValue")
            oid_tag, oid = _der_tlv(a)
            _value_tag, value = _der_tlv(a)
            if tag != 0x30 or oid_tag != 0x06:
                raise WireError("DistinguishedName: malformed attribute")
            name = _DN_ATTRIBUTES.get(oid) or _oid_text(oid)
            text = value.decode("utf-16-be" if _value_tag == 0x1E else "utf-8", "replace")
            parts.append("%s=%s" % (name, text.replace(",", "\\,")))
    return ",".join(reversed(parts))


def _ca_names(data: bytes) -> List[str]:
    r = _Reader(data, "certificate_authorities")
    names = []
    while r.remaining:
        der = r.vec16()
        try:
            names.append(distinguished_name(der))
        except WireError:
            names.append("(unreadable name, %d bytes)" % len(der))
    return names


def parse_certificate_request(body: bytes, tls13: bool = False) -> CertificateRequest:
    """TLS <= 1.2 (RFC 5246 7.4.4): certificate types, [signature algorithms in TLS 1.2], CA names.
    TLS 1.3 (RFC 8446 4.3.2): a context and extensions; the CA names are extension 47."""
    r = _Reader(body, "CertificateRequest")
    if tls13:
        r.vec8()  # certificate_request_context
        exts = _Reader(r.vec16(), "CertificateRequest extensions")
        names: List[str] = []
        while exts.remaining:
            ext_type, data = exts.u16(), exts.vec16()
            if ext_type == EXT_CERTIFICATE_AUTHORITIES:
                names = _ca_names(_Reader(data, "certificate_authorities").vec16())
        return CertificateRequest(ca_names=names, tls13=True)
    r.vec8()  # certificate_types
    rest = r.data[r.pos:]
    # TLS 1.2 adds supported_signature_algorithms (vec16) before the CA list; TLS 1.0/1.1 do not. Both layouts
    # are tried, the one whose lengths add up exactly wins.
    for with_sigalgs in (True, False):
        t = _Reader(rest, "CertificateRequest")
        try:
            if with_sigalgs:
                t.vec16()
            cas = t.vec16()
            if t.remaining == 0:
                return CertificateRequest(ca_names=_ca_names(cas))
        except WireError:
            continue
    raise WireError("CertificateRequest: lengths do not add up")


def parse_server_key_exchange(body: bytes, kex: str) -> ServerKeyExchange:
    r = _Reader(body, "ServerKeyExchange")
    if kex.startswith("ECDH"):
        curve_type = r.u8()
        if curve_type == 3:  # named_curve
            return ServerKeyExchange(named_group=r.u16())
        return ServerKeyExchange()
    if kex.startswith("DH"):
        p = r.vec16().lstrip(b"\x00")
        return ServerKeyExchange(dh_bits=len(p) * 8 if p else 0)
    return ServerKeyExchange()


# --- SSL 2.0 --------------------------------------------------------------------------------------------------
# Hickman, "The SSL Protocol" (Netscape, 1995); RFC 6176 prohibits it. Windows Server 2008 R2 still has the SSL 2.0
# server enabled by default (schannel-facts §3), so the prober must be able to see it. Records have a 2-byte
# header with the high bit set; the server's SERVER-HELLO lists *every* cipher kind it shares with the client, so
# one connection enumerates SSL 2.0 completely (there is no server choice and no order to detect).
SSL2_VERSION = 0x0002
SSL2_MSG_ERROR = 0
SSL2_MSG_CLIENT_HELLO = 1
SSL2_MSG_SERVER_HELLO = 4
SSL2_ERRORS = {0x0001: "no_cipher", 0x0002: "no_certificate", 0x0004: "bad_certificate",
               0x0006: "unsupported_certificate_type"}
SSL2_CHALLENGE_BYTES = 16


def build_sslv2_client_hello(cipher_kinds: Sequence[int]) -> bytes:
    """An SSL 2.0 CLIENT-HELLO offering ``cipher_kinds`` (3-byte codes), no session id, a random challenge."""
    specs = b"".join(code.to_bytes(3, "big") for code in cipher_kinds)
    challenge = os.urandom(SSL2_CHALLENGE_BYTES)
    body = struct.pack(">BHHHH", SSL2_MSG_CLIENT_HELLO, SSL2_VERSION, len(specs), 0, len(challenge))
    body += specs + challenge
    return struct.pack(">H", 0x8000 | len(body)) + body


@dataclass
class SSLv2ServerHello:
    """An SSL 2.0 SERVER-HELLO: the cipher kinds the server shares with the client, in the server's list order."""

    version: int
    certificate_type: int
    certificate: bytes
    cipher_kinds: List[int] = field(default_factory=list)
    error: Optional[str] = None  # set instead of the rest when the server sent an SSL 2.0 ERROR message


def parse_sslv2_message(body: bytes) -> SSLv2ServerHello:
    """The first SSL 2.0 message from a server (the record header already removed): SERVER-HELLO or ERROR."""
    r = _Reader(body, "SSLv2 message")
    msg_type = r.u8()
    if msg_type == SSL2_MSG_ERROR:
        code = r.u16()
        return SSLv2ServerHello(0, 0, b"", [], SSL2_ERRORS.get(code, "error_0x%04x" % code))
    if msg_type != SSL2_MSG_SERVER_HELLO:
        raise WireError("SSLv2 message type %d is not SERVER-HELLO" % msg_type)
    r.u8()  # SESSION-ID-HIT: always 0 for a hello without a session id
    cert_type = r.u8()
    version = r.u16()
    cert_len, specs_len, conn_id_len = r.u16(), r.u16(), r.u16()
    if specs_len % 3:
        raise WireError("SSLv2 cipher specs length %d is not a multiple of 3" % specs_len)
    certificate = r.take(cert_len)
    specs = r.take(specs_len)
    r.take(conn_id_len)
    kinds = [int.from_bytes(specs[i:i + 3], "big") for i in range(0, specs_len, 3)]
    return SSLv2ServerHello(version, cert_type, certificate, kinds)


@dataclass
class ServerFlight:
    """Everything readable from the server before encryption starts."""

    records: int = 0
    server_hello: Optional[ServerHello] = None
    alert: Optional[Alert] = None
    certificates: List[bytes] = field(default_factory=list)
    key_exchange: Optional[ServerKeyExchange] = None
    certificate_request: Optional[CertificateRequest] = None
    # Warning-level alerts (e.g. unrecognized_name for a server name the server does not know, RFC 6066 3): the
    # handshake goes on after them, so they end nothing; a fatal alert (or close_notify) is ``alert``.
    warnings: List[Alert] = field(default_factory=list)
    hello_done: bool = False
    encrypted: bool = False  # TLS 1.3: everything after the ServerHello is encrypted
    record_version: Optional[int] = None
    sslv2: bool = False  # the server answered in SSL 2.0 (see sslv2_hello)
    sslv2_hello: Optional[SSLv2ServerHello] = None


class FlightParser:
    """Incremental parser: feed bytes as they arrive, ask ``done(want)``. Bounded: refuses records larger than
    the RFC allows and handshake messages larger than ``max_message`` (a hostile server cannot make it buffer
    without limit)."""

    def __init__(self, kex_hint: str = "", max_message: int = 1 << 18) -> None:
        self.buffer = b""
        self.hs_buffer = b""
        self.flight = ServerFlight()
        self.kex_hint = kex_hint
        self.max_message = max_message

    def feed(self, data: bytes) -> None:
        self.buffer += data
        while not self.flight.sslv2:
            if len(self.buffer) < 5:
                return
            ctype, version, length = self.buffer[0], struct.unpack(">H", self.buffer[1:3])[0], \
                struct.unpack(">H", self.buffer[3:5])[0]
            if self.flight.records == 0 and ctype not in (20, 21, 22, 23):
                if self.buffer[0] & 0x80 and self.buffer[2] in (SSL2_MSG_SERVER_HELLO, SSL2_MSG_ERROR):
                    self._sslv2_record()  # a 2-byte SSL 2.0 header, then SERVER-HELLO or ERROR
                    return
                raise WireError("not a TLS record (first bytes %r)" % self.buffer[:8])
            if ctype not in (20, 21, 22, 23):
                raise WireError("unknown record content type %d" % ctype)
            if version >> 8 != 3:
                raise WireError("record version 0x%04X is not SSL 3.0/TLS" % version)
            if length > MAX_RECORD:
                raise WireError("record length %d exceeds the maximum %d" % (length, MAX_RECORD))
            if len(self.buffer) < 5 + length:
                return
            fragment = self.buffer[5:5 + length]
            self.buffer = self.buffer[5 + length:]
            self.flight.records += 1
            self.flight.record_version = self.flight.record_version or version
            self._record(ctype, fragment)

    def _sslv2_record(self) -> None:
        length = ((self.buffer[0] & 0x7F) << 8) | self.buffer[1]
        if len(self.buffer) < 2 + length:
            return  # wait for the rest (bounded by the connection's byte budget and deadline)
        self.flight.sslv2_hello = parse_sslv2_message(self.buffer[2:2 + length])
        self.flight.sslv2 = True
        self.flight.records += 1
        self.buffer = self.buffer[2 + length:]

    def _record(self, ctype: int, fragment: bytes) -> None:
        if ctype == CONTENT_ALERT:
            if len(fragment) < 2:
                raise WireError("alert record shorter than 2 bytes")
            alert = Alert(fragment[0], fragment[1])
            if alert.level == 1 and alert.description != 0:
                if len(self.flight.warnings) < 8:
                    self.flight.warnings.append(alert)
                return
            if self.flight.alert is None:
                self.flight.alert = alert
            return
        if ctype == CONTENT_CHANGE_CIPHER_SPEC:
            return
        if ctype == CONTENT_APPLICATION_DATA:
            self.flight.encrypted = True
            return
        if self.flight.server_hello is not None and self.flight.server_hello.version >= TLS13 \
                and not self.flight.server_hello.is_hrr:
            self.flight.encrypted = True
            return
        self.hs_buffer += fragment
        if len(self.hs_buffer) > self.max_message:
            raise WireError("handshake message larger than %d bytes" % self.max_message)
        while len(self.hs_buffer) >= 4:
            msg_type = self.hs_buffer[0]
            length = int.from_bytes(self.hs_buffer[1:4], "big")
            if length > self.max_message:
                raise WireError("handshake message length %d too large" % length)
            if len(self.hs_buffer) < 4 + length:
                return
            body = self.hs_buffer[4:4 + length]
            self.hs_buffer = self.hs_buffer[4 + length:]
            self._message(msg_type, body)

    def _message(self, msg_type: int, body: bytes) -> None:
        if msg_type == HS_SERVER_HELLO:
            if self.flight.server_hello is None:
                self.flight.server_hello = parse_server_hello(body)
            return
        if self.flight.server_hello is None:
            raise WireError("handshake message type %d before ServerHello" % msg_type)
        if msg_type == HS_CERTIFICATE:
            self.flight.certificates = parse_certificate(body)
        elif msg_type == HS_SERVER_KEY_EXCHANGE:
            suite = iana.SUITES_BY_CODE.get(self.flight.server_hello.cipher_suite)
            kex = suite.kex if suite else self.kex_hint
            self.flight.key_exchange = parse_server_key_exchange(body, kex)
        elif msg_type == HS_CERTIFICATE_REQUEST:
            self.flight.certificate_request = parse_certificate_request(body)
        elif msg_type == HS_SERVER_HELLO_DONE:
            self.flight.hello_done = True

    def done(self, want: str) -> bool:
        """``want``: ``hello`` (ServerHello/HRR is enough) or ``flight`` (up to ServerHelloDone for TLS <= 1.2)."""
        f = self.flight
        if f.alert is not None or f.sslv2:
            return True
        if f.server_hello is None:
            return False
        if want == "hello" or f.server_hello.is_hrr or f.server_hello.version >= TLS13:
            return True
        return f.hello_done or f.encrypted


def parse_flight(data: bytes, want: str = "flight") -> ServerFlight:
    """Parse a complete byte string (tests and fuzzing); raises WireError on malformed input."""
    parser = FlightParser()
    parser.feed(data)
    return parser.flight


def split_records(data: bytes) -> List[Tuple[int, int, bytes]]:
    """(content type, version, fragment) for each complete record (used by tests and the fake servers)."""
    out = []
    r = _Reader(data, "records")
    while r.remaining >= 5:
        ctype = r.u8()
        version = r.u16()
        out.append((ctype, version, r.vec16()))
    return out


def parse_client_hello(record: bytes) -> Dict[str, object]:
    """Decode a ClientHello record (round-trip tests, and the test servers that answer raw hellos)."""
    handshake = b"".join(rec[2] for rec in split_records(record) if rec[0] == CONTENT_HANDSHAKE)
    r = _Reader(handshake, "ClientHello")
    if r.u8() != HS_CLIENT_HELLO:
        raise WireError("not a ClientHello")
    body = _Reader(r.vec24(), "ClientHello body")
    out: Dict[str, object] = {"legacy_version": body.u16(), "random": body.take(32), "session_id": body.vec8()}
    suites = body.vec16()
    out["cipher_suites"] = [struct.unpack(">H", suites[i:i + 2])[0] for i in range(0, len(suites) - 1, 2)]
    out["compression"] = list(body.vec8())
    exts: Dict[int, bytes] = {}
    if body.remaining:
        e = _Reader(body.vec16(), "extensions")
        while e.remaining:
            t = e.u16()
            exts[t] = e.vec16()
    out["extensions"] = exts
    if EXT_SERVER_NAME in exts:
        s = _Reader(exts[EXT_SERVER_NAME], "SNI")
        names = _Reader(s.vec16(), "SNI list")
        names.u8()
        try:
            out["server_name"] = names.vec16().decode("idna")
        except UnicodeError:
            raise WireError("ClientHello: server_name is not a valid host name") from None
    if EXT_SUPPORTED_GROUPS in exts:
        g = _Reader(exts[EXT_SUPPORTED_GROUPS], "groups").vec16()
        out["groups"] = [struct.unpack(">H", g[i:i + 2])[0] for i in range(0, len(g) - 1, 2)]
    if EXT_SUPPORTED_VERSIONS in exts:
        v = _Reader(exts[EXT_SUPPORTED_VERSIONS], "versions").vec8()
        out["supported_versions"] = [struct.unpack(">H", v[i:i + 2])[0] for i in range(0, len(v) - 1, 2)]
    if EXT_ALPN in exts:
        a = _Reader(_Reader(exts[EXT_ALPN], "ALPN").vec16(), "ALPN list")
        protos = []
        while a.remaining:
            try:
                protos.append(a.vec8().decode("ascii"))
            except UnicodeDecodeError:
                raise WireError("ClientHello: ALPN protocol is not ASCII") from None
        out["alpn"] = protos
    if EXT_KEY_SHARE in exts:
        k = _Reader(_Reader(exts[EXT_KEY_SHARE], "key_share").vec16(), "shares")
        shares = {}
        while k.remaining:
            group = k.u16()
            shares[group] = k.vec16()
        out["key_share"] = shares
    return out
