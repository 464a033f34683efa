"""Key shares: the pure-Python X25519/X448 and NIST P-256/384/521 public keys equal what ``cryptography`` derives
from the same private scalar (``cryptography`` is the oracle here, not a run-time dependency of the prober)."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x448, x25519
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import keyshare, wire

RAW = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)
POINT = (serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
NIST = {0x0017: ec.SECP256R1, 0x0018: ec.SECP384R1, 0x0019: ec.SECP521R1}


@settings(max_examples=25, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_x25519_matches_cryptography(private):
    expected = x25519.X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(*RAW)
    assert keyshare.public_key(0x001D, private) == expected


@settings(max_examples=10, deadline=None)
@given(st.binary(min_size=56, max_size=56))
def test_x448_matches_cryptography(private):
    expected = x448.X448PrivateKey.from_private_bytes(private).public_key().public_bytes(*RAW)
    assert keyshare.public_key(0x001E, private) == expected


@pytest.mark.parametrize("group", sorted(NIST))
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_nist_curves_match_cryptography(group, data):
    size = keyshare.WEIERSTRASS[group][5]
    private = data.draw(st.binary(min_size=size + 8, max_size=size + 8))
    scalar = int.from_bytes(private, "big") % keyshare.WEIERSTRASS[group][4]
    if scalar == 0:
        with pytest.raises(ValueError):
            keyshare.public_key(group, private)
        return
    expected = ec.derive_private_key(scalar, NIST[group]()).public_key().public_bytes(*POINT)
    assert keyshare.public_key(group, private) == expected


@pytest.mark.parametrize("group", sorted(keyshare.WEIERSTRASS))
def test_curve_constants_describe_a_group_of_order_n(group):
    """(n - 1) * G == -G: the base point is on the curve and n is its order (a wrong digit breaks this)."""
    p, b, gx, gy, n, size = keyshare.WEIERSTRASS[group]
    assert (gy * gy - (gx ** 3 - 3 * gx + b)) % p == 0
    point = keyshare.weierstrass_public(group, n - 1)
    assert point[1:1 + size] == gx.to_bytes(size, "big")
    assert point[1 + size:] == ((-gy) % p).to_bytes(size, "big")


def test_unknown_groups_get_no_share_and_shares_are_fresh_per_process():
    assert keyshare.public_key(0x0100) is None  # ffdhe2048: offered without a share
    assert keyshare.public_key(0x11EC) is None  # X25519MLKEM768
    assert keyshare.public_key(0x001D) != keyshare.public_key(0x001D)
    assert wire.key_share_for(0x001D) == wire.key_share_for(0x001D)  # one per process, reused by every hello
