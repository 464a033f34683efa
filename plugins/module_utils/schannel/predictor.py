# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Predict what each well-known client negotiates with a Schannel configuration, or how it fails.

The model is Schannel's server side (facts §3.2, §4, §9) applied to a client's ClientHello parameters
(``plugins/module_utils/tls/clients.py``):

1. Version: the highest version both sides enable.  A TLS <= 1.2 ClientHello cannot state the client's
   *minimum*, so when nothing in the client's range is enabled the server answers with its highest version below
   the client's maximum; the client then aborts with a ``protocol_version`` alert -- unless step 2 already failed
   at that version, in which case the wire shows Schannel's reset.  A server with nothing at or below the client's
   maximum refuses with a ``protocol_version`` alert (facts §9: event 36888, alert 70).
2. Suite: Schannel walks *its own* order and takes the first suite the client offers that works with this
   certificate (ECDSA suites need an ECDSA certificate, RSA suites an RSA one), whose curve the client supports
   (the ``_Pxxx`` suffix on 2008 R2-2012 R2, the curve list on 2016+) and whose protocols include the chosen
   version.  It does not fall back to an older version.  None -> Schannel resets the TCP connection instead of
   sending an alert (facts §9: YSOFT, PORT135; event 36874).
3. Certificate: the client's own rules (ATS: SHA-256+ signature, RSA >= 2048 / ECC >= 256;
   ``requires_sha2_certificate``; minimum DH size) -> ``certificate_rejected``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.effective import CURVE_CODES
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.certificate_key import parse_certificate
from ansible_collections.tlsops.schannel.plugins.module_utils.tls import clients as table
# wire codes order the versions: one table for the prober, the client table and the predictor
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.clients import VERSION_CODES

SYMPTOMS = ("tcp_reset", "alert:handshake_failure", "alert:protocol_version", "certificate_rejected")
DEFAULT_CERTIFICATE = {"type": "rsa", "bits": 2048, "signature_hash": "sha256"}
_ECC_CURVE_BY_BITS = {256: 0x0017, 384: 0x0018, 521: 0x0019}
_SHA2 = ("sha256", "sha384", "sha512")


@dataclass(frozen=True)
class Prediction(object):
    """One client's outcome; ``as_dict()`` is the contract dict ``tls_verify``'s ``expect`` takes."""

    connects: bool
    protocol: Optional[str] = None
    cipher_suite: Optional[str] = None
    reason: Optional[str] = None
    symptom: Optional[str] = None
    windows_name: Optional[str] = None
    note: Optional[str] = None

    def as_dict(self):
        return {"connects": self.connects, "protocol": self.protocol, "cipher_suite": self.cipher_suite,
                "reason": self.reason, "symptom": self.symptom}

    def __repr__(self):
        return "Prediction(%r)" % (self.as_dict(),)


def _clients(clients):
    if clients is None:
        return dict(table.CLIENTS)
    if isinstance(clients, str):
        clients = [clients]
    if isinstance(clients, dict):
        out = {}
        for key, value in clients.items():
            out[key] = table.CLIENTS[key] if value is None else value
        return out
    out = {}
    for key in clients:
        if key not in table.CLIENTS:
            raise SchannelInputError("clients", "unknown client %r; use %s" % (key, ", ".join(table.CLIENTS)))
        out[key] = table.CLIENTS[key]
    return out


def _certificate(certificate):
    if certificate is None:
        return dict(DEFAULT_CERTIFICATE)
    if isinstance(certificate, dict) and "type" in certificate and "bits" in certificate:
        return certificate
    return parse_certificate(certificate, "certificate")


def _curve_ok(suite, state, client):
    """Can the ephemeral ECDH part be agreed?  (No groups extension = the client takes any curve.)"""
    if not (suite.kex_key == "ECDH" or suite.tls13):
        return True, None
    groups = set(client.groups or ())
    if suite.curve_name:
        wanted = [suite.curve_name]
    else:
        wanted = [c for c in state.ecc_curves if c in CURVE_CODES]
    if not groups:
        return bool(wanted), None
    shared = [c for c in wanted if CURVE_CODES[c] in groups]
    return bool(shared), (shared[0] if shared else None)


def predict_one(state, certificate, client, http2=False):
    """The :class:`Prediction` for one ``ClientProfile`` against an ``EffectiveState``."""
    cert = _certificate(certificate)
    offered_versions = list(client.versions)  # highest first
    shared = [v for v in offered_versions if v in state.server_protocols]
    enabled = ", ".join(sorted(state.server_protocols)) or "nothing"
    below_minimum = False
    if shared:
        protocol = shared[0]
    else:
        older = sorted((v for v in state.server_protocols
                        if v in VERSION_CODES and VERSION_CODES[v] < VERSION_CODES[client.min_version]),
                       key=VERSION_CODES.get, reverse=True)
        if not older:
            return Prediction(False, symptom="alert:protocol_version", reason=(
                "%s offers %s-%s; the server enables %s" % (client.label, client.min_version, client.max_version,
                                                            enabled)))
        protocol, below_minimum = older[0], True
    offered = set(client.cipher_suites)
    chosen, why_not = None, []
    for suite in state.suites(protocol):
        if suite.iana_code not in offered:
            continue
        if suite.certificate_type not in ("any", cert["type"]):
            why_not.append("%s needs an %s certificate" % (suite.name, suite.certificate_type.upper()))
            continue
        if suite.tls13 and cert["type"] == "rsa" and "PKCS" in state.disabled_key_exchanges:
            # R1: PKCS covers RSA authentication (SUP-245030), so an RSA certificate cannot sign the TLS 1.3 handshake
            why_not.append("%s: the RSA certificate cannot authenticate with KeyExchangeAlgorithms\\PKCS disabled "
                           "(R1)" % suite.name)
            continue
        ok, _curve = _curve_ok(suite, state, client)
        if not ok:
            why_not.append("%s: no shared curve" % suite.name)
            continue
        if cert["type"] == "ecdsa" and client.groups and _ECC_CURVE_BY_BITS.get(cert["bits"]) not in client.groups:
            why_not.append("the client does not support the certificate's curve")
            continue
        chosen = suite
        break
    if chosen is None:
        detail = "; ".join(why_not[:3])
        return Prediction(False, symptom="tcp_reset", reason=(
            "no cipher suite in common under %s (server order: %s)%s: Schannel resets the TCP connection and logs "
            "event 36874 (facts §9)" % (protocol, ", ".join(state.suites_names(protocol)[:6]) or "empty",
                                        " -- " + detail if detail else "")))
    if below_minimum:
        return Prediction(False, protocol, chosen.base_name, symptom="alert:protocol_version", reason=(
            "the server answers %s/%s (it enables %s) and %s, which requires %s or later, aborts the handshake" % (
                protocol, chosen.name, enabled, client.label, client.min_version)), windows_name=chosen.name)
    rules = client.rules or {}
    problems = []
    if cert["type"] == "rsa" and rules.get("min_rsa_bits") and cert["bits"] < rules["min_rsa_bits"]:
        problems.append("RSA %d bits < %d" % (cert["bits"], rules["min_rsa_bits"]))
    if cert["type"] == "ecdsa" and rules.get("min_ecc_bits") and cert["bits"] < rules["min_ecc_bits"]:
        problems.append("ECC %d bits < %d" % (cert["bits"], rules["min_ecc_bits"]))
    if rules.get("requires_sha2_certificate") and cert.get("signature_hash", "sha256") not in _SHA2:
        problems.append("certificate signed with %s, the client requires SHA-2" % cert.get("signature_hash"))
    if chosen.kex_key == "Diffie-Hellman" and rules.get("min_dh_bits") and state.dh_server_min_bits and \
            state.dh_server_min_bits < rules["min_dh_bits"]:
        problems.append("DH group %d bits < %d" % (state.dh_server_min_bits, rules["min_dh_bits"]))
    if problems:
        return Prediction(False, protocol, chosen.base_name, symptom="certificate_rejected",
                          reason="%s negotiates %s/%s and then rejects the server: %s" % (
                              client.label, protocol, chosen.name, "; ".join(problems)), windows_name=chosen.name)
    note = None
    if http2 and getattr(client, "offers_h2", False) and protocol == "TLS 1.2" and chosen.h2_blocklisted:
        note = ("%s is on the RFC 7540 Appendix A list: an HTTP/2 client aborts with INADEQUATE_SECURITY "
                "(KB4032720)" % chosen.name)
    return Prediction(True, protocol, chosen.base_name, reason=note, windows_name=chosen.name, note=note)


def predict(state, certificate=None, clients=None, http2=False):
    """``{client_key: Prediction}`` for ``state`` (an EffectiveState: a plan's is ``plan.state``) and the clients.

    ``clients``: None (every client of ``tls/clients.py``), a list of keys, or ``{key: ClientProfile}``.
    ``certificate``: ``rsa:2048``-style text, a parsed dict, or None (RSA 2048, SHA-256).
    """
    return dict((key, predict_one(state, certificate, client, http2)) for key, client in _clients(clients).items())
