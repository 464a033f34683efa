"""Fuzzing the TLS record/handshake parser with structure-aware input (hypothesis).

Contract under test (``plugins/module_utils/tls/wire.py``): whatever bytes a server sends, the parser either
returns a ServerFlight or raises ``WireError``; nothing else escapes, it never buffers beyond its bounds, and feeding
the same bytes in arbitrary chunks gives the same result as feeding them at once. The prober owner's own test
fuzzes raw bytes; these strategies build well-framed records and handshake messages so the fuzzer gets past the
framing into the message parsers (ServerHello extensions, Certificate lists, ServerKeyExchange, ClientHello).
"""
from __future__ import annotations

import struct

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import wire
from tests.reliability.conftest import fuzz_settings

u16 = st.integers(min_value=0, max_value=0xFFFF)


def record(ctype: int, version: int, payload: bytes) -> bytes:
    return struct.pack(">BHH", ctype, version, len(payload)) + payload


def handshake(msg_type: int, body: bytes) -> bytes:
    return bytes([msg_type]) + len(body).to_bytes(3, "big") + body


@st.composite
def extensions(draw):
    exts = draw(st.lists(st.tuples(st.sampled_from([0, 10, 11, 16, 23, 43, 51, 0xFF01, 0x1234]),
                                   st.binary(max_size=40)), max_size=6))
    blob = b"".join(struct.pack(">HH", t, len(d)) + d for t, d in exts)
    if draw(st.booleans()):  # sometimes lie about lengths
        return struct.pack(">H", draw(u16)) + blob
    return struct.pack(">H", len(blob)) + blob


@st.composite
def server_hello_body(draw):
    version = draw(st.sampled_from([0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x7F1C, 0xFFFF]))
    random = draw(st.one_of(st.just(wire.HRR_RANDOM), st.binary(min_size=32, max_size=32)))
    session = draw(st.binary(max_size=40))
    body = struct.pack(">H", version) + random + bytes([len(session)]) + session
    body += struct.pack(">HB", draw(u16), draw(st.integers(0, 255)))
    if draw(st.booleans()):
        body += draw(extensions())
    if draw(st.booleans()):
        body = body[:draw(st.integers(0, len(body)))]
    return body


@st.composite
def certificate_body(draw):
    certs = draw(st.lists(st.binary(max_size=64), max_size=5))
    inner = b"".join(len(c).to_bytes(3, "big") + c for c in certs)
    if draw(st.booleans()):
        return draw(st.integers(0, 0xFFFFFF)).to_bytes(3, "big") + inner
    return len(inner).to_bytes(3, "big") + inner


@st.composite
def server_flight(draw):
    messages = [handshake(2, draw(server_hello_body()))]
    for dummy in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from([11, 12, 13, 14, 0, 255]))
        body = draw(certificate_body()) if kind == 11 else draw(st.binary(max_size=80))
        messages.append(handshake(kind, body))
    stream = b"".join(messages)
    # split the handshake stream over records at arbitrary points, sometimes mixing in alerts/CCS/appdata
    version = draw(st.sampled_from([0x0301, 0x0303, 0x0300, 0x0203, 0x0403]))
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(stream) - 1)), max_size=3))))
    pieces = [stream[a:b] for a, b in zip([0] + cuts, cuts + [len(stream)])]
    out = b"".join(record(22, version, p) for p in pieces if p)
    extra = draw(st.sampled_from([None, 20, 21, 23, 24]))
    if extra is not None:
        out += record(extra, version, draw(st.binary(max_size=4)))
    return out


def _parse(data: bytes):
    try:
        return wire.parse_flight(data)
    except wire.WireError:
        return None


@fuzz_settings(150)
@given(server_flight())
def test_fuzz_structured_flight_raises_only_wire_error(data):
    _parse(data)


@fuzz_settings(60)
@given(server_flight(), st.lists(st.integers(1, 50), min_size=1, max_size=20))
def test_fuzz_chunked_feed_equals_one_shot(data, cuts):
    """A server that drips its flight byte by byte must read the same as one that sends it at once."""
    whole = _parse(data)
    parser = wire.FlightParser()
    pos, i, failed = 0, 0, False
    try:
        while pos < len(data):
            step = cuts[i % len(cuts)]
            parser.feed(data[pos:pos + step])
            pos += step
            i += 1
    except wire.WireError:
        failed = True
    assert failed == (whole is None)
    if whole is not None:
        assert parser.flight.server_hello == whole.server_hello
        assert parser.flight.certificates == whole.certificates
        assert parser.flight.alert == whole.alert


@fuzz_settings(150)
@given(server_hello_body())
def test_fuzz_server_hello(body):
    try:
        hello = wire.parse_server_hello(body)
    except wire.WireError:
        return
    assert 0 <= hello.cipher_suite <= 0xFFFF and len(hello.session_id) <= 32
    assert hello.alpn is None or isinstance(hello.alpn, str)


@fuzz_settings(150)
@given(certificate_body(), st.booleans())
def test_fuzz_certificate_message(body, tls13):
    try:
        certs = wire.parse_certificate(body, tls13=tls13)
    except wire.WireError:
        return
    assert all(isinstance(c, bytes) for c in certs)


@fuzz_settings(200)
@given(st.binary(max_size=300), st.sampled_from(["ECDHE", "DHE", "RSA", "", "ECDH_anon", "DH_anon"]))
def test_fuzz_server_key_exchange(body, kex):
    try:
        ske = wire.parse_server_key_exchange(body, kex)
    except wire.WireError:
        return
    assert ske.dh_bits is None or ske.dh_bits >= 0


@st.composite
def client_hello_record(draw):
    """A ClientHello built by the prober itself, then mutated in its extensions (what the test servers and the
    twin's Schannel gate parse from a peer)."""
    ext_items = draw(st.lists(st.tuples(st.sampled_from([0, 10, 16, 43, 51, 13]), st.binary(max_size=30)),
                              max_size=5))
    exts = b"".join(struct.pack(">HH", t, len(d)) + d for t, d in ext_items)
    suites = draw(st.lists(u16, max_size=10))
    body = struct.pack(">H", 0x0303) + bytes(32) + b"\x00" + struct.pack(">H", 2 * len(suites))
    body += b"".join(struct.pack(">H", s) for s in suites) + b"\x01\x00" + struct.pack(">H", len(exts)) + exts
    return record(22, 0x0301, handshake(1, body))


HOSTILE_SNI = (struct.pack(">HH", 0, 9) + struct.pack(">HBH", 7, 0, 4) + b"\xff\xfe\x00\x80")
HOSTILE_ALPN = struct.pack(">HH", 16, 5) + struct.pack(">HB", 3, 2) + b"\xc3\xa9"


def _hello_with(ext: bytes) -> bytes:
    body = struct.pack(">H", 0x0303) + bytes(32) + b"\x00" + b"\x00\x02\x00\x2f" + b"\x01\x00"
    body += struct.pack(">H", len(ext)) + ext
    return record(22, 0x0301, handshake(1, body))


@fuzz_settings(150)
@given(client_hello_record())
@example(_hello_with(HOSTILE_SNI))   # regression: SNI bytes that are not IDNA raised UnicodeError
@example(_hello_with(HOSTILE_ALPN))  # regression: a non-ASCII ALPN name raised UnicodeDecodeError
def test_fuzz_client_hello_raises_only_wire_error(data):
    try:
        hello = wire.parse_client_hello(data)
    except wire.WireError:
        return
    assert isinstance(hello["cipher_suites"], list)


@pytest.mark.parametrize("ext", [HOSTILE_SNI, HOSTILE_ALPN], ids=["sni-not-idna", "alpn-not-ascii"])
def test_client_hello_undecodable_names_are_wire_errors(ext):
    with pytest.raises(wire.WireError):
        wire.parse_client_hello(_hello_with(ext))


def test_built_client_hello_round_trips():
    """The fuzzer's own baseline: a hello the prober builds parses back (so the strategies are not all junk)."""
    data = wire.build_client_hello(wire.HelloParams(cipher_suites=[0xC02F, 0x002F], server_name="example.test"))
    hello = wire.parse_client_hello(data)
    assert hello["cipher_suites"][:2] == [0xC02F, 0x002F] and hello["server_name"] == "example.test"


def test_oversized_handshake_message_is_refused_not_buffered():
    """A server announcing a 16 MB certificate message gets WireError as soon as the length is read."""
    data = record(22, 0x0303, handshake(2, bytes(38) + b"\x00\x00")[:4])
    hello = handshake(2, struct.pack(">H", 0x0303) + bytes(32) + b"\x00" + b"\x00\x2f\x00")
    data = record(22, 0x0303, hello) + record(22, 0x0303, b"\x0b\xff\xff\xff" + bytes(100))
    with pytest.raises(wire.WireError, match="too large"):
        wire.parse_flight(data)
