# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Enumeration by elimination: offer every remaining suite, record the one the server picks, drop it, repeat.

Why: per-suite probing costs one connection per (version, suite) -- sslyze opens ~570 -- while elimination costs
(accepted + 1) per bundle and yields the server's preference order for free (testssl.sh's method, measured at
7-13 connections in scanner-anchors B.2). Bundles stay under 128 suites because some servers fail on longer
lists; the candidate order puts every suite a well-known client offers or a certificate-only server can serve
first, so on real servers everything accepted lands in the first bundle and the pick order is the server's global
order. One extra hello
with the accepted suites reversed tells server order from client order.

ChaCha20: OpenSSL's ``PrioritizeChaCha`` (nginx ``ssl_conf_command Options PrioritizeChaCha``, s_server
``-prioritize_chacha``) makes a server that enforces its own order pick ChaCha20 whenever the client lists a
ChaCha20 suite first (clients without AES hardware do). So no elimination hello starts with a ChaCha20 suite
while another remains (the pick order stays the server's), and the order check spends one more hello where the
answer hinges on it: a reversed offer that starts with ChaCha20 looks like client order on such a server.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Awaitable, Callable, List, Optional, Sequence, Tuple

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import clients, iana, wire
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.connection import Exchange

# testssl.sh: "some servers can't handle a handshake with >= 128 ciphers"; with the renegotiation SCSV a bundle of
# 126 keeps the whole list at 127 entries.
BUNDLE_SIZE = 126
FATAL_OUTCOMES = ("timeout", "http", "garbage", "refused", "unreachable", "sslv2")

HelloSender = Callable[..., Awaitable[Exchange]]


def _strength_key(code: int) -> Tuple[bool, bool, bool, bool, bool, int, bool, int]:
    s = iana.SUITES_BY_CODE[code]
    return (not s.tls13, not s.pfs, not s.aead, s.weak, s.kex not in ("ECDHE", "DHE"), -s.enc_bits,
            s.mac == "SHA1", code)


# What a server can accept with an ordinary certificate and no extra configuration (no PSK, SRP, Kerberos, GOST,
# static DH keys): RSA, DHE or ECDHE key exchange authenticated by RSA, ECDSA or DSS, neither export nor NULL.
# Together with what clients offer these are 121 codes -- one bundle -- so a server configured with OpenSSL's
# "HIGH" (ARIA, Camellia, CCM, SEED ...) or any Schannel list has every accepted suite in the first bundle, and the
# pick order of that bundle is its whole preference order without a second elimination pass (see detect_order).
SERVABLE_KEX = ("RSA", "DHE", "ECDHE")
SERVABLE_AUTH = ("RSA", "ECDSA", "DSS")


def servable(suite: iana.CipherSuite) -> bool:
    return (suite.registered and not suite.tls13 and suite.kex in SERVABLE_KEX and suite.auth in SERVABLE_AUTH
            and not suite.export and not suite.null_cipher)


def candidate_order() -> List[int]:
    """TLS <= 1.2 codes: what well-known clients offer and what a certificate-only server can serve first
    (strongest first), then the rest of the registry (PSK, SRP, export, NULL, anonymous, unregistered codes)."""
    first_set = set(c for c in iana.ATS_CODES)
    for profile in clients.CLIENTS.values():
        first_set.update(c for c in profile.cipher_suites if not iana.SUITES_BY_CODE[c].tls13)
    first_set.update(s.code for s in iana.ALL_SUITES if servable(s))
    first = sorted(first_set, key=_strength_key)
    rest = sorted((c for c in iana.TLS12_CODES if c not in first_set), key=_strength_key)
    return first + rest


CANDIDATES_TLS12 = candidate_order()
CHACHA_CODES = frozenset(s.code for s in iana.ALL_SUITES if s.enc_family.upper().startswith("CHACHA"))
CANDIDATES_TLS13 = sorted(iana.TLS13_CODES, key=_strength_key)


def no_chacha_first(codes: Sequence[int]) -> List[int]:
    """``codes`` with the ChaCha20 suites moved to the end while any other suite remains: a client that lists
    ChaCha20 first changes a PrioritizeChaCha server's pick, and the elimination wants the server's order. To the
    end, not just off the front: OpenSSL looks at the first suite *it knows* (codes it does not, such as SM4 or
    unregistered ones, do not count), so ChaCha20 behind an unknown code still counts as the client's first."""
    others = [c for c in codes if c not in CHACHA_CODES]
    if not others:
        return list(codes)
    return others + [c for c in codes if c in CHACHA_CODES]


def bundles(codes: Sequence[int], size: int = BUNDLE_SIZE) -> List[List[int]]:
    return [list(codes[i:i + size]) for i in range(0, len(codes), size)] or [[]]


@dataclass
class Elimination:
    version: int
    supported: bool = False
    accepted: List[int] = field(default_factory=list)  # pick order
    server_order: Optional[bool] = None
    order: Optional[str] = None  # server / client / server_chacha_priority; None: unknown or < 2 suites
    outcome: str = ""
    detail: str = ""
    fatal: Optional[Exchange] = None
    anomalies: List[str] = field(default_factory=list)
    exchanges: int = 0
    first: Optional[Exchange] = None
    bundles_with_hits: int = 0


def describe_outcome(ex: Exchange) -> str:
    if ex.outcome == "alert" and ex.alert is not None:
        return "alert:" + ex.alert.name
    return ex.outcome


async def eliminate(send: HelloSender, version: int, candidates: Sequence[int]) -> Elimination:
    """Enumerate the suites ``version`` accepts. ``send(version, suites)`` sends one hello."""
    result = Elimination(version=version)
    multi_bundle_hits = 0
    for bundle in bundles(candidates):
        remaining = list(bundle)
        hits = 0
        while remaining:
            ex = await send(version, no_chacha_first(remaining))
            result.exchanges += 1
            result.first = result.first or ex
            if ex.outcome in ("hello", "hrr"):
                hello = ex.server_hello
                if hello.version != version:
                    # the server answered with another version: it does not speak this one
                    result.outcome = "downgrade:%s" % wire.VERSION_NAMES.get(hello.version, hex(hello.version))
                    result.detail = "server answered a %s hello with %s" % (
                        wire.VERSION_NAMES[version], wire.VERSION_NAMES.get(hello.version, hex(hello.version)))
                    result.supported = bool(result.accepted)
                    return _finish(result, multi_bundle_hits)
                if hello.cipher_suite not in remaining:
                    result.anomalies.append("server selected %s, which was not offered" %
                                            iana.suite_name(hello.cipher_suite))
                    break
                result.accepted.append(hello.cipher_suite)
                remaining.remove(hello.cipher_suite)
                hits += 1
                continue
            result.outcome = describe_outcome(ex)
            result.detail = ex.detail
            if ex.outcome in FATAL_OUTCOMES:
                result.fatal = ex
                result.supported = bool(result.accepted)
                return _finish(result, multi_bundle_hits)
            if ex.outcome == "alert" and ex.alert is not None and ex.alert.description == 70 \
                    and not result.accepted:
                return _finish(result, multi_bundle_hits)  # protocol_version: this version is off
            break
        if hits:
            multi_bundle_hits += 1
    result.supported = bool(result.accepted)
    return _finish(result, multi_bundle_hits)


def _finish(result: Elimination, bundles_with_hits: int) -> Elimination:
    result.supported = bool(result.accepted)
    result.bundles_with_hits = bundles_with_hits
    return result


async def detect_order(send: HelloSender, result: Elimination) -> None:
    """When hits came from several bundles, first one elimination over the accepted suites alone, so the pick
    order covers all of them; then one reversed hello: the server's first pick again = server order, our first
    offer = client order. Where ChaCha20 decides the answer, one more hello (see the module docstring):

    * reversed offer answered with its leading ChaCha20 suite: offer the reversed list with ChaCha20 last; the
      server's own first pick = server order with ChaCha20 priority, our first offer = client order;
    * server order and a ChaCha20 suite that is not the server's first: offer ChaCha20 first and the rest in the
      server's order; a ChaCha20 pick = ChaCha20 priority.
    """
    if len(result.accepted) < 2:
        return
    if result.bundles_with_hits > 1:
        ordered: List[int] = []
        remaining = list(result.accepted)
        while remaining:
            ex = await send(result.version, no_chacha_first(remaining))
            result.exchanges += 1
            if ex.outcome not in ("hello", "hrr") or ex.server_hello.cipher_suite not in remaining:
                break
            ordered.append(ex.server_hello.cipher_suite)
            remaining.remove(ex.server_hello.cipher_suite)
        if remaining:
            return  # the server changed its mind between connections: leave the order unknown
        result.accepted = ordered
    accepted = result.accepted
    pick = await _pick(send, result, list(reversed(accepted)))
    if pick is None:
        return
    chacha = [c for c in accepted if c in CHACHA_CODES]
    others = [c for c in accepted if c not in CHACHA_CODES]
    if pick == accepted[0]:
        result.server_order, result.order = True, "server"
        if chacha and accepted[0] not in CHACHA_CODES:
            second = await _pick(send, result, chacha + others)  # only known codes: ChaCha20 is the first
            if second in CHACHA_CODES:
                result.order = "server_chacha_priority"
    elif pick == accepted[-1]:
        result.server_order, result.order = False, "client"
        if pick in CHACHA_CODES and len(others) >= 2:
            offer = [c for c in reversed(accepted) if c not in CHACHA_CODES] + chacha
            second = await _pick(send, result, offer)
            if second == accepted[0]:
                result.server_order, result.order = True, "server_chacha_priority"
            elif second != offer[0]:
                result.server_order, result.order = None, None
                result.anomalies.append("neither server nor client order (offer without ChaCha20 first picked %s)"
                                        % iana.suite_name(second) if second is not None else "no answer")
    else:
        result.server_order = None
        result.anomalies.append("neither server nor client order (reversed offer picked %s): the server may "
                                "group suites of equal preference" % iana.suite_name(pick))


async def _pick(send: HelloSender, result: Elimination, offer: List[int]) -> Optional[int]:
    ex = await send(result.version, offer)
    result.exchanges += 1
    if ex.outcome not in ("hello", "hrr") or ex.server_hello.version != result.version:
        return None
    return ex.server_hello.cipher_suite


async def eliminate_groups_tls13(send_groups: Callable[[List[int]], Awaitable[Exchange]],
                                 candidates: Sequence[int]) -> List[int]:
    """TLS 1.3: offer groups with an *empty* key_share; the server must answer HelloRetryRequest naming the group
    it selects from those offered, which needs no key material at all."""
    found: List[int] = []
    remaining = list(candidates)
    while remaining:
        ex = await send_groups(remaining)
        if ex.outcome not in ("hello", "hrr") or ex.server_hello.selected_group is None:
            break
        group = ex.server_hello.selected_group
        if group not in remaining:
            break
        found.append(group)
        remaining.remove(group)
    return found


async def eliminate_groups_tls12(send_groups: Callable[[List[int]], Awaitable[Exchange]],
                                 candidates: Sequence[int]) -> List[int]:
    """TLS 1.2: offer only accepted ECDHE suites; the curve is named in the ServerKeyExchange."""
    found: List[int] = []
    remaining = list(candidates)
    while remaining:
        ex = await send_groups(remaining)
        if ex.outcome != "hello" or ex.flight is None or ex.flight.key_exchange is None:
            break
        group = ex.flight.key_exchange.named_group
        if group is None or group not in remaining:
            break
        found.append(group)
        remaining.remove(group)
    return found
