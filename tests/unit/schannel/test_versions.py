from __future__ import annotations

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import (
    VERSION_KEYS,
    WINDOWS_VERSIONS,
    resolve_windows_version,
)


@pytest.mark.parametrize("value,expected", [
    ("2008r2", "2008r2"), ("2008 R2", "2008r2"), ("Windows Server 2008 R2 Enterprise", "2008r2"),
    (7601, "2008r2"), ("7601", "2008r2"), ("6.1.7601", "2008r2"), ("6.1", "2008r2"),
    ("2012", "2012"), (9200, "2012"), ("6.2.9200", "2012"),
    ("2012r2", "2012r2"), ("Windows Server 2012 R2 Standard", "2012r2"), (9600, "2012r2"),
    (14393, "2016"), ("Microsoft Windows Server 2016 Datacenter", "2016"),
    ("Windows Server 2019 Datacenter", "2019"), ("10.0.17763", "2019"), (17763, "2019"), (19042, "20h2"),
    (20348, "2022"), ("10.0.20348.2340", "2022"), (26100, "2025"), ("2025", "2025"),
    (2012, "2012"), (2016, "2016"), (2019, "2019"), (2022, "2022"), (2025, "2025"),  # YAML ints
])
def test_resolve(value, expected):
    assert resolve_windows_version(value) == expected


@pytest.mark.parametrize("value", ["2008", 2008, "Windows Server 2008 Standard", 6001, 10240, "10.0", "xp", None,
                                   "", 19041, 18363, 22621])
def test_resolve_rejects_with_fix(value):
    with pytest.raises(SchannelInputError) as err:
        resolve_windows_version(value, field="facts.windows_version")
    assert err.value.field == "facts.windows_version"
    assert "2008r2" in str(err.value)


def test_contract_builds():
    builds = [WINDOWS_VERSIONS[k].version_string for k in VERSION_KEYS]
    assert builds == ["6.1.7601", "6.2.9200", "6.3.9600", "10.0.14393", "10.0.16299", "10.0.17134", "10.0.17763",
                      "10.0.18362", "10.0.19042", "10.0.20348", "10.0.25398", "10.0.26100", "10.0.26101"]
    for key in VERSION_KEYS:
        assert resolve_windows_version(WINDOWS_VERSIONS[key].build) == key
