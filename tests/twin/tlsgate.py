"""Schannel's handshake gate: look at the ClientHello before OpenSSL does, and reset when nothing is shared.

Schannel answers a ClientHello that shares no protocol version or no cipher suite with the server's effective
configuration with a TCP RST, not a TLS alert (facts §9). OpenSSL would send an alert, so the twin peeks at the
hello (``MSG_PEEK`` leaves it in the socket for OpenSSL), decides, and on "nothing shared" closes the socket with
``SO_LINGER`` 0, which makes the kernel send RST.
"""
from __future__ import annotations

import dataclasses
import socket
import struct
import time

GREASE = {0x0A0A + 0x1010 * i for i in range(16)}


@dataclasses.dataclass
class ClientHello:
    legacy_version: int
    cipher_suites: list
    supported_versions: list | None  # from the supported_versions extension, GREASE removed
    sslv2: bool = False
    groups: list | None = None  # from supported_groups, GREASE removed; None = extension absent

    @property
    def versions(self) -> set:
        if self.supported_versions:
            return set(self.supported_versions)
        return set(range(0x0300, min(self.legacy_version, 0x0303) + 1))


def peek_hello(sock: socket.socket, timeout: float = 10.0) -> bytes:
    """The first TLS record as far as it has arrived, without consuming it."""
    deadline = time.monotonic() + timeout
    sock.settimeout(timeout)
    need, data = 5, b""
    while time.monotonic() < deadline:
        data = sock.recv(max(need, 5), socket.MSG_PEEK)
        if not data:
            return data
        if len(data) >= 5 and data[0] == 0x16:
            need = 5 + struct.unpack("!H", data[3:5])[0]
        elif data[0] & 0x80:
            return data  # SSLv2-format hello
        if len(data) >= need:
            return data[:need]
        time.sleep(0.005)
    return data


def parse_hello(record: bytes) -> ClientHello | None:
    if not record:
        return None
    if record[0] & 0x80 and record[0] != 0x16:
        return ClientHello(0x0002, [], None, sslv2=True)
    if len(record) < 5 + 4 + 2 + 32 + 1 or record[0] != 0x16 or record[5] != 0x01:
        return None
    body = record[9:]
    legacy = struct.unpack("!H", body[0:2])[0]
    pos = 2 + 32
    sid_len = body[pos]
    pos += 1 + sid_len
    (suites_len,) = struct.unpack("!H", body[pos:pos + 2])
    pos += 2
    suites = [struct.unpack("!H", body[i:i + 2])[0] for i in range(pos, min(pos + suites_len, len(body) - 1), 2)]
    pos += suites_len
    if pos >= len(body):
        return ClientHello(legacy, [s for s in suites if s not in GREASE], None)
    pos += 1 + body[pos]  # compression methods
    supported = groups = None
    if pos + 2 <= len(body):
        (ext_total,) = struct.unpack("!H", body[pos:pos + 2])
        pos += 2
        end = min(pos + ext_total, len(body))
        while pos + 4 <= end:
            ext_type, ext_len = struct.unpack("!HH", body[pos:pos + 4])
            data = body[pos + 4:pos + 4 + ext_len]
            if ext_type == 43 and data:
                supported = [struct.unpack("!H", data[i:i + 2])[0] for i in range(1, 1 + data[0], 2)]
                supported = [v for v in supported if v not in GREASE]
            elif ext_type == 10 and len(data) >= 2:
                groups = [struct.unpack("!H", data[i:i + 2])[0] for i in range(2, 2 + struct.unpack("!H", data[:2])[0], 2)]
                groups = [g for g in groups if g not in GREASE]
            pos += 4 + ext_len
    return ClientHello(legacy, [s for s in suites if s not in GREASE], supported, groups=groups)


def shares_something(served, hello: ClientHello) -> tuple[bool, str]:
    """(handshake may proceed, why not) for a ``boot.ServedConfig``, as the project's predictor reasons.

    No shared protocol version is left to OpenSSL, which answers with a ``protocol_version`` alert (the
    predictor's ``alert:protocol_version``). At the highest shared version, a suite counts when the client offers
    it and, for ECDHE and TLS 1.3 suites, shares a group with the server's curve list; none -> reset.
    """
    from .boot import WIRE_VERSIONS
    if served is None:
        return False, "nothing is served (no effective configuration)"
    if hello.sslv2:
        return False, "SSLv2-format hello"
    server_versions = {WIRE_VERSIONS[p] for p in served.protocols}
    if hello.supported_versions and 0x0304 in server_versions:
        # a TLS 1.3 server picks from the client's supported_versions list
        candidates = hello.versions & server_versions
    else:
        # Schannel before TLS 1.3 ignores supported_versions and cannot see the client's minimum: it answers with
        # its highest version up to the hello's legacy version (the predictor's step 1)
        candidates = {v for v in server_versions if v <= min(hello.legacy_version, 0x0303)}
    if not candidates:
        return True, "no shared protocol version (OpenSSL sends protocol_version)"
    version = max(candidates)
    shared = set(hello.cipher_suites) & served.codes_for(version)
    curve_ok = hello.groups is None or not served.group_codes or bool(set(hello.groups) & set(served.group_codes))
    if not curve_ok:
        shared = {c for c in shared if not (0x1300 <= c <= 0x13FF or served.is_ecdhe(c))}
    if not shared:
        return False, "no shared cipher suite for 0x%04x" % version
    return True, ""


def reset(sock: socket.socket) -> None:
    """Close with RST, as Schannel does."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()
