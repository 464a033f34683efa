"""Property tests: invariants of effective_state and compile_plan over generated registry dumps and overrides."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import apply_operations, compile_plan
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.effective import effective_state
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import VERSION_KEYS

DWORDS = st.sampled_from([0, 1, 2, 0xFFFFFFFF, None])


@st.composite
def dumps(draw):
    dump = {}
    for protocol in rm.TLS_PROTOCOLS:
        for side in rm.SIDES:
            values = {}
            for name in ("Enabled", "DisabledByDefault"):
                data = draw(DWORDS)
                if data is not None:
                    values[name] = {"type": "dword", "data": data}
            if values:
                dump[rm.protocol_path(protocol, side)] = values
    for kind, names in (("Ciphers", rm.CIPHERS), ("Hashes", rm.HASHES), ("KeyExchangeAlgorithms", rm.KEY_EXCHANGES)):
        for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=3)):
            dump["%s\\%s\\%s" % (rm.SCHANNEL, kind, name)] = {"Enabled": {"type": "dword", "data": 0}}
    return dump


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(VERSION_KEYS), dumps())
def test_effective_state_invariants(version, dump):
    state = effective_state(version, dump)
    for suite in state.suites():
        assert set(suite.protocols) & state.server_protocols
        assert suite.cipher_key not in state.disabled_ciphers
        assert suite.hash_key not in state.disabled_hashes
        assert suite.kex_key not in state.disabled_key_exchanges
        assert not suite.request_only and not suite.psk_only
    for protocol in state.server_protocols:
        assert rm.protocol_default(protocol, "Server", version) != "not_supported"
        values = dump.get(rm.protocol_path(protocol, "Server"), {})
        assert values.get("Enabled", {}).get("data") != 0
        assert not values.get("DisabledByDefault", {}).get("data")


SUITE_NAMES = sorted(set(s.base_name for v in VERSION_KEYS for s in catalogue.suites_for(v) if not s.psk_only))
STATE = st.sampled_from(["enabled", "disabled", "default"])


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(VERSION_KEYS),
       st.dictionaries(st.sampled_from(rm.TLS_PROTOCOLS), STATE, max_size=4),
       st.dictionaries(st.sampled_from(rm.CIPHERS), STATE, max_size=3),
       st.lists(st.sampled_from(SUITE_NAMES), max_size=12, unique=True),
       st.sampled_from(["rsa:2048", "ecdsa:p256", None]))
def test_compile_is_idempotent_and_consistent(version, protocols, ciphers, suites, cert):
    profile = {"name": "generated", "protocols": protocols, "ciphers": ciphers, "cipher_suites": suites}
    plan = compile_plan(profile, {"windows_version": version, "certificate_key": cert})
    for name in plan.cipher_suites:
        assert catalogue.get(name, version) is not None
    after = apply_operations({}, plan.operations)
    again = compile_plan(profile, {"windows_version": version, "certificate_key": cert, "current_state": after})
    assert again.changes == []
    assert again.state.as_dict() == plan.state.as_dict()
