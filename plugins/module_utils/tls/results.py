# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed, JSON-serialisable results of a probe (one dataclass per kind of answer, as sslyze does).

Why dataclasses and not dicts: the module's RETURN documentation, the policy checks and the tests all read the
same fields; a typo is an AttributeError in a test, not a silently missing key in a report. ``to_dict`` gives
the plain JSON the module returns.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

SEVERITIES = ("critical", "error", "warning", "info")


@dataclass
class ProbeFinding:
    """Something a human should read: a diagnosis, a certificate problem, a prediction mismatch."""

    code: str
    severity: str
    message: str
    evidence: Dict[str, object] = field(default_factory=dict)


@dataclass
class ProtocolResult:
    """One protocol version: supported or not, every accepted suite, and whose order applies."""

    version: str
    supported: bool
    cipher_suites: List[str] = field(default_factory=list)  # IANA names; server's order when server_order
    server_order: Optional[bool] = None  # True = server enforces its order, False = client order, None = unknown
    # server / client / server_chacha_priority (server order, except that a client listing ChaCha20 first gets
    # ChaCha20: OpenSSL's PrioritizeChaCha); None = unknown or fewer than 2 suites
    order: Optional[str] = None
    outcome: str = ""  # how the last probe ended: hello / reset / alert:handshake_failure / ...
    detail: str = ""
    connections: int = 0
    tested: bool = True  # False: no usable answer, so "not supported" would be a guess (see untested_reason)
    untested_reason: Optional[str] = None


@dataclass
class CertificateInfo:
    subject: str
    issuer: str
    serial: str
    not_before: str
    not_after: str
    days_left: int
    lifetime_days: int
    expired: bool
    not_yet_valid: bool
    key_type: str  # rsa / ecdsa / ed25519 / ed448 / dsa
    key_size: int
    curve: Optional[str]
    signature_algorithm: str
    signature_hash: Optional[str]  # sha1 / sha256 / ... (None for ed25519/ed448)
    san_dns: List[str]
    san_ip: List[str]
    is_ca: bool
    self_signed: bool
    sha256_fingerprint: str


@dataclass
class CertificateResult:
    """The chain as served and what a client would make of it."""

    source: str  # "tls12-raw" (Certificate message) or "ssl" (full handshake)
    chain: List[CertificateInfo] = field(default_factory=list)
    chain_length: int = 0
    chain_in_order: Optional[bool] = None
    hostname: Optional[str] = None
    hostname_match: Optional[bool] = None
    trusted: Optional[bool] = None  # None when validate_certs is false or validation could not run
    verify_error: Optional[str] = None
    sha1_in_chain: bool = False
    weak_signature_certificates: List[str] = field(default_factory=list)
    by_key_type: Dict[str, Dict[str, object]] = field(default_factory=dict)  # rsa/ecdsa -> leaf summary


@dataclass
class ClientResult:
    """A replayed client hello: would that client connect, with what, and if not, why."""

    client: str
    label: str
    connects: bool
    protocol: Optional[str] = None
    cipher_suite: Optional[str] = None
    alpn: Optional[str] = None
    group: Optional[str] = None
    dh_bits: Optional[int] = None
    http2_blocked: bool = False
    reason: Optional[str] = None
    symptom: Optional[str] = None  # tcp_reset / alert:<name> / certificate_rejected / timeout / ...


@dataclass
class KeyExchangeSize:
    """What size of key exchange the server can be made to use, measured by the probe itself (not only what the
    simulated clients happened to pick): one entry per accepted DHE suite family (the DH prime it sends) and per
    supported group."""

    kind: str  # DHE (TLS <= 1.2, the prime in the ServerKeyExchange) / ECDHE / FFDHE (named groups)
    name: str  # DHE: the family, e.g. DHE_RSA; ECDHE/FFDHE: the group, e.g. x25519, ffdhe2048
    bits: int
    protocol: Optional[str] = None
    cipher_suite: Optional[str] = None  # DHE: the suite of the answer that was measured
    source: str = "probe"  # probe (a hello of its own) / client:<key> (a simulated client's answer) / group


@dataclass
class SniResult:
    """The server with and without a server name (SNI)."""

    server_name: Optional[str] = None  # the name the probe sends; None: an IP target without sni
    tested: bool = False  # a hello without a server name was sent and answered
    without_name: Optional[str] = None  # its outcome: hello / alert:unrecognized_name / reset / ...
    required: Optional[bool] = None  # True: only hellos with a (known) name get a handshake
    name_recognized: Optional[bool] = None  # False: the server answered our name with unrecognized_name
    certificate_differs: Optional[bool] = None  # the leaf without a name is another certificate
    with_name_certificate: Optional[str] = None  # "subject, SHA-256 fingerprint prefix"
    without_name_certificate: Optional[str] = None
    detail: str = ""


@dataclass
class ClientCertificateResult:
    """Whether the server asks clients for a certificate, and what it does to a client without one."""

    requested: bool = False
    required: Optional[bool] = None  # True: a client without a certificate is refused; None: not determined
    ca_names: List[str] = field(default_factory=list)  # the CAs the server names in its CertificateRequest
    protocol: Optional[str] = None  # the version whose handshake showed the request
    alert: Optional[str] = None  # what a client without a certificate got, e.g. certificate_required
    detail: str = ""


@dataclass
class Violation:
    rule: str
    message: str
    evidence: Dict[str, object] = field(default_factory=dict)


@dataclass
class PolicyResult:
    policy: str
    passed: bool
    violations: List[Violation] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)
    guideline: Optional[str] = None  # the published version the rules follow, e.g. "Mozilla server-side TLS 6.0"


@dataclass
class TargetResult:
    host: str
    port: int
    sni: Optional[str]
    address: Optional[str] = None
    reachable: bool = False
    failed: bool = False  # an asserted policy failed, or the target could not be probed
    error: Optional[str] = None
    protocols: Dict[str, ProtocolResult] = field(default_factory=dict)
    groups: List[str] = field(default_factory=list)
    key_exchange: List[KeyExchangeSize] = field(default_factory=list)
    alpn: Dict[str, object] = field(default_factory=dict)
    certificate: Optional[CertificateResult] = None
    sni_check: Optional[SniResult] = None
    client_certificate: Optional[ClientCertificateResult] = None
    untested: Dict[str, str] = field(default_factory=dict)  # check -> why it could not be made
    clients: Dict[str, ClientResult] = field(default_factory=dict)
    policies: Dict[str, PolicyResult] = field(default_factory=dict)
    findings: List[ProbeFinding] = field(default_factory=list)
    connections: int = 0
    elapsed: float = 0.0

    @property
    def supported_protocols(self) -> List[str]:
        return [v for v, p in self.protocols.items() if p.supported]

    def accepted(self, version: str) -> List[str]:
        p = self.protocols.get(version)
        return list(p.cipher_suites) if p and p.supported else []

    def to_dict(self) -> Dict[str, object]:
        data = asdict(self)
        data["supported_protocols"] = self.supported_protocols
        return data
