"""Property: the backup the action plugins write *before* the first write (``_regops.backup_for``) undoes exactly what
the operations do, for any operation list over any registry dump -- so restoring it after a cut run gives back the
previous state, whatever part of the run happened."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regops
from tests.reliability.conftest import fuzz_settings

ROOT = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
KEYS = [ROOT, ROOT + "\\Protocols", ROOT + "\\Protocols\\TLS 1.0", ROOT + "\\Protocols\\TLS 1.0\\Server",
        ROOT + "\\Ciphers", ROOT + "\\Ciphers\\AES 128/128", ROOT + "\\Ciphers\\RC4 40/128"]
NAMES = ["Enabled", "DisabledByDefault", "Functions"]
values = st.one_of(st.builds(lambda d: {"type": "dword", "data": d}, st.integers(0, 0xFFFFFFFF)),
                   st.builds(lambda d: {"type": "string", "data": d}, st.text(max_size=5)),
                   st.builds(lambda d: {"type": "multistring", "data": d}, st.lists(st.text(max_size=3), max_size=3)))


@st.composite
def dumps(draw):
    # the SCHANNEL key exists on every Windows and win_schannel_info always dumps it
    keys = [ROOT] + draw(st.lists(st.sampled_from(KEYS[1:]), unique=True, max_size=len(KEYS)))
    dump = {}
    for key in keys:
        dump = _regops.apply_operations(dump, [{"path": key, "name": None, "state": "present"}])
    for key in list(dump):
        for name in draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=2)):
            dump[key][name] = draw(values)
    return dump


@st.composite
def operations(draw):
    ops = []
    for dummy in range(draw(st.integers(0, 6))):
        path, kind = draw(st.sampled_from(KEYS)), draw(st.sampled_from(["set", "del_value", "del_key", "mk_key"]))
        if kind == "set":
            value = draw(values)
            ops.append({"path": path, "name": draw(st.sampled_from(NAMES)), "state": "present",
                        "type": value["type"], "data": value["data"], "reboot_reason": "r"})
        elif kind == "del_value":
            ops.append({"path": path, "name": draw(st.sampled_from(NAMES)), "state": "absent", "type": None,
                        "data": None})
        else:
            ops.append({"path": path, "name": None, "state": "absent" if kind == "del_key" else "present",
                        "type": None, "data": None})
    return ops


@fuzz_settings(100)
@given(dumps(), operations())
def test_backup_for_undoes_exactly_what_the_operations_do(dump, ops):
    ops = _regops.with_key_creation(dump, ops, [ROOT])
    after = _regops.apply_operations(dump, ops)
    backup = _regops.backup_for(dump, ops)
    restored = _regops.apply_operations(after, backup)
    assert _regops.same_state(restored, dump, roots=[ROOT]), (ops, backup)  # the dump is authoritative under ROOT
    assert _regops.backup_for(after, []) == []
