"""Write order that is safe at every prefix (crash-consistent apply, item 2).

A cut between two registry writes followed by a boot runs the host on a prefix of the plan. The order must keep,
at every prefix, every (protocol, suite) pair that both the old and the new state serve, and still end exactly
where the plan's own order ends.
"""
from __future__ import annotations

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import apply_operations, compile_plan
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.write_order import (
    prefix_safe_order,
    served_pairs,
)
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles as profiles

VERSIONS = ("2008r2", "2012", "2012r2", "2016", "2019", "2022", "2025")
PROFILES = ("ios_ats", "mozilla_intermediate", "pci_dss_4", "best_practices", "os_default", "strict", "fips_140")
PROTOCOLS = rm.SCHANNEL + "\\Protocols"


def _plan(name, version, current=None):
    facts = {"windows_version": version, "certificate_key": "ecdsa:p256"}
    if current is not None:
        facts["current_state"] = current
    return compile_plan(profiles.resolve_profile(name), facts)


def _op(path, name, data):
    return {"path": path, "name": name, "state": "present", "type": "dword", "data": data, "reboot_reason": None}


def test_an_unsafe_order_is_reordered_so_no_prefix_loses_a_shared_protocol():
    # 2008 R2 serves TLS 1.0 only (and SSL 3.0); the change turns TLS 1.2 on and TLS 1.0 off. Written as given, the first write
    # (TLS 1.0 off) would leave a host that boots with no protocol at all.
    ops = [_op(PROTOCOLS + "\\TLS 1.0\\Server", "Enabled", 0), _op(PROTOCOLS + "\\TLS 1.0\\Server", "DisabledByDefault", 1),
           _op(PROTOCOLS + "\\TLS 1.2\\Server", "Enabled", 1), _op(PROTOCOLS + "\\TLS 1.2\\Server", "DisabledByDefault", 0),
           _op(PROTOCOLS + "\\TLS 1.1\\Server", "Enabled", 1), _op(PROTOCOLS + "\\TLS 1.1\\Server", "DisabledByDefault", 0)]

    def tls(dump):
        return {pair for pair in served_pairs("2008r2", dump) if pair[0].startswith("TLS")}

    assert not tls(apply_operations({}, ops[:1])), "the naive first prefix must serve no TLS (else this shows nothing)"
    order = prefix_safe_order("2008r2", {}, ops)
    assert order.safe
    assert [op["path"].split("\\")[-2] for op in order.operations[:4]] == ["TLS 1.2", "TLS 1.2", "TLS 1.1", "TLS 1.1"]
    current = {}
    for op in order.operations:
        current = apply_operations(current, [op])
        assert tls(current), "a prefix serves no TLS version"
    assert current == apply_operations({}, ops)


def test_operations_on_one_key_keep_their_order():
    key = PROTOCOLS + "\\TLS 1.0\\Server"
    ops = [{"path": key, "name": "Enabled", "state": "absent", "type": None, "data": None, "reboot_reason": None},
           {"path": key, "name": None, "state": "absent", "type": None, "data": None, "reboot_reason": None},
           _op(PROTOCOLS + "\\TLS 1.2\\Server", "Enabled", 1)]
    dump = {key: {"Enabled": {"type": "dword", "data": 0}}}
    order = prefix_safe_order("2016", dump, ops)
    names = [(op["path"], op["name"]) for op in order.operations]
    assert names.index((key, "Enabled")) < names.index((key, None))
    assert apply_operations(dump, order.operations) == apply_operations(dump, ops)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("target", PROFILES)
def test_every_profile_from_every_other_profile_is_safe_at_every_prefix(target, version):
    starts = [{}] + [apply_operations({}, _plan(p, version).operations) for p in PROFILES if p != target]
    for start in starts:
        plan = _plan(target, version, start)
        order = prefix_safe_order(version, start, plan.operations)
        assert order.safe, (target, version, order.unsafe_prefixes)
        assert apply_operations(start, order.operations) == apply_operations(start, plan.operations)
        assert sorted(map(repr, order.operations)) == sorted(map(repr, plan.operations))
