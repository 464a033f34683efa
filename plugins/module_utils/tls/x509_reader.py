# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strict pure-Python DER reader for the X.509 certificates a TLS server sends, reduced to what
``certificate.py`` reports: names, serial, validity, signature algorithm and hash, public key type and size,
subjectAltName DNS and IP entries, basicConstraints cA and the SHA-256 fingerprint.

Why not ``cryptography``: importing ``cryptography.x509`` costs about 70 ms (its name module alone compiles regular
expressions for 25 ms), a quarter of a whole probe of one server, for a handful of fields the standard library
reads just as well.

Why so strict: a server's certificate is hostile input, and certificate analysis promised the same verdicts as
before. The reader therefore enforces the DER rules that cryptography 46 (rust-asn1) enforces when it loads a
certificate, so a certificate is "unparsable" in the same cases: definite minimal lengths of at most 4 bytes, no
trailing bytes at any level, minimal INTEGERs and OIDs, DER BOOLEANs and BIT STRING padding, SET OF in DER order,
no DEFAULT value encoded explicitly, UTCTime/GeneralizedTime exactly as RFC 5280 writes them, the string types and
encodings cryptography accepts in names, and the parameters each known algorithm may carry. Every failure is a
``ValueError`` with a short reason (never IndexError, struct.error or UnicodeDecodeError). The reader walks the
certificate by its schema, so nesting depth is bounded by the schema (a Name inside a subjectAltName is the
deepest point) and every byte is looked at a bounded number of times: a megabyte of input costs linear time.

What it deliberately does not do: verify the signature (trust is decided by the OpenSSL handshake), check that an
EC point lies on its curve (only its encoding and length are checked), or parse extensions other than
subjectAltName and basicConstraints (cryptography also rejects a certificate whose keyUsage, authorityKeyIdentifier
and so on is malformed; this reader ignores their contents).
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import ipaddress
from typing import Callable, Dict, List, Optional, Tuple

# --- DER tags used by the certificate schema (X.690; RFC 5280 section 4.1) ---------------------------------------

BOOLEAN, INTEGER, BIT_STRING, OCTET_STRING, NULL, OBJECT_IDENTIFIER = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06
UTC_TIME, GENERALIZED_TIME = 0x17, 0x18
SEQUENCE, SET = 0x30, 0x31


def _context(number: int, constructed: bool) -> int:
    """Tag byte of a context-specific [number] field."""
    return 0x80 | (0x20 if constructed else 0) | number


# A length of more than 4 bytes would describe more than 4 GiB: never a certificate.
MAX_LENGTH_BYTES = 4
# rust-asn1 refuses OIDs whose encoding is longer than this, and arcs that do not fit 128 bits.
MAX_OID_BYTES = 63
MAX_OID_ARC = 1 << 128


class Record:
    """A plain value holder with named fields.

    Why not ``typing.NamedTuple``: it compiles every annotation when the class is created, about half a
    millisecond per class at import, and import time is what this module exists to save."""

    __slots__ = ()

    def __init__(self, *args, **kwargs):
        if len(args) + len(kwargs) != len(self.__slots__):
            raise TypeError("%s takes %d fields" % (type(self).__name__, len(self.__slots__)))
        for slot, value in zip(self.__slots__, args):
            setattr(self, slot, value)
        for slot, value in kwargs.items():
            setattr(self, slot, value)

    def __eq__(self, other) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, slot) == getattr(other, slot) for slot in self.__slots__)

    def __ne__(self, other) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None

    def __repr__(self) -> str:
        return "%s(%s)" % (type(self).__name__, ", ".join("%s=%r" % (slot, getattr(self, slot))
                                                          for slot in self.__slots__))


# --- element reading ---------------------------------------------------------------------------------------------

Element = Tuple[int, int, int]  # (tag, first content byte, end of content) as offsets into the certificate


def _long_tag(data: bytes, pos: int, end: int, first: int) -> Tuple[int, int]:
    """High-tag-number form (tag >= 31): only "any element" fields can hold one, so it is validated and given a
    value above 0xFF that no schema tag equals."""
    number, count = 0, 0
    while True:
        if pos >= end:
            raise ValueError("truncated tag")
        byte = data[pos]
        pos += 1
        if count == 0 and byte == 0x80:
            raise ValueError("tag number not minimally encoded")
        number = (number << 7) | (byte & 0x7F)
        count += 1
        if count > 4 or number > 0xFFFFFFFF:
            raise ValueError("tag number too large")
        if not byte & 0x80:
            break
    if number < 0x1F:
        raise ValueError("tag number not minimally encoded")
    return 0x100 | (first & 0xE0) << 32 | number << 8, pos


def read_element(data: bytes, pos: int, end: int) -> Element:
    """The element starting at ``pos`` (which must end by ``end``): its tag and content range.

    Why offsets instead of slices: nothing is copied while walking, so nested structures cost no more than their
    size, whatever a server puts in them."""
    if pos >= end:
        raise ValueError("truncated: element expected")
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:
        tag, pos = _long_tag(data, pos, end, tag)
    if pos >= end:
        raise ValueError("truncated: length expected")
    length = data[pos]
    pos += 1
    if length & 0x80:
        count = length & 0x7F
        if count == 0:
            raise ValueError("indefinite length (not DER)")
        if count > MAX_LENGTH_BYTES:
            raise ValueError("length of %d bytes" % count)
        if count > end - pos:
            raise ValueError("truncated length")
        length = int.from_bytes(data[pos:pos + count], "big")
        if length < 0x80 or data[pos] == 0:
            raise ValueError("length not minimally encoded")
        pos += count
    if length > end - pos:
        raise ValueError("length %d runs past its container" % length)
    return tag, pos, pos + length


class _Fields:
    """The elements of one constructed value, read left to right in schema order.

    Why a cursor: optional fields are recognised by their tag, and whatever is left over after the last field is
    an error (rust-asn1's ExtraData), so "trailing garbage" is rejected at every level, not only at the end."""

    __slots__ = ("data", "pos", "end", "what")

    def __init__(self, data: bytes, start: int, end: int, what: str):
        self.data, self.pos, self.end, self.what = data, start, end, what

    def more(self) -> bool:
        return self.pos < self.end

    def any(self) -> Element:
        element = read_element(self.data, self.pos, self.end)
        self.pos = element[2]
        return element

    def take(self, tag: int, field: str) -> Element:
        if self.pos >= self.end:
            raise ValueError("%s: %s missing" % (self.what, field))
        if self.data[self.pos] != tag:
            raise ValueError("%s: %s has tag 0x%02x, expected 0x%02x" % (self.what, field, self.data[self.pos], tag))
        return self.any()

    def optional(self, tag: int) -> Optional[Element]:
        if self.pos < self.end and self.data[self.pos] == tag:
            return self.any()
        return None

    def finish(self) -> None:
        if self.pos != self.end:
            raise ValueError("%s: unexpected data after the last field" % self.what)


def _fields(data: bytes, element: Element, what: str) -> _Fields:
    return _Fields(data, element[1], element[2], what)


def _explicit(data: bytes, element: Element, tag: Optional[int], what: str) -> Element:
    """The single element inside an EXPLICIT [n] wrapper (of any tag when ``tag`` is None)."""
    inner = _fields(data, element, what)
    found = inner.take(tag, "value") if tag is not None else inner.any()
    inner.finish()
    return found


# --- primitive values ---------------------------------------------------------------------------------------------

def _check_minimal_integer(data: bytes, start: int, end: int, what: str) -> None:
    if start == end:
        raise ValueError("%s: empty INTEGER" % what)
    if end - start > 1:
        first, second = data[start], data[start + 1]
        if (first == 0 and second < 0x80) or (first == 0xFF and second >= 0x80):
            raise ValueError("%s: INTEGER not minimally encoded" % what)


def _integer(data: bytes, element: Element, what: str) -> int:
    """Signed INTEGER (a serial number may be negative; cryptography shows it as such)."""
    _check_minimal_integer(data, element[1], element[2], what)
    return int.from_bytes(data[element[1]:element[2]], "big", signed=True)


def _unsigned_bits(data: bytes, element: Element, what: str) -> int:
    """Bit length of a non-negative INTEGER (rust-asn1 BigUint) without building the number: a hostile modulus
    may be a megabyte long."""
    start, end = element[1], element[2]
    _check_minimal_integer(data, start, end, what)
    if data[start] & 0x80:
        raise ValueError("%s: negative" % what)
    if data[start] == 0:
        start += 1
        if start == end:
            return 0
    return (end - start - 1) * 8 + data[start].bit_length()


def _small_unsigned(data: bytes, element: Element, limit: int, what: str) -> int:
    """A non-negative INTEGER that must fit below ``limit`` (rust-asn1 u8/u16/u32/u64 fields)."""
    _check_minimal_integer(data, element[1], element[2], what)
    if element[2] - element[1] > 9:
        raise ValueError("%s: integer overflow" % what)
    value = _integer(data, element, what)
    if value < 0:
        raise ValueError("%s: negative" % what)
    if value >= limit:
        raise ValueError("%s: integer overflow" % what)
    return value


def _boolean(data: bytes, element: Element, what: str) -> bool:
    if element[2] - element[1] != 1 or data[element[1]] not in (0x00, 0xFF):
        raise ValueError("%s: BOOLEAN must be one byte 0x00 or 0xff" % what)
    return data[element[1]] == 0xFF


def _default_true(data: bytes, element: Optional[Element], what: str) -> bool:
    """A BOOLEAN DEFAULT FALSE: DER forbids encoding the default, so an explicit FALSE is an error."""
    if element is None:
        return False
    if not _boolean(data, element, what):
        raise ValueError("%s: DEFAULT FALSE encoded explicitly" % what)
    return True


def _null(data: bytes, element: Element, what: str) -> None:
    if element[0] != NULL or element[2] != element[1]:
        raise ValueError("%s: NULL expected" % what)


def _bit_string(data: bytes, element: Element, what: str) -> Tuple[int, int]:
    """Content range of a BIT STRING's whole bytes after checking its unused-bits octet and zero padding."""
    start, end = element[1], element[2]
    if start == end:
        raise ValueError("%s: empty BIT STRING" % what)
    unused = data[start]
    if unused > 7 or (unused and start + 1 == end) or (unused and data[end - 1] & ((1 << unused) - 1)):
        raise ValueError("%s: malformed BIT STRING" % what)
    return start + 1, end


@functools.lru_cache(maxsize=512)
def _dotted(raw: bytes) -> str:
    """Dotted form of an OID's content bytes; cached because a certificate repeats the same few dozen OIDs."""
    if not raw or len(raw) > MAX_OID_BYTES:
        raise ValueError("OID of %d bytes" % len(raw))
    arcs: List[int] = []
    value, fresh = 0, True
    for byte in raw:
        if fresh and byte == 0x80:
            raise ValueError("OID arc not minimally encoded")
        value = (value << 7) | (byte & 0x7F)
        fresh = not byte & 0x80
        if fresh:
            if value >= MAX_OID_ARC:
                raise ValueError("OID arc too large")
            arcs.append(value)
            value = 0
    if not fresh:
        raise ValueError("OID ends inside an arc")
    first = arcs[0]
    head = [first // 40, first % 40] if first < 80 else [2, first - 80]
    return ".".join(str(arc) for arc in head + arcs[1:])


def _oid(data: bytes, element: Element, what: str) -> str:
    if element[0] != OBJECT_IDENTIFIER:
        raise ValueError("%s: OBJECT IDENTIFIER expected" % what)
    try:
        return _dotted(data[element[1]:element[2]])
    except ValueError as exc:
        raise ValueError("%s: %s" % (what, exc)) from None


# --- time (RFC 5280 4.1.2.5) --------------------------------------------------------------------------------------

# tag -> (content length, digits of the year); both forms end in "Z" and carry seconds, no fractions.
_TIME_FORMS = {UTC_TIME: (13, 2), GENERALIZED_TIME: (15, 4)}


def _time(data: bytes, element: Element, what: str) -> datetime.datetime:
    """An aware UTC datetime; UTCTime years 50-99 are 1950-1999 and 00-49 are 2000-2049 (RFC 5280)."""
    form = _TIME_FORMS.get(element[0])
    if form is None:
        raise ValueError("%s: UTCTime or GeneralizedTime expected" % what)
    raw = data[element[1]:element[2]]
    size, year_digits = form
    if len(raw) != size or raw[-1:] != b"Z" or not raw[:-1].isdigit():
        raise ValueError("%s: time not in the DER form YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ" % what)
    year = int(raw[:year_digits])
    if year_digits == 2:
        year += 1900 if year >= 50 else 2000
    fields = [int(raw[pos:pos + 2]) for pos in range(year_digits, size - 1, 2)]
    try:
        return datetime.datetime(year, *fields, tzinfo=datetime.timezone.utc)
    except ValueError:
        raise ValueError("%s: no such date or time" % what) from None


# --- names (RFC 5280 4.1.2.4; RFC 4514 string form as cryptography's Name.rfc4514_string()) ---------------------

UNIQUE_IDENTIFIER_OID = "2.5.4.45"
COMMON_NAME_OID = "2.5.4.3"

# cryptography x509/name.py _NAMEOID_TO_NAME: the RFC 4514 short names it prints; any other type is its dotted OID.
RFC4514_NAMES = {"2.5.4.3": "CN", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.6": "C",
                 "2.5.4.9": "STREET", "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID"}

_PRINTABLE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?")


def _decode(raw: bytes, codec: str, type_name: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise ValueError("%s is not valid %s" % (type_name, codec)) from None


def _printable_string(raw: bytes) -> str:
    """rust-asn1 validates PrintableString's alphabet (X.680 41.4) when cryptography loads a name."""
    if not _PRINTABLE.issuperset(raw):
        raise ValueError("PrintableString with a character outside its alphabet")
    return raw.decode("ascii")


def _bit_string_value(raw: bytes) -> bytes:
    """x500UniqueIdentifier: cryptography keeps the raw content (unused-bits octet included) and prints it as hex."""
    return raw


# Attribute value tag -> decoder. cryptography 46 (rust x509/common.rs parse_name_attribute) accepts exactly these
# universal tags: BMPString as UTF-16-BE, UniversalString as UTF-32-BE, BIT STRING as bytes, PrintableString
# checked against its alphabet, and every other one (T61String included) only if its bytes are UTF-8.
ATTRIBUTE_VALUE_DECODERS: Dict[int, Callable[[bytes], object]] = {
    0x03: _bit_string_value,                                          # BIT STRING
    0x04: lambda raw: _decode(raw, "utf-8", "OCTET STRING"),
    0x0C: lambda raw: _decode(raw, "utf-8", "UTF8String"),
    0x12: lambda raw: _decode(raw, "utf-8", "NumericString"),
    0x13: _printable_string,
    0x14: lambda raw: _decode(raw, "utf-8", "TeletexString"),
    0x16: lambda raw: _decode(raw, "utf-8", "IA5String"),
    0x17: lambda raw: _decode(raw, "utf-8", "UTCTime"),
    0x18: lambda raw: _decode(raw, "utf-8", "GeneralizedTime"),
    0x1A: lambda raw: _decode(raw, "utf-8", "VisibleString"),
    0x1C: lambda raw: _decode(raw, "utf-32-be", "UniversalString"),
    0x1E: lambda raw: _decode(raw, "utf-16-be", "BMPString"),
}

# cryptography x509/name.py _escape_dn_value, in its order (the backslash first).
_DN_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("+", "\\+"), (",", "\\,"), (";", "\\;"), ("<", "\\<"), (">", "\\>"),
               ("\0", "\\00"))


def escape_dn_value(value) -> str:
    """One attribute value as RFC 4514 text, exactly as cryptography 46 escapes it (bytes as #hex). That includes
    its quirk for a value of one space, written "\\\\ " (both rules fire); later releases write "\\ "."""
    if not value:
        return ""
    if isinstance(value, bytes):
        return "#" + value.hex()
    for char, replacement in _DN_ESCAPES:
        value = value.replace(char, replacement)
    if value[0] in ("#", " "):
        value = "\\" + value
    if value[-1] == " ":
        value = value[:-1] + "\\ "
    return value


Attribute = Tuple[str, object]  # (dotted OID, str value, or bytes for x500UniqueIdentifier)


class Name:
    """A distinguished name: its RDNs in DER order, each a tuple of (dotted OID, value), and its DER bytes.

    Equality is cryptography's (``Name.__eq__``): RDN by RDN, the attributes of one RDN as a set of (OID, value),
    whatever string type carried the value. That is what chain order and self-signed were decided with before,
    and real chains do write the same issuer once as PrintableString and once as UTF8String; ``der`` is kept for
    callers that want byte equality."""

    __slots__ = ("rdns", "der", "_key")

    def __init__(self, rdns: Tuple[Tuple[Attribute, ...], ...], der: bytes):
        self.rdns, self.der = rdns, der
        self._key = tuple(frozenset(rdn) for rdn in rdns)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Name):
            return NotImplemented
        return self._key == other._key

    def __ne__(self, other) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return "<Name(%s)>" % self.rfc4514_string()

    def rfc4514_string(self) -> str:
        """As ``Name.rfc4514_string()``: RDNs last to first, joined by ",", attributes of one RDN by "+"."""
        return ",".join("+".join("%s=%s" % (RFC4514_NAMES.get(oid, oid), escape_dn_value(value)) for oid, value in rdn)
                        for rdn in reversed(self.rdns))

    def values(self, oid: str) -> List[object]:
        """Every value of one attribute type, in DER order (``Name.get_attributes_for_oid``)."""
        return [value for rdn in self.rdns for attribute_oid, value in rdn if attribute_oid == oid]


def _attribute(data: bytes, element: Element) -> Attribute:
    fields = _fields(data, element, "name attribute")
    oid = _oid(data, fields.take(OBJECT_IDENTIFIER, "type"), "name attribute type")
    tag, start, end = fields.any()
    fields.finish()
    decoder = ATTRIBUTE_VALUE_DECODERS.get(tag)
    if decoder is None:
        raise ValueError("name attribute %s: unsupported value type (tag 0x%x)" % (oid, tag))
    if tag == BIT_STRING and oid != UNIQUE_IDENTIFIER_OID:
        raise ValueError("name attribute %s: BIT STRING is only allowed for x500UniqueIdentifier" % oid)
    return oid, decoder(data[start:end])


def _rdn(data: bytes, element: Element) -> Tuple[Attribute, ...]:
    """One RelativeDistinguishedName: a non-empty SET OF in DER order without duplicate (type, value) pairs."""
    fields = _fields(data, element, "relative distinguished name")
    attributes: List[Attribute] = []
    previous = b""
    while fields.more():
        begin = fields.pos
        attribute = fields.take(SEQUENCE, "attribute")
        encoding = data[begin:attribute[2]]
        if encoding < previous:
            raise ValueError("relative distinguished name: SET OF not in DER order")
        previous = encoding
        attributes.append(_attribute(data, attribute))
    if not attributes:
        raise ValueError("empty relative distinguished name")
    if len(set(attributes)) != len(attributes):
        raise ValueError("duplicate attribute in a relative distinguished name")
    return tuple(attributes)


def _name(data: bytes, header_start: int, element: Element, what: str) -> Name:
    if element[0] != SEQUENCE:
        raise ValueError("%s: Name must be a SEQUENCE" % what)
    fields = _fields(data, element, what)
    rdns = []
    while fields.more():
        rdns.append(_rdn(data, fields.take(SET, "RDN")))
    return Name(tuple(rdns), data[header_start:element[2]])


# --- algorithms ---------------------------------------------------------------------------------------------------

RSASSA_PSS_OID = "1.2.840.113549.1.1.10"
SHA1_OID = "1.3.14.3.2.26"
MGF1_OID = "1.2.840.113549.1.1.8"


class Algorithm(Record):
    """One row of ALGORITHMS: what cryptography calls the OID (``name``), the hash a signature algorithm implies
    (``signature_hash``, as ``signature_hash_algorithm.name``), the hash it names when it appears inside RSASSA-PSS
    parameters (``digest``), and which parameters rust-asn1 lets an AlgorithmIdentifier with this OID carry
    (``params``)."""

    __slots__ = ("name", "signature_hash", "digest", "params")


_UNKNOWN_ALGORITHM = Algorithm(None, None, None, "any")

# Sources: RFC 3279 (RSA/DSA/ECDSA with SHA-1 and MD5, DSA keys), RFC 4055 (SHA-2 with RSA, RSASSA-PSS),
# RFC 5480 and RFC 5758 (EC keys, ECDSA and DSA with SHA-2), RFC 8410 (Ed25519/Ed448/X25519/X448), NIST CSOR
# (SHA-3 signatures). Names are cryptography 46's hazmat/_oid.py _OID_NAMES (None where it has none: the dotted OID
# is shown instead of its "Unknown OID"), signature hashes its _SIG_OIDS_TO_HASH, PSS digests the Rust
# HASH_OIDS_TO_HASH map, and params the AlgorithmParameters enum of cryptography-x509 common.rs:
# "null" absent or NULL, "absent" nothing, "any" one element or nothing, the others parsed below.
ALGORITHMS: Dict[str, Algorithm] = {
    # signature algorithms
    "1.2.840.113549.1.1.4": Algorithm("md5WithRSAEncryption", "md5", None, "any"),
    "1.2.840.113549.1.1.5": Algorithm("sha1WithRSAEncryption", "sha1", None, "null"),
    "1.3.14.3.2.29": Algorithm(None, "sha1", None, "null"),
    "1.2.840.113549.1.1.14": Algorithm("sha224WithRSAEncryption", "sha224", None, "null"),
    "1.2.840.113549.1.1.11": Algorithm("sha256WithRSAEncryption", "sha256", None, "null"),
    "1.2.840.113549.1.1.12": Algorithm("sha384WithRSAEncryption", "sha384", None, "null"),
    "1.2.840.113549.1.1.13": Algorithm("sha512WithRSAEncryption", "sha512", None, "null"),
    "2.16.840.1.101.3.4.3.13": Algorithm(None, "sha3-224", None, "null"),
    "2.16.840.1.101.3.4.3.14": Algorithm(None, "sha3-256", None, "null"),
    "2.16.840.1.101.3.4.3.15": Algorithm(None, "sha3-384", None, "null"),
    "2.16.840.1.101.3.4.3.16": Algorithm(None, "sha3-512", None, "null"),
    RSASSA_PSS_OID: Algorithm("rsassaPss", None, None, "pss"),
    "1.2.840.10045.4.1": Algorithm("ecdsa-with-SHA1", "sha1", None, "any"),
    "1.2.840.10045.4.3.1": Algorithm("ecdsa-with-SHA224", "sha224", None, "null"),
    "1.2.840.10045.4.3.2": Algorithm("ecdsa-with-SHA256", "sha256", None, "null"),
    "1.2.840.10045.4.3.3": Algorithm("ecdsa-with-SHA384", "sha384", None, "null"),
    "1.2.840.10045.4.3.4": Algorithm("ecdsa-with-SHA512", "sha512", None, "null"),
    "2.16.840.1.101.3.4.3.9": Algorithm(None, "sha3-224", None, "absent"),
    "2.16.840.1.101.3.4.3.10": Algorithm(None, "sha3-256", None, "absent"),
    "2.16.840.1.101.3.4.3.11": Algorithm(None, "sha3-384", None, "absent"),
    "2.16.840.1.101.3.4.3.12": Algorithm(None, "sha3-512", None, "absent"),
    "1.2.840.10040.4.3": Algorithm("dsa-with-sha1", "sha1", None, "any"),
    "2.16.840.1.101.3.4.3.1": Algorithm("dsa-with-sha224", "sha224", None, "null"),
    "2.16.840.1.101.3.4.3.2": Algorithm("dsa-with-sha256", "sha256", None, "null"),
    "2.16.840.1.101.3.4.3.3": Algorithm(None, None, None, "null"),
    "2.16.840.1.101.3.4.3.4": Algorithm(None, None, None, "null"),
    "1.3.101.112": Algorithm("ed25519", None, None, "absent"),
    "1.3.101.113": Algorithm("ed448", None, None, "absent"),
    "1.2.643.2.2.3": Algorithm("GOST R 34.11-94 with GOST R 34.10-2001", None, None, "any"),
    "1.2.643.7.1.1.3.2": Algorithm("GOST R 34.10-2012 with GOST R 34.11-2012 (256 bit)", None, None, "any"),
    "1.2.643.7.1.1.3.3": Algorithm("GOST R 34.10-2012 with GOST R 34.11-2012 (512 bit)", None, None, "any"),
    # hash algorithms (inside RSASSA-PSS parameters)
    SHA1_OID: Algorithm("sha1", None, "sha1", "null"),
    "2.16.840.1.101.3.4.2.4": Algorithm("sha224", None, "sha224", "null"),
    "2.16.840.1.101.3.4.2.1": Algorithm("sha256", None, "sha256", "null"),
    "2.16.840.1.101.3.4.2.2": Algorithm("sha384", None, "sha384", "null"),
    "2.16.840.1.101.3.4.2.3": Algorithm("sha512", None, "sha512", "null"),
    "2.16.840.1.101.3.4.2.7": Algorithm("sha3_224", None, "sha3-224", "null"),
    "2.16.840.1.101.3.4.2.8": Algorithm("sha3_256", None, "sha3-256", "null"),
    "2.16.840.1.101.3.4.2.9": Algorithm("sha3_384", None, "sha3-384", "null"),
    "2.16.840.1.101.3.4.2.10": Algorithm("sha3_512", None, "sha3-512", "null"),
    "1.3.6.1.4.1.37476.3.2.1.99.7.224": Algorithm("sha3_224", None, "sha3-224", "any"),
    "1.3.6.1.4.1.37476.3.2.1.99.7.256": Algorithm("sha3_256", None, "sha3-256", "any"),
    "1.3.6.1.4.1.37476.3.2.1.99.7.384": Algorithm("sha3_384", None, "sha3-384", "any"),
    "1.3.6.1.4.1.37476.3.2.1.99.7.512": Algorithm("sha3_512", None, "sha3-512", "any"),
    "1.2.840.113549.2.7": Algorithm(None, None, None, "null"),  # hmacWithSHA1
    "1.2.840.113549.2.9": Algorithm(None, None, None, "null"),  # hmacWithSHA256
    # public key algorithms
    "1.2.840.113549.1.1.1": Algorithm("rsaEncryption", None, None, "null"),
    "1.2.840.10045.2.1": Algorithm("id-ecPublicKey", None, None, "ec"),
    "1.2.840.10040.4.1": Algorithm("dsaEncryption", None, None, "dsa"),
    "1.3.101.110": Algorithm("X25519", None, None, "absent"),
    "1.3.101.111": Algorithm("X448", None, None, "absent"),
    "1.2.840.10046.2.1": Algorithm(None, None, None, "dhx"),  # dhpublicnumber (X9.42)
    "1.2.840.113549.1.3.1": Algorithm(None, None, None, "dh"),  # dhKeyAgreement (PKCS #3)
}


class AlgorithmIdentifier(Record):
    """An AlgorithmIdentifier as read: its OID, whether parameters were present, and what the parameter rule
    extracted (``detail``: the PSS hash OID, the EC curve OID, the DSA prime's bit length)."""

    __slots__ = ("oid", "has_params", "detail")


def _params_any(data: bytes, params: Optional[Element], what: str) -> None:
    return None


def _params_null(data: bytes, params: Optional[Element], what: str) -> None:
    if params is not None:
        _null(data, params, what)


def _params_absent(data: bytes, params: Optional[Element], what: str) -> None:
    if params is not None:
        raise ValueError("%s: parameters not allowed" % what)


def _required_sequence(params: Optional[Element], what: str) -> Element:
    if params is None or params[0] != SEQUENCE:
        raise ValueError("%s: parameter SEQUENCE expected" % what)
    return params


def _params_ec(data: bytes, params: Optional[Element], what: str) -> Optional[str]:
    """ECParameters (RFC 5480 2.1.1): the named curve's OID; implicitCurve/specifiedCurve parse but carry none."""
    if params is None:
        raise ValueError("%s: EC parameters missing" % what)
    if params[0] == OBJECT_IDENTIFIER:
        return _oid(data, params, what)
    if params[0] not in (NULL, SEQUENCE):
        raise ValueError("%s: EC parameters must be a curve OID" % what)
    if params[0] == NULL:
        _null(data, params, what)
    return None


def _unsigned_fields(data: bytes, params: Optional[Element], required: int, what: str) -> Tuple[List[int], _Fields]:
    """Bit lengths of the leading required non-negative INTEGERs of a parameter SEQUENCE."""
    fields = _fields(data, _required_sequence(params, what), what)
    bits = [_unsigned_bits(data, fields.take(INTEGER, "integer"), what) for dummy in range(required)]
    return bits, fields


def _params_dsa(data: bytes, params: Optional[Element], what: str) -> int:
    """Dss-Parms (RFC 3279 2.3.2): p, q, g; the key size is p's bit length."""
    bits, fields = _unsigned_fields(data, params, 3, what)
    fields.finish()
    return bits[0]


def _params_dhx(data: bytes, params: Optional[Element], what: str) -> None:
    """DomainParameters (RFC 3279 2.3.3): p, g, q, optional j and validationParms."""
    dummy, fields = _unsigned_fields(data, params, 3, what)
    element = fields.optional(INTEGER)
    if element is not None:
        _unsigned_bits(data, element, what)
    fields.optional(SEQUENCE)
    fields.finish()


def _params_dh(data: bytes, params: Optional[Element], what: str) -> None:
    """DHParameter (PKCS #3 9): p, g, optional privateValueLength."""
    dummy, fields = _unsigned_fields(data, params, 2, what)
    element = fields.optional(INTEGER)
    if element is not None:
        _small_unsigned(data, element, 1 << 32, what)
    fields.finish()


def _params_pss(data: bytes, params: Optional[Element], what: str) -> Optional[str]:
    """RSASSA-PSS-params (RFC 4055 3.1): the hash algorithm's OID (SHA-1 by default), or None when the parameters
    are absent (cryptography then has no hash). Defaults must not be encoded (DER), the trailer field may be."""
    if params is None:
        return None
    fields = _fields(data, _required_sequence(params, what), what)
    hash_oid = SHA1_OID
    element = fields.optional(_context(0, True))
    if element is not None:
        algorithm = _algorithm(data, _explicit(data, element, SEQUENCE, what), what + " hash")
        if algorithm.oid == SHA1_OID and algorithm.has_params:
            raise ValueError("%s: DEFAULT hash encoded explicitly" % what)
        hash_oid = algorithm.oid
    element = fields.optional(_context(1, True))
    if element is not None:
        _mask_generation(data, _explicit(data, element, SEQUENCE, what), what)
    element = fields.optional(_context(2, True))
    if element is not None and _small_unsigned(data, _explicit(data, element, INTEGER, what), 1 << 16, what) == 20:
        raise ValueError("%s: DEFAULT salt length encoded explicitly" % what)
    element = fields.optional(_context(3, True))
    if element is not None:
        _small_unsigned(data, _explicit(data, element, INTEGER, what), 1 << 8, what)
    fields.finish()
    return hash_oid


def _mask_generation(data: bytes, element: Element, what: str) -> None:
    fields = _fields(data, element, what + " mask generation")
    oid = _oid(data, fields.take(OBJECT_IDENTIFIER, "algorithm"), what)
    algorithm = _algorithm(data, fields.take(SEQUENCE, "hash"), what + " mask generation hash")
    fields.finish()
    if oid == MGF1_OID and algorithm.oid == SHA1_OID and algorithm.has_params:
        raise ValueError("%s: DEFAULT mask generation encoded explicitly" % what)


_PARAMETER_RULES = {"any": _params_any, "null": _params_null, "absent": _params_absent, "ec": _params_ec,
                    "dsa": _params_dsa, "dhx": _params_dhx, "dh": _params_dh, "pss": _params_pss}


def _algorithm(data: bytes, element: Element, what: str) -> AlgorithmIdentifier:
    fields = _fields(data, element, what)
    oid = _oid(data, fields.take(OBJECT_IDENTIFIER, "algorithm"), what)
    params = fields.any() if fields.more() else None
    fields.finish()
    rule = _PARAMETER_RULES[ALGORITHMS.get(oid, _UNKNOWN_ALGORITHM).params]
    return AlgorithmIdentifier(oid, params is not None, rule(data, params, what))


def signature_names(algorithm: AlgorithmIdentifier) -> Tuple[str, Optional[str]]:
    """(name, hash) of a signature algorithm: cryptography's name or the dotted OID, and its hash name or None
    (Ed25519/Ed448, unknown algorithms, PSS without parameters or with a hash cryptography does not know)."""
    row = ALGORITHMS.get(algorithm.oid, _UNKNOWN_ALGORITHM)
    if row.params == "pss":
        digest = ALGORITHMS.get(algorithm.detail, _UNKNOWN_ALGORITHM).digest if algorithm.detail else None
    else:
        digest = row.signature_hash
    return row.name or algorithm.oid, digest


# --- public keys --------------------------------------------------------------------------------------------------

class Curve(Record):
    """A named curve: cryptography's name and ``key_size`` (570 for sect571r1, sic), and the size of one
    coordinate in bits (``field_bits``), which fixes the length of an encoded point."""

    __slots__ = ("name", "key_size", "field_bits")


# Named curves cryptography 46 knows (hazmat/primitives/asymmetric/ec.py _CURVE_TYPES); OIDs from RFC 5480
# (SEC 2 / X9.62) and RFC 5639 (Brainpool). A curve OpenSSL knows but cryptography does not is unsupported there.
CURVES: Dict[str, Curve] = {
    "1.2.840.10045.3.1.1": Curve("secp192r1", 192, 192),
    "1.3.132.0.33": Curve("secp224r1", 224, 224),
    "1.2.840.10045.3.1.7": Curve("secp256r1", 256, 256),
    "1.3.132.0.34": Curve("secp384r1", 384, 384),
    "1.3.132.0.35": Curve("secp521r1", 521, 521),
    "1.3.132.0.10": Curve("secp256k1", 256, 256),
    "1.3.132.0.1": Curve("sect163k1", 163, 163),
    "1.3.132.0.15": Curve("sect163r2", 163, 163),
    "1.3.132.0.26": Curve("sect233k1", 233, 233),
    "1.3.132.0.27": Curve("sect233r1", 233, 233),
    "1.3.132.0.16": Curve("sect283k1", 283, 283),
    "1.3.132.0.17": Curve("sect283r1", 283, 283),
    "1.3.132.0.36": Curve("sect409k1", 409, 409),
    "1.3.132.0.37": Curve("sect409r1", 409, 409),
    "1.3.132.0.38": Curve("sect571k1", 571, 571),
    "1.3.132.0.39": Curve("sect571r1", 570, 571),
    "1.3.36.3.3.2.8.1.1.7": Curve("brainpoolP256r1", 256, 256),
    "1.3.36.3.3.2.8.1.1.11": Curve("brainpoolP384r1", 384, 384),
    "1.3.36.3.3.2.8.1.1.13": Curve("brainpoolP512r1", 512, 512),
}

# X9.62 point encodings: first octet -> number of coordinates that follow (compressed, uncompressed, hybrid).
_POINT_FORMS = {0x02: 1, 0x03: 1, 0x04: 2, 0x06: 2, 0x07: 2}

PublicKey = Tuple[str, int, Optional[str]]  # (key type, key size, curve name)


def _single_unsigned(data: bytes, start: int, end: int, what: str) -> int:
    """Bit length of the one non-negative INTEGER that fills a key BIT STRING (DSA and DH public values)."""
    fields = _Fields(data, start, end, what)
    bits = _unsigned_bits(data, fields.take(INTEGER, "public value"), what)
    fields.finish()
    return bits


def _rsa_key(data: bytes, start: int, end: int, algorithm: AlgorithmIdentifier) -> PublicKey:
    """RSAPublicKey (RFC 8017 A.1.1): the key size is the modulus' bit length."""
    outer = _Fields(data, start, end, "RSA public key")
    fields = _fields(data, outer.take(SEQUENCE, "RSAPublicKey"), "RSA public key")
    outer.finish()
    modulus_bits = _unsigned_bits(data, fields.take(INTEGER, "modulus"), "RSA modulus")
    _unsigned_bits(data, fields.take(INTEGER, "exponent"), "RSA exponent")
    fields.finish()
    return "rsa", modulus_bits, None


def _ec_key(data: bytes, start: int, end: int, algorithm: AlgorithmIdentifier) -> PublicKey:
    if algorithm.detail is None:
        raise ValueError("EC key with explicit parameters (unsupported)")
    curve = CURVES.get(algorithm.detail)
    if curve is None:
        raise ValueError("EC key on unsupported curve %s" % algorithm.detail)
    coordinates = _POINT_FORMS.get(data[start]) if start < end else None
    if coordinates is None or end - start != 1 + coordinates * ((curve.field_bits + 7) // 8):
        raise ValueError("EC point not encoded for %s" % curve.name)
    return "ecdsa", curve.key_size, curve.name


def _dsa_key(data: bytes, start: int, end: int, algorithm: AlgorithmIdentifier) -> PublicKey:
    _single_unsigned(data, start, end, "DSA public key")
    return "dsa", algorithm.detail, None


def _dh_key(data: bytes, start: int, end: int, algorithm: AlgorithmIdentifier) -> PublicKey:
    _single_unsigned(data, start, end, "DH public key")
    return "dhpublickey", 0, None


def _raw_key(key_type: str, key_size: int, length: int) -> Callable[..., PublicKey]:
    """Reader for keys that are a fixed number of raw bytes (RFC 8410)."""
    def read(data: bytes, start: int, end: int, algorithm: AlgorithmIdentifier) -> PublicKey:
        if end - start != length:
            raise ValueError("%s key of %d bytes, expected %d" % (key_type, end - start, length))
        return key_type, key_size, None
    return read


# SubjectPublicKeyInfo algorithm -> reader. Types and sizes are what certificate analysis reported from
# cryptography's key objects: RSA (PKCS #1 and RSASSA-PSS keys) and DSA by bit length, EC by curve, Ed25519 as
# 256 and Ed448 as 456 bits, and the lowercase class name with size 0 for the X25519/X448/DH keys it has no rule
# for. Any other algorithm makes cryptography's public_key() fail, so the certificate is unparsable.
KEY_READERS: Dict[str, Callable[..., PublicKey]] = {
    "1.2.840.113549.1.1.1": _rsa_key,
    RSASSA_PSS_OID: _rsa_key,
    "1.2.840.10045.2.1": _ec_key,
    "1.3.101.112": _raw_key("ed25519", 256, 32),
    "1.3.101.113": _raw_key("ed448", 456, 57),
    "1.3.101.110": _raw_key("x25519publickey", 0, 32),
    "1.3.101.111": _raw_key("x448publickey", 0, 56),
    "1.2.840.10040.4.1": _dsa_key,
    "1.2.840.10046.2.1": _dh_key,
    "1.2.840.113549.1.3.1": _dh_key,
}


def _public_key(data: bytes, element: Element) -> PublicKey:
    fields = _fields(data, element, "subjectPublicKeyInfo")
    algorithm = _algorithm(data, fields.take(SEQUENCE, "algorithm"), "subjectPublicKeyInfo algorithm")
    start, end = _bit_string(data, fields.take(BIT_STRING, "subjectPublicKey"), "subjectPublicKey")
    fields.finish()
    reader = KEY_READERS.get(algorithm.oid)
    if reader is None:
        raise ValueError("unsupported public key algorithm %s" % algorithm.oid)
    return reader(data, start, end, algorithm)


# --- extensions (RFC 5280 4.2) ------------------------------------------------------------------------------------

SUBJECT_ALT_NAME_OID = "2.5.29.17"
BASIC_CONSTRAINTS_OID = "2.5.29.19"


class Extensions(Record):
    """subjectAltName dNSName and iPAddress values, and basicConstraints cA (False when absent)."""

    __slots__ = ("san_dns", "san_ip", "is_ca")


def _utf8_name(kind: str) -> Callable[[bytes, Element], str]:
    """rfc822Name, dNSName, URI: cryptography only requires UTF-8 (not IA5), so neither does this reader."""
    def read(data: bytes, element: Element) -> str:
        return _decode(data[element[1]:element[2]], "utf-8", kind)
    return read


def _ip_address(data: bytes, element: Element) -> str:
    """iPAddress: 4 or 16 bytes an address; 8 or 32 an address and a contiguous mask, shown as a network (what
    cryptography makes of them, name-constraint style, even inside a subjectAltName)."""
    raw = data[element[1]:element[2]]
    try:
        if len(raw) in (4, 16):
            return str(ipaddress.ip_address(raw))
        if len(raw) in (8, 32):
            half = len(raw) // 2
            mask = int.from_bytes(raw[half:], "big")
            prefix = half * 8 - (~mask & ((1 << half * 8) - 1)).bit_length()
            if mask != ((1 << half * 8) - 1) ^ ((1 << (half * 8 - prefix)) - 1):
                raise ValueError("non-contiguous netmask")
            return str(ipaddress.ip_network("%s/%d" % (ipaddress.ip_address(raw[:half]).exploded, prefix)))
    except ValueError as exc:
        raise ValueError("iPAddress: %s" % exc) from None
    raise ValueError("iPAddress of %d bytes" % len(raw))


def _other_name(data: bytes, element: Element) -> None:
    fields = _fields(data, element, "otherName")
    _oid(data, fields.take(OBJECT_IDENTIFIER, "type"), "otherName type")
    _explicit(data, fields.take(_context(0, True), "value"), None, "otherName value")
    fields.finish()


def _directory_name(data: bytes, element: Element) -> None:
    inner = _fields(data, element, "directoryName")
    begin = inner.pos
    _name(data, begin, inner.take(SEQUENCE, "Name"), "directoryName")
    inner.finish()


def _registered_id(data: bytes, element: Element) -> None:
    _oid(data, (OBJECT_IDENTIFIER, element[1], element[2]), "registeredID")


def _unsupported_name(data: bytes, element: Element) -> None:
    raise ValueError("x400Address and ediPartyName are not supported (as in cryptography)")


# GeneralName tag (RFC 5280 4.2.1.6) -> (reader, which list its value goes to). Every alternative is validated
# the way cryptography parses it, because a malformed one made the whole certificate unparsable there.
GENERAL_NAMES = {
    _context(0, True): (_other_name, None),
    _context(1, False): (_utf8_name("rfc822Name"), None),
    _context(2, False): (_utf8_name("dNSName"), "dns"),
    _context(3, True): (_unsupported_name, None),
    _context(4, True): (_directory_name, None),
    _context(5, True): (_unsupported_name, None),
    _context(6, False): (_utf8_name("uniformResourceIdentifier"), None),
    _context(7, False): (_ip_address, "ip"),
    _context(8, False): (_registered_id, None),
}


def _subject_alt_name(data: bytes, start: int, end: int, found: Dict[str, object]) -> None:
    outer = _Fields(data, start, end, "subjectAltName")
    fields = _fields(data, outer.take(SEQUENCE, "GeneralNames"), "subjectAltName")
    outer.finish()
    while fields.more():
        element = fields.any()
        entry = GENERAL_NAMES.get(element[0])
        if entry is None:
            raise ValueError("subjectAltName: unknown GeneralName tag 0x%x" % element[0])
        value = entry[0](data, element)
        if entry[1] is not None:
            found[entry[1]].append(value)


def _basic_constraints(data: bytes, start: int, end: int, found: Dict[str, object]) -> None:
    """cA and pathLenConstraint (RFC 5280 4.2.1.9); a path length without cA is refused, as cryptography does."""
    outer = _Fields(data, start, end, "basicConstraints")
    fields = _fields(data, outer.take(SEQUENCE, "BasicConstraints"), "basicConstraints")
    outer.finish()
    is_ca = _default_true(data, fields.optional(BOOLEAN), "basicConstraints cA")
    path_length = fields.optional(INTEGER)
    fields.finish()
    if path_length is not None:
        _small_unsigned(data, path_length, 1 << 64, "basicConstraints pathLenConstraint")
        if not is_ca:
            raise ValueError("basicConstraints: path length without cA")
    found["ca"] = is_ca


# Extension OID -> reader of its extnValue; every other extension is skipped (its contents are not checked).
EXTENSION_READERS = {SUBJECT_ALT_NAME_OID: _subject_alt_name, BASIC_CONSTRAINTS_OID: _basic_constraints}


def _extensions(data: bytes, element: Optional[Element]) -> Extensions:
    found: Dict[str, object] = {"dns": [], "ip": [], "ca": False}
    if element is None:
        return Extensions([], [], False)
    fields = _fields(data, _explicit(data, element, SEQUENCE, "extensions"), "extensions")
    seen = set()
    while fields.more():
        extension = _fields(data, fields.take(SEQUENCE, "Extension"), "extension")
        oid = _oid(data, extension.take(OBJECT_IDENTIFIER, "extnID"), "extension")
        _default_true(data, extension.optional(BOOLEAN), "extension critical")
        dummy, start, end = extension.take(OCTET_STRING, "extnValue")
        extension.finish()
        if oid in seen:
            raise ValueError("duplicate extension %s" % oid)
        seen.add(oid)
        reader = EXTENSION_READERS.get(oid)
        if reader is not None:
            reader(data, start, end, found)
    return Extensions(found["dns"], found["ip"], found["ca"])


# --- the certificate (RFC 5280 4.1) -------------------------------------------------------------------------------

class Certificate(Record):
    """What certificate analysis reads from one certificate: ``version`` (0 for v1, 2 for v3), ``serial_number``
    (int, may be negative), ``signature_algorithm_oid``, ``signature_algorithm`` (cryptography's name, else the
    dotted OID), ``signature_hash`` (or None), ``issuer`` and ``subject`` (Name), ``not_before`` and ``not_after``
    (aware UTC datetimes), ``key_type``, ``key_size``, ``curve`` (or None), ``san_dns`` and ``san_ip`` (lists of
    str), ``is_ca`` and ``sha256_fingerprint`` (hex)."""

    __slots__ = ("version", "serial_number", "signature_algorithm_oid", "signature_algorithm", "signature_hash",
                 "issuer", "subject", "not_before", "not_after", "key_type", "key_size", "curve", "san_dns",
                 "san_ip", "is_ca", "sha256_fingerprint")


def _version(data: bytes, element: Optional[Element]) -> int:
    """[0] EXPLICIT Version DEFAULT v1: v1 must be left out, and cryptography knows only v1 and v3 (v2 and
    anything else is InvalidVersion there)."""
    if element is None:
        return 0
    version = _small_unsigned(data, _explicit(data, element, INTEGER, "version"), 1 << 8, "version")
    if version == 0:
        raise ValueError("version: DEFAULT v1 encoded explicitly")
    if version != 2:
        raise ValueError("version: %d is not a valid X.509 version" % version)
    return version


def _validity(data: bytes, element: Element) -> Tuple[datetime.datetime, datetime.datetime]:
    fields = _fields(data, element, "validity")
    not_before = _time(data, fields.any(), "notBefore")
    not_after = _time(data, fields.any(), "notAfter")
    fields.finish()
    return not_before, not_after


def read_certificate(der) -> Certificate:
    """One DER certificate -> Certificate. Raises ValueError (with a short reason) for anything else."""
    if not isinstance(der, (bytes, bytearray, memoryview)):
        raise ValueError("certificate must be bytes, not %s" % type(der).__name__)
    data = bytes(der)
    outer = _Fields(data, 0, len(data), "certificate")
    certificate = _fields(data, outer.take(SEQUENCE, "Certificate"), "Certificate")
    outer.finish()
    tbs = _fields(data, certificate.take(SEQUENCE, "tbsCertificate"), "tbsCertificate")
    signature_algorithm = _algorithm(data, certificate.take(SEQUENCE, "signatureAlgorithm"), "signatureAlgorithm")
    _bit_string(data, certificate.take(BIT_STRING, "signatureValue"), "signatureValue")
    certificate.finish()

    version = _version(data, tbs.optional(_context(0, True)))
    serial_number = _integer(data, tbs.take(INTEGER, "serialNumber"), "serialNumber")
    _algorithm(data, tbs.take(SEQUENCE, "signature"), "tbsCertificate signature")
    begin = tbs.pos
    issuer = _name(data, begin, tbs.take(SEQUENCE, "issuer"), "issuer")
    not_before, not_after = _validity(data, tbs.take(SEQUENCE, "validity"))
    begin = tbs.pos
    subject = _name(data, begin, tbs.take(SEQUENCE, "subject"), "subject")
    key_type, key_size, curve = _public_key(data, tbs.take(SEQUENCE, "subjectPublicKeyInfo"))
    for number in (1, 2):  # issuerUniqueID, subjectUniqueID: [n] IMPLICIT BIT STRING
        unique_id = tbs.optional(_context(number, False))
        if unique_id is not None:
            _bit_string(data, unique_id, "unique identifier")
    extensions = _extensions(data, tbs.optional(_context(3, True)))
    tbs.finish()

    name, digest = signature_names(signature_algorithm)
    return Certificate(
        version=version, serial_number=serial_number, signature_algorithm_oid=signature_algorithm.oid,
        signature_algorithm=name, signature_hash=digest, issuer=issuer, subject=subject, not_before=not_before,
        not_after=not_after, key_type=key_type, key_size=key_size, curve=curve, san_dns=extensions.san_dns,
        san_ip=extensions.san_ip, is_ca=extensions.is_ca, sha256_fingerprint=hashlib.sha256(data).hexdigest())
