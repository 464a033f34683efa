"""From registry + personality to what the TLS ports serve (the twin's "boot").

``effective_state(version, registry, local_cipher_suites)`` from the knowledge engine says which protocols and
suites (in order) Schannel would use; this module turns that into an OpenSSL configuration for Python's ``ssl``
and keeps the facts the handshake gate needs (which suite codes each protocol version may pick). Protocol
settings and the policy order come from the registry as it was at boot; the local CNG list is read live because
``Enable-TlsCipherSuite`` takes effect without a reboot.
"""
from __future__ import annotations

import dataclasses
import ssl
import warnings

from . import openssl_ext
from .knowledge import catalogue, effective, iana

LOCAL_SSL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002"

WIRE_VERSIONS = {"SSL 3.0": 0x0300, "TLS 1.0": 0x0301, "TLS 1.1": 0x0302, "TLS 1.2": 0x0303, "TLS 1.3": 0x0304}
_SSL_VERSIONS = {
    "SSL 3.0": ssl.TLSVersion.SSLv3, "TLS 1.0": ssl.TLSVersion.TLSv1, "TLS 1.1": ssl.TLSVersion.TLSv1_1,
    "TLS 1.2": ssl.TLSVersion.TLSv1_2, "TLS 1.3": ssl.TLSVersion.TLSv1_3,
}
_NO_FLAGS = {
    "SSL 3.0": ssl.OP_NO_SSLv3, "TLS 1.0": ssl.OP_NO_TLSv1, "TLS 1.1": ssl.OP_NO_TLSv1_1,
    "TLS 1.2": ssl.OP_NO_TLSv1_2, "TLS 1.3": ssl.OP_NO_TLSv1_3,
}


TLS13_NAMES = {0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384", 0x1303: "TLS_CHACHA20_POLY1305_SHA256",
               0x1304: "TLS_AES_128_CCM_SHA256", 0x1305: "TLS_AES_128_CCM_8_SHA256"}
# Windows curve name -> (OpenSSL group name, TLS named-group code)
GROUPS = {"curve25519": ("X25519", 0x001D), "NistP256": ("P-256", 0x0017), "NistP384": ("P-384", 0x0018),
          "NistP521": ("P-521", 0x0019)}


def tls12_only(openssl_name: str) -> bool:
    """AEAD and SHA-256/384 MAC suites exist from TLS 1.2 on; the rest work from SSL 3.0/TLS 1.0 up."""
    return any(t in openssl_name for t in ("GCM", "CCM", "CHACHA", "SHA256", "SHA384"))


@dataclasses.dataclass
class ServedConfig:
    protocols: list  # server protocols in effect that OpenSSL here can speak, oldest first
    schannel_suites: list  # Schannel names in effect, in order
    schannel_suites_source: str
    openssl_ciphers: list  # OpenSSL names of the TLS <= 1.2 suites actually served, in server order
    codes_tls12: list  # IANA codes served up to TLS 1.2, in order
    codes_tls13: list  # TLS 1.3 codes in effect, in order
    groups: list  # OpenSSL group names in the Windows curve order
    group_codes: list
    unservable: list  # suites/protocols in effect that OpenSSL 3 here cannot serve
    cert_path: str
    key_path: str
    key_type: str

    def codes_for(self, wire_version: int) -> set:
        if wire_version >= 0x0304:
            return set(self.codes_tls13)
        names = dict(zip(self.codes_tls12, self.openssl_ciphers))
        return {c for c in self.codes_tls12 if wire_version >= 0x0303 or not tls12_only(names[c])}

    def is_ecdhe(self, code: int) -> bool:
        names = dict(zip(self.codes_tls12, self.openssl_ciphers))
        return names.get(code, "").startswith("ECDHE")

    def context(self, alpn=None) -> ssl.SSLContext | None:
        """A server context for one listener, or None when nothing can be served (every hello gets a reset)."""
        if not self.protocols or not (self.openssl_ciphers or self.codes_tls13):
            return None
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        versions = [_SSL_VERSIONS[p] for p in self.protocols]
        with warnings.catch_warnings():  # OP_NO_* and TLS 1.0/1.1 are deprecated in ssl; Schannel has them
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version, ctx.maximum_version = min(versions), max(versions)
            for name, flag in _NO_FLAGS.items():
                if name not in self.protocols:
                    ctx.options |= flag
        ctx.options |= ssl.OP_CIPHER_SERVER_PREFERENCE
        if self.openssl_ciphers:
            ctx.set_ciphers(":".join(self.openssl_ciphers) + ":@SECLEVEL=0")
        else:
            ctx.options |= ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1 | ssl.OP_NO_TLSv1_2
        ctx.load_cert_chain(self.cert_path, self.key_path)
        if alpn:
            ctx.set_alpn_protocols(list(alpn))
        self.order_applied = {"tls13": False, "groups": False, "dhe": openssl_ext.enable_dh_auto(ctx)}
        if self.codes_tls13:
            self.order_applied["tls13"] = openssl_ext.set_tls13_suites(ctx, [TLS13_NAMES[c] for c in self.codes_tls13])
        if self.groups:
            self.order_applied["groups"] = openssl_ext.set_groups(ctx, self.groups)
        return ctx

    def describe(self) -> dict:
        return {
            "protocols": self.protocols,
            "cipher_suites": self.schannel_suites,
            "cipher_suites_source": self.schannel_suites_source,
            "openssl_ciphers": self.openssl_ciphers,
            "tls13_codes": ["0x%04x" % c for c in self.codes_tls13],
            "groups": self.groups,
            "order_applied": getattr(self, "order_applied", None),
            "unservable": self.unservable,
        }


def _openssl_supports(version_name: str) -> bool:
    flag = {"SSL 3.0": "HAS_SSLv3", "TLS 1.0": "HAS_TLSv1", "TLS 1.1": "HAS_TLSv1_1", "TLS 1.2": "HAS_TLSv1_2",
            "TLS 1.3": "HAS_TLSv1_3"}.get(version_name)
    if not flag or not getattr(ssl, flag, False):
        return False
    try:
        with warnings.catch_warnings():  # TLS 1.0/1.1 are deprecated in ssl, but Schannel still serves them
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ctx.maximum_version = _SSL_VERSIONS[version_name]
        return True
    except (ValueError, ssl.SSLError, KeyError):
        return False


def local_suite_list(live_registry: dict):
    """The local CNG order the twin keeps (REG_MULTI_SZ ``Functions``), or None = the version's default."""
    for key, values in live_registry.items():
        if key.lower() == LOCAL_SSL.lower():
            for name, value in values.items():
                if name.lower() == "functions":
                    data = value["data"]
                    return list(data) if isinstance(data, list) else [s for s in str(data).split(",") if s]
    return None


def local_curve_list(live_registry: dict):
    """The twin's local curve order (REG_MULTI_SZ ``EccCurves`` next to the local ``Functions``), or None."""
    for key, values in live_registry.items():
        if key.lower() == LOCAL_SSL.lower():
            for name, value in values.items():
                if name.lower() == "ecccurves":
                    return list(value["data"])
    return None


def derive(version: str, boot_registry: dict, live_registry: dict, certificate) -> ServedConfig:
    state = effective().effective_state(version, boot_registry, local_cipher_suites=local_suite_list(live_registry),
                                        local_ecc_curves=local_curve_list(live_registry))
    cat, table = catalogue(), iana()
    unservable, order12, codes13 = [], [], []
    for name in state.cipher_suites:
        code = cat.lookup(name, version).iana_code
        if code is None:
            unservable.append(name)
            continue
        if 0x1300 <= code <= 0x13FF:
            if code in TLS13_NAMES and code not in codes13:
                codes13.append(code)
            else:
                unservable.append(name)
            continue
        suite = table.SUITES_BY_CODE.get(code)
        openssl_name = getattr(suite, "openssl_name", None) if suite else None
        if not openssl_name:
            unservable.append(name)
            continue
        wants_ecdsa = "ECDSA" in openssl_name
        if wants_ecdsa != (certificate.spec.key_type == "ecdsa") or "PSK" in openssl_name or "DSS" in openssl_name:
            continue  # suites the certificate cannot sign for (no twin has a DSA certificate), PSK unless asked
        order12.append((code, openssl_name))
    # Ask the local OpenSSL which of these it will really serve, keeping the server order.
    served_names, served_codes = [], []
    if order12:
        probe = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            probe.set_ciphers(":".join(entry[1] for entry in order12) + ":@SECLEVEL=0")
            accepted = {c["id"] & 0xFFFF for c in probe.get_ciphers() if c.get("protocol") != "TLSv1.3"}
        except ssl.SSLError:
            accepted = set()
        for code, openssl_name in order12:
            if code in accepted and code not in served_codes:
                served_codes.append(code)
                served_names.append(openssl_name)
            elif code not in accepted:
                unservable.append(openssl_name)
    protocols = []
    for name in sorted(state.server_protocols, key=lambda p: WIRE_VERSIONS.get(p, 0)):
        if name in WIRE_VERSIONS and _openssl_supports(name):
            protocols.append(name)
        else:
            unservable.append(name)
    # A protocol with no suite left to pick cannot be negotiated (Schannel moves on to the next version down).
    if "TLS 1.3" in protocols and not codes13:
        protocols.remove("TLS 1.3")
        unservable.append("TLS 1.3 (no TLS 1.3 suite in effect)")
    if not served_codes and any(p != "TLS 1.3" for p in protocols):
        protocols = [p for p in protocols if p == "TLS 1.3"]
    groups = [GROUPS[c] for c in state.ecc_curves if c in GROUPS]
    return ServedConfig(
        groups=[g[0] for g in groups],
        group_codes=[g[1] for g in groups],
        protocols=protocols,
        schannel_suites=list(state.cipher_suites),
        schannel_suites_source=getattr(state, "cipher_suites_source", None),
        openssl_ciphers=served_names,
        codes_tls12=served_codes,
        codes_tls13=codes13,
        unservable=unservable,
        cert_path=str(certificate.cert_path),
        key_path=str(certificate.key_path),
        key_type=certificate.spec.key_type,
    )
