# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Policy verdicts over a probe result: each policy is a list of small rule functions with evidence.

Why rules with evidence: "mozilla_intermediate: failed" helps nobody at 3 a.m.; "TLS 1.0 is offered (accepted
suites: ...)" names the registry value to change. Sources: Apple ATS (schannel-facts §7.1), RFC 7540 §9.2 and
Appendix A (§7.2), Mozilla server-side TLS guideline 6.0 -- the version the planner's profiles compile, so a plan
and its verification agree (sslyze 6.3 still checks 5.7, which also allowed three DHE-RSA suites; curves outside
X25519/P-256/P-384 are warnings, not failures),
PCI DSS 4.0 "strong cryptography" (no SSL/early TLS, no weak ciphers, >= 112-bit keys, no SHA-1 certificates).
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.results import (
    CertificateInfo, PolicyResult, TargetResult, Violation)

LEGACY_PROTOCOLS = ("SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1")

# Mozilla 6.0 intermediate, TLS 1.2: ECDHE with AES-GCM or ChaCha20 (5.7 also had 0x009E, 0x009F, 0xCCAA)
MOZ_INTERMEDIATE_TLS12 = frozenset((0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8))
MOZ_TLS13 = frozenset((0x1301, 0x1302, 0x1303))
MOZ_GROUPS = ("x25519", "secp256r1", "secp384r1", "X25519MLKEM768")
MOZ_INTERMEDIATE_SIGS = ("sha256WithRSAEncryption", "ecdsa-with-SHA256", "ecdsa-with-SHA384", "ecdsa-with-SHA512")


def _accepted_codes(result: TargetResult, versions: Optional[Sequence[str]] = None) -> Dict[str, List[int]]:
    out: Dict[str, List[int]] = {}
    for version, proto in result.protocols.items():
        if proto.supported and (versions is None or version in versions):
            out[version] = [iana.SUITES_BY_NAME[n].code for n in proto.cipher_suites if n in iana.SUITES_BY_NAME]
    return out


def _legacy_protocols(result: TargetResult, policy: PolicyResult) -> None:
    for version in LEGACY_PROTOCOLS:
        proto = result.protocols.get(version)
        if proto and proto.supported:
            policy.violations.append(Violation(
                "protocol", "%s is offered; disable it (Schannel: Protocols\\%s\\Server Enabled=0)" % (version, version),
                {"protocol": version, "cipher_suites": proto.cipher_suites}))


def _leaf(result: TargetResult) -> Optional[CertificateInfo]:
    cert = result.certificate
    return cert.chain[0] if cert and cert.chain else None


def _trust(result: TargetResult, policy: PolicyResult) -> None:
    cert = result.certificate
    if cert is None:
        return
    if cert.trusted is False:
        policy.violations.append(Violation("certificate_trust", "the certificate chain is not trusted: %s"
                                           % cert.verify_error, {"verify_error": cert.verify_error}))
    if cert.hostname_match is False:
        policy.violations.append(Violation("certificate_hostname", "the certificate does not match %s"
                                           % cert.hostname, {"san_dns": cert.chain[0].san_dns if cert.chain else []}))
    leaf = _leaf(result)
    if leaf is not None and leaf.expired:
        policy.violations.append(Violation("certificate_expired", "the certificate expired on %s" % leaf.not_after,
                                           {"not_after": leaf.not_after}))


def _weak_signatures(result: TargetResult, policy: PolicyResult, rule: str = "certificate_signature") -> None:
    cert = result.certificate
    if cert and cert.weak_signature_certificates:
        policy.violations.append(Violation(rule, "SHA-1/MD5 signatures in the chain: %s"
                                           % "; ".join(cert.weak_signature_certificates),
                                           {"certificates": cert.weak_signature_certificates}))


def _key_size(result: TargetResult, policy: PolicyResult, min_rsa: int, min_ecc: int) -> None:
    leaf = _leaf(result)
    if leaf is None:
        return
    if leaf.key_type == "rsa" and leaf.key_size < min_rsa:
        policy.violations.append(Violation("certificate_key", "RSA key of %d bits, at least %d required"
                                           % (leaf.key_size, min_rsa), {"key_size": leaf.key_size}))
    if leaf.key_type == "ecdsa" and leaf.key_size < min_ecc:
        policy.violations.append(Violation("certificate_key", "ECDSA key of %d bits, at least %d required"
                                           % (leaf.key_size, min_ecc), {"key_size": leaf.key_size}))


def check_ios_ats(result: TargetResult, policy: PolicyResult) -> None:
    if not (result.protocols.get("TLS 1.2") and result.protocols["TLS 1.2"].supported):
        policy.violations.append(Violation(
            "protocol", "ATS requires TLS 1.2, which the server does not offer (offered: %s)"
            % (", ".join(result.supported_protocols) or "nothing"), {"supported_protocols": result.supported_protocols}))
    ats = [n for n in result.accepted("TLS 1.2") if iana.SUITES_BY_NAME[n].ats]
    if result.accepted("TLS 1.2") and not ats:
        policy.violations.append(Violation(
            "cipher_suites", "none of the 11 ATS suites (ECDHE with AES-GCM/CBC) is accepted under TLS 1.2",
            {"accepted": result.accepted("TLS 1.2")}))
    sim = result.clients.get("ios9_ats")
    if sim is not None and not sim.connects:
        policy.violations.append(Violation("client_simulation", "an ATS client (iOS 9) cannot connect: %s"
                                           % sim.reason, {"symptom": sim.symptom}))
    _key_size(result, policy, 2048, 256)
    _weak_signatures(result, policy)
    _trust(result, policy)


def check_http2(result: TargetResult, policy: PolicyResult) -> None:
    h2 = result.alpn or {}
    for key, sim in result.clients.items():
        if sim.http2_blocked:
            policy.violations.append(Violation(
                "blocklisted_suite_with_h2", "%s negotiates HTTP/2 with %s (RFC 7540 Appendix A): %s"
                % (sim.label, sim.cipher_suite, sim.reason), {"client": key, "cipher_suite": sim.cipher_suite}))
    proof = h2.get("h2_with_blocklisted_suite")
    if proof:  # no well-known client offers only blocklisted suites: a warning, the simulations decide
        policy.warnings.append("the server selects h2 with the blocklisted %s when a client offers only "
                               "blocklisted suites (RFC 7540 9.2.2: it SHOULD NOT)" % proof)
    if h2.get("h2_tls12") and "TLS 1.2" in result.supported_protocols:
        leaf = _leaf(result)
        if 0xC02F not in _accepted_codes(result, ("TLS 1.2",)).get("TLS 1.2", []) and \
                (leaf is None or leaf.key_type == "rsa"):
            policy.violations.append(Violation(
                "mandatory_suite", "HTTP/2 over TLS 1.2 must support TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 "
                "(RFC 7540 9.2.2); the server does not accept it", {}))
    if not h2.get("h2_tls12") and not h2.get("h2_tls13"):
        policy.warnings.append("the server did not select h2 for any probe; nothing to check")


# the Mozilla guideline version the checks apply (named in every verdict, so a reader can compare with what they read)
MOZILLA_GUIDELINE = "6.0"
GUIDELINES: Dict[str, str] = {
    "mozilla_intermediate": "Mozilla server-side TLS %s (intermediate)" % MOZILLA_GUIDELINE,
    "mozilla_modern": "Mozilla server-side TLS %s (modern)" % MOZILLA_GUIDELINE,
}


def _mozilla(result: TargetResult, policy: PolicyResult, modern: bool) -> None:
    allowed_versions = ("TLS 1.3",) if modern else ("TLS 1.2", "TLS 1.3")
    for version in result.supported_protocols:
        if version not in allowed_versions:
            policy.violations.append(Violation("protocol", "%s is offered; Mozilla %s %s allows only %s"
                                               % (version, MOZILLA_GUIDELINE, policy.policy.split("_")[1],
                                                  ", ".join(allowed_versions)),
                                               {"protocol": version}))
    if not any(v in result.supported_protocols for v in allowed_versions):
        policy.violations.append(Violation("protocol", "none of %s is offered" % ", ".join(allowed_versions), {}))
    allowed = MOZ_TLS13 | (frozenset() if modern else MOZ_INTERMEDIATE_TLS12)
    for version, codes in _accepted_codes(result).items():
        extra = [iana.SUITES_BY_CODE[c].name for c in codes if c not in allowed]
        if extra and version in allowed_versions:
            policy.violations.append(Violation("cipher_suites", "%s accepts suites outside Mozilla guideline %s: %s"
                                               % (version, MOZILLA_GUIDELINE, ", ".join(extra)), {"protocol": version, "suites": extra}))
    leaf = _leaf(result)
    if leaf is not None:
        if modern and leaf.key_type != "ecdsa":
            policy.violations.append(Violation("certificate_key", "modern requires an ECDSA certificate, found %s"
                                               % leaf.key_type, {"key_type": leaf.key_type}))
        if leaf.key_type == "ecdsa" and leaf.curve not in ("secp256r1", "secp384r1"):
            policy.violations.append(Violation("certificate_key", "ECDSA curve %s; P-256 or P-384 expected"
                                               % leaf.curve, {"curve": leaf.curve}))
        _key_size(result, policy, 2048, 256)
        if not modern and leaf.signature_algorithm not in MOZ_INTERMEDIATE_SIGS:
            policy.violations.append(Violation("certificate_signature", "signature %s is not one of %s"
                                               % (leaf.signature_algorithm, ", ".join(MOZ_INTERMEDIATE_SIGS)),
                                               {"signature_algorithm": leaf.signature_algorithm}))
        limit = 90 if modern else 366
        if leaf.lifetime_days > limit:
            policy.violations.append(Violation("certificate_lifespan", "certificate lifetime %d days exceeds %d"
                                               % (leaf.lifetime_days, limit), {"lifetime_days": leaf.lifetime_days}))
    _dh_size(result, policy, 2048)
    extra_groups = [g for g in result.groups if g not in MOZ_GROUPS and not g.startswith("ffdhe")]
    if extra_groups:
        policy.warnings.append("groups outside the recommended X25519/P-256/P-384: %s" % ", ".join(extra_groups))
    _trust(result, policy)


def _dh_size(result: TargetResult, policy: PolicyResult, minimum: int) -> None:
    """On the DH primes the probe measured itself (every accepted DHE family, every FFDHE group), so a weak group
    behind an accepted suite counts even when no simulated client picks it; a client's answer counts too."""
    measured = [(k.bits, "%s (%s)" % (k.name, k.cipher_suite or k.protocol or k.source))
                for k in result.key_exchange if k.kind in ("DHE", "FFDHE")]
    measured += [(c.dh_bits, "client %s" % c.client) for c in result.clients.values() if c.dh_bits]
    weak = sorted((bits, where) for bits, where in measured if bits < minimum)
    if weak:
        bits, where = weak[0]
        policy.violations.append(Violation("dh_size", "DH group of %d bits (%d required): %s" % (bits, minimum, where),
                                           {"bits": bits, "where": [w for _b, w in weak]}))


def check_mozilla_intermediate(result: TargetResult, policy: PolicyResult) -> None:
    _mozilla(result, policy, modern=False)


def check_mozilla_modern(result: TargetResult, policy: PolicyResult) -> None:
    _mozilla(result, policy, modern=True)


def _weak_suites(result: TargetResult, policy: PolicyResult) -> None:
    for version, codes in _accepted_codes(result).items():
        weak = [iana.SUITES_BY_CODE[c].name for c in codes if iana.SUITES_BY_CODE[c].weak]
        if weak:
            policy.violations.append(Violation("cipher_suites", "%s accepts weak suites (NULL, export, anonymous, "
                                               "RC4, DES, 3DES, MD5): %s" % (version, ", ".join(weak)),
                                               {"protocol": version, "suites": weak}))


def check_pci_dss_4(result: TargetResult, policy: PolicyResult) -> None:
    _legacy_protocols(result, policy)
    if "TLS 1.2" not in result.supported_protocols and "TLS 1.3" not in result.supported_protocols:
        policy.violations.append(Violation("protocol", "neither TLS 1.2 nor TLS 1.3 is offered", {}))
    _weak_suites(result, policy)
    _key_size(result, policy, 2048, 224)
    _dh_size(result, policy, 2048)
    _weak_signatures(result, policy)
    _trust(result, policy)


def check_no_legacy(result: TargetResult, policy: PolicyResult) -> None:
    _legacy_protocols(result, policy)
    _weak_suites(result, policy)
    _key_size(result, policy, 2048, 256)
    _weak_signatures(result, policy)


POLICIES: Dict[str, Callable[[TargetResult, PolicyResult], None]] = {
    "ios_ats": check_ios_ats,
    "http2": check_http2,
    "mozilla_intermediate": check_mozilla_intermediate,
    "mozilla_modern": check_mozilla_modern,
    "pci_dss_4": check_pci_dss_4,
    "no_legacy": check_no_legacy,
}


def evaluate(name: str, result: TargetResult) -> PolicyResult:
    if name not in POLICIES:
        raise KeyError("unknown policy %r; valid: %s" % (name, ", ".join(sorted(POLICIES))))
    policy = PolicyResult(policy=name, passed=True, guideline=GUIDELINES.get(name))
    POLICIES[name](result, policy)
    policy.passed = not policy.violations
    return policy
