# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate analysis: what the chain as served says about key, signature, validity and hostname.

Why here and not in ``ssl``: a client's verdict (trusted or not) is one bit; the hardening questions are finer
("is anything in the chain SHA-1 signed?", "is the RSA key below 2048?", "is the leaf issued by the next
certificate?"). Trust itself is decided by a real OpenSSL handshake (``connection.ssl_handshake``); this module
reads the DER certificates with ``cryptography.x509``, because a server's certificate is hostile input and parsing
that is what a well-kept library is for.

Why cryptography is imported inside the functions: importing ``cryptography.x509`` is a sizeable share of a
probe's start-up (see benchmarks/README.md#probe), and a probe that finds no server never reads a certificate, so
the import happens at the first analysis. Starting it earlier in a background thread, while the prober waits on
the network, was measured and gained nothing: the prober is CPU-bound in those waits on a local server, and the
import only competed with it for the interpreter lock.
"""
from __future__ import annotations

import datetime
import ipaddress
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple, Type

from ansible_collections.tlsops.schannel.plugins.module_utils.tls.results import CertificateInfo, CertificateResult

if TYPE_CHECKING:  # only for the checker: at run time cryptography is imported by _cryptography()
    from cryptography import x509

WEAK_HASHES = ("md5", "sha1", "md2", "md4")


# A certificate is what a server sent: its names may hold terminal escape sequences, HTML or megabytes of text.
# Every string taken from it is made printable (control characters as \\xNN) and bounded before it reaches a
# result, a finding message, a log line or a report.
MAX_NAME_CHARS = 1024
_CONTROL = dict((c, "\\x%02x" % c) for c in list(range(0x20)) + list(range(0x7F, 0xA0)))


def safe_text(value: object, limit: int = MAX_NAME_CHARS) -> str:
    """``value`` with control characters escaped and at most ``limit`` characters (the rest counted)."""
    raw = str(value)
    text = raw[:limit].translate(_CONTROL)
    if len(raw) > limit:
        text = "%s...(%d more characters)" % (text, len(raw) - limit)
    return text


# --- reading one certificate ------------------------------------------------------------------------------------

def _bad_input() -> Tuple[Type[Exception], ...]:
    """What cryptography raises for DER it refuses: ValueError, and its own classes for an unsupported algorithm,
    a version other than v1/v3, a repeated extension or a general name type it does not know, and KeyError for a
    name attribute whose string type it has no entry for (cryptography 46 looks the ASN.1 tag up in a dict when the
    subject is read; found by tests/reliability/test_fuzz_certificate.py). Anything else is a bug (ours or the
    library's) and propagates."""
    from cryptography import exceptions, x509
    return (ValueError, KeyError, exceptions.UnsupportedAlgorithm, x509.InvalidVersion, x509.DuplicateExtension,
            x509.UnsupportedGeneralNameType)


def _key(cert: "x509.Certificate") -> Tuple[str, int, Optional[str]]:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
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
    return type(key).__name__.lower(), 0, None  # X25519/X448/DH keys: named, size unknown


def _signature(cert: "x509.Certificate") -> Tuple[str, Optional[str]]:
    """(algorithm name, hash name); the dotted OID where cryptography has no name, so two unknown algorithms
    never read the same; no hash for EdDSA and for a hash cryptography does not support (MD2, MD4)."""
    from cryptography import exceptions
    try:
        algorithm = cert.signature_hash_algorithm
        digest = algorithm.name if algorithm is not None else None
    except exceptions.UnsupportedAlgorithm:
        digest = None
    oid = cert.signature_algorithm_oid
    name = oid._name  # noqa: SLF001 - cryptography's display name; there is no public accessor
    return (oid.dotted_string if name == "Unknown OID" else name), digest


def _alt_names(cert: "x509.Certificate") -> Tuple[List[str], List[str]]:
    from cryptography import x509
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return ([safe_text(d, 255) for d in san.get_values_for_type(x509.DNSName)],
            [str(i) for i in san.get_values_for_type(x509.IPAddress)])


def _is_ca(cert: "x509.Certificate") -> bool:
    from cryptography import x509
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _info(cert: "x509.Certificate", now: Optional[datetime.datetime]) -> CertificateInfo:
    from cryptography.hazmat.primitives import hashes
    now = now or datetime.datetime.now(datetime.timezone.utc)
    not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
    key_type, key_size, curve = _key(cert)
    signature_algorithm, signature_hash = _signature(cert)
    san_dns, san_ip = _alt_names(cert)
    return CertificateInfo(
        subject=safe_text(cert.subject.rfc4514_string()), issuer=safe_text(cert.issuer.rfc4514_string()),
        serial="%x" % cert.serial_number, not_before=not_before.isoformat(), not_after=not_after.isoformat(),
        days_left=(not_after - now).days, lifetime_days=(not_after - not_before).days,
        expired=now > not_after, not_yet_valid=now < not_before, key_type=key_type, key_size=key_size,
        curve=curve, signature_algorithm=signature_algorithm, signature_hash=signature_hash,
        san_dns=san_dns, san_ip=san_ip, is_ca=_is_ca(cert), self_signed=cert.subject == cert.issuer,
        sha256_fingerprint=cert.fingerprint(hashes.SHA256()).hex())


def _read(der: bytes, now: Optional[datetime.datetime]) -> Tuple["x509.Certificate", CertificateInfo]:
    """The parsed certificate and what it says, or ValueError("unparsable certificate (reason)") for any DER
    cryptography refuses. cryptography parses extensions and the key lazily, so both are read here, inside the
    one place that turns its refusals into ValueError."""
    if not isinstance(der, bytes):  # a bug upstream, but a certificate fact all the same, as for any bad DER
        raise ValueError("unparsable certificate (%s, not bytes)" % type(der).__name__)
    from cryptography import x509
    try:
        cert = x509.load_der_x509_certificate(der)
        return cert, _info(cert, now)
    except _bad_input() as exc:
        raise ValueError("unparsable certificate (%s: %s)" % (type(exc).__name__, safe_text(exc, 200))) from None


def describe(der: bytes, now: Optional[datetime.datetime] = None) -> CertificateInfo:
    """One DER certificate -> CertificateInfo. Raises ValueError for unparsable input."""
    return _read(der, now)[1]


def _common_names(der: bytes) -> List[str]:
    from cryptography.x509.oid import NameOID
    cert = _read(der, None)[0]
    return [safe_text(a.value, 255) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]


def _same_address(text: str, ip: "ipaddress.IPv4Address | ipaddress.IPv6Address") -> bool:
    """A SAN iPAddress entry against the host's address; 8/32-byte entries are networks and match nothing."""
    try:
        return ipaddress.ip_address(text) == ip
    except ValueError:
        return False


def hostname_matches(info: CertificateInfo, hostname: str, leaf_der: Optional[bytes] = None) -> bool:
    """RFC 6125: IP addresses against IP SANs, names against DNS SANs (one left-most wildcard label); the
    subject CN only when the certificate has no SAN at all (what browsers stopped doing; OpenSSL still does)."""
    host = hostname.rstrip(".").lower()
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        ip = None
    if ip is not None:
        return any(_same_address(a, ip) for a in info.san_ip)
    names = list(info.san_dns)
    if not names and not info.san_ip and leaf_der is not None:
        names = _common_names(leaf_der)
    for pattern in names:
        pattern = pattern.rstrip(".").lower()
        if pattern == host:
            return True
        if pattern.startswith("*.") and "." in host:
            label, rest = host.split(".", 1)
            if rest == pattern[2:] and label:
                return True
    return False


def analyse_chain(chain: Sequence[bytes], source: str, hostname: Optional[str],
                  trusted: Optional[bool] = None, verify_error: Optional[str] = None) -> CertificateResult:
    result = CertificateResult(source=source, hostname=hostname, trusted=trusted, verify_error=verify_error)
    parsed: List[Tuple[bytes, "x509.Certificate", CertificateInfo]] = []
    for der in chain:
        try:
            cert, info = _read(der, None)
        except ValueError as exc:
            result.weak_signature_certificates.append("unparsable certificate: %s" % exc)
            continue
        parsed.append((der, cert, info))
    result.chain = [entry[2] for entry in parsed]
    result.chain_length = len(parsed)
    if not parsed:
        return result
    result.chain_in_order = all(current[1].issuer == following[1].subject
                                for current, following in zip(parsed, parsed[1:]))
    for entry in parsed:
        info = entry[2]
        if info.signature_hash in WEAK_HASHES and not info.self_signed:
            result.sha1_in_chain = result.sha1_in_chain or info.signature_hash == "sha1"
            result.weak_signature_certificates.append("%s (%s)" % (info.subject, info.signature_algorithm))
    if hostname:
        result.hostname_match = hostname_matches(result.chain[0], hostname, parsed[0][0])
    return result


def leaf_summary(info: CertificateInfo, chain: Sequence[CertificateInfo]) -> Dict[str, object]:
    """What a client rule needs: key type/size and the weakest signature hash below the root."""
    hashes_below_root = [c.signature_hash for c in chain if not c.self_signed]
    return {"key_type": info.key_type, "key_size": info.key_size, "signature_hash": info.signature_hash,
            "weak_signature_in_chain": any(h in WEAK_HASHES for h in hashes_below_root if h),
            "subject": info.subject}
