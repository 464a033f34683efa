"""Initial registry contents a twin can start from.

These are *registry states someone wrote*, not Windows defaults: the defaults themselves come from the knowledge
engine at boot, so ``stock`` holds only the empty SCHANNEL keys every Windows has.

- ``stock``: nothing configured; the OS defaults apply.
- ``iis_crypto_best_practices``: what IIS Crypto 3.x "Best Practices" writes (config-anchors §2.2): PCT 1.0,
  Multi-Protocol Unified Hello, SSL 2.0/3.0 off; TLS 1.0-1.2 (and 1.3 on 2022+) on with ``Enabled=0xffffffff``;
  NULL/DES/RC2/RC4/3DES off, AES on; MD5 off, SHA* on; all key exchanges on with a 2048-bit DH minimum; and a
  policy suite order (the names IIS Crypto offers, kept to those the version's catalogue has).
- ``ios_ats_failure``: the field report: a 2008 R2 box with TLS 1.2 never switched on and a policy suite order
  copied from a newer server (``TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`` and un-suffixed ECDHE names, none of
  which 2008 R2 has), so only two RSA-kex CBC suites over TLS 1.0 remain and iOS ATS cannot connect.
"""
from __future__ import annotations

SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
POLICY_SSL = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"
ENABLED_ALL = 0xFFFFFFFF

_STOCK_KEYS = ("", "\\Ciphers", "\\Hashes", "\\KeyExchangeAlgorithms", "\\Protocols")

_IIS_CRYPTO_ORDER = (
    "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
)

_ATS_FAILURE_ORDER = (
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
)


def _dword(value: int) -> dict:
    return {"type": "dword", "data": value}


def _protocol(registry: dict, protocol: str, enabled: bool) -> None:
    for side in ("Client", "Server"):
        registry[f"{SCHANNEL}\\Protocols\\{protocol}\\{side}"] = {
            "Enabled": _dword(ENABLED_ALL if enabled else 0),
            "DisabledByDefault": _dword(0 if enabled else 1),
        }


# Keys every 64-bit Windows Server has above the WinHTTP roots the collection manages (both registry views), so a
# write under ``...\Internet Settings\WinHttp`` creates only ``WinHttp`` as on a real host, not the ancestors.
_STOCK_PARENTS = ("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings",
                  "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet Settings")


def stock(version: str) -> dict:
    registry = {SCHANNEL + suffix: {} for suffix in _STOCK_KEYS}
    registry.update((key, {}) for key in _STOCK_PARENTS)
    return registry


def _names_on(version: str, base_names) -> list[str]:
    """The version's own names for ``base_names`` (with ``_P256``/``_P384`` suffixes where it uses them)."""
    from .knowledge import catalogue
    suites = catalogue().suites_for(version)
    names = []
    for base in base_names:
        names.extend(s.name for s in suites if s.base_name == base and not (s.curve or "").endswith("P521"))
    return names


def iis_crypto_best_practices(version: str) -> dict:
    registry = stock(version)
    for protocol in ("Multi-Protocol Unified Hello", "PCT 1.0", "SSL 2.0", "SSL 3.0"):
        _protocol(registry, protocol, False)
    protocols = ["TLS 1.0", "TLS 1.1", "TLS 1.2"] + (["TLS 1.3"] if version in ("2022", "2025") else [])
    for protocol in protocols:
        _protocol(registry, protocol, True)
    for cipher in ("NULL", "DES 56/56", "RC2 40/128", "RC2 56/128", "RC2 128/128", "RC4 40/128", "RC4 56/128",
                   "RC4 64/128", "RC4 128/128", "Triple DES 168"):
        registry[f"{SCHANNEL}\\Ciphers\\{cipher}"] = {"Enabled": _dword(0)}
    for cipher in ("AES 128/128", "AES 256/256"):
        registry[f"{SCHANNEL}\\Ciphers\\{cipher}"] = {"Enabled": _dword(ENABLED_ALL)}
    registry[f"{SCHANNEL}\\Hashes\\MD5"] = {"Enabled": _dword(0)}
    for digest in ("SHA", "SHA256", "SHA384", "SHA512"):
        registry[f"{SCHANNEL}\\Hashes\\{digest}"] = {"Enabled": _dword(ENABLED_ALL)}
    for kex in ("Diffie-Hellman", "PKCS", "ECDH"):
        registry[f"{SCHANNEL}\\KeyExchangeAlgorithms\\{kex}"] = {"Enabled": _dword(ENABLED_ALL)}
    registry[f"{SCHANNEL}\\KeyExchangeAlgorithms\\Diffie-Hellman"]["ServerMinKeyBitLength"] = _dword(2048)
    registry[POLICY_SSL] = {"Functions": {"type": "string", "data": ",".join(_names_on(version, _IIS_CRYPTO_ORDER))}}
    return registry


def ios_ats_failure(version: str) -> dict:
    registry = stock(version)
    _protocol(registry, "SSL 2.0", False)
    registry[POLICY_SSL] = {"Functions": {"type": "string", "data": ",".join(_ATS_FAILURE_ORDER)}}
    return registry


SCENARIOS = {"stock": stock, "iis_crypto_best_practices": iis_crypto_best_practices, "ios_ats_failure": ios_ats_failure}


def build(name: str, version: str) -> dict:
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; use one of {', '.join(SCENARIOS)}")
    return SCENARIOS[name](version)
