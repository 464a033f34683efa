# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate analysis: what the chain as served says about key, signature, validity and hostname.

Why here and not in ``ssl``: a client's verdict (trusted or not) is one bit; the hardening questions are finer
("is anything in the chain SHA-1 signed?", "is the RSA key below 2048?", "is the leaf issued by the next
certificate?"). Trust itself is decided by a real OpenSSL handshake (``connection.ssl_handshake``); this module
reads the DER certificates with ``x509_reader``, a strict standard-library DER reader, because importing
``cryptography.x509`` for the same fields cost about 70 ms of every probe.
"""
from __future__ import annotations

import datetime
import ipaddress
from typing import List, Optional, Sequence

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import x509_reader
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.results import CertificateInfo, CertificateResult

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


def _read(der: bytes) -> x509_reader.Certificate:
    """The parsed certificate, or ValueError("unparsable certificate (reason)") for anything a server may send."""
    try:
        return x509_reader.read_certificate(der)
    except Exception as exc:  # the reader raises only ValueError; anything else is a reader bug, still not fatal
        raise ValueError("unparsable certificate (%s)" % safe_text(exc, 200)) from None


def _info(cert: x509_reader.Certificate, now: Optional[datetime.datetime]) -> CertificateInfo:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    not_before, not_after = cert.not_before, cert.not_after
    return CertificateInfo(
        subject=safe_text(cert.subject.rfc4514_string()), issuer=safe_text(cert.issuer.rfc4514_string()),
        serial="%x" % cert.serial_number, not_before=not_before.isoformat(), not_after=not_after.isoformat(),
        days_left=(not_after - now).days, lifetime_days=(not_after - not_before).days,
        expired=now > not_after, not_yet_valid=now < not_before, key_type=cert.key_type, key_size=cert.key_size,
        curve=cert.curve, signature_algorithm=cert.signature_algorithm, signature_hash=cert.signature_hash,
        san_dns=[safe_text(d, 255) for d in cert.san_dns], san_ip=list(cert.san_ip), is_ca=cert.is_ca,
        self_signed=cert.subject == cert.issuer, sha256_fingerprint=cert.sha256_fingerprint)


def describe(der: bytes, now: Optional[datetime.datetime] = None) -> CertificateInfo:
    """One DER certificate -> CertificateInfo. Raises ValueError for unparsable input."""
    return _info(_read(der), now)


def _common_names(der: bytes) -> List[str]:
    return [safe_text(value, 255) for value in _read(der).subject.values(x509_reader.COMMON_NAME_OID)]


def _same_address(text: str, ip) -> bool:
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
    parsed = []
    for der in chain:
        try:
            cert = _read(der)
            parsed.append((der, _info(cert, None), cert))
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
