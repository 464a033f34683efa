from __future__ import annotations

import collections
import re

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm

from . import factsheet


def test_exactly_one_owner_per_value():
    counts = collections.Counter(v.key for v in rm.MANAGED_VALUES)
    assert [k for k, n in counts.items() if n > 1] == []
    for value in rm.MANAGED_VALUES:
        assert value.setting and rm.find(value.path, value.name) is value


def test_every_value_under_a_dumped_root():
    for value in rm.MANAGED_VALUES:
        assert rm.is_managed_path(value.path), value.full_name
        assert value.path.startswith("HKLM\\") and "/" not in value.path.replace("/128", "").replace(
            "/56", "").replace("/256", ""), value.path


def test_catalogue_of_keys():
    names = set((v.path.rsplit("\\", 1)[-1], v.name) for v in rm.MANAGED_VALUES)
    for cipher in ("AES 128/128", "Triple DES 168", "RC4 40/128", "NULL", "DES 56/56"):
        assert (cipher, "Enabled") in names
    for protocol in ("Multi-Protocol Unified Hello", "PCT 1.0", "SSL 2.0", "TLS 1.3", "DTLS 1.0", "DTLS 1.2"):
        assert rm.find(rm.protocol_path(protocol, "Server"), "DisabledByDefault") is not None
    assert len([v for v in rm.MANAGED_VALUES if v.name == "SchUseStrongCrypto"]) == 4
    assert len([v for v in rm.MANAGED_VALUES if v.name == "DefaultSecureProtocols"]) == 2
    assert rm.find(rm.POLICY_SSL, "Functions").type == "string"
    assert rm.find(rm.POLICY_SSL, "EccCurves").type == "multistring"


def test_canonical_values():
    tls = rm.find(rm.protocol_path("TLS 1.2", "Server"), "Enabled")
    assert tls.values == {"enabled": 1, "disabled": 0}
    assert rm.find(rm.protocol_path("TLS 1.2", "Server"), "DisabledByDefault").values == {"enabled": 0, "disabled": 1}
    aes = rm.find(rm.SCHANNEL + "\\Ciphers\\AES 128/128", "Enabled")
    assert aes.values == {"enabled": 0xFFFFFFFF, "disabled": 0}


def test_reboot_reasons():
    assert "boot" in rm.reboot_reason(rm.POLICY_SSL, "Functions")
    assert rm.reboot_reason(rm.LOCAL_SSL, "Functions") is None  # cmdlets: no restart (W32-PRIO, PS-TLS)
    assert rm.reboot_reason(rm.protocol_path("TLS 1.2", "Server"), "Enabled")
    assert rm.reboot_reason(rm.SCHANNEL, "EventLogging")
    assert rm.reboot_reason(rm.SCHANNEL + "\\Ciphers\\RC4 128/128", None)  # removing a whole key


_PROTOCOL_ROWS = {"PCT 1.0": [("PCT 1.0", s) for s in rm.SIDES], "SSL 2.0 client": [("SSL 2.0", "Client")],
                  "SSL 2.0 server": [("SSL 2.0", "Server")]}


def test_protocol_defaults_match_fact_sheet_section_2():
    section = factsheet.text().split("## 2. Default protocol state", 1)[1].split("## 3.", 1)[0]
    seen = 0
    for line in section.splitlines():
        match = re.match(r"\| (PCT 1\.0|SSL 2\.0 client|SSL 2\.0 server|SSL 3\.0 C/S|TLS 1\.\d C/S|DTLS 1\.\d C/S) \|",
                         line)
        if not match:
            continue
        cells = [c.strip().strip("*").lower() for c in line.strip().strip("|").split("|")[1:8]]
        label = match.group(1)
        pairs = _PROTOCOL_ROWS.get(label) or [(label[:-4], s) for s in rm.SIDES]
        for protocol, side in pairs:
            for version, cell in zip(factsheet.VERSIONS, cells):
                expected = "not_supported" if cell.startswith("ns") else cell
                assert rm.protocol_default(protocol, side, version) == expected, (protocol, side, version)
                seen += 1
    assert seen == 18 * 7  # 9 protocols x 2 sides, every version


@pytest.mark.parametrize("version,bits", [("2012r2", 1024), ("2016", 2048)])
def test_dh_default(version, bits):
    assert rm.find(rm.SCHANNEL + "\\KeyExchangeAlgorithms\\Diffie-Hellman",
                   "ServerMinKeyBitLength").defaults[version] == bits
