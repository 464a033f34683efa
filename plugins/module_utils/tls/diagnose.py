# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plain-language diagnosis of what went wrong, from how connections ended.

Why a separate step: the same symptom means different things on different stacks. A TCP reset right after the
ClientHello is how Schannel says "no protocol or suite in common" (System log event 36874/36888), OpenSSL says
it with a handshake_failure alert; a protocol_version alert means the version is disabled; text starting with
``HTTP/`` means the port speaks plain HTTP. The person reading the report wants that sentence, and the fix.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.connection import Exchange
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.results import ProbeFinding, TargetResult

CONNECT_FAILURES = {
    "refused": ("port_closed", "critical",
                "nothing listens on {host}:{port} (connection refused): wrong port, service stopped, or the HTTPS "
                "binding is missing"),
    "unreachable": ("unreachable", "critical",
                    "no TCP connection to {host}:{port}: {detail} (host down, routing, or a firewall dropping "
                    "packets)"),
    "timeout": ("no_answer", "critical",
                "the server accepted the TCP connection but sent no TLS answer: {detail}. A service that waits "
                "for the client to speak first (not TLS), an overloaded server, or a middlebox swallowing the "
                "ClientHello"),
    "http": ("plaintext_http", "critical",
             "the port speaks plain HTTP, not TLS ({detail}): wrong port, or an http binding where https was "
             "expected"),
    "garbage": ("not_tls", "critical", "the server answered with bytes that are not TLS: {detail}"),
    "sslv2": ("sslv2_only", "critical", "the server answered with an SSL 2.0 ServerHello: only SSL 2.0 is enabled"),
    "closed": ("closed_without_answer", "critical",
               "the server closed the connection without a TLS answer (no certificate bound to the port, or TLS "
               "disabled for every protocol)"),
}


def connect_failure(ex: Exchange, host: str, port: int) -> Optional[ProbeFinding]:
    entry = CONNECT_FAILURES.get(ex.outcome)
    if entry is None:
        return None
    code, severity, text = entry
    return ProbeFinding(code, severity, text.format(host=host, port=port, detail=ex.detail),
                        {"outcome": ex.outcome, "detail": ex.detail, "elapsed": round(ex.elapsed, 3)})


def sni_refused(host: str, port: int, name: Optional[str]) -> ProbeFinding:
    """The first hello got a fatal unrecognized_name alert: the server name decides, not the suites."""
    if name is None:
        return ProbeFinding("sni_required", "critical",
                            "%s:%d refuses every hello without a server name (SNI) with an unrecognized_name alert: the "
                            "server serves only names it knows (IIS: 'Require Server Name Indication' on every binding, "
                            "nginx: ssl_reject_handshake). Probe it by name (host: the site's name, or sni: <name>); "
                            "clients that send no SNI cannot connect" % (host, port), {"alert": "unrecognized_name"})
    return ProbeFinding("sni_unrecognized", "critical",
                        "%s:%d refuses the server name %r with an unrecognized_name alert: no binding or virtual host "
                        "serves that name (check the IIS binding's host name, or the target's sni)" % (host, port, name),
                        {"alert": "unrecognized_name", "server_name": name})


def sni_findings(result: TargetResult) -> List[ProbeFinding]:
    check = result.sni_check
    findings: List[ProbeFinding] = []
    if check is None or check.server_name is None or not result.supported_protocols:
        return findings
    if check.name_recognized is False:
        findings.append(ProbeFinding(
            "sni_name_unrecognized", "warning",
            "the server warned that it does not know the name %r (unrecognized_name) and went on with its default "
            "certificate" % check.server_name, {"server_name": check.server_name}))
    if check.required:
        findings.append(ProbeFinding(
            "sni_required", "warning",
            "the server refuses hellos without a server name (%s) and serves %r only to clients that send SNI: "
            "clients without SNI (Internet Explorer on Windows XP, Android 2.x, Java 6, scripts and monitors that "
            "connect by IP address) cannot connect. Not a suite problem: the same hello with the name is accepted"
            % (check.without_name, check.server_name), {"without_name": check.without_name}))
    if check.certificate_differs:
        findings.append(ProbeFinding(
            "sni_certificate_differs", "warning",
            "without a server name the server presents another certificate (%s) than for %r (%s): a client that "
            "sends no SNI gets a certificate for another name"
            % (check.without_name_certificate, check.server_name, check.with_name_certificate),
            {"with_name": check.with_name_certificate, "without_name": check.without_name_certificate}))
    return findings


def client_certificate_findings(result: TargetResult) -> List[ProbeFinding]:
    cc = result.client_certificate
    if cc is None or not cc.requested:
        return []
    cas = "; ".join(cc.ca_names) or "no CA names (any certificate)"
    if cc.required:
        return [ProbeFinding("client_certificate_required", "warning",
                             "the server requires a client certificate (%s, CAs named: %s): a client without one is "
                             "refused%s, so no browser or script without a certificate can connect"
                             % (cc.protocol or "handshake", cas, " with a %s alert" % cc.alert if cc.alert else
                                " (%s)" % cc.detail if cc.detail else ""),
                             {"ca_names": cc.ca_names, "alert": cc.alert})]
    state = "optional: a client without one still connects" if cc.required is False else \
        "whether a client without one is refused was not determined"
    return [ProbeFinding("client_certificate_requested", "info",
                         "the server asks for a client certificate (%s, CAs named: %s); %s"
                         % (cc.protocol or "handshake", cas, state), {"ca_names": cc.ca_names})]


def sslv2_finding(result: TargetResult) -> Optional[ProbeFinding]:
    """SSL 2.0 gets its own sentence: it is the one protocol Windows Server 2008 R2 still enables by default
    (schannel-facts §3: SSL 2.0 server Enabled on 2008 R2), so an unhardened 2008 R2 host shows it."""
    proto = result.protocols.get("SSL 2.0")
    if proto is None or not proto.supported:
        return None
    only = result.supported_protocols == ["SSL 2.0"]
    text = ("SSL 2.0 is enabled (%s). It has been broken since the 1990s, RFC 6176 prohibits it, and every "
            "policy fails on it. Windows Server 2008 R2 turns the SSL 2.0 server on by default: set "
            "Protocols\\SSL 2.0\\Server Enabled=0 (every hardening profile of this collection does)"
            % ", ".join(proto.cipher_suites))
    if only:
        text += "; it is also the only protocol this server speaks, so no current client can connect"
    return ProbeFinding("sslv2_enabled", "critical", text, {"cipher_suites": list(proto.cipher_suites),
                                                            "only_protocol": only})


def version_findings(result: TargetResult, outcomes: Dict[str, str]) -> List[ProbeFinding]:
    """Explain why versions are off, and the whole-server picture when nothing works."""
    findings = []
    sslv2 = sslv2_finding(result)
    if sslv2 is not None:
        findings.append(sslv2)
    supported = result.supported_protocols
    ssl2 = result.protocols.get("SSL 2.0")  # the other versions' untested probes have a warning of their own
    if ssl2 is not None and not ssl2.tested and ssl2.untested_reason:
        findings.append(ProbeFinding("protocol_untested", "warning", ssl2.untested_reason,
                                     {"protocol": "SSL 2.0", "outcome": ssl2.outcome}))
    if not supported:
        kinds = set(outcomes.values())
        if "alert:unrecognized_name" in kinds:
            findings.append(ProbeFinding(
                "sni_required", "critical",
                "the server answers with unrecognized_name: it serves only server names it knows, whatever the "
                "suites; probe it by the site's name (host or sni)", {"outcomes": outcomes}))
        elif kinds <= {"reset", "closed"}:
            findings.append(ProbeFinding(
                "tcp_reset_after_client_hello", "critical",
                "every ClientHello (SSL 3.0 to TLS 1.3, all %d suites of the IANA registry) ended in a TCP reset. "
                "That is Schannel's way of saying it shares no protocol version or cipher suite with the client "
                "(System log event 36874 or 36888): all protocols disabled, no enabled suite fits the certificate "
                "(e.g. an ECDSA certificate with only RSA suites enabled), or no certificate bound to the port"
                % 361, {"outcomes": outcomes}))
        elif any(k.startswith("alert:handshake_failure") for k in kinds):
            findings.append(ProbeFinding(
                "no_shared_suite", "critical",
                "the server refuses every offered suite with a handshake_failure alert: no enabled suite works "
                "with its certificate or configuration", {"outcomes": outcomes}))
        else:
            findings.append(ProbeFinding("no_protocol", "critical", "no protocol version could be negotiated",
                                         {"outcomes": outcomes}))
        return findings
    for version, outcome in outcomes.items():
        proto = result.protocols.get(version)
        if proto is None or proto.supported:
            continue
        if outcome == "reset":
            text = ("%s: the server resets the connection after the ClientHello (Schannel: protocol disabled or no "
                    "shared suite for it)" % version)
        elif outcome == "alert:protocol_version":
            text = "%s is disabled (protocol_version alert)" % version
        elif outcome == "alert:handshake_failure":
            text = _handshake_failure_text(result, version)
        elif outcome.startswith("downgrade:"):
            text = "%s is disabled (the server answers with %s)" % (version, outcome.split(":", 1)[1])
        else:
            text = "%s not negotiated (%s)" % (version, outcome)
        findings.append(ProbeFinding("protocol_off", "info", text, {"protocol": version, "outcome": outcome}))
    return findings


def _carried_by(suite: "iana.CipherSuite", version: str) -> bool:
    """Can ``version`` negotiate ``suite``? AEAD and SHA-256/384 MACs came with TLS 1.2; ECDHE with TLS 1.0."""
    if suite.tls13:
        return False
    if version == "TLS 1.2":
        return True
    if suite.aead or suite.mac not in ("SHA1", "MD5"):
        return False
    return not (version == "SSL 3.0" and suite.kex.startswith("ECDH"))


def _handshake_failure_text(result: TargetResult, version: str) -> str:
    """handshake_failure to a hello for one version while others work. When that hello offered a suite the server
    accepts under another version and that this version can carry too, the suites are not the reason: the server
    does not speak the version (OpenSSL 1.1+/3 builds without SSL 3.0 answer an SSL 3.0 hello this way)."""
    portable = []
    for other in result.supported_protocols:
        for name in result.accepted(other):
            suite = iana.SUITES_BY_NAME.get(name)
            if suite is not None and _carried_by(suite, version):
                portable.append(name)
    if portable:
        return ("%s is not offered (handshake_failure alert to a %s hello that offered %s, which the server accepts "
                "under %s): the server does not speak %s, the suites are not the reason"
                % (version, version, portable[0], ", ".join(result.supported_protocols), version))
    return ("%s not negotiated (handshake_failure alert): either %s is off or none of its suites is enabled; every "
            "suite the server accepts elsewhere is one %s cannot carry, so this probe cannot tell which"
            % (version, version, version))


def certificate_findings(result: TargetResult) -> List[ProbeFinding]:
    cert = result.certificate
    findings: List[ProbeFinding] = []
    if cert is None or not cert.chain:
        return findings
    leaf = cert.chain[0]
    if leaf.expired:
        findings.append(ProbeFinding("certificate_expired", "error", "the certificate expired on %s" % leaf.not_after,
                                     {"subject": leaf.subject}))
    if leaf.not_yet_valid:
        findings.append(ProbeFinding("certificate_not_yet_valid", "error", "the certificate is valid only from %s"
                                     % leaf.not_before, {"subject": leaf.subject}))
    if cert.hostname_match is False:
        names = ", ".join(leaf.san_dns + leaf.san_ip) or leaf.subject
        findings.append(ProbeFinding("certificate_hostname_mismatch", "error",
                                     "the certificate is for %s, not %s" % (names, cert.hostname),
                                     {"san_dns": leaf.san_dns, "san_ip": leaf.san_ip}))
    if cert.trusted is False:
        hint = ""
        if cert.verify_error and "local issuer" in cert.verify_error:
            hint = (" (either the server does not send its intermediate certificate: import it into the machine's "
                    "Intermediate Certification Authorities store; or the chain ends at a private CA: give its "
                    "certificate in ca_path)")
        elif cert.verify_error and "self" in cert.verify_error:
            hint = " (self-signed: clients trust it only if it is in their root store)"
        findings.append(ProbeFinding("certificate_untrusted", "error", "the chain does not validate: %s%s"
                                     % (cert.verify_error, hint), {"verify_error": cert.verify_error}))
    if cert.sha1_in_chain:
        findings.append(ProbeFinding("certificate_sha1", "error",
                                     "SHA-1 signatures in the chain (%s): ATS, Chrome and PCI DSS reject them"
                                     % "; ".join(cert.weak_signature_certificates),
                                     {"certificates": cert.weak_signature_certificates}))
    if leaf.key_type == "rsa" and leaf.key_size < 2048:
        findings.append(ProbeFinding("certificate_weak_key", "error", "RSA key of %d bits (2048 is the minimum clients "
                                     "accept)" % leaf.key_size, {"key_size": leaf.key_size}))
    if cert.chain_in_order is False:
        findings.append(ProbeFinding("certificate_chain_order", "warning", "the served chain is not in issuing order",
                                     {"subjects": [c.subject for c in cert.chain]}))
    if leaf.self_signed:
        findings.append(ProbeFinding("certificate_self_signed", "warning", "the certificate is self-signed",
                                     {"subject": leaf.subject}))
    return findings


def client_findings(result: TargetResult) -> List[ProbeFinding]:
    findings = []
    winrm = result.clients.get("pywinrm")
    if winrm is not None and not winrm.connects and winrm.symptom != "client_certificate_required":
        findings.append(ProbeFinding(
            "controller_locked_out", "critical",
            "the controller's own WinRM client (pywinrm on OpenSSL 3 defaults) cannot connect: %s. Ansible over "
            "WinRM/HTTPS to this host would fail" % winrm.reason, {"symptom": winrm.symptom}))
    blocked = [c.label for c in result.clients.values() if c.http2_blocked]
    if blocked:
        findings.append(ProbeFinding(
            "http2_blocklisted_suite", "error",
            "HTTP/2 is negotiated with an RFC 7540 blocklisted suite for: %s. Put the ECDHE AES-GCM suites first "
            "(and enable them: on 2008 R2-2012 R2 they exist only for ECDSA certificates) or disable HTTP/2 "
            "(EnableHttp2Tls=0)" % ", ".join(blocked), {"clients": blocked}))
    return findings


def expectation_findings(result: TargetResult, expect: Dict[str, Dict[str, object]]) -> List[ProbeFinding]:
    """Compare the planner's predictions (contract: connects/protocol/cipher_suite/reason/symptom) with what the
    replayed clients did; each difference is a finding."""
    findings = []
    for key, predicted in expect.items():
        observed = result.clients.get(key)
        if observed is None:
            findings.append(ProbeFinding("prediction_unchecked", "warning", "no client simulation for predicted client "
                                         "%r" % key, {"client": key}))
            continue
        diffs: Dict[str, Tuple[object, object]] = {}
        if "connects" in predicted and bool(predicted["connects"]) != observed.connects:
            diffs["connects"] = (predicted["connects"], observed.connects)
        if observed.connects and predicted.get("connects", True):
            for field_name, value in (("protocol", observed.protocol), ("cipher_suite", observed.cipher_suite)):
                if predicted.get(field_name) is not None and predicted[field_name] != value:
                    diffs[field_name] = (predicted[field_name], value)
        if not observed.connects and predicted.get("symptom") and not predicted.get("connects", False):
            if predicted["symptom"] != observed.symptom:
                diffs["symptom"] = (predicted["symptom"], observed.symptom)
        if diffs:
            findings.append(ProbeFinding(
                "prediction_mismatch", "error", "%s: predicted %s, observed %s" % (
                    observed.label, ", ".join("%s=%s" % (k, v[0]) for k, v in diffs.items()),
                    ", ".join("%s=%s" % (k, v[1]) for k, v in diffs.items())),
                {"client": key, "differences": {k: {"predicted": v[0], "observed": v[1]} for k, v in diffs.items()},
                 "observed_reason": observed.reason}))
    return findings


def windows_version_findings(result: TargetResult, version: str) -> List[ProbeFinding]:
    """What the server accepted that the given Windows release does not offer (h15's catalogue): a suite, or from
    2016 on (the first release with a curve list) a group. Either the host is not that release, or something in
    front of it answers. ``version`` is a key ``versions.resolve_windows_version`` returned. The knowledge tables
    are imported here, not at module level: they cost start-up time every probe without a version would pay."""
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue as _catalogue
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import effective as _effective
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import versions as _versions

    catalogue: Any = _catalogue  # the knowledge modules are untyped; mypy is strict only here
    effective: Any = _effective
    versions: Any = _versions
    label = versions.WINDOWS_VERSIONS[version].label
    findings: List[ProbeFinding] = []
    fix = ("the host is not the Windows version given, or something in front of it (a load balancer, a TLS proxy) "
           "answers; fix: check windows_version (%s) or probe the host directly")
    seen = set()
    for proto, entry in result.protocols.items():
        if proto == "SSL 2.0" or not entry.supported:
            continue
        for name in entry.cipher_suites:
            if name in seen or catalogue.get(name, version) is not None or catalogue.variants(name, version):
                continue
            seen.add(name)
            _suite, problem, _first = catalogue.explain_name(name, version)
            nearest = catalogue.suggest_suites(name, version)
            findings.append(ProbeFinding(
                "suite_not_in_windows_version", "warning",
                "the server accepted %s, which %s does not offer (%s): %s" % (
                    name, label, problem, fix % ("nearest names that release offers: %s" % ", ".join(nearest)
                                                 if nearest else "that release has no similar suite")),
                {"suite": name, "protocol": proto, "windows_version": version, "nearest": nearest}))
    if catalogue.curves_for(version) is not None:
        for group in result.groups:
            curve = effective.normalize_curve(group)
            known, problem, nearest = catalogue.explain_curve(curve, version)
            if known is None:
                findings.append(ProbeFinding(
                    "group_not_in_windows_version", "warning",
                    "the server negotiated %s, which %s does not offer (%s): %s" % (
                        group, label, problem, fix % ("curves that release knows nearest to it: %s" % ", ".join(nearest)
                                                      if nearest else "see its curve list")),
                    {"group": group, "windows_version": version, "nearest": nearest}))
    return findings
