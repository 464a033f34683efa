"""Fuzzing certificate analysis: mutated and truncated DER, and random chains.

Contract (``plugins/module_utils/tls/certificate.py``): ``describe`` returns a CertificateInfo or raises ValueError;
``analyse_chain`` never raises for bad certificates (it lists them as unparsable); every string in the result is
printable and bounded, whatever the certificate says.
"""
from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import certificate
from ansible_collections.tlsops.schannel.tests.unit.tls import byte_mutations
from tests.reliability import hostile_certs
from tests.reliability.conftest import fuzz_settings

SEED = hostile_certs.hostile_der()


def mutated_der():
    return byte_mutations.mutated([SEED], max_edits=8)


def _printable(text):
    return not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text)


@fuzz_settings(250)
@given(mutated_der())
@example(SEED[:100])
@example(SEED.replace(b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x03", 1))  # regression: InvalidVersion escaped
@example(b"")
@example(SEED.replace(b"\x06\x03U\x04\x03\x0c", b"\x06\x03U\x04\x03\x0d", 1))  # regression: KeyError, string tag 13
def test_fuzz_describe_raises_only_value_error(der):
    try:
        info = certificate.describe(der)
    except ValueError:
        return
    for text in [info.subject, info.issuer] + list(info.san_dns):
        assert _printable(text) and len(text) < 1100


@fuzz_settings(40)
@given(st.lists(st.one_of(mutated_der(), st.binary(max_size=50), st.just(SEED)), max_size=4),
       st.sampled_from([None, "localhost", "127.0.0.1", "*.example", "", "\x00", "a" * 300]))
def test_fuzz_analyse_chain_never_raises(chain, hostname):
    result = certificate.analyse_chain(chain, "tls12-raw", hostname)
    assert result.chain_length == len(result.chain) <= len(chain)


def test_hostile_names_come_out_printable_and_bounded():
    info = certificate.describe(hostile_certs.megabyte_der())
    assert len(info.subject) < 1100 and "more characters" in info.subject
    assert _printable(info.subject) and all(_printable(s) for s in info.san_dns)
    assert "\\x1b" in certificate.describe(hostile_certs.hostile_der()).subject  # shown, not executed
