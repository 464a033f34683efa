"""A ``.reg`` backup knows its own end (issue: crash-consistent apply, item 4; review §3 B9).

A ``.reg`` file cut at a line boundary is still a valid ``.reg`` file: before the trailer, such a copy restored half
the state and reported success. Every cut, at every line and at bytes inside lines, must now be refused with an
error that says the file is incomplete, and a hand edit must be refused as a changed file.
"""
from __future__ import annotations

import pytest

from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regfile

SSL = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
OPS = [
    {"path": SSL + "\\Protocols\\TLS 1.0\\Server", "name": "Enabled", "state": "present", "type": "dword",
     "data": 1, "reboot_reason": "protocols apply at boot"},
    {"path": SSL + "\\Protocols\\TLS 1.0\\Server", "name": "DisabledByDefault", "state": "absent", "type": None,
     "data": None, "reboot_reason": None},
    {"path": SSL + "\\Ciphers\\AES 128/128", "name": None, "state": "absent", "type": None, "data": None,
     "reboot_reason": None},
    {"path": SSL + "\\Ciphers\\RC4 40/128", "name": None, "state": "present", "type": None, "data": None,
     "reboot_reason": None},
    {"path": SSL + "\\Ciphers\\RC4 40/128", "name": "Enabled", "state": "present", "type": "dword",
     "data": 0xFFFFFFFF, "reboot_reason": None},
    {"path": "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002", "name": "EccCurves",
     "state": "present", "type": "multistring", "data": ["NistP384", "NistP256"], "reboot_reason": None},
]


@pytest.fixture()
def backup(tmp_path):
    return _regfile.write_backup(OPS, str(tmp_path), "host")


def _text(path):
    with open(path, "rb") as handle:
        return handle.read()[2:].decode("utf-16-le")


def _write(tmp_path, text, name="cut.reg"):
    path = tmp_path / name
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    return str(path)


def test_an_intact_backup_reads_back_exactly(backup):
    assert _regfile.read_reg(backup) == OPS
    assert _text(backup).rstrip().splitlines()[-1].startswith(_regfile.TRAILER + "6 operation(s), sha256 ")


def test_a_backup_cut_at_any_line_boundary_is_refused_as_incomplete(backup, tmp_path):
    lines = _text(backup).split("\r\n")
    trailer_at = max(i for i, line in enumerate(lines) if line.startswith(_regfile.TRAILER))
    cuts = 0
    for keep in range(1, trailer_at):
        text = "\r\n".join(lines[:keep]) + "\r\n"
        path = _write(tmp_path, text)
        with pytest.raises(_regfile.RegFileError) as err:
            _regfile.read_reg(path)
        if _regfile.MARKER in text:  # before the marker line the file is simply not ours
            assert "incomplete" in str(err.value) and "nothing was restored" in str(err.value)
            cuts += 1
    assert cuts >= 10


def test_a_backup_cut_inside_a_line_is_refused(backup, tmp_path):
    text = _text(backup)
    body_end = text.index(_regfile.TRAILER)
    for cut in range(len(_regfile.MARKER) + 60, body_end + len(_regfile.TRAILER) + 20, 7):
        path = _write(tmp_path, text[:cut])
        with pytest.raises(_regfile.RegFileError):
            _regfile.read_reg(path)


def test_a_hand_edited_backup_is_refused_as_changed(backup, tmp_path):
    text = _text(backup).replace("dword:00000001", "dword:00000000")
    with pytest.raises(_regfile.RegFileError, match="changed after it was written"):
        _regfile.read_reg(_write(tmp_path, text))


def test_a_dropped_value_line_is_refused_by_the_count(backup, tmp_path):
    lines = _text(backup).split("\r\n")
    lines = [line for line in lines if not line.startswith('"DisabledByDefault"')]
    with pytest.raises(_regfile.RegFileError, match="counts 6 operation"):
        _regfile.read_reg(_write(tmp_path, "\r\n".join(lines)))


def test_content_after_the_end_marker_is_refused(backup, tmp_path):
    text = _text(backup) + "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Other]\r\n\"X\"=dword:00000001\r\n"
    with pytest.raises(_regfile.RegFileError, match="after its end marker"):
        _regfile.read_reg(_write(tmp_path, text))
