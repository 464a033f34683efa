# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backups as ``.reg`` files on the controller, and reading them back as registry operations.

The file is a regular ``Windows Registry Editor Version 5.00`` file (UTF-16 LE with BOM, CRLF), so an operator can
also double-click it on the host. Operations are written in order, one section per run of operations on the same
key (``[-key]`` removes a key tree, ``"Name"=-`` removes a value), with the reboot reason as a ``;`` comment, so
:func:`read_reg` gives back the exact operation list. Only files carrying this collection's marker line are read.

A ``.reg`` file has no end of its own: a copy cut at a line boundary is still a valid file that restores half the
state. So the last line is a trailer that counts the operations and carries a SHA-256 of them (``; tlsops.schannel
end: N operation(s), sha256 HEX``); :func:`read_reg` refuses a file without it, or whose operations do not match it,
before anything is written. A hand edit changes the checksum too and is refused the same way.

File names come from ``inventory_hostname`` and are sanitised (no ``..``, no separators, no NUL, no leading dot);
directories are created 0700 and files 0600.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import re

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelError

MARKER = "; tlsops.schannel backup"
TRAILER = "; tlsops.schannel end: "
_TRAILER_RE = re.compile(r"^; tlsops\.schannel end: (\d+) operation\(s\), sha256 ([0-9a-f]{64})$")
_HEADER = "Windows Registry Editor Version 5.00"
_ROOT_LONG = "HKEY_LOCAL_MACHINE"


class RegFileError(SchannelError):
    """A .reg backup that must not be restored; ``field`` names the line or operation."""


def checksum(ops):
    """SHA-256 of the operations as canonical JSON: what the trailer pins (order, names, types and data)."""
    canonical = [dict((k, op.get(k)) for k in ("path", "name", "state", "type", "data", "reboot_reason")) for op in ops]
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def safe_name(hostname):
    """A file-name stem derived from an inventory hostname that cannot escape the backup directory."""
    text = str(hostname or "")
    text = text.replace("\x00", "")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", text)
    text = re.sub(r"\.{2,}", "_", text)
    text = text.strip("._-")
    return text[:100] or "host"


def _long(path):
    return _ROOT_LONG + path[4:] if path.upper().startswith("HKLM\\") else path


def _short(path):
    return "HKLM" + path[len(_ROOT_LONG):] if path.upper().startswith(_ROOT_LONG) else path


def _quote(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def _hex(data):
    return ",".join("%02x" % b for b in data)


def _value_line(op):
    name = "@" if op["name"] == "" else _quote(op["name"])
    if op["state"] == "absent":
        return "%s=-" % name
    kind, data = op["type"], op["data"]
    if kind == "dword":
        return "%s=dword:%08x" % (name, int(data) & 0xFFFFFFFF)
    if kind == "string":
        return "%s=%s" % (name, _quote(data))
    if kind == "qword":
        return "%s=hex(b):%s" % (name, _hex((int(data) & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little")))
    if kind == "expandstring":
        return "%s=hex(2):%s" % (name, _hex((data + "\x00").encode("utf-16-le")))
    if kind == "multistring":
        return "%s=hex(7):%s" % (name, _hex(("".join(s + "\x00" for s in data) + "\x00").encode("utf-16-le")))
    if kind == "none":  # REG_NONE (PLAN.md P16): regedit writes its bytes as hex(0)
        return "%s=hex(0):%s" % (name, _hex(data))
    return "%s=hex:%s" % (name, _hex(data))


def render_reg(ops, hostname="", when=None):
    """Text of a .reg file that applies ``ops`` in order."""
    when = when or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [_HEADER, "", MARKER, "; host: %s" % safe_name(hostname), "; written: %s" % when, ""]
    current = None
    for op in ops:
        path = op["path"]
        reason = op.get("reboot_reason")
        if op["name"] is None:
            if op["state"] == "absent":
                if reason:
                    lines.append("; reboot_reason: %s" % reason)
                lines.append("[-%s]" % _long(path))
                current = None
            else:
                if reason:
                    lines.append("; reboot_reason: %s" % reason)
                lines.append("[%s]" % _long(path))
                lines.append("; key")
                current = path
            continue
        if current is None or current.lower() != path.lower():
            lines.append("[%s]" % _long(path))
            current = path
        if reason:
            lines.append("; reboot_reason: %s" % reason)
        lines.append(_value_line(op))
    lines.append("")
    lines.append("%s%d operation(s), sha256 %s" % (TRAILER, len(ops), checksum(ops)))
    lines.append("")
    return "\r\n".join(lines)


def write_backup(ops, directory, hostname, when=None):
    """Write ``ops`` as a .reg file under ``directory`` (0700) with mode 0600; return its path."""
    directory = os.path.abspath(os.path.expanduser(str(directory)))
    os.makedirs(directory, mode=0o700, exist_ok=True)
    os.chmod(directory, 0o700)
    stamp = datetime.datetime.now(datetime.timezone.utc)
    base = "%s-%s" % (safe_name(hostname), stamp.strftime("%Y%m%dT%H%M%S%fZ"))
    path = os.path.join(directory, base + ".reg")
    # The name cannot leave the directory (safe_name strips separators); check anyway.
    if os.path.dirname(os.path.abspath(path)) != directory:
        raise RegFileError("backup_dir", "refusing to write outside %s" % directory)
    text = render_reg(ops, hostname, when or stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(b"\xff\xfe" + text.encode("utf-16-le"))
    os.chmod(path, 0o600)
    return path


def _unquote(text, field):
    if len(text) < 2 or text[0] != '"':
        raise RegFileError(field, "expected a quoted string, got %r" % text)
    out, i = [], 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch == '"':
            return "".join(out), text[i + 1:]
        out.append(ch)
        i += 1
    raise RegFileError(field, "unterminated string %r" % text)


def _bytes(text):
    return bytes(int(b, 16) for b in text.replace("\\", "").replace(" ", "").split(",") if b)


def read_reg(path):
    """Registry operations from a .reg file this collection wrote (checks the marker line)."""
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        text = raw[2:].decode("utf-16-le") if raw.startswith(b"\xff\xfe") else raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegFileError("restore", "%s is not a readable .reg file (%s)" % (path, exc)) from None
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != _HEADER or MARKER not in [line.strip() for line in lines]:
        raise RegFileError("restore", "%s is not a backup written by tlsops.schannel (marker %r missing)"
                           % (path, MARKER))
    ops, current, reason, trailer = [], None, None, None
    for number, line in enumerate(lines[1:], start=2):
        line = line.strip()
        field = "restore (%s line %d)" % (os.path.basename(path), number)
        if not line:
            continue
        if trailer is not None:
            raise RegFileError(field, "%s has content after its end marker; the file was edited or joined with "
                               "another, nothing was restored" % path)
        if line.startswith(TRAILER):
            trailer = _TRAILER_RE.match(line)
            if trailer is None:
                raise RegFileError(field, "%s has an unreadable end marker %r" % (path, line[:80]))
            continue
        if line.startswith(";"):
            if line.startswith("; reboot_reason: "):
                reason = line[len("; reboot_reason: "):]
            elif line == "; key" and current is not None:
                ops.append({"path": current, "name": None, "state": "present", "type": None, "data": None,
                            "reboot_reason": reason})
                reason = None
            continue
        if line.startswith("[-") and line.endswith("]"):
            ops.append({"path": _short(line[2:-1]), "name": None, "state": "absent", "type": None, "data": None,
                        "reboot_reason": reason})
            current, reason = None, None
            continue
        if line.startswith("[") and line.endswith("]"):
            current = _short(line[1:-1])
            continue
        if current is None:
            raise RegFileError(field, "value outside a key section")
        if line.startswith("@="):
            name, rest = "", line[1:]
        else:
            name, rest = _unquote(line, field)
        if not rest.startswith("="):
            raise RegFileError(field, "expected '=' after the value name")
        rest = rest[1:]
        op = {"path": current, "name": name, "state": "present", "type": None, "data": None, "reboot_reason": reason}
        reason = None
        try:
            if rest == "-":
                op["state"] = "absent"
            elif rest.startswith("dword:"):
                op["type"], op["data"] = "dword", int(rest[6:], 16)
            elif rest.startswith('"'):
                op["type"], op["data"] = "string", _unquote(rest, field)[0]
            elif rest.startswith("hex(b):"):
                op["type"], op["data"] = "qword", int.from_bytes(_bytes(rest[7:]), "little")
            elif rest.startswith("hex(2):"):
                op["type"], op["data"] = "expandstring", _bytes(rest[7:]).decode("utf-16-le").rstrip("\x00")
            elif rest.startswith("hex(7):"):
                items = _bytes(rest[7:]).decode("utf-16-le").split("\x00")
                while items and items[-1] == "":
                    items.pop()
                op["type"], op["data"] = "multistring", items
            elif rest.startswith("hex(0):"):
                op["type"], op["data"] = "none", list(_bytes(rest[7:]))
            elif rest.startswith("hex:"):
                op["type"], op["data"] = "binary", list(_bytes(rest[4:]))
            else:
                raise RegFileError(field, "unsupported value %r" % rest[:40])
        except (ValueError, UnicodeDecodeError) as exc:  # RegFileError is a ValueError: re-raise it as it is
            if isinstance(exc, RegFileError):
                raise
            raise RegFileError(field, "unreadable value %r (%s)" % (rest[:40], exc)) from None
        ops.append(op)
    _check_trailer(path, ops, trailer)
    return ops


def _check_trailer(path, ops, trailer):
    """Refuse a backup that is cut short or changed: the trailer must be there and match what was read."""
    if trailer is None:
        raise RegFileError("restore", "%s is incomplete: it ends after %d operation(s) without the end marker "
                           "(%r); the copy was cut or written by tlsops.schannel 0.1.0, nothing was restored"
                           % (path, len(ops), TRAILER.strip()))
    count, digest = int(trailer.group(1)), trailer.group(2)
    if count != len(ops):
        raise RegFileError("restore", "%s is incomplete: its end marker counts %d operation(s) but %d were read; "
                           "nothing was restored" % (path, count, len(ops)))
    if digest != checksum(ops):
        raise RegFileError("restore", "%s was changed after it was written: its checksum does not match the "
                           "operations it holds; nothing was restored" % path)
