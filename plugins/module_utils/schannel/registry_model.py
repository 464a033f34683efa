# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every registry value the collection manages: where it lives, what it may hold, what Windows does when it is
absent, whether changing it needs a reboot, and which setting owns it.

One table (``MANAGED_VALUES``) drives the compiler (what to write), the lints (what is out of range), the
effective-state reader (what the defaults are) and ``win_schannel_info`` (``MANAGED_KEYS``, what to dump).
Each value has exactly one owner setting, so two parts of a profile can never fight over the same value.
Setting names follow the profile keys and ``win_schannel``'s options: ``protocols.<P>.server``,
``ciphers.<C>``, ``hashes.<H>``, ``key_exchanges.<K>``, ``key_sizes.<k>``, ``schannel_values.<V>``,
``messaging_values.<V>``, ``dotnet_strong_crypto`` (SchUseStrongCrypto and SystemDefaultTlsVersions, all four
.NET keys: SChannelDsc and Microsoft's guidance always set them together), ``winhttp_protocols``,
``fips_algorithm_policy``, ``cipher_suites.policy``, ``ecc_curves.policy``, ``cipher_suites.local``.

Canonical data (facts §1.2, what SChannelDsc and Microsoft's Exchange guidance write): protocols
``Enabled`` 1/0 with ``DisabledByDefault`` 0/1; ciphers/hashes/key exchanges ``Enabled`` 0xffffffff/0;
"default" removes the value (or key) so Windows' own default applies.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import (
    LTSC_KEYS,
    VERSION_KEYS,
    WINDOWS_VERSIONS,
    at_least,
)
from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana

SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
POLICY_SSL = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"
LOCAL_SSL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002"
FIPS_POLICY = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\FIPSAlgorithmPolicy"
# M1: "the list of cipher suites is limited to 1,023 characters" (WSD-MANAGE, GPO procedure step 5) and "The list of
# cipher suites is limited to 1023 characters" (W32-PRIO).  Neither page restricts it to a Windows version, so it
# holds for the policy ``Functions`` value on every version (lint SCH005, compiler trim SCH013, effective state,
# win_tls_cipher_suites all use this one constant).
GPO_LIST_LIMIT = 1023
NETFX_KEYS = (
    ("v4.0.30319", "64", "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"),
    ("v2.0.50727", "64", "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727"),
    ("v4.0.30319", "32", "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319"),
    ("v2.0.50727", "32", "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v2.0.50727"),
)
WINHTTP_KEYS = (
    ("64", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp"),
    ("32", "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp"),
)

# The roots win_schannel_info dumps recursively (contracts: "win_schannel_info.ps1").
MANAGED_KEYS = (SCHANNEL, POLICY_SSL, LOCAL_SSL, FIPS_POLICY) + tuple(k[2] for k in NETFX_KEYS) + tuple(
    k[1] for k in WINHTTP_KEYS)

# Source: facts §1.1 (WSD-REG-2023, WSD-REG-2019, SCDSC, DEMYST, HASS): protocol key names.
PROTOCOLS = ("Multi-Protocol Unified Hello", "PCT 1.0", "SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2",
             "TLS 1.3", "DTLS 1.0", "DTLS 1.2")
# Protocols a TLS client/server negotiates (what EffectiveState reports), oldest first: the prober's one table.
TLS_PROTOCOLS = iana.PROTOCOLS
DTLS_PROTOCOLS = ("DTLS 1.0", "DTLS 1.2")
SIDES = ("Client", "Server")
# Source: facts §1.1 (SUP-245030, SCDSC DSC_Cipher ValueMap): Vista+ names; "Triple DES 168" not ".../168".
CIPHERS = ("NULL", "DES 56/56", "RC2 40/128", "RC2 56/128", "RC2 56/56", "RC2 128/128", "RC4 40/128",
           "RC4 56/128", "RC4 64/128", "RC4 128/128", "Triple DES 168", "AES 128/128", "AES 256/256")
# Source: facts §1.1 (SCDSC DSC_Hash, DEMYST, SUP-245030).
HASHES = ("MD5", "SHA", "SHA256", "SHA384", "SHA512")
# Source: facts §1.1 (SCDSC DSC_KeyExchangeAlgorithm, WSD-REG-2023).
KEY_EXCHANGES = ("Diffie-Hellman", "PKCS", "ECDH")

ENABLED_ALL = 0xFFFFFFFF

# Default protocol state per version -- facts §2 (W32-PROT). "e" enabled, "d" disabled, "-" not supported.
# Columns: 2008r2 2012 2012r2 2016 2019 2022 2025 (LTSC_KEYS); the other releases take their ``based_on`` column
# (W32-PROT gives Windows 10 1709/1803/1903/20H2 the 2019 row; Server 23H2 has no row and takes 2022's: W32-DEPR's
# change "won't impact in-market" releases) with the differences in _PROTOCOL_DELTAS.
# (protocol, side or None for both): states
_PROTOCOL_DEFAULTS = {
    ("PCT 1.0", None): "-------",
    ("SSL 2.0", "Client"): "ddd----",
    ("SSL 2.0", "Server"): "edd----",
    ("SSL 3.0", None): "eeedddd",
    ("TLS 1.0", None): "eeeeeee",
    ("TLS 1.1", None): "deeeeee",
    ("TLS 1.2", None): "deeeeee",
    ("TLS 1.3", None): "-----ee",
    ("DTLS 1.0", None): "eeeeeee",
    ("DTLS 1.2", None): "---eeee",
}
_STATE = {"e": "enabled", "d": "disabled", "-": "not_supported"}
# Source: W32-DEPR "Starting with Windows 11 Insiders Preview and Windows Server Insiders Preview releases in 2024,
# they [TLS 1.0 and 1.1] will be disabled by default"; W32-PROT still lists GA Server 2025 with both enabled.
_PROTOCOL_DELTAS = {"vnext": {("TLS 1.0", None): "d", ("TLS 1.1", None): "d"}}
# Where Microsoft documents that ``Enabled`` = 1 alone turns a default-off protocol on (R2): W32-DEPR's re-enabling
# recipe for TLS 1.0/1.1 on those builds sets only ``Enabled``.
ENABLED_ALONE_ENABLES = {"vnext": ("TLS 1.0", "TLS 1.1")}

# Reboot reasons -- facts §3.5.
REBOOT_PROTOCOL = ("Schannel applies protocol settings to credential handles acquired after the change; "
                   "long-running services (IIS, WinRM) keep theirs, so restart the machine (WSD-REG-2023, EXCH-TLS)")
REBOOT_ALGORITHM = ("cipher/hash/key-exchange changes reach running services only after a restart; Microsoft's "
                    "Exchange guidance restarts the machine (EXCH-TLS)")
REBOOT_POLICY_ORDER = ("the Group Policy cipher-suite order applies at the next boot; gpupdate only writes "
                       "the value (WSD-MANAGE, W32-PRIO)")
REBOOT_POLICY_CURVES = "the Group Policy ECC curve order applies after the next reboot (WSD-MANAGE)"
REBOOT_EVENTLOGGING = "Schannel reads EventLogging at boot (WSD-REG-2023)"
REBOOT_DOTNET = ".NET reads SchUseStrongCrypto/SystemDefaultTlsVersions at process start; restart the machine (EXCH-TLS)"
REBOOT_WINHTTP = "WinHTTP reads DefaultSecureProtocols at start: reboot or restart its services (WSD-WINHTTP)"
REBOOT_DH_SIZE = "Diffie-Hellman key-size changes take effect after a restart (third-party report, wydler.eu)"
REBOOT_RENEGO = "renegotiation settings: Microsoft's Exchange guidance restarts after setting them (EXCH-TLS)"

# M5: "Added in Windows 10, version 1507 and Windows Server 2016" (WSD-REG-2019/2023, client key sizes).
CLIENT_KEY_SIZES_FROM = "2016"
# M9: EnableOcspStaplingForSni "Applicable versions: All versions beginning with Windows Server 2012 and Windows 8"
# (WSD-REG-2019/2023).  value name -> first version that reads it
VALUE_SINCE = {"EnableOcspStaplingForSni": "2012"}


@dataclass(frozen=True)
class ManagedValue(object):
    """One registry value: its owner setting, location, type, canonical data and OS behaviour when absent.

    ``values`` maps meaning -> data (``{"enabled": 1, "disabled": 0}``); an empty dict means any data of
    ``type`` within ``allowed``.  ``defaults`` maps version -> what Windows does when the value is absent
    (a meaning such as ``"enabled"``, a number, or ``"not_supported"``/``None`` when undocumented).
    """

    setting: str
    path: str
    name: str
    type: str
    values: dict
    defaults: dict
    reboot_reason: object
    source: str
    allowed: tuple = field(default=())
    description: str = ""
    since: object = None  # the first version that has the value (None: all); before it, Windows does not read it

    def applies_to(self, version):
        """False where the value does not exist (M5, M9): it is neither written nor reported as effective there."""
        return self.since is None or at_least(version, self.since)

    def __post_init__(self):
        # the (path, name) identity, lower-cased like the registry compares; computed once (hot in the compiler)
        object.__setattr__(self, "key", (self.path.lower(), self.name.lower()))

    @property
    def full_name(self):
        return "%s\\%s" % (self.path, self.name)


def _all(value):
    return dict((v, value) for v in VERSION_KEYS)


def _from_ltsc(per_ltsc):
    """A value per version from a value per LTSC key (each release takes its ``table_key``'s)."""
    return dict((v, per_ltsc[WINDOWS_VERSIONS[v].table_key]) for v in VERSION_KEYS)


def _since(value, since):
    """``value`` from ``since`` on, ``not_supported`` before (the value does not exist there)."""
    return dict((v, value if at_least(v, since) else "not_supported") for v in VERSION_KEYS)


def _states(protocol, side):
    """The states string (one letter per VERSION_KEYS entry) of a protocol side, or None when undocumented."""
    ltsc = _PROTOCOL_DEFAULTS.get((protocol, side)) or _PROTOCOL_DEFAULTS.get((protocol, None))
    if ltsc is None:
        return None
    out = []
    for version in VERSION_KEYS:
        delta = _PROTOCOL_DELTAS.get(version, {})
        letter = delta.get((protocol, side)) or delta.get((protocol, None))
        out.append(letter or ltsc[LTSC_KEYS.index(WINDOWS_VERSIONS[version].table_key)])
    return "".join(out)


def _per_version(states):
    return dict((v, _STATE[s] if s in _STATE else s) for v, s in zip(VERSION_KEYS, states))


def protocol_path(protocol, side):
    return "%s\\Protocols\\%s\\%s" % (SCHANNEL, protocol, side)


def protocol_setting(protocol, side):
    return "protocols.%s.%s" % (protocol, side.lower())


def protocol_default(protocol, side, version):
    """OS default of a protocol side on a version: ``enabled``, ``disabled``, ``not_supported`` or None."""
    states = _STATES.get((protocol, side))
    if states is None:
        return None  # Multi-Protocol Unified Hello: no documented default (facts §1.1 note)
    return _STATE[states[VERSION_KEYS.index(version)]]


_STATES = dict(((p, s), _states(p, s)) for p in PROTOCOLS for s in SIDES)


def _build():
    values = []
    for protocol in PROTOCOLS:
        for side in SIDES:
            states = _STATES[(protocol, side)]
            defaults = _per_version(states) if states else _all(None)
            path = protocol_path(protocol, side)
            owner = protocol_setting(protocol, side)
            values.append(ManagedValue(owner, path, "Enabled", "dword", {"enabled": 1, "disabled": 0}, defaults,
                                       REBOOT_PROTOCOL, "facts §1.2, §2 (WSD-REG-2023, W32-PROT)", (0, 1)))
            values.append(ManagedValue(owner, path, "DisabledByDefault", "dword", {"enabled": 0, "disabled": 1},
                                       defaults, REBOOT_PROTOCOL, "facts §1.2 (WSD-REG-2019, EXCH-TLS)", (0, 1)))
    for cipher in CIPHERS:
        values.append(ManagedValue("ciphers.%s" % cipher, "%s\\Ciphers\\%s" % (SCHANNEL, cipher), "Enabled", "dword",
                                   {"enabled": ENABLED_ALL, "disabled": 0},
                                   _all("disabled" if cipher == "NULL" else "enabled"), REBOOT_ALGORITHM,
                                   "facts §1.1, §1.2 (SUP-245030)", (0, ENABLED_ALL)))
    for hash_name in HASHES:
        values.append(ManagedValue("hashes.%s" % hash_name, "%s\\Hashes\\%s" % (SCHANNEL, hash_name), "Enabled",
                                   "dword", {"enabled": ENABLED_ALL, "disabled": 0}, _all("enabled"),
                                   REBOOT_ALGORITHM, "facts §1.1, §1.2 (SUP-245030)", (0, ENABLED_ALL)))
    for kex in KEY_EXCHANGES:
        path = "%s\\KeyExchangeAlgorithms\\%s" % (SCHANNEL, kex)
        values.append(ManagedValue("key_exchanges.%s" % kex, path, "Enabled", "dword",
                                   {"enabled": ENABLED_ALL, "disabled": 0}, _all("enabled"), REBOOT_ALGORITHM,
                                   "facts §1.1, §1.2 (SUP-245030, SCDSC)", (0, ENABLED_ALL)))
    # Source: facts §1.3 (WSD-REG-2023, ADV-3174644; allowed sizes from SCDSC).
    sizes = (1024, 2048, 3072, 4096)
    dh = "%s\\KeyExchangeAlgorithms\\Diffie-Hellman" % SCHANNEL
    pkcs = "%s\\KeyExchangeAlgorithms\\PKCS" % SCHANNEL
    dh_server_default = dict((v, 2048 if at_least(v, "2016") else 1024) for v in VERSION_KEYS)
    # M5: the client key-size values were "Added in Windows 10, version 1507 and Windows Server 2016" (WSD-REG-2019,
    # WSD-REG-2023, both the Diffie-Hellman and the PKCS section): not written and not read before 2016.  The server
    # DH minimum exists earlier through Advisory 3174644 (ADV-3174644).
    client_from = CLIENT_KEY_SIZES_FROM
    values += [
        ManagedValue("key_sizes.dh_server_min", dh, "ServerMinKeyBitLength", "dword", {}, dh_server_default,
                     REBOOT_DH_SIZE, "facts §1.3 (WSD-REG-2023, ADV-3174644)", sizes),
        ManagedValue("key_sizes.dh_client_min", dh, "ClientMinKeyBitLength", "dword", {}, _since(1024, client_from),
                     None, "facts §1.3 (WSD-REG-2023)", sizes, since=client_from),
        ManagedValue("key_sizes.dh_client_max", dh, "ClientMaxKeyBitLength", "dword", {}, _since(None, client_from),
                     None, "facts §1.3 (WSD-REG-2023)", (), since=client_from),
        ManagedValue("key_sizes.pkcs_client_min", pkcs, "ClientMinKeyBitLength", "dword", {},
                     _since(1024, client_from), None, "facts §1.3 (WSD-REG-2023)", sizes, since=client_from),
        ManagedValue("key_sizes.pkcs_client_max", pkcs, "ClientMaxKeyBitLength", "dword", {},
                     _since(None, client_from), None, "facts §1.3 (WSD-REG-2023)", (), since=client_from),
    ]
    # Source: facts §1.4 (WSD-REG-2023 unless noted); data in ms where a time.
    root = [
        ("EventLogging", 1, REBOOT_EVENTLOGGING, tuple(range(8)), "WSD-REG-2023; EVT-dn786445; KB260729"),
        ("ClientCacheTime", 36000000, None, (), "WSD-REG-2023"),
        ("ServerCacheTime", 36000000, None, (), "WSD-REG-2023"),
        ("MaximumCacheSize", 20000, None, (), "WSD-REG-2023"),
        ("IssuerCacheSize", 100, None, (), "WSD-REG-2023"),
        ("IssuerCacheTime", 600000, None, (), "WSD-REG-2023"),
        ("SendTrustedIssuerList", None, None, (0, 1), "WSD-REG-2023"),
        ("EnableOcspStaplingForSni", 0, None, (0, 1), "WSD-REG-2023"),
        ("CertificateMappingMethods", 0x18, None, (), "WSD-REG-2023"),
        ("AllowInsecureRenegoClients", None, REBOOT_RENEGO, (0, 1), "EXCH-TLS"),
        ("AllowInsecureRenegoServers", None, REBOOT_RENEGO, (0, 1), "EXCH-TLS"),
    ]
    for name, default, reboot, allowed, source in root:
        defaults = _all(default)
        since = VALUE_SINCE.get(name)
        if name == "SendTrustedIssuerList":  # FALSE on 2012+, TRUE on 2008 R2 and earlier
            defaults = dict((v, 0 if at_least(v, "2012") else 1) for v in VERSION_KEYS)
        if since:
            defaults = _since(default, since)
        values.append(ManagedValue("schannel_values.%s" % name, SCHANNEL, name, "dword", {}, defaults, reboot,
                                   "facts §1.4 (%s)" % source, allowed, since=since))
    # Source: facts §1.1 Messaging (WSD-REG-2023; added in Win7/2008 R2).
    for name, default in (("MessageLimitClient", 0x8000), ("MessageLimitServer", 0x4000),
                          ("MessageLimitServerClientAuth", 0x8000)):
        values.append(ManagedValue("messaging_values.%s" % name, "%s\\Messaging" % SCHANNEL, name, "dword", {},
                                   _all(default), None, "facts §1.1 (WSD-REG-2023)"))
    values.append(ManagedValue("fips_algorithm_policy", FIPS_POLICY, "Enabled", "dword",
                               {"enabled": 1, "disabled": 0}, _all(0), None, "facts §1.4 (WSD-REG-2019, SCDSC)",
                               (0, 1)))
    # Source: facts §6 (DOTNET-TLS, EXCH-TLS, SCDSC). Absent = depends on the application's target framework.
    for _netfx, _arch, path in NETFX_KEYS:
        values.append(ManagedValue("dotnet_strong_crypto", path, "SchUseStrongCrypto", "dword",
                                   {"enabled": 1, "disabled": 0}, _all("app_dependent"), REBOOT_DOTNET,
                                   "facts §6 (DOTNET-TLS, EXCH-TLS)", (0, 1)))
        values.append(ManagedValue("dotnet_strong_crypto", path, "SystemDefaultTlsVersions", "dword",
                                   {"enabled": 1, "disabled": 0}, _all("app_dependent"), REBOOT_DOTNET,
                                   "facts §6 (DOTNET-TLS)", (0, 1)))
    # Source: facts §2 notes + §6 (W32-WINHTTP): Win7/8 SSL3+TLS1.0 (0xA0); 8.1/10 SSL3+TLS1.0-1.2 (0xAA0);
    # Win11 TLS1.2+1.3 (0x2800). 2022 (build 20348, Windows 10 family) and 2025 (Windows 11 24H2 family) are
    # placed by build family -- an inference.
    winhttp_default = _from_ltsc(dict(zip(LTSC_KEYS, (0xA0, 0xA0, 0xAA0, 0xAA0, 0xAA0, 0xAA0, 0x2800))))
    for _arch, path in WINHTTP_KEYS:
        values.append(ManagedValue("winhttp_protocols", path, "DefaultSecureProtocols", "dword", {},
                                   winhttp_default, REBOOT_WINHTTP, "facts §6 (W32-WINHTTP, WSD-WINHTTP)"))
    # Source: facts §3.1, §3.5 (CSP-ADMX, WSD-MANAGE, W32-PRIO, WSD-ADFS-ISSUE-1506).
    values += [
        ManagedValue("cipher_suites.policy", POLICY_SSL, "Functions", "string", {}, _all(None), REBOOT_POLICY_ORDER,
                     "facts §3.1 (CSP-ADMX, WSD-MANAGE)"),
        ManagedValue("ecc_curves.policy", POLICY_SSL, "EccCurves", "multistring", {}, _all(None),
                     REBOOT_POLICY_CURVES, "facts §3.1 (CSP-ADMX)"),
        ManagedValue("cipher_suites.local", LOCAL_SSL, "Functions", "multistring", {}, _all(None), None,
                     "facts §3.1, §3.4 (WSD-ADFS-ISSUE-1506, W32-PRIO, PS-TLS)"),
    ]
    return tuple(values)


MANAGED_VALUES = _build()
_BY_KEY = dict((v.key, v) for v in MANAGED_VALUES)


def find(path, name):
    """The managed value at ``path``/``name`` (case-insensitive, like the registry), or None."""
    return _BY_KEY.get((path.lower(), (name or "").lower()))


def by_setting(setting):
    return [v for v in MANAGED_VALUES if v.setting == setting]


def settings():
    seen = []
    for v in MANAGED_VALUES:
        if v.setting not in seen:
            seen.append(v.setting)
    return seen


def is_managed_path(path):
    low = path.lower()
    return any(low == k.lower() or low.startswith(k.lower() + "\\") for k in MANAGED_KEYS)


def reboot_reason(path, name):
    """The reboot reason for writing ``path``/``name`` (also for removing a whole managed key)."""
    value = find(path, name) if name else None
    if value is not None:
        return value.reboot_reason
    low = path.lower()
    for v in MANAGED_VALUES:
        if v.path.lower() == low or v.path.lower().startswith(low + "\\"):
            if v.reboot_reason:
                return v.reboot_reason
    return None


def applies(value, version):
    """True when ``value`` (a ManagedValue) exists on ``version`` (see ``ManagedValue.applies_to``)."""
    return value.applies_to(version)


def protocol_supported(protocol, version):
    """False where facts §2 says "not supported" (either side)."""
    return any(protocol_default(protocol, side, version) not in ("not_supported",) for side in SIDES)


# WinHTTP DefaultSecureProtocols bits (facts §6, W32-WINHTTP).
WINHTTP_BITS = {"SSL 2.0": 0x8, "SSL 3.0": 0x20, "TLS 1.0": 0x80, "TLS 1.1": 0x200, "TLS 1.2": 0x800, "TLS 1.3": 0x2000}
KEY_SIZE_SETTINGS = ("dh_server_min", "dh_client_min", "dh_client_max", "pkcs_client_min", "pkcs_client_max")
SCHANNEL_VALUE_NAMES = tuple(v.name for v in MANAGED_VALUES if v.setting.startswith("schannel_values."))
