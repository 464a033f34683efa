"""Fuzzing the .reg backup reader: ``restore: <path>`` reads a file the user names, which may be corrupted, cut off,
edited by hand or not ours at all. Contract (``plugins/plugin_utils/_regfile.py``): operations or ``RegFileError``
naming the file and line -- nothing else escapes (the action plugins turn RegFileError into a failed task)."""
from __future__ import annotations

import os
import tempfile

from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regfile
from tests.reliability.conftest import fuzz_settings

SCHANNEL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
GOOD = _regfile.render_reg([
    {"path": SCHANNEL + "\\Protocols\\TLS 1.0\\Server", "name": None, "state": "present", "reboot_reason": "r"},
    {"path": SCHANNEL + "\\Protocols\\TLS 1.0\\Server", "name": "Enabled", "state": "present", "type": "dword",
     "data": 1, "reboot_reason": "r"},
    {"path": SCHANNEL + "\\X", "name": "M", "state": "present", "type": "multistring", "data": ["a", "b"]},
    {"path": SCHANNEL + "\\X", "name": "Q", "state": "present", "type": "qword", "data": 5},
    {"path": SCHANNEL + "\\X", "name": "E", "state": "present", "type": "expandstring", "data": "%x%"},
    {"path": SCHANNEL + "\\X", "name": "B", "state": "present", "type": "binary", "data": [1, 2]},
    {"path": SCHANNEL + "\\Y", "name": None, "state": "absent"},
], "web01")


@st.composite
def mutated(draw):
    lines = GOOD.split("\r\n")
    for _draw in range(draw(st.integers(1, 4))):
        i = draw(st.integers(2, len(lines) - 1))  # keep the header and the marker most of the time
        op = draw(st.sampled_from(["cut", "junk", "drop", "dup"]))
        if op == "cut":
            lines[i] = lines[i][:draw(st.integers(0, max(0, len(lines[i]) - 1)))]
        elif op == "junk":
            lines[i] = lines[i][:draw(st.integers(0, len(lines[i])))] + draw(st.text(max_size=12))
        elif op == "drop":
            del lines[i]
        else:
            lines.insert(i, lines[i])
        if len(lines) < 3:
            break
    text = "\r\n".join(lines)
    encoding = draw(st.sampled_from(["utf-16", "utf-8"]))
    data = (b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass")) if encoding == "utf-16" else \
        text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return data


def _read(data):
    fd, path = tempfile.mkstemp(suffix=".reg")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        try:
            return _regfile.read_reg(path)
        except _regfile.RegFileError:
            return None
    finally:
        os.unlink(path)


@fuzz_settings(200)
@given(mutated())
@example(b"\xff\xfe" + GOOD.encode("utf-16-le")[:-1])  # odd byte count: UTF-16 cannot decode it
@example(GOOD.replace("dword:00000001", "dword:zz").encode())  # not hex
@example(b"\xff\xfeW\x00\xff\xdc")  # a lone surrogate
def test_fuzz_read_reg_raises_only_regfile_error(data):
    ops = _read(data)
    assert ops is None or isinstance(ops, list)


def test_the_seed_round_trips():
    assert len(_read(b"\xff\xfe" + GOOD.encode("utf-16-le"))) == 7
