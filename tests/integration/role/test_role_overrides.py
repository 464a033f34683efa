"""Issue 16.3 through the role against a twin: what ``schannel_overrides`` sets wins over the profile, protocols
included, and what the plan showed is what reaches the host (the role passes the plan to the write modules).

The review's friction 2: the RDP fix of the iOS ATS guide (``protocols: {TLS 1.0: enabled}`` with ``ios_ats`` on
2008 R2) was accepted by the plan and then refused at apply with "contradicts the profile".
"""
from __future__ import annotations

import pytest

from .conftest import registry
from .test_role_e2e import role_vars

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]

SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"


def _values(dump, path):
    found = next((v for k, v in dump.items() if k.lower() == path.lower()), None) or {}
    return {name: value["data"] for name, value in found.items()}


def test_a_protocol_override_reaches_the_host_through_the_role(twins, playbook, tmp_path):
    doc = twins(["web2008:2008r2:rsa:2048:ios_ats_failure"])
    extra = role_vars(tmp_path, schannel_overrides={"protocols": {"TLS 1.0": "enabled"}})
    result = playbook("harden.yml", doc["inventory"], extra)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "contradicts the profile" not in result.stdout
    after = registry(doc, "web2008")
    # the override wins ...
    assert _values(after, SCHANNEL + "\\Protocols\\TLS 1.0\\Server") == {"Enabled": 1, "DisabledByDefault": 0}
    # ... and the rest of the profile is applied as planned
    assert _values(after, SCHANNEL + "\\Protocols\\TLS 1.2\\Server") == {"Enabled": 1, "DisabledByDefault": 0}
    assert _values(after, SCHANNEL + "\\Protocols\\SSL 3.0\\Server")["Enabled"] == 0
    # a second run plans nothing new for the host: the plan it reviews is the state it wrote
    again = playbook("harden.yml", doc["inventory"], extra)
    assert again.returncode == 0, again.stdout[-4000:]
    assert registry(doc, "web2008") == after
