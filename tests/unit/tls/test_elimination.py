"""Elimination against a modelled server: every accepted suite is found, the pick order is the server's order,
and the connection count is (accepted + 1) per bundle plus one reversed hello -- no second pass for servers whose
suites an ordinary certificate can serve (nginx/OpenSSL "HIGH" lists with ARIA, Camellia and CCM included)."""
from __future__ import annotations

import asyncio
from typing import List, Sequence

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import elimination, iana, wire
from ansible_collections.tlsops.schannel.plugins.module_utils.tls.connection import Exchange

TLS12 = wire.TLS12


class ModelServer:
    """Answers a hello like a TLS 1.2 server with a preference list: server order picks its first offered
    preference, client order the client's first offer it accepts; nothing shared -> handshake_failure."""

    def __init__(self, preference: Sequence[int], server_order: bool = True, prioritize_chacha: bool = False) -> None:
        self.preference = list(preference)
        self.server_order = server_order
        self.prioritize_chacha = prioritize_chacha  # OpenSSL's PrioritizeChaCha (only with server order)
        self.hellos = 0

    async def send(self, version: int, suites: List[int]) -> Exchange:
        self.hellos += 1
        offered = set(suites)
        preference = self.preference
        if self.prioritize_chacha and suites and suites[0] in elimination.CHACHA_CODES:
            preference = [c for c in preference if c in elimination.CHACHA_CODES] + \
                [c for c in preference if c not in elimination.CHACHA_CODES]
        if self.server_order:
            pick = next((c for c in preference if c in offered), None)
        else:
            pick = next((c for c in suites if c in set(self.preference)), None)
        if pick is None:
            return Exchange("alert", wire.ServerFlight(alert=wire.Alert(2, 40)))
        hello = wire.ServerHello(legacy_version=version, version=version, cipher_suite=pick, compression=0,
                                 session_id=b"")
        return Exchange("hello", wire.ServerFlight(server_hello=hello))


def enumerate_with(server: ModelServer) -> elimination.Elimination:
    async def go() -> elimination.Elimination:
        run = await elimination.eliminate(server.send, TLS12, elimination.CANDIDATES_TLS12)
        await elimination.detect_order(server.send, run)
        return run
    return asyncio.run(go())


def openssl_names(*names: str) -> List[int]:
    return [iana.SUITES_BY_OPENSSL_NAME[n].code for n in names]


# nginx with ssl_ciphers HIGH and an RSA certificate serves, among others, these (OpenSSL 3.0 names)
HIGH_RSA = openssl_names(
    "ECDHE-RSA-AES256-GCM-SHA384", "DHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES256-CCM", "ECDHE-ARIA256-GCM-SHA384", "DHE-RSA-ARIA256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-RSA-CAMELLIA256-SHA384", "DHE-RSA-CAMELLIA256-SHA256", "AES256-CCM", "ARIA256-GCM-SHA384",
    "CAMELLIA256-SHA256", "AES256-SHA", "CAMELLIA128-SHA", "DHE-RSA-SEED-SHA")


def test_every_servable_and_client_offered_suite_is_in_the_first_bundle():
    first = set(elimination.bundles(elimination.CANDIDATES_TLS12)[0])
    servable = {s.code for s in iana.ALL_SUITES if elimination.servable(s)}
    assert servable <= first
    assert set(HIGH_RSA) <= first
    assert set(iana.ATS_CODES) <= first
    assert len(elimination.CANDIDATES_TLS12) == len(set(elimination.CANDIDATES_TLS12)) == len(iana.TLS12_CODES)


@pytest.mark.parametrize("server_order", [True, False])
def test_openssl_high_list_is_enumerated_in_one_pass(server_order):
    server = ModelServer(HIGH_RSA, server_order=server_order)
    run = enumerate_with(server)
    assert set(run.accepted) == set(HIGH_RSA)
    if server_order:
        assert run.accepted == HIGH_RSA
    assert run.server_order is server_order
    assert run.bundles_with_hits == 1
    bundles = len(elimination.bundles(elimination.CANDIDATES_TLS12))
    # accepted + 1 in the first bundle, one refused hello per further bundle, one reversed hello, and one more
    # because ChaCha20 is accepted: server order, it is not the server's first choice (ChaCha20 first tells
    # priority); client order, the reversed offer starts with it (ChaCha20 last tells it from priority)
    assert server.hellos == run.exchanges == len(HIGH_RSA) + 1 + (bundles - 1) + 1 + 1
    assert run.order == ("server" if server_order else "client")


def test_psk_suite_in_a_later_bundle_is_still_found_and_ordered():
    """A server that also accepts a PSK suite (outside the first bundle) costs a second pass, but the result is
    still complete and in the server's order."""
    psk = iana.SUITES_BY_NAME["TLS_PSK_WITH_AES_128_GCM_SHA256"].code
    preference = [HIGH_RSA[0], psk, HIGH_RSA[1]]
    server = ModelServer(preference)
    run = enumerate_with(server)
    assert run.accepted == preference
    assert run.bundles_with_hits == 2
    assert run.server_order is True


AES256, AES128, CHACHA = openssl_names("ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
                                       "ECDHE-RSA-CHACHA20-POLY1305")


@pytest.mark.parametrize("preference", [[AES256, AES128, CHACHA], [AES256, CHACHA, AES128]])
def test_chacha_priority_is_its_own_order_and_the_pick_order_stays_the_servers(preference):
    """review-2026-12 §5.1: server order + PrioritizeChaCha was reported as client order (the reversed offer
    starts with ChaCha20 when the server lists it last). One more hello tells them apart."""
    server = ModelServer(preference, server_order=True, prioritize_chacha=True)
    run = enumerate_with(server)
    assert run.accepted == preference  # no elimination hello led with ChaCha20
    assert (run.order, run.server_order) == ("server_chacha_priority", True)
    assert run.exchanges == len(preference) + 1 + 2 + 2  # + refused hellos of the other bundles
    assert server.hellos == run.exchanges


@pytest.mark.parametrize("preference", [[AES256, AES128, CHACHA], [AES256, CHACHA, AES128]])
def test_plain_server_and_client_order_with_chacha_are_not_mistaken_for_priority(preference):
    plain = enumerate_with(ModelServer(preference, server_order=True))
    assert (plain.order, plain.server_order) == ("server", True)
    client = enumerate_with(ModelServer(preference, server_order=False))
    assert (client.order, client.server_order) == ("client", False)


def test_chacha_first_server_needs_no_extra_hello():
    """A server that prefers ChaCha20 anyway behaves the same for every client: nothing to tell apart."""
    server = ModelServer([CHACHA, AES256, AES128], server_order=True, prioritize_chacha=True)
    run = enumerate_with(server)
    assert (run.order, run.accepted) == ("server", [CHACHA, AES256, AES128])
    assert run.exchanges == 3 + 1 + 2 + 1


def test_no_chacha_first_keeps_the_set():
    assert elimination.no_chacha_first([CHACHA, AES256, CHACHA]) == [AES256, CHACHA, CHACHA]
    sm4 = 0x00C6  # unknown to OpenSSL: ChaCha20 right behind it would still count as the client's first
    assert elimination.no_chacha_first([sm4, CHACHA, AES128]) == [sm4, AES128, CHACHA]
    assert elimination.no_chacha_first([CHACHA]) == [CHACHA]
    assert elimination.no_chacha_first([]) == []
