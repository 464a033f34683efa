# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate analysis: what the chain as served says about key, signature, validity and hostname.

Why here and not in ``ssl``: a client's verdict (trusted or not) is one bit; the hardening questions are finer
("is anything in the chain SHA-1 signed?", "is the RSA key below 2048?", "is the leaf issued by the next
certificate?"). Trust itself is decided by a real OpenSSL handshake (``connection.ssl_handshake``); this module
reads the DER certificates with ``cryptography``.
"""
from __future__ import annotations

import datetime
import ipaddress
from typing import List, Optional, Sequence

from ansible_collections.tlsops.schannel.plugins.module_utils.tls.results import CertificateInfo, CertificateResult

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
    from cryptography.x509.oid import ExtensionOID, NameOID

    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_ERROR = None
except ImportError as _exc:  # pragma: no cover
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_ERROR = str(_exc)

WEAK_HASHES = ("md5", "sha1", "md2", "md4")


# A certificate is what a server sent: its names may hold terminal escape sequences, HTML or megabytes of text.
# Every string taken from it is made printable (control characters as \\xNN) and bounded before it reaches a
# result, a finding message, a log line or a report.
MAX_NAME_CHARS = 1024
_CONTROL = dict((c, "\\x%02x" % c) for c in list(range(0x20)) + list(range(0x7F, 0xA0)))


def safe_text(value, limit: int = MAX_NAME_CHARS) -> str:
    """``value`` with control characters escaped and at most ``limit`` characters (the rest counted)."""
    raw = str(value)
    text = raw[:limit].translate(_CONTROL)
    if len(raw) > limit:
        text = "%s...(%d more characters)" % (text, len(raw) - limit)
    return text


def _name(name) -> str:
    try:
        return safe_text(name.rfc4514_string())
    except Exception:  # pragma: no cover - odd encodings
        return safe_text(repr(name))


def _utc(cert, attr: str) -> datetime.datetime:
    value = getattr(cert, attr + "_utc", None)
    if value is None:  # cryptography < 42
        value = getattr(cert, attr).replace(tzinfo=datetime.timezone.utc)
    return value


def describe(der: bytes, now: Optional[datetime.datetime] = None) -> CertificateInfo:
    """One DER certificate -> CertificateInfo. Raises ValueError for unparsable input."""
    if not HAS_CRYPTOGRAPHY:
        raise ValueError("the cryptography package is required to analyse certificates: %s" % CRYPTOGRAPHY_ERROR)
    try:
        return _describe(der, now)
    except ValueError:
        raise
    except Exception as exc:  # cryptography raises InvalidVersion, UnsupportedAlgorithm, ... for hostile DER
        raise ValueError("unparsable certificate (%s: %s)" % (type(exc).__name__, safe_text(exc, 200))) from None


def _describe(der: bytes, now: Optional[datetime.datetime]) -> CertificateInfo:
    cert = x509.load_der_x509_certificate(der)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    not_before, not_after = _utc(cert, "not_valid_before"), _utc(cert, "not_valid_after")
    key = cert.public_key()
    curve = None
    if isinstance(key, rsa.RSAPublicKey):
        key_type, key_size = "rsa", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, key_size, curve = "ecdsa", key.curve.key_size, key.curve.name
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key_type, key_size = "ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        key_type, key_size = "ed448", 456
    elif isinstance(key, dsa.DSAPublicKey):
        key_type, key_size = "dsa", key.key_size
    else:  # pragma: no cover
        key_type, key_size = type(key).__name__.lower(), 0
    try:
        sig_hash = cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else None
    except Exception:  # unsupported algorithm (e.g. md2)
        sig_hash = None
    try:
        sig_name = cert.signature_algorithm_oid._name
    except Exception:  # pragma: no cover
        sig_name = cert.signature_algorithm_oid.dotted_string
    dns, ips = [], []
    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        dns = [safe_text(d, 255) for d in san.get_values_for_type(x509.DNSName)]
        ips = [str(i) for i in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        pass
    is_ca = False
    try:
        is_ca = cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value.ca
    except x509.ExtensionNotFound:
        pass
    return CertificateInfo(
        subject=_name(cert.subject), issuer=_name(cert.issuer), serial="%x" % cert.serial_number,
        not_before=not_before.isoformat(), not_after=not_after.isoformat(),
        days_left=(not_after - now).days, lifetime_days=(not_after - not_before).days,
        expired=now > not_after, not_yet_valid=now < not_before, key_type=key_type, key_size=key_size,
        curve=curve, signature_algorithm=sig_name, signature_hash=sig_hash, san_dns=list(dns), san_ip=ips,
        is_ca=is_ca, self_signed=cert.subject == cert.issuer,
        sha256_fingerprint=cert.fingerprint(hashes.SHA256()).hex())


def _common_names(der: bytes) -> List[str]:
    cert = x509.load_der_x509_certificate(der)
    return [safe_text(a.value, 255) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]


def hostname_matches(info: CertificateInfo, hostname: str, leaf_der: Optional[bytes] = None) -> bool:
    """RFC 6125: IP addresses against IP SANs, names against DNS SANs (one left-most wildcard label); the
    subject CN only when the certificate has no SAN at all (what browsers stopped doing; OpenSSL still does)."""
    host = hostname.rstrip(".").lower()
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        ip = None
    if ip is not None:
        return any(ipaddress.ip_address(a) == ip for a in info.san_ip)
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
    parsed = []
    for der in chain:
        try:
            parsed.append((der, describe(der), x509.load_der_x509_certificate(der)))
        except ValueError as exc:
            result.weak_signature_certificates.append("unparsable certificate: %s" % exc)
    result.chain = [entry[1] for entry in parsed]
    result.chain_length = len(parsed)
    if not parsed:
        return result
    in_order = True
    for current, following in zip(parsed, parsed[1:]):
        if current[2].issuer != following[2].subject:
            in_order = False
    result.chain_in_order = in_order
    for entry in parsed:
        info = entry[1]
        if info.signature_hash in WEAK_HASHES and not info.self_signed:
            result.sha1_in_chain = result.sha1_in_chain or info.signature_hash == "sha1"
            result.weak_signature_certificates.append("%s (%s)" % (info.subject, info.signature_algorithm))
    if hostname:
        result.hostname_match = hostname_matches(result.chain[0], hostname, parsed[0][0])
    return result


def leaf_summary(info: CertificateInfo, chain: Sequence[CertificateInfo]) -> dict:
    """What a client rule needs: key type/size and the weakest signature hash below the root."""
    hashes_below_root = [c.signature_hash for c in chain if not c.self_signed]
    return {"key_type": info.key_type, "key_size": info.key_size, "signature_hash": info.signature_hash,
            "weak_signature_in_chain": any(h in WEAK_HASHES for h in hashes_below_root if h),
            "subject": info.subject}
