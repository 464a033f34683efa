# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Public keys for the TLS 1.3 ``key_share`` extension, in pure Python.

Why not ``cryptography``: a strict TLS 1.3 server checks that a key share is a valid point (and aborts with
``illegal_parameter`` otherwise), so the prober needs real public keys -- but it never finishes a key exchange,
so it needs nothing else from a crypto library. Importing ``cryptography``'s key classes costs ~25 ms per
process on the build machine, more than generating both keys here (~3 ms), and the prober is measured on its
start-up. The keys are made from ``os.urandom`` scalars; no secret is ever derived from them.

Curve constants (source key ``RFC``): X25519 and X448 from RFC 7748 section 4.1/4.2 and 5; P-256, P-384 and P-521
from SEC 2 v2 section 2.4 (= NIST FIPS 186-4 D.1.2.3-5). ``tests/unit/tls/test_keyshare.py`` checks every
function against ``cryptography`` for the same private scalars.
"""
from __future__ import annotations

import os
from typing import Optional, Tuple

# --- Montgomery curves (RFC 7748): the u coordinate only ---------------------------------------------------------

# group code -> (prime p, a24 = (A - 2) / 4, base point u, key length in bytes, scalar bits)
MONTGOMERY = {
    0x001D: (2 ** 255 - 19, 121665, 9, 32, 255),  # x25519
    0x001E: (2 ** 448 - 2 ** 224 - 1, 39081, 5, 56, 448),  # x448
}


def _clamp(group: int, scalar: bytes) -> int:
    """RFC 7748 section 5 "decodeScalar25519/448": fixed low and high bits make every scalar a multiple of the
    cofactor with a fixed bit length."""
    k = bytearray(scalar)
    if group == 0x001D:
        k[0] &= 248
        k[31] &= 127
        k[31] |= 64
    else:
        k[0] &= 252
        k[55] |= 128
    return int.from_bytes(bytes(k), "little")


def montgomery_ladder(group: int, scalar: bytes, u: Optional[int] = None) -> bytes:
    """RFC 7748 section 5: the X25519/X448 function, scalar * u (the base point when ``u`` is None)."""
    p, a24, base, size, bits = MONTGOMERY[group]
    k = _clamp(group, scalar)
    x1 = base if u is None else u % p
    x2, z2, x3, z3, swap = 1, 0, x1, 1, 0
    for t in range(bits - 1, -1, -1):
        bit = (k >> t) & 1
        if swap ^ bit:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = bit
        a, b = x2 + z2, x2 - z2
        aa, bb = a * a % p, b * b % p
        e = aa - bb
        c, d = x3 + z3, x3 - z3
        da, cb = d * a % p, c * b % p
        x3, z3 = (da + cb) ** 2 % p, x1 * (da - cb) ** 2 % p
        x2, z2 = aa * bb % p, e * (aa + a24 * e) % p
    if swap:
        x2, z2 = x3, z3
    return (x2 * pow(z2, p - 2, p) % p).to_bytes(size, "little")


# --- NIST prime curves y^2 = x^3 - 3x + b (SEC 2 v2 2.4) --------------------------------------------------------

# group code -> (p, b, Gx, Gy, n, coordinate length in bytes)
WEIERSTRASS = {
    0x0017: (  # secp256r1
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
        0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        32),
    0x0018: (  # secp384r1
        2 ** 384 - 2 ** 128 - 2 ** 96 + 2 ** 32 - 1,
        0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
        0xAA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7,
        0x3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
        48),
    0x0019: (  # secp521r1
        2 ** 521 - 1,
        0x0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00,
        0x00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66,
        0x011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650,
        0x01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409,
        66),
}

_Jacobian = Tuple[int, int, int]  # (X, Y, Z) with x = X/Z^2, y = Y/Z^3; Z == 0 is the point at infinity


def _double(pt: _Jacobian, p: int) -> _Jacobian:
    """dbl-2001-b (a = -3), the textbook doubling for these curves."""
    x, y, z = pt
    if not y or not z:
        return (0, 1, 0)
    delta = z * z % p
    gamma = y * y % p
    beta = x * gamma % p
    alpha = 3 * (x - delta) * (x + delta) % p
    x3 = (alpha * alpha - 8 * beta) % p
    z3 = ((y + z) ** 2 - gamma - delta) % p
    y3 = (alpha * (4 * beta - x3) - 8 * gamma * gamma) % p
    return (x3, y3, z3)


def _add(p1: _Jacobian, p2: _Jacobian, p: int) -> _Jacobian:
    """add-2007-bl; falls back to doubling for equal points."""
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    if not z1:
        return p2
    if not z2:
        return p1
    z1z1, z2z2 = z1 * z1 % p, z2 * z2 % p
    u1, u2 = x1 * z2z2 % p, x2 * z1z1 % p
    s1, s2 = y1 * z2 * z2z2 % p, y2 * z1 * z1z1 % p
    h, r = (u2 - u1) % p, 2 * (s2 - s1) % p
    if not h:
        return _double(p1, p) if not r else (0, 1, 0)
    i = 4 * h * h % p
    j = h * i % p
    v = u1 * i % p
    x3 = (r * r - j - 2 * v) % p
    y3 = (r * (v - x3) - 2 * s1 * j) % p
    z3 = ((z1 + z2) ** 2 - z1z1 - z2z2) * h % p
    return (x3, y3, z3)


def weierstrass_public(group: int, scalar: int) -> bytes:
    """scalar * G on a NIST curve, as the uncompressed point TLS sends (0x04 || X || Y, RFC 8446 4.2.8.2)."""
    p, _b, gx, gy, n, size = WEIERSTRASS[group]
    k = scalar % n
    if not k:
        raise ValueError("the private scalar must not be a multiple of the group order")
    acc: _Jacobian = (0, 1, 0)
    for bit in bin(k)[2:]:  # left to right double-and-add; timing does not matter, nothing secret is derived
        acc = _double(acc, p)
        if bit == "1":
            acc = _add(acc, (gx, gy, 1), p)
    x, y, z = acc
    zinv = pow(z, -1, p)
    zinv2 = zinv * zinv % p
    return b"\x04" + (x * zinv2 % p).to_bytes(size, "big") + (y * zinv2 * zinv % p).to_bytes(size, "big")


def public_key(group: int, private: Optional[bytes] = None) -> Optional[bytes]:
    """A fresh public key for ``group`` in its TLS key_share encoding, or None for a group this module cannot make
    (FFDHE, post-quantum hybrids: those are offered without a share and the server asks for one)."""
    if group in MONTGOMERY:
        size = MONTGOMERY[group][3]
        return montgomery_ladder(group, private if private is not None else os.urandom(size))
    if group in WEIERSTRASS:
        size = WEIERSTRASS[group][5]
        raw = private if private is not None else os.urandom(size + 8)  # 64 extra bits: negligible modulo bias
        return weierstrass_public(group, int.from_bytes(raw, "big"))
    return None
