# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What Schannel actually does, given a registry dump and the version's defaults.

This is the single reading of the registry that the rest of the project trusts: the planner diffs against it,
the predictor negotiates against it, and the Windows host twin derives what it serves at boot from it.

Rules (facts §1.2, §2, §3.2):

* Protocols: ``Enabled`` = 0 disables; ``DisabledByDefault`` non-zero keeps the version away from callers
  that do not ask for it explicitly (IIS and WinRM do not), so it counts as off here but is reported in
  ``explicit_only``; any other non-zero ``Enabled`` (1 or 0xffffffff: WSD-REG-2019 "a non-zero value",
  DOTNET-TLS "0 or 0xFFFFFFFF") enables; ``DisabledByDefault`` = 0 alone enables (SUP-245030); nothing set = the
  OS default of facts §2; a version the release does not support stays off.  R2: ``Enabled`` non-zero *without*
  ``DisabledByDefault`` on a protocol whose default is off is read as explicit-only, because Microsoft documents
  the enabled state as both values (WSD-REG-2019) -- except where Microsoft's recipe sets ``Enabled`` alone
  (W32-DEPR, TLS 1.0/1.1 on the builds that turn them off); the state records the assumption.
* Suite order: the Group Policy ``Functions`` value wins when present, then the local CNG list, then the
  release's default order.  A configured list replaces the default and suites not listed are not used.  Names
  this release's Schannel does not know are listed in ``unknown_cipher_suites`` with Microsoft's warning that
  they may stop all TLS (M6, ASE); suites past the 1,023-character Group Policy limit are not counted as served
  (M1, W32-PRIO, WSD-MANAGE).
* A suite drops out when its cipher, hash or key exchange is disabled under ``SCHANNEL`` (``ECDH`` on every
  version, R4; ``PKCS`` also removes the RSA-authenticated ECDHE/DHE suites, R1; the hash of an AEAD suite is
  its PRF hash, R3), when it is application-request-only (NULL, SSLv2, PSK), or when none of its protocol
  versions is enabled on the server side.  Where Microsoft does not document such an effect the stricter reading
  is taken and ``assumptions`` says so (the compiler turns them into SCH018 findings).
* Curves: 2016+ use the policy ``EccCurves`` list, else the local list, else curve25519, NistP256, NistP384
  (W32-ECC-1607); 2008 R2-2012 R2 take the curve from each suite's ``_Pxxx`` suffix.
"""
from __future__ import annotations

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import (
    WINDOWS_VERSIONS,
    at_least,
    resolve_windows_version,
)

# M6, source ASE (Azure App Service Environment custom settings, on the Schannel cipher-suite order of its front
# ends): "If incorrect values are set for the cipher suite that SChannel cannot understand, all TLS communication to
# your server might stop functioning."  The one Microsoft statement on names Schannel does not know; the plan, the
# info enrichment and the prober's diagnosis quote it.
UNKNOWN_SUITE_RISK = ("Microsoft warns: \"If incorrect values are set for the cipher suite that SChannel cannot "
                      "understand, all TLS communication to your server might stop functioning\" (ASE)")
# Source: W32-ECC-1607 (facts §4.1): default curves of Windows 10 1607 / Server 2016 and later.
DEFAULT_CURVES = ("curve25519", "NistP256", "NistP384")
# Windows curve name -> TLS named-group code point (facts §4.1, TESTSSL curves-mapping).
CURVE_CODES = {"NistP256": 0x0017, "NistP384": 0x0018, "NistP521": 0x0019, "curve25519": 0x001D}
_CURVE_ALIASES = {"nistp256": "NistP256", "nistp384": "NistP384", "nistp521": "NistP521", "curve25519": "curve25519",
                  "x25519": "curve25519", "secp256r1": "NistP256", "secp384r1": "NistP384", "secp521r1": "NistP521",
                  "p256": "NistP256", "p384": "NistP384", "p521": "NistP521", "prime256v1": "NistP256"}


def normalize_curve(name):
    """Windows spelling of a curve name (``secp256r1`` -> ``NistP256``), or the input unchanged."""
    return _CURVE_ALIASES.get(str(name).strip().lower(), str(name).strip())


class RegistryView(object):
    """Case-insensitive read access to a registry dump in the contract format."""

    def __init__(self, dump):
        if dump is None:
            dump = {}
        if not isinstance(dump, dict):
            raise SchannelInputError("current_state", "the registry dump must be a mapping of key path -> values "
                                     "(the 'registry' result of win_schannel_info)")
        self._keys = {}
        for path, values in dump.items():
            entry = {}
            for name, value in (values or {}).items():
                if isinstance(value, dict) and "data" in value:
                    entry[name.lower()] = (value.get("type"), value.get("data"))
                else:  # tolerate a bare value
                    entry[name.lower()] = (None, value)
            self._keys[str(path).lower()] = entry

    def has_key(self, path):
        return path.lower() in self._keys

    def get(self, path, name, default=None):
        found = self._keys.get(path.lower(), {}).get(name.lower())
        return default if found is None else found[1]

    def dword(self, path, name):
        value = self.get(path, name)
        if value is None:
            return None
        try:
            return int(value) & 0xFFFFFFFF
        except (TypeError, ValueError):
            return None


def _split_list(value):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if isinstance(item, dict):
                item = item.get("name") or item.get("Name")
            items.extend(str(item).split(","))
    else:
        items = str(value).split(",")
    return [i.strip() for i in items if i and i.strip()]


class EffectiveState(object):
    """The configuration Schannel runs with (see module docstring).  ``as_dict()`` gives plain data."""

    def __init__(self, version):
        self.version = version
        self.server_protocols = frozenset()
        self.client_protocols = frozenset()
        self.server_dtls = frozenset()
        self.client_dtls = frozenset()
        self.explicit_only = frozenset()  # "TLS 1.0 Server": DisabledByDefault keeps it for explicit callers
        self.protocol_reasons = {}
        self.cipher_suites = ()
        self.client_cipher_suites = ()
        self.cipher_suites_source = "default"
        self.configured_cipher_suites = ()
        self.policy_cipher_suites = None
        self.local_cipher_suites = None
        self.dropped_cipher_suites = ()  # (name, reason)
        self.unknown_cipher_suites = ()  # configured names this release's Schannel does not know (M6)
        # True when those names come from the host's own CNG list (Get-TlsCipherSuite, 2016+), which returns each
        # suite with the code and algorithms the Schannel provider gives it: a name it lists is one the host's
        # Schannel implements, so the table lacks it (or the version is wrong); no ASE risk (an inference, said so).
        self.unknown_from_host_cng = False
        self.assumptions = ()  # (item, text): where the state rests on a reading Microsoft does not document
        self.ecc_curves = ()
        self.ecc_curves_source = "default"
        self.unknown_ecc_curves = ()  # names in the configured curve list this release does not know (W32-ECC-1607)
        self.disabled_ciphers = frozenset()
        self.disabled_hashes = frozenset()
        self.disabled_key_exchanges = frozenset()
        self.dh_server_min_bits = None

    def suites(self, protocol=None, side="server"):
        """SchannelSuite objects in effect, in order, optionally only those usable under ``protocol``."""
        memo_key = (protocol, side, self.cipher_suites, self.client_cipher_suites)
        memo = self.__dict__.setdefault("_suites_memo", {})
        if memo_key not in memo:
            names = self.cipher_suites if side == "server" else self.client_cipher_suites
            found = [catalogue.get(n, self.version) for n in names]
            memo[memo_key] = [s for s in found if s is not None and (protocol is None or protocol in s.protocols)]
        return list(memo[memo_key])

    def suites_names(self, protocol=None, side="server"):
        return [s.name for s in self.suites(protocol, side)]

    @property
    def cipher_suites_risk(self):
        """Microsoft's warning for a configured list with names Schannel does not know (M6), or None."""
        if not self.unknown_cipher_suites:
            return None
        if self.unknown_from_host_cng:
            return ("the host's local CNG list (Get-TlsCipherSuite) holds %s, which this collection's %s table does "
                    "not have; Get-TlsCipherSuite lists a suite with the code and algorithms Schannel gives it, so the "
                    "table lacks them or the host is not %s; plans and predictions leave them out" % (
                        ", ".join(self.unknown_cipher_suites), WINDOWS_VERSIONS[self.version].label,
                        WINDOWS_VERSIONS[self.version].label))
        return "the %s cipher-suite list holds %s, which %s's Schannel does not know; %s" % (
            self.cipher_suites_source, ", ".join(self.unknown_cipher_suites), WINDOWS_VERSIONS[self.version].label,
            UNKNOWN_SUITE_RISK)

    def as_dict(self):
        order = list(rm.TLS_PROTOCOLS) + list(rm.DTLS_PROTOCOLS)

        def _sorted(items):
            return sorted(items, key=order.index)

        return {
            "version": self.version,
            "server_protocols": _sorted(self.server_protocols),
            "client_protocols": _sorted(self.client_protocols),
            "server_dtls": _sorted(self.server_dtls),
            "client_dtls": _sorted(self.client_dtls),
            "explicit_only": sorted(self.explicit_only),
            "protocol_reasons": dict(self.protocol_reasons),
            "cipher_suites": list(self.cipher_suites),
            "client_cipher_suites": list(self.client_cipher_suites),
            "cipher_suites_source": self.cipher_suites_source,
            "configured_cipher_suites": list(self.configured_cipher_suites),
            "policy_cipher_suites": self.policy_cipher_suites,
            "local_cipher_suites": self.local_cipher_suites,
            "dropped_cipher_suites": [{"name": n, "reason": r} for n, r in self.dropped_cipher_suites],
            "unknown_cipher_suites": list(self.unknown_cipher_suites),
            "cipher_suites_risk": self.cipher_suites_risk,
            "unknown_from_host_cng": self.unknown_from_host_cng,
            "assumptions": [{"item": i, "text": t} for i, t in self.assumptions],
            "ecc_curves": list(self.ecc_curves),
            "ecc_curves_source": self.ecc_curves_source,
            "unknown_ecc_curves": list(self.unknown_ecc_curves),
            "disabled_ciphers": sorted(self.disabled_ciphers),
            "disabled_hashes": sorted(self.disabled_hashes),
            "disabled_key_exchanges": sorted(self.disabled_key_exchanges),
            "dh_server_min_bits": self.dh_server_min_bits,
        }


def protocol_state(view, protocol, side, version):
    """(enabled for default callers, explicit-only, reason) of one protocol side."""
    default = rm.protocol_default(protocol, side, version)
    label = WINDOWS_VERSIONS[version].label
    if default == "not_supported":
        return False, False, "%s is not supported on %s (facts §2)" % (protocol, label)
    path = rm.protocol_path(protocol, side)
    enabled = view.dword(path, "Enabled")
    dbd = view.dword(path, "DisabledByDefault")
    if enabled == 0:
        return False, False, "Enabled=0"
    if dbd:
        return False, enabled is not None or default == "enabled", "DisabledByDefault=%d" % dbd
    if enabled is not None and dbd is None and default == "disabled" and \
            protocol not in rm.ENABLED_ALONE_ENABLES.get(version, ()):
        return False, True, ENABLED_ALONE_REASON % (enabled, label, protocol)
    if enabled is not None:
        return True, False, "Enabled=0x%x" % enabled
    if dbd == 0:
        return True, False, "DisabledByDefault=0"
    return default == "enabled", False, "%s default: %s" % (label, default)


# R2 (see the module docstring): the reason text, which is also the assumption the state records.
ENABLED_ALONE_REASON = ("Enabled=0x%x without DisabledByDefault=0: %s keeps %s off by default, and Microsoft documents "
                        "the enabled state as Enabled non-zero *and* DisabledByDefault 0 (WSD-REG-2019; SUP-245030), "
                        "so it is read as explicit-only (undocumented: write DisabledByDefault=0 to be sure)")


def _disabled(view, names, kind):
    out = set()
    for name in names:
        value = view.dword("%s\\%s\\%s" % (rm.SCHANNEL, kind, name), "Enabled")
        if value == 0:
            out.add(name)
    return out


def unknown_names(version, names):
    """The names in ``names`` that ``version``'s Schannel does not know (M6), in order."""
    return [n for n in (names or ()) if catalogue.explain_name(n, version)[0] is None]


def configured_list(registry_dump, local_cipher_suites=None):
    """(source, names) of the list that decides the order: policy ``Functions``, else the local list, else None."""
    view = registry_dump if isinstance(registry_dump, RegistryView) else RegistryView(registry_dump)
    policy = _split_list(view.get(rm.POLICY_SSL, "Functions"))
    if policy is not None:
        return "policy", policy
    local = _split_list(local_cipher_suites) if local_cipher_suites is not None else _split_list(
        view.get(rm.LOCAL_SSL, "Functions"))
    return ("local", local) if local is not None else ("default", None)


def effective_state(version, registry_dump, local_cipher_suites=None, local_ecc_curves=None):
    """Compute the :class:`EffectiveState` of ``version`` for ``registry_dump`` (contract dump format).

    ``local_cipher_suites``: the local CNG order as ``win_schannel_info`` returns it (``[{name, code}]`` or
    names); when None, the local ``Functions`` value in the dump is used if present.
    """
    version = resolve_windows_version(version)
    view = registry_dump if isinstance(registry_dump, RegistryView) else RegistryView(registry_dump)
    state = EffectiveState(version)
    reasons = {}
    groups = {("Server", False): set(), ("Client", False): set(), ("Server", True): set(), ("Client", True): set()}
    explicit = set()
    for protocol in rm.TLS_PROTOCOLS + rm.DTLS_PROTOCOLS:
        for side in rm.SIDES:
            on, explicit_only, why = protocol_state(view, protocol, side, version)
            reasons["%s %s" % (protocol, side)] = why
            if on:
                groups[(side, protocol.startswith("DTLS"))].add(protocol)
            if explicit_only:
                explicit.add("%s %s" % (protocol, side))
    state.server_protocols = frozenset(groups[("Server", False)])
    state.client_protocols = frozenset(groups[("Client", False)])
    state.server_dtls = frozenset(groups[("Server", True)])
    state.client_dtls = frozenset(groups[("Client", True)])
    state.explicit_only = frozenset(explicit)
    state.protocol_reasons = reasons

    state.disabled_ciphers = frozenset(_disabled(view, rm.CIPHERS, "Ciphers"))
    state.disabled_hashes = frozenset(_disabled(view, rm.HASHES, "Hashes"))
    kex_off = _disabled(view, rm.KEY_EXCHANGES, "KeyExchangeAlgorithms")
    state.disabled_key_exchanges = frozenset(kex_off)
    assumptions = []
    for key, why in sorted(reasons.items()):
        if why.startswith("Enabled=") and "without DisabledByDefault=0" in why:
            assumptions.append(("protocols.%s" % key, "%s: %s" % (key, why)))
    if "ECDH" in kex_off and not at_least(version, catalogue.ECDH_CHECKED_FROM):
        assumptions.append(("key_exchanges.ECDH", "KeyExchangeAlgorithms\\ECDH is disabled on %s; it is read as "
                            "removing the ECDHE suites, although Microsoft's own check reads that key only from "
                            "Windows 10 / Server 2016 on (AZDO) and no Microsoft text says whether older Schannel "
                            "honours it (R4)" % WINDOWS_VERSIONS[version].label))
    dh_min = view.dword("%s\\KeyExchangeAlgorithms\\Diffie-Hellman" % rm.SCHANNEL, "ServerMinKeyBitLength")
    state.dh_server_min_bits = dh_min if dh_min is not None else (2048 if at_least(version, "2016") else 1024)

    policy = _split_list(view.get(rm.POLICY_SSL, "Functions"))
    state.policy_cipher_suites = policy
    beyond_limit = set()
    if policy is not None:
        end = -1
        for i, name in enumerate(policy):
            end += len(name) + 1
            if end > rm.GPO_LIST_LIMIT:  # the lint SCH005 reports it; the state does not count them as served
                beyond_limit.update(policy[i:])
                break
    local = _split_list(local_cipher_suites) if local_cipher_suites is not None else _split_list(
        view.get(rm.LOCAL_SSL, "Functions"))
    state.local_cipher_suites = local
    if policy is not None:
        source, configured = "policy", policy
    elif local is not None:
        source, configured = "local", local
    else:
        source, configured = "default", catalogue.default_order(version)
    state.cipher_suites_source = source

    names, dropped, seen, unknown = [], [], set(), []
    for raw in configured:
        if raw in beyond_limit:
            dropped.append((raw, "past the %d-character Group Policy limit (W32-PRIO, WSD-MANAGE)"
                            % rm.GPO_LIST_LIMIT))
            continue
        suite, problem, _suggestion = catalogue.explain_name(raw, version)
        if suite is None:
            dropped.append((raw, problem))
            unknown.append(raw)
            continue
        if suite.name in seen:
            continue
        seen.add(suite.name)
        names.append(suite)
    state.configured_cipher_suites = tuple(s.name for s in names)
    state.unknown_cipher_suites = tuple(unknown)
    state.unknown_from_host_cng = bool(unknown) and source == "local" and local_cipher_suites is not None and \
        at_least(version, "2016")
    relied = set()

    def _usable(suite, protocols):
        if suite.request_only or suite.psk_only:
            return "used only when an application asks for it explicitly"
        if suite.cipher_key in state.disabled_ciphers:
            return "cipher %s is disabled" % suite.cipher_key
        if suite.hash_key in state.disabled_hashes:
            if suite.aead:
                relied.add("R3:" + suite.hash_key)
                return ("hash %s is disabled (an AEAD suite has no MAC: tying it to the PRF hash is this "
                        "collection's reading, R3)" % suite.hash_key)
            return "hash %s is disabled" % suite.hash_key
        if suite.kex_key in state.disabled_key_exchanges:
            return "key exchange %s is disabled" % suite.kex_key
        if suite.auth_key in state.disabled_key_exchanges:
            relied.add("R1")
            return ("%s is disabled, which covers RSA authentication too (SUP-245030: 'RSA as the key exchange and "
                    "authentication algorithms'; R1)" % suite.auth_key)
        if not set(suite.protocols) & protocols:
            return "none of its protocols (%s) is enabled" % ", ".join(suite.protocols)
        return None

    server, client = [], []
    for suite in names:
        why = _usable(suite, state.server_protocols)
        if why is None:
            server.append(suite.name)
        else:
            dropped.append((suite.name, why))
        if _usable(suite, state.client_protocols) is None:
            client.append(suite.name)
    state.cipher_suites = tuple(server)
    state.client_cipher_suites = tuple(client)
    state.dropped_cipher_suites = tuple(dropped)
    if "R1" in relied:
        assumptions.append(("key_exchanges.PKCS", "KeyExchangeAlgorithms\\PKCS is disabled: read as removing every "
                            "RSA-authenticated suite (ECDHE_RSA, DHE_RSA) as well as the RSA key-exchange ones, after "
                            "SUP-245030 ('RSA as the key exchange and authentication algorithms'); no Microsoft text "
                            "says what current Schannel does (R1)"))
    for hash_key in sorted(k[3:] for k in relied if k.startswith("R3:")):
        assumptions.append(("hashes.%s" % hash_key, "Hashes\\%s is disabled: read as removing the AEAD (GCM) "
                            "suites named with it as well as the MAC suites; Microsoft ties hash keys to suites only "
                            "for MAC suites (SUP-245030) and says hashes should be controlled by the suite order "
                            "(WSD-REG-2019) (R3)" % hash_key))
    state.assumptions = tuple(assumptions)

    if at_least(version, "2016"):
        policy_curves = _split_list(view.get(rm.POLICY_SSL, "EccCurves"))
        if policy_curves is not None:
            state.ecc_curves, state.ecc_curves_source = tuple(normalize_curve(c) for c in policy_curves), "policy"
        elif local_ecc_curves is not None:
            state.ecc_curves = tuple(normalize_curve(c) for c in _split_list(local_ecc_curves))
            state.ecc_curves_source = "local"
        else:
            state.ecc_curves, state.ecc_curves_source = DEFAULT_CURVES, "default"
        if state.ecc_curves_source != "default":
            state.unknown_ecc_curves = tuple(c for c in state.ecc_curves
                                             if catalogue.explain_curve(c, version)[0] is None)
    else:
        curves = []
        for name in state.cipher_suites:
            suite = catalogue.get(name, version)
            if suite.curve_name and suite.curve_name not in curves:
                curves.append(suite.curve_name)
        state.ecc_curves, state.ecc_curves_source = tuple(curves), "suite_suffixes"
    return state
