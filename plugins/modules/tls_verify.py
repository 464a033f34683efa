#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
---
module: tls_verify
short_description: Probe TLS endpoints from the outside and check them against policies
version_added: "0.1.0"
description:
  - A fast, pure-Python TLS prober that runs on the controller (delegate it to C(localhost)).
  - Enumerates every accepted cipher suite per protocol version (SSL 3.0 to TLS 1.3, the whole IANA registry
    including RC4, 3DES, export and NULL suites) by elimination with hand-built ClientHellos, about
    (accepted + 1) connections per version, and tells server order from client order, including server order
    with ChaCha20 priority (OpenSSL's PrioritizeChaCha, where a client listing ChaCha20 first gets it).
  - Measures what the server can be made to use, not only what simulated clients pick, that is the DH prime of every
    accepted DHE family and the size of every supported group (C(key_exchange)).
  - Probes with and without a server name (SNI) and says when the server requires one or serves another
    certificate without it; reads a request for a client certificate (TLS 1.3 after the handshake keys) with the CA
    names, and whether a client without one is refused. What could not be tested says why (C(untested)).
  - Sees SSL 2.0 too (on by default for the server side of Windows Server 2008 R2) with one raw CLIENT-HELLO, whose
    SERVER-HELLO lists every cipher kind the server shares (SSL 2.0 has no server choice, so no order).
  - Reads the certificate chain as served, validates it against a CA bundle, checks hostname, key and signature
    hash (SHA-1 anywhere in the chain).
  - Replays the ClientHellos of well-known clients (iOS ATS, Safari, Android, Java, IE 11, Chrome, Firefox, curl,
    the controller's own pywinrm) and applies the certificate rules those clients enforce.
  - Checks policies (C(ios_ats), C(http2), C(mozilla_intermediate), C(mozilla_modern), C(pci_dss_4),
    C(no_legacy)); the task fails when an asserted policy fails.
  - Explains failures in plain words (TCP reset after the ClientHello, protocol_version alerts, timeouts, plain
    HTTP on a TLS port, certificate problems) and compares what it sees with the predictions of
    C(tlsops.schannel.schannel_plan).
  - Client data for the simulations comes from the Qualys SSL Labs client list (CC BY 3.0 US) as recorded in
    testssl.sh, plus local captures; see the C(clients) module_utils.
author:
  - tlsops maintainers (@tlsops)
attributes:
  check_mode:
    support: full
    description: The module only reads; check mode runs the same probes.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
  platform:
    support: full
    platforms: posix
    description: Runs on the controller and connects to the targets.
options:
  host:
    description:
      - Shorthand for a single target. Mutually exclusive with O(targets).
    type: str
  port:
    description:
      - Port of O(host).
    type: int
    default: 443
  sni:
    description:
      - Server name to send (SNI) and to match the certificate against. Defaults to O(host).
    type: str
  targets:
    description:
      - Endpoints probed concurrently. A bad entry (unresolvable name, port out of range) becomes a failed
        result of its own and never stops the others.
    type: list
    elements: dict
    suboptions:
      host:
        description: Name or address.
        type: str
        required: true
      port:
        description: TCP port.
        type: int
        default: 443
      sni:
        description: Server name for SNI and the hostname check; defaults to O(targets[].host).
        type: str
      expect:
        description: Predictions for this target only (overrides O(expect)).
        type: dict
      windows_version:
        description: Windows release of this target only (overrides O(windows_version)).
        type: raw
  windows_version:
    description:
      - The Windows release the targets run (a key such as C(2019), a caption, a build number; what
        C(tlsops.schannel.schannel_plan) returns as C(windows_version)). Each accepted suite that release does not
        offer, and from 2016 on each negotiated group it does not know, becomes a finding
        (C(suite_not_in_windows_version), C(group_not_in_windows_version)) naming the nearest names it does offer;
        the host is not that release, or something in front of it answers.
      - An unknown value fails the task before any connection. Without it nothing is compared.
    type: raw
  assert:
    description:
      - Policies that must pass; the task fails when one of them fails for any target.
      - C(ios_ats) Apple App Transport Security (TLS 1.2, the 11 ECDHE suites, SHA-256+ signatures,
        RSA >= 2048 / ECC >= 256, trusted chain).
      - C(http2) no h2 client negotiates a suite of RFC 7540 Appendix A; TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        available when h2 is offered.
      - C(mozilla_intermediate) / C(mozilla_modern) Mozilla server-side TLS guideline 6.0 (what the
        C(tlsops.schannel.schannel_plan) profiles of the same names compile).
      - C(pci_dss_4) no SSL/TLS 1.0/1.1, no weak suites, RSA >= 2048, no SHA-1 certificates, trusted chain.
      - C(no_legacy) no SSL/TLS 1.0/1.1, no NULL/export/anonymous/RC4/DES/3DES/MD5 suites, no SHA-1, RSA >= 2048.
    type: list
    elements: str
    choices: [ios_ats, http2, mozilla_intermediate, mozilla_modern, pci_dss_4, no_legacy]
    default: []
  report:
    description:
      - Policies evaluated and reported without failing the task.
    type: list
    elements: str
    choices: [ios_ats, http2, mozilla_intermediate, mozilla_modern, pci_dss_4, no_legacy]
    default: []
  clients:
    description:
      - Clients to simulate (keys of the shared client table). Default all.
    type: list
    elements: str
    choices: [ios9_ats, safari9, safari15, android44, android12, java8, java17, ie11_win7, ie11_win10, chrome,
              firefox, curl_openssl3, pywinrm]
  expect:
    description:
      - The C(predictions) dict returned by C(tlsops.schannel.schannel_plan), client key ->
        C({connects, protocol, cipher_suite, reason, symptom}). Each difference from the simulation is a finding
        with code C(prediction_mismatch); with O(fail_on_mismatch) the task fails.
    type: dict
  fail_on_mismatch:
    description: Fail the task when a prediction in O(expect) does not match.
    type: bool
    default: false
  validate_certs:
    description:
      - Validate the certificate chain (trust and hostname). When false the chain is still read and analysed.
    type: bool
    default: true
  ca_path:
    description:
      - CA bundle file or hashed directory to validate against instead of the system default.
    type: path
  timeout:
    description:
      - Seconds bounding every single connection (connect, send, read). A server that answers slowly, endlessly or
        never costs at most this per connection.
      - At most 300 seconds (a larger value fails the task before any connection). Below 0.05 seconds even a healthy
        server may not answer in time; the task then warns, and a target whose connections timed out is reported as
        untested at that timeout, not as a faulty server.
    type: float
    default: 5
  concurrency:
    description: Connections in flight over all targets.
    type: int
    default: 20
  per_host_limit:
    description: Connections in flight per host name.
    type: int
    default: 8
  groups:
    description: Enumerate supported groups (named curves / FFDHE groups).
    type: bool
    default: true
notes:
  - Runs on the controller and talks to the targets directly; delegate the task to C(localhost).
  - Client simulation does not model each client's root store (like testssl.sh); trust is checked once against
    O(ca_path) or the system store.
requirements:
  - Python's C(ssl) module on the controller (the standard library); nothing else at run time.
seealso:
  - module: tlsops.schannel.schannel_plan
"""

EXAMPLES = r"""
- name: Prove an IIS host meets ATS and the HTTP/2 rules after hardening
  tlsops.schannel.tls_verify:
    host: "{{ inventory_hostname }}"
    port: 443
    assert: [ios_ats, http2]
  delegate_to: localhost

- name: Probe a fleet at once and compare with the plan's predictions
  tlsops.schannel.tls_verify:
    # one {host: <name>} per host of the group, with ansible.builtin filters only
    targets: >-
      {{ groups['iis'] | map('regex_replace', '^(.+)$', '{"host": "\1"}') | map('from_json') | list }}
    expect: "{{ plan.predictions }}"
    report: [mozilla_intermediate, pci_dss_4]
    ca_path: /etc/pki/corp-root.pem
    concurrency: 50
  delegate_to: localhost
  run_once: true
  register: probe

- name: Ad hoc, against a lab server with a private CA (validate against that CA, not validate_certs false)
  tlsops.schannel.tls_verify:
    host: 127.0.0.1
    port: 8443
    sni: localhost
    ca_path: /etc/pki/lab-ca.pem
"""

RETURN = r"""
results:
  description:
    - One entry per target, in the order given. A target given twice (same host, port and sni) is probed once and
      its result appears at each of its positions; an invalid entry has its error at its position.
  returned: always
  type: list
  elements: dict
  contains:
    host: {description: "Host as given.", type: str, returned: always}
    port: {description: "Port.", type: int, returned: always}
    sni: {description: "Server name sent and checked.", type: str, returned: always}
    address: {description: "Address the name resolved to.", type: str, returned: when resolvable}
    reachable: {description: "A TCP connection could be opened.", type: bool, returned: always}
    failed: {description: "An asserted policy failed or the target could not be probed.", type: bool, returned: always}
    error: {description: "Why the target could not be probed.", type: str, returned: always}
    supported_protocols: {description: "Versions negotiated, for example C(TLS 1.2) and C(TLS 1.3).", type: list, returned: always}
    protocols:
      description: Per version (C(SSL 2.0) ... C(TLS 1.3)); SSL 2.0 cipher kinds are C(SSL_CK_*) names.
      type: dict
      returned: always
      contains:
        version: {description: "Protocol name.", type: str}
        supported: {description: "The server negotiates it.", type: bool}
        cipher_suites: {description: "Accepted IANA suite names; the server's preference order when server_order.", type: list}
        server_order: {description: "True server order (also with ChaCha20 priority), false client order, null unknown or fewer than 2 suites.", type: bool}
        order:
          description: C(server), C(client), or C(server_chacha_priority) (the server's order, except that a client
            listing a ChaCha20 suite first gets ChaCha20, OpenSSL's PrioritizeChaCha); null unknown or fewer than 2 suites.
          type: str
        tested: {description: "False when no usable answer came for this version (timeout, garbage), so C(supported=false) is not a finding.", type: bool}
        untested_reason: {description: "Why the version could not be tested.", type: str}
        outcome:
          description: How the last probe of this version ended (C(reset), C(alert:handshake_failure), C(downgrade:TLS 1.0), C(sslv2_error), ...).
          type: str
        detail: {description: "Detail of that outcome.", type: str}
        connections: {description: "Connections used for this version.", type: int}
    groups: {description: "Supported groups (named curves, FFDHE) in the order the server picked them.", type: list, returned: always}
    key_exchange:
      description: Key exchange sizes the server can be made to use, measured by the probe whatever the simulated
        clients picked; one entry per accepted DHE family (the DH prime of its ServerKeyExchange) and per supported group.
      type: list
      elements: dict
      returned: always
      contains:
        kind: {description: "C(DHE) (TLS 1.2 and earlier, measured prime), C(ECDHE) or C(FFDHE) (named groups).", type: str}
        name: {description: "DHE family (C(DHE_RSA), C(DHE_DSS)) or group name.", type: str}
        bits: {description: "DH prime size, or the group's size.", type: int}
        protocol: {description: "Version of the measured answer.", type: str}
        cipher_suite: {description: "Suite of the measured DHE answer.", type: str}
        source: {description: "C(probe) (a hello of its own), C(client:<key>) (a simulated client's answer) or C(group).", type: str}
    sni_check:
      description: The server with and without a server name (SNI).
      type: dict
      returned: when reachable
      contains:
        server_name: {description: "Name the probe sends; null for an IP target without sni.", type: str}
        tested: {description: "A hello without a server name was sent and answered.", type: bool}
        without_name: {description: "Outcome of that hello (C(hello), C(alert:unrecognized_name), C(reset), ...).", type: str}
        required: {description: "Only hellos with a (known) server name get a handshake.", type: bool}
        name_recognized: {description: "False when the server answered the name with an unrecognized_name alert.", type: bool}
        certificate_differs: {description: "A client without SNI gets another leaf certificate.", type: bool}
        with_name_certificate: {description: "Subject and SHA-256 prefix of the leaf served for the name.", type: str}
        without_name_certificate: {description: "Subject and SHA-256 prefix of the leaf served without a name.", type: str}
        detail: {description: "Why not tested, or what the server said.", type: str}
    client_certificate:
      description: Whether the server asks for a client certificate (CertificateRequest; TLS 1.3 read after the
        handshake keys) and what it does to a client without one.
      type: dict
      returned: when reachable
      contains:
        requested: {description: "The server sends a CertificateRequest.", type: bool}
        required: {description: "A client without a certificate is refused; null when not determined.", type: bool}
        ca_names: {description: "Certificate authorities named in the request.", type: list}
        protocol: {description: "Version whose handshake showed the request.", type: str}
        alert: {description: "Alert a client without a certificate got (C(certificate_required), C(handshake_failure)).", type: str}
        detail: {description: "What could not be determined.", type: str}
    untested:
      description: Checks that could not be made, keyed by check (C(certificate_trust), C(h2_tls13), C(sni),
        C(client_certificate_required), C(dh_size:<family>)), with the reason (for example a protocol the local TLS library cannot speak).
      type: dict
      returned: always
    alpn:
      description: ALPN checks.
      type: dict
      returned: when reachable
      contains:
        h2_tls12: {description: "Server selects h2 under TLS 1.2.", type: bool}
        h2_tls13: {description: "Server selects h2 under TLS 1.3.", type: bool}
        h2_with_blocklisted_suite: {description: "Blocklisted suite the server accepts together with h2 when offered only those.", type: str}
        tls12_alpn: {description: "Protocol selected for (h2, http/1.1) under TLS 1.2.", type: str}
        tls13_alpn: {description: "Protocol selected for (h2, http/1.1) under TLS 1.3.", type: str}
    certificate:
      description: The chain as served and its analysis.
      type: dict
      returned: when a certificate was read
      contains:
        source: {description: "C(ssl) full handshake or C(tls12-raw) Certificate message.", type: str}
        chain:
          description: Certificates as served, leaf first.
          type: list
          elements: dict
          contains:
            subject: {description: "RFC 4514 subject.", type: str}
            issuer: {description: "RFC 4514 issuer.", type: str}
            serial: {description: "Serial number (hex).", type: str}
            not_before: {description: "ISO 8601.", type: str}
            not_after: {description: "ISO 8601.", type: str}
            days_left: {description: "Days until expiry.", type: int}
            lifetime_days: {description: "Total validity in days.", type: int}
            expired: {description: "Expired now.", type: bool}
            not_yet_valid: {description: "Not valid yet.", type: bool}
            key_type: {description: "rsa / ecdsa / ed25519 / ed448 / dsa.", type: str}
            key_size: {description: "Key size in bits.", type: int}
            curve: {description: "Curve of an ECDSA key.", type: str}
            signature_algorithm: {description: "e.g. sha256WithRSAEncryption.", type: str}
            signature_hash: {description: "sha1 / sha256 / ...", type: str}
            san_dns: {description: "DNS subject alternative names.", type: list}
            san_ip: {description: "IP subject alternative names.", type: list}
            is_ca: {description: "basicConstraints CA.", type: bool}
            self_signed: {description: "Subject equals issuer.", type: bool}
            sha256_fingerprint: {description: "Hex SHA-256 of the DER.", type: str}
        chain_length: {description: "Certificates served.", type: int}
        chain_in_order: {description: "Each certificate is issued by the next.", type: bool}
        hostname: {description: "Name checked.", type: str}
        hostname_match: {description: "Leaf matches the name.", type: bool}
        trusted: {description: "Chain validates against the CA bundle; null when not validated.", type: bool}
        verify_error: {description: "OpenSSL's reason when not trusted.", type: str}
        sha1_in_chain: {description: "A certificate below the root is SHA-1 signed.", type: bool}
        weak_signature_certificates: {description: "Certificates with SHA-1/MD5 signatures.", type: list}
        by_key_type: {description: "Leaf summary per key type served (rsa/ecdsa) for the client rules.", type: dict}
    clients:
      description: Client simulations keyed by client.
      type: dict
      returned: when reachable
      contains:
        client: {description: "Client key.", type: str}
        label: {description: "Client name.", type: str}
        connects: {description: "The client would complete the handshake.", type: bool}
        protocol: {description: "Negotiated version.", type: str}
        cipher_suite: {description: "Negotiated IANA suite.", type: str}
        alpn: {description: "Negotiated application protocol.", type: str}
        group: {description: "Key exchange group.", type: str}
        dh_bits: {description: "DHE prime size.", type: int}
        http2_blocked: {description: "h2 with an RFC 7540 blocklisted suite (the client aborts h2).", type: bool}
        reason: {description: "Why not, or what is wrong.", type: str}
        symptom:
          description: C(tcp_reset), C(alert:<name>), C(certificate_rejected), C(client_policy), C(client_certificate_required), C(timeout).
          type: str
    policies:
      description: Policy verdicts keyed by policy.
      type: dict
      returned: when policies were asserted or reported
      contains:
        policy: {description: "Name.", type: str}
        passed: {description: "No violation.", type: bool}
        violations:
          description: What failed.
          type: list
          elements: dict
          contains:
            rule: {description: "Rule id.", type: str}
            message: {description: "Explanation.", type: str}
            evidence: {description: "Data behind it.", type: dict}
        warnings: {description: "Non-failing remarks.", type: list}
        guideline:
          description: The published guideline version the rules follow (C(Mozilla server-side TLS 6.0 (intermediate))
            for the Mozilla policies); null for the others.
          type: str
    findings:
      description: Diagnosis, certificate problems, prediction mismatches.
      type: list
      returned: always
      elements: dict
      contains:
        code: {description: "e.g. C(tcp_reset_after_client_hello), C(plaintext_http), C(prediction_mismatch).", type: str}
        severity: {description: "critical / error / warning / info.", type: str}
        message: {description: "Plain explanation.", type: str}
        evidence: {description: "Data behind it.", type: dict}
    connections: {description: "TCP connections opened for this target.", type: int, returned: always}
    elapsed: {description: "Seconds spent on this target.", type: float, returned: always}
  sample:
  - host: web2019.example.com
    port: 443
    sni: web2019.example.com
    address: 192.0.2.10
    reachable: true
    failed: false
    error: null
    supported_protocols:
    - TLS 1.2
    protocols:
      TLS 1.2:
        version: TLS 1.2
        supported: true
        cipher_suites:
        - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
        server_order: true
        order: server
        outcome: hello
        detail: ''
        connections: 3
    groups:
    - x25519
    - secp256r1
    alpn:
      h2_tls12: true
      h2_tls13: null
      h2_with_blocklisted_suite: false
    certificate:
      source: ssl
      trusted: true
      hostname_match: true
      chain_length: 2
    clients:
      ie11_win7:
        connects: true
        protocol: TLS 1.2
        cipher_suite: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    policies:
      ios_ats:
        passed: true
        violations: []
    findings: []
    connections: 34
    elapsed: 0.21
failed_targets:
  description: C(host:port) of targets that failed, each once. The task's C(msg) has one line per failed target
    (at most ten, then a count).
  returned: always
  type: list
  elements: str
  sample:
  - legacy.example.com:443
summary:
  description: One line per target.
  returned: always
  type: list
  elements: str
  sample:
  - 'web2019.example.com:443: TLS 1.2; ios_ats passed'
  - 'legacy.example.com:443: connection refused'
"""

import gc
import json

if __name__ == "__main__":
    # This process exists for one probe: no garbage collection while the imports below create objects that live
    # until exit anyway; probe.settle_imports() freezes them and turns collection back on (see its docstring).
    gc.disable()

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import clients as client_table
from ansible_collections.tlsops.schannel.plugins.module_utils.tls import policies as policy_table
from ansible_collections.tlsops.schannel.plugins.module_utils.tls import probe

POLICY_NAMES = sorted(policy_table.POLICIES)


def _targets(module):
    """One (Target, expect, error) per entry, in the order given; a bad entry carries its error instead of a Target.

    Duplicates (same host, port and server name) are probed once and their result is returned at every position
    where they were given, so ``results`` has exactly one entry per target as documented."""
    params = module.params
    raw = []
    if params["targets"]:
        raw = [dict(t) for t in params["targets"]]
    else:
        raw = [{"host": params["host"], "port": params["port"], "sni": params["sni"]}]
    entries, seen = [], set()
    for entry in raw:
        try:
            target = probe.validate_target(entry)
        except ValueError as exc:
            entries.append((entry, None, str(exc)))
            continue
        key = (target.host.lower(), target.port, target.server_name)
        if key in seen:
            module.warn("duplicate target %s:%d (sni %s) is probed once; its result is repeated at each position"
                        % (target.host, target.port, target.server_name))
        seen.add(key)
        entries.append((entry, target, None))
    return entries


# bounds of `timeout`: above MAX_TIMEOUT a hung server would hold a play for minutes per connection; below
# TINY_TIMEOUT even a healthy local server may miss the deadline, so a timeout there is not the server's fault
MAX_TIMEOUT = 300.0
TINY_TIMEOUT = 0.05
TIMEOUT_CODES = {"no_answer", "unreachable"}
MSG_TARGETS = 10  # failed targets named one per line in msg; the rest are counted


def _windows_versions(module):
    """id(entry) -> the Windows version key each target is compared with (its own, else the top-level one), all
    resolved before any connection: an unknown value fails the task naming the field and the fix."""
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
    from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import resolve_windows_version

    params = module.params
    top = None
    try:
        if params["windows_version"] is not None:
            top = resolve_windows_version(params["windows_version"], "windows_version")
        out = {}
        for i, entry in enumerate(params["targets"] or [params]):
            own = entry.get("windows_version") if params["targets"] else None
            out[i] = resolve_windows_version(own, "targets[%d].windows_version" % i) if own is not None else top
    except SchannelInputError as exc:
        module.fail_json(msg=str(exc))
    return out


def _summary(res):
    if res["error"]:
        return "%s:%s: %s" % (res["host"], res["port"], res["error"])
    parts = [", ".join(res["supported_protocols"]) or "no protocol"]
    for name, pol in res["policies"].items():
        parts.append("%s %s" % (name, "passed" if pol["passed"] else "FAILED"))
    return "%s:%s: %s" % (res["host"], res["port"], "; ".join(parts))


def _explain(res, asserted):
    lines = []
    if res["error"]:
        lines.append(res["error"])
    for name in asserted:
        pol = res["policies"].get(name)
        if pol and not pol["passed"]:
            lines.append("%s failed: %s" % (name, "; ".join(v["message"] for v in pol["violations"])))
    return "%s:%s: %s" % (res["host"], res["port"], " | ".join(lines))


def _failure_msg(failed, asserted):
    """One line per failed target, at most MSG_TARGETS of them: the full detail is in ``results``."""
    keys = list(dict.fromkeys("%s:%s" % (r["host"], r["port"]) for r in failed))
    lines, shown = [], set()
    for res in failed:
        key = "%s:%s" % (res["host"], res["port"])
        if key in shown:
            continue
        shown.add(key)
        if len(lines) == MSG_TARGETS:
            break
        lines.append(_explain(res, asserted))
    if len(keys) > MSG_TARGETS:
        lines.append("... and %d more failed targets (see failed_targets and results)" % (len(keys) - MSG_TARGETS))
    return "\n".join(lines)


def _tiny_timeout_error(res, timeout):
    """A timeout below TINY_TIMEOUT: say the limit, not the server, ended the connections."""
    codes = {f["code"] for f in res["findings"]}
    if res["error"] and (codes & TIMEOUT_CODES or "timed out" in res["error"]):
        return ("no TLS answer within timeout=%g s, which is below %g s: too short for most servers to answer, so "
                "this says nothing about the server; raise timeout" % (timeout, TINY_TIMEOUT))
    return res["error"]


def main():
    module = AnsibleModule(
        argument_spec=dict(
            host=dict(type="str"),
            port=dict(type="int", default=443),
            sni=dict(type="str"),
            targets=dict(type="list", elements="dict", options=dict(
                host=dict(type="str", required=True),
                port=dict(type="int", default=443),
                sni=dict(type="str"),
                expect=dict(type="dict"),
                windows_version=dict(type="raw"),
            )),
            windows_version=dict(type="raw"),
            report=dict(type="list", elements="str", choices=POLICY_NAMES, default=[]),
            clients=dict(type="list", elements="str", choices=sorted(client_table.CLIENTS)),
            expect=dict(type="dict"),
            fail_on_mismatch=dict(type="bool", default=False),
            validate_certs=dict(type="bool", default=True),
            ca_path=dict(type="path"),
            timeout=dict(type="float", default=5),
            concurrency=dict(type="int", default=20),
            per_host_limit=dict(type="int", default=8),
            groups=dict(type="bool", default=True),
            **{"assert": dict(type="list", elements="str", choices=POLICY_NAMES, default=[])}
        ),
        required_one_of=[("host", "targets")],
        mutually_exclusive=[("host", "targets")],
        supports_check_mode=True,
    )
    params = module.params
    if params["timeout"] <= 0:
        module.fail_json(msg="timeout must be a positive number of seconds, got %s" % params["timeout"])
    if params["timeout"] > MAX_TIMEOUT:
        module.fail_json(msg="timeout %g s is above the maximum of %g s (it bounds each single connection, and a "
                             "probe makes dozens)" % (params["timeout"], MAX_TIMEOUT))
    if params["timeout"] < TINY_TIMEOUT:
        module.warn("timeout %g s is below %g s: connections that time out say nothing about the server"
                    % (params["timeout"], TINY_TIMEOUT))
    if params["concurrency"] < 1 or params["per_host_limit"] < 1:
        module.fail_json(msg="concurrency and per_host_limit must be at least 1")
    if params["ca_path"]:
        import os

        if not os.path.exists(params["ca_path"]):
            module.fail_json(msg="ca_path %s does not exist" % params["ca_path"])
    if params["host"] and not params["targets"]:
        try:
            probe.validate_target({"host": params["host"], "port": params["port"], "sni": params["sni"]})
        except ValueError as exc:
            module.fail_json(msg=str(exc))
    windows = _windows_versions(module)
    asserted = list(dict.fromkeys(params["assert"]))
    evaluated = list(dict.fromkeys(asserted + params["report"]))
    entries = _targets(module)
    base = dict(timeout=params["timeout"], validate_certs=params["validate_certs"], ca_path=params["ca_path"],
                clients=tuple(params["clients"] or client_table.CLIENTS), policies=tuple(evaluated),
                concurrency=params["concurrency"], per_host=params["per_host_limit"],
                enumerate_groups=params["groups"])
    # targets with their own predictions run in their own batch with that expect (rare); the rest share one
    batches = {}
    queued = set()
    for index, (entry, target, _error) in enumerate(entries):
        if target is None:
            continue
        tkey = (target.host.lower(), target.port, target.server_name)
        if tkey in queued:
            continue
        queued.add(tkey)
        expect = entry.get("expect")
        key = json.dumps([expect if expect is not None else params["expect"] or {}, windows.get(index)],
                         sort_keys=True)
        batches.setdefault(key, []).append(target)
    by_target = {}
    for key, batch in batches.items():
        expect_of_batch, windows_version = json.loads(key)
        options = probe.ProbeOptions(expect=expect_of_batch, windows_version=windows_version, **base)
        for target, res in zip(batch, probe.run(batch, options)):
            by_target[(target.host.lower(), target.port, target.server_name)] = res
    results = []
    for entry, target, error in entries:
        if target is None:
            results.append({"host": str(entry.get("host")), "port": entry.get("port"), "sni": entry.get("sni"),
                            "address": None, "reachable": False, "failed": True, "error": error, "protocols": {},
                            "supported_protocols": [], "groups": [], "key_exchange": [], "alpn": {},
                            "certificate": None, "sni_check": None, "client_certificate": None, "untested": {},
                            "clients": {},
                            "policies": {}, "findings": [{"code": "invalid_target", "severity": "critical",
                                                          "message": error, "evidence": {}}],
                            "connections": 0, "elapsed": 0.0})
            continue
        res = by_target[(target.host.lower(), target.port, target.server_name)]
        data = res.to_dict()
        if params["timeout"] < TINY_TIMEOUT:
            data["error"] = _tiny_timeout_error(data, params["timeout"])
        data["failed"] = bool(res.error) or any(not data["policies"][p]["passed"] for p in asserted
                                                if p in data["policies"])
        if params["fail_on_mismatch"] and any(f["code"] == "prediction_mismatch" for f in data["findings"]):
            data["failed"] = True
        results.append(data)
    failed = [r for r in results if r["failed"]]
    out = dict(changed=False, results=results, failed_targets=list(dict.fromkeys("%s:%s" % (r["host"], r["port"]) for r in failed)),
               summary=[_summary(r) for r in results])
    if failed:
        module.fail_json(msg=_failure_msg(failed, asserted), **out)
    module.exit_json(**out)


if __name__ == "__main__":
    probe.settle_imports()
    main()
