"""Wire format: ClientHello builder round-trips through the parser; the server-flight parser handles every
message it must, and on hostile input fails only with WireError (hypothesis, bounded examples)."""
from __future__ import annotations

import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana, wire


def record(ctype: int, payload: bytes, version: int = 0x0303) -> bytes:
    return struct.pack(">BHH", ctype, version, len(payload)) + payload


def handshake(msg_type: int, body: bytes) -> bytes:
    return struct.pack(">B", msg_type) + len(body).to_bytes(3, "big") + body


def server_hello(suite: int, version: int = 0x0303, extensions: bytes = b"", random: bytes = b"\x11" * 32) -> bytes:
    body = struct.pack(">H", version) + random + b"\x00" + struct.pack(">HB", suite, 0)
    if extensions:
        body += struct.pack(">H", len(extensions)) + extensions
    return handshake(wire.HS_SERVER_HELLO, body)


def ext(t: int, data: bytes) -> bytes:
    return struct.pack(">HH", t, len(data)) + data


def test_client_hello_round_trip_tls13():
    params = wire.HelloParams(max_version=wire.TLS13, min_version=wire.TLS12, cipher_suites=[0x1301, 0xC02F, 0x000A],
                              server_name="iis.example.com", alpn=["h2", "http/1.1"], key_share_groups=[0x001D, 0x0017],
                              groups=[0x001D, 0x0017, 0x0018])
    hello = wire.parse_client_hello(wire.build_client_hello(params))
    assert hello["legacy_version"] == wire.TLS12
    assert hello["cipher_suites"] == [0x1301, 0xC02F, 0x000A, 0x00FF]
    assert hello["server_name"] == "iis.example.com"
    assert hello["alpn"] == ["h2", "http/1.1"]
    assert hello["supported_versions"] == [wire.TLS13, wire.TLS12]
    assert hello["groups"] == [0x001D, 0x0017, 0x0018]
    assert len(hello["key_share"][0x001D]) == 32 and len(hello["key_share"][0x0017]) == 65  # real keys
    assert len(hello["session_id"]) == 32


def test_client_hello_tls10_has_no_tls12_extensions_and_no_sni_for_ip():
    raw = wire.build_client_hello(wire.HelloParams(max_version=wire.TLS10, cipher_suites=[0x002F],
                                                   server_name="127.0.0.1", renegotiation_scsv=False))
    assert raw[:3] == b"\x16\x03\x01"
    hello = wire.parse_client_hello(raw)
    assert hello["legacy_version"] == wire.TLS10
    assert hello["cipher_suites"] == [0x002F]
    assert wire.EXT_SIGNATURE_ALGORITHMS not in hello["extensions"]
    assert wire.EXT_SERVER_NAME not in hello["extensions"] and "supported_versions" not in hello


def test_client_hello_padding_and_large_bundle():
    raw = wire.build_client_hello(wire.HelloParams(max_version=wire.TLS12, cipher_suites=list(range(1, 60))))
    handshake_len = len(raw) - 5
    assert not 256 <= handshake_len < 512
    big = wire.build_client_hello(wire.HelloParams(max_version=wire.TLS12, cipher_suites=list(iana.TLS12_CODES)))
    assert len(wire.parse_client_hello(big)["cipher_suites"]) == len(iana.TLS12_CODES) + 1
    with pytest.raises(ValueError):
        wire.build_client_hello(wire.HelloParams(cipher_suites=[], renegotiation_scsv=False))


def test_parse_tls12_flight_with_certificate_and_ecdhe_key_exchange():
    cert = b"\x30\x82" + b"x" * 10
    certs = (len(cert)).to_bytes(3, "big") + cert
    cert_msg = handshake(wire.HS_CERTIFICATE, len(certs).to_bytes(3, "big") + certs)
    ske = handshake(wire.HS_SERVER_KEY_EXCHANGE, b"\x03\x00\x17" + b"\x41" + b"\x04" * 65)
    alpn = ext(wire.EXT_ALPN, b"\x00\x03\x02h2")
    flight = server_hello(0xC027, extensions=alpn + ext(wire.EXT_RENEGOTIATION_INFO, b"\x00")) + cert_msg + ske + \
        handshake(wire.HS_SERVER_HELLO_DONE, b"")
    # split across records and across TCP reads
    data = record(22, flight[:30]) + record(22, flight[30:])
    parser = wire.FlightParser()
    for i in range(0, len(data), 7):
        parser.feed(data[i:i + 7])
    f = parser.flight
    assert parser.done("flight")
    assert f.server_hello.cipher_suite == 0xC027 and f.server_hello.alpn == "h2"
    assert f.server_hello.secure_renegotiation
    assert f.certificates == [cert]
    assert f.key_exchange.named_group == 0x0017


def test_parse_dhe_key_exchange_size():
    p = b"\xff" * 256
    ske = handshake(wire.HS_SERVER_KEY_EXCHANGE, struct.pack(">H", len(p)) + p + b"\x00\x01\x02")
    data = record(22, server_hello(0x009E) + ske + handshake(wire.HS_SERVER_HELLO_DONE, b""))
    assert wire.parse_flight(data).key_exchange.dh_bits == 2048


def test_parse_tls13_server_hello_and_hrr():
    sv = ext(wire.EXT_SUPPORTED_VERSIONS, b"\x03\x04")
    share = ext(wire.EXT_KEY_SHARE, b"\x00\x1d\x00\x20" + b"k" * 32)
    sh = wire.parse_flight(record(22, server_hello(0x1302, extensions=sv + share)))
    assert sh.server_hello.version == wire.TLS13 and sh.server_hello.selected_group == 0x001D
    assert not sh.server_hello.is_hrr
    hrr = wire.parse_flight(record(22, server_hello(0x1301, extensions=sv + ext(wire.EXT_KEY_SHARE, b"\x00\x17"),
                                                    random=wire.HRR_RANDOM)))
    assert hrr.server_hello.is_hrr and hrr.server_hello.selected_group == 0x0017


def test_parse_alert():
    f = wire.parse_flight(record(21, b"\x02\x28"))
    assert f.alert.name == "handshake_failure"
    assert wire.FlightParser().done("hello") is False


@pytest.mark.parametrize("data, message", [
    (b"HTTP/1.1 400 Bad Request\r\n", "not a TLS record"),
    (record(22, handshake(2, b"\x03\x03")), "truncated"),
    (b"\x16\x03\x03\xff\xff", "exceeds"),
    (record(22, handshake(11, b"\x00\x00\x01")), "before ServerHello"),
    (record(21, b"\x02"), "alert record shorter"),
    (record(22, b"\x02\xff\xff\xff"), "too large"),
])
def test_parse_rejects_malformed(data, message):
    with pytest.raises(wire.WireError, match=message):
        wire.parse_flight(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_fuzz_random_bytes_only_raise_wire_error(data):
    parser = wire.FlightParser()
    try:
        parser.feed(data)
        parser.done("flight")
    except wire.WireError:
        pass


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=0xFFFF), st.binary(max_size=80), st.integers(min_value=0, max_value=200),
       st.sampled_from([2, 11, 12, 14, 99]), st.integers(min_value=0, max_value=20))
def test_fuzz_mutated_handshakes(suite, extensions, cut, msg_type, flip):
    """Well-framed records around mutated bodies: the parser must answer or raise WireError, never crash."""
    body = bytearray(server_hello(suite, extensions=extensions) + handshake(msg_type, extensions))
    if flip and flip < len(body):
        body[flip] ^= 0xFF
    data = record(22, bytes(body[: max(len(body) - cut, 0)]))
    try:
        wire.parse_flight(data)
    except wire.WireError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=0xFFFE), min_size=1, max_size=300, unique=True),
       st.sampled_from([wire.SSL3, wire.TLS10, wire.TLS11, wire.TLS12, wire.TLS13]),
       st.lists(st.sampled_from(["h2", "http/1.1", "spdy/3"]), max_size=3, unique=True))
def test_fuzz_builder_round_trip(suites, version, alpn):
    suites = [s for s in suites if s != 0x00FF]
    if not suites:
        return
    params = wire.HelloParams(max_version=version, cipher_suites=suites, alpn=alpn, server_name="a.example")
    hello = wire.parse_client_hello(wire.build_client_hello(params))
    assert hello["cipher_suites"][: len(suites)] == suites
    assert hello.get("alpn", []) == list(alpn)


# --- SSL 2.0 -----------------------------------------------------------------------------------------------------


def sslv2_record(body: bytes) -> bytes:
    return struct.pack(">H", 0x8000 | len(body)) + body


def sslv2_server_hello(kinds, certificate=b"\x30\x03\x02\x01\x01", connection_id=b"\x07" * 16) -> bytes:
    specs = b"".join(k.to_bytes(3, "big") for k in kinds)
    body = struct.pack(">BBBHHHH", wire.SSL2_MSG_SERVER_HELLO, 0, 1, 0x0002, len(certificate), len(specs),
                       len(connection_id))
    return sslv2_record(body + certificate + specs + connection_id)


def test_sslv2_client_hello_layout():
    kinds = [s.code for s in iana.SSL2_SUITES]
    hello = wire.build_sslv2_client_hello(kinds)
    length = ((hello[0] & 0x7F) << 8) | hello[1]
    assert hello[0] & 0x80 and length == len(hello) - 2
    msg, version, specs_len, sid_len, challenge_len = struct.unpack(">BHHHH", hello[2:11])
    assert (msg, version, specs_len, sid_len, challenge_len) == (1, 0x0002, 3 * len(kinds), 0, 16)
    assert [int.from_bytes(hello[11 + i:14 + i], "big") for i in range(0, specs_len, 3)] == kinds


def test_sslv2_server_hello_lists_every_shared_kind_in_server_order():
    parser = wire.FlightParser()
    data = sslv2_server_hello([0x010080, 0x0700C0])
    parser.feed(data[:7])
    assert not parser.done("hello") and not parser.flight.sslv2  # waits for the whole record
    parser.feed(data[7:])
    assert parser.done("hello") and parser.flight.sslv2
    hello = parser.flight.sslv2_hello
    assert hello.cipher_kinds == [0x010080, 0x0700C0] and hello.error is None
    assert hello.certificate == b"\x30\x03\x02\x01\x01" and hello.version == 0x0002


def test_sslv2_error_message():
    flight = wire.parse_flight(sslv2_record(b"\x00\x00\x01"))
    assert flight.sslv2 and flight.sslv2_hello.error == "no_cipher" and flight.sslv2_hello.cipher_kinds == []


@pytest.mark.parametrize("data", [
    sslv2_record(struct.pack(">BBBHHHH", 4, 0, 1, 2, 0, 4, 0) + b"\x01\x00\x80\x00"),  # specs not a multiple of 3
    sslv2_record(struct.pack(">BBBHHHH", 4, 0, 1, 2, 900, 3, 0) + b"\x01\x00\x80"),  # certificate beyond the record
    sslv2_record(b"\x04\x00\x01"),  # truncated SERVER-HELLO
])
def test_sslv2_malformed_server_hello_is_a_wire_error(data):
    with pytest.raises(wire.WireError):
        wire.parse_flight(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([0, 4]), st.binary(max_size=300))
def test_fuzz_sslv2_records_only_raise_wire_error(msg_type, rest):
    try:
        wire.parse_flight(sslv2_record(bytes([msg_type]) + rest))
    except wire.WireError:
        pass


def _dn(*pairs):
    """DER Name from (oid hex, text) pairs, one RDN each."""
    def tlv(tag, body):
        return bytes([tag, len(body)]) + body
    rdns = b"".join(tlv(0x31, tlv(0x30, tlv(0x06, bytes.fromhex(oid)) + tlv(0x0C, text.encode()))) for oid, text in pairs)
    return tlv(0x30, rdns)


CA_DN = _dn(("550406", "DE"), ("55040a", "Example, Inc"), ("550403", "Example Client CA"))


def test_distinguished_name_reads_like_openssl_rfc4514():
    assert wire.distinguished_name(CA_DN) == "CN=Example Client CA,O=Example\\, Inc,C=DE"
    with pytest.raises(wire.WireError):
        wire.distinguished_name(b"\x31\x00")


def test_certificate_request_tls12_tls10_and_tls13_layouts():
    cas = struct.pack(">H", len(CA_DN)) + CA_DN
    tls12 = b"\x02\x01\x40" + struct.pack(">H", 4) + b"\x04\x01\x08\x04" + struct.pack(">H", len(cas)) + cas
    assert wire.parse_certificate_request(tls12).ca_names == ["CN=Example Client CA,O=Example\\, Inc,C=DE"]
    tls10 = b"\x01\x01" + struct.pack(">H", len(cas)) + cas
    assert wire.parse_certificate_request(tls10).ca_names == ["CN=Example Client CA,O=Example\\, Inc,C=DE"]
    empty = b"\x01\x01" + b"\x00\x04\x04\x01\x08\x04" + b"\x00\x00"
    assert wire.parse_certificate_request(empty).ca_names == []
    ext_ca = ext(wire.EXT_CERTIFICATE_AUTHORITIES, struct.pack(">H", len(cas)) + cas)
    tls13 = b"\x00" + struct.pack(">H", len(ext_ca) + 8) + ext(13, b"\x00\x02\x08\x04") + ext_ca
    req = wire.parse_certificate_request(tls13, tls13=True)
    assert req.tls13 and req.ca_names == ["CN=Example Client CA,O=Example\\, Inc,C=DE"]
    with pytest.raises(wire.WireError):
        wire.parse_certificate_request(b"\x01\x01\x00\x09")


def test_tls12_flight_shows_the_certificate_request():
    cas = struct.pack(">H", len(CA_DN)) + CA_DN
    body = b"\x01\x01" + struct.pack(">H", 2) + b"\x04\x01" + struct.pack(">H", len(cas)) + cas
    data = record(22, server_hello(0xC02F) + handshake(wire.HS_CERTIFICATE_REQUEST, body)
                  + handshake(wire.HS_SERVER_HELLO_DONE, b""))
    f = wire.parse_flight(data)
    assert f.hello_done and f.certificate_request.ca_names[0].startswith("CN=Example Client CA")


def test_warning_alert_before_the_server_hello_ends_nothing():
    """s_server -servername with a name it does not know warns unrecognized_name, then goes on (RFC 6066 3);
    the probe used to stop at the warning and call the version refused."""
    parser = wire.FlightParser()
    parser.feed(record(21, b"\x01\x70"))
    assert not parser.done("hello") and parser.flight.alert is None
    assert [a.name for a in parser.flight.warnings] == ["unrecognized_name"]
    parser.feed(record(22, server_hello(0xC02F)))
    assert parser.done("hello") and parser.flight.server_hello.cipher_suite == 0xC02F
    closing = wire.parse_flight(record(21, b"\x01\x00"))  # close_notify ends the exchange whatever its level
    assert closing.alert is not None and closing.alert.name == "close_notify"
