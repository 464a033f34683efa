# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client simulation: replay a client's ClientHello parameters and judge the answer the way that client would.

Why judge and not only replay: testssl.sh stores each client's certificate rules (``minRsaBits``,
``requiresSha2``) but never applies them, and reports a CBC suite under h2 as a success. Here the verdict
includes the client's version range, the suites it offered, its certificate rules (ATS: SHA-256+, RSA >= 2048,
forward secrecy, TLS 1.2) and the HTTP/2 blocklist when the server selected h2 on TLS 1.2.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana, wire
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.clients import VERSION_CODES, ClientProfile
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.connection import Exchange
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.results import ClientCertificateResult, ClientResult


def hello_params(profile: ClientProfile, server_name: Optional[str]) -> wire.HelloParams:
    return wire.HelloParams(
        max_version=VERSION_CODES[profile.max_version], min_version=VERSION_CODES[profile.min_version],
        cipher_suites=list(profile.cipher_suites), server_name=server_name, groups=list(profile.groups),
        signature_algorithms=list(profile.signature_algorithms), alpn=list(profile.alpn),
        key_share_groups=list(profile.key_share), renegotiation_scsv=profile.renegotiation_scsv,
        point_formats=list(profile.point_formats) or [0], extended_master_secret=True)


SYMPTOM_TEXT = {
    "tcp_reset": "the server reset the TCP connection after the ClientHello (Schannel's answer when it shares no "
                 "protocol version or cipher suite with the client)",
    "closed": "the server closed the connection without answering",
    "timeout": "no answer in time",
}


def judge(profile: ClientProfile, ex: Exchange, certs: Dict[str, Dict[str, Any]],
          tls13_alpn: Optional[str], client_certificate: Optional[ClientCertificateResult] = None) -> ClientResult:
    """``certs``: key type (rsa/ecdsa) -> leaf summary (``certificate.leaf_summary``), used for the client's
    certificate rules. ``tls13_alpn``: what the server selects for h2/http/1.1 under TLS 1.3 (encrypted, so it
    comes from one full handshake of the engine). ``client_certificate``: the engine's finding; a server that
    requires a client certificate refuses every simulated client (none of them presents one)."""
    res = _judge(profile, ex, certs, tls13_alpn)
    if res.connects and client_certificate is not None and client_certificate.required:
        res.connects = False
        res.symptom = "client_certificate_required"
        cas = ", ".join(client_certificate.ca_names[:3]) or "any CA"
        res.reason = ("the server requires a client certificate (issued by %s) and this client presents none%s"
                      % (cas, " (unless it is configured with one: WinRM certificate authentication)"
                         if profile.key == "pywinrm" else ""))
    return res


def _judge(profile: ClientProfile, ex: Exchange, certs: Dict[str, Dict[str, Any]],
           tls13_alpn: Optional[str]) -> ClientResult:
    res = ClientResult(client=profile.key, label=profile.label, connects=False)
    if ex.outcome not in ("hello", "hrr"):
        if ex.outcome == "reset":
            res.symptom = "tcp_reset"
        elif ex.outcome == "alert" and ex.alert is not None:
            res.symptom = "alert:" + ex.alert.name
            res.reason = "the server refused the handshake with a %s alert" % ex.alert.name
        else:
            res.symptom = ex.outcome
        res.reason = res.reason or SYMPTOM_TEXT.get(res.symptom, "%s: %s" % (ex.outcome, ex.detail))
        if res.symptom in ("tcp_reset", "alert:handshake_failure", "alert:insufficient_security"):
            res.reason += "; the client offers %s to %s" % (_suites_summary(profile), profile.max_version)
        if res.symptom == "alert:protocol_version":
            res.reason += "; the client speaks %s to %s" % (profile.min_version, profile.max_version)
        return res
    hello = ex.server_hello
    version = wire.VERSION_NAMES.get(hello.version, "0x%04X" % hello.version)
    suite = iana.SUITES_BY_CODE.get(hello.cipher_suite)
    res.protocol = version
    res.cipher_suite = suite.name if suite else iana.suite_name(hello.cipher_suite)
    if hello.selected_group is not None:
        res.group = wire.GROUPS.get(hello.selected_group, "0x%04X" % hello.selected_group)
    flight = ex.flight
    if flight and flight.key_exchange:
        if flight.key_exchange.named_group is not None:
            res.group = wire.GROUPS.get(flight.key_exchange.named_group, "0x%04X" % flight.key_exchange.named_group)
        res.dh_bits = flight.key_exchange.dh_bits
    # the client's own checks of the ServerHello
    if hello.version < VERSION_CODES[profile.min_version] or hello.version > VERSION_CODES[profile.max_version]:
        res.symptom = "alert:protocol_version"
        res.reason = "the server chose %s, outside the client's range %s-%s" % (
            version, profile.min_version, profile.max_version)
        return res
    if hello.cipher_suite not in profile.cipher_suites:
        res.symptom = "alert:illegal_parameter"
        res.reason = "the server chose %s, which the client did not offer" % res.cipher_suite
        return res
    rules = profile.rules
    if rules.get("requires_tls12") and hello.version < wire.TLS12:
        return _rejected(res, "the client requires TLS 1.2 or later, the server chose %s" % version)
    if rules.get("requires_forward_secrecy") and suite is not None and not suite.pfs:
        return _rejected(res, "the client requires forward secrecy, %s has none" % suite.name)
    min_dh = rules.get("min_dh_bits")
    if isinstance(min_dh, int) and min_dh and res.dh_bits and res.dh_bits < min_dh:
        return _rejected(res, "DH group of %d bits is below the client's minimum of %d" % (res.dh_bits, min_dh))
    if suite is not None and certs:
        key_type = {"ECDSA": "ecdsa", "RSA": "rsa", "DSS": "dsa"}.get(suite.auth)
        leaf = certs.get(key_type) if key_type else (next(iter(certs.values())) if suite.tls13 else None)
        if leaf is not None:
            problem = _certificate_problem(rules, leaf)
            if problem:
                return _rejected(res, problem)
    # ALPN
    if hello.version >= wire.TLS13:
        # ALPN is encrypted under TLS 1.3; the engine learnt the server's answer to (h2, http/1.1) once
        if tls13_alpn and tls13_alpn in profile.alpn:
            res.alpn = tls13_alpn
        elif tls13_alpn and "http/1.1" in profile.alpn:
            res.alpn = "http/1.1"
    else:
        res.alpn = hello.alpn
    res.connects = True
    if res.alpn == "h2" and hello.version == wire.TLS12 and suite is not None and suite.h2_blocklisted:
        res.http2_blocked = True
        res.reason = ("HTTP/2 negotiated with %s, which RFC 7540 Appendix A blocklists: the client ends the "
                      "connection with INADEQUATE_SECURITY (Chrome: ERR_SPDY_INADEQUATE_TRANSPORT_SECURITY)"
                      % suite.name)
    if hello.is_hrr:
        extra = "after a HelloRetryRequest for %s" % (res.group or "another group")
        res.reason = (res.reason + "; " + extra) if res.reason else extra
    return res


def _rejected(res: ClientResult, reason: str) -> ClientResult:
    res.connects = False
    res.symptom = "certificate_rejected" if "certificate" in reason or "key" in reason else "client_policy"
    res.reason = reason
    return res


def _certificate_problem(rules: Dict[str, Any], leaf: Dict[str, Any]) -> Optional[str]:
    key_type, size = leaf.get("key_type"), leaf.get("key_size") or 0
    if key_type == "rsa" and rules.get("min_rsa_bits") and size < rules["min_rsa_bits"]:
        return "certificate key RSA %d bits is below the client's minimum of %d" % (size, rules["min_rsa_bits"])
    if key_type == "ecdsa" and rules.get("min_ecc_bits") and size < rules["min_ecc_bits"]:
        return "certificate key ECDSA %d bits is below the client's minimum of %d" % (size, rules["min_ecc_bits"])
    if rules.get("requires_sha2_certificate") and leaf.get("weak_signature_in_chain"):
        return ("the client requires SHA-256 or stronger certificate signatures; the chain has %s"
                % (leaf.get("signature_hash") or "a SHA-1/MD5 signature"))
    return None


def _suites_summary(profile: ClientProfile) -> str:
    n = len(profile.cipher_suites)
    first = ", ".join(iana.suite_name(c) for c in profile.cipher_suites[:3])
    return "%d suites (%s%s)" % (n, first, ", ..." if n > 3 else "")
