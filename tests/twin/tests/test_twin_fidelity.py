"""The twin against the project's own model: what ``tls_verify``'s prober observes on a twin's IIS port must be
what ``predictor.predict`` says Schannel does with that registry, for every client in the table.

Failures must match by symptom too. That includes the wire detail that a TLS <= 1.2 ClientHello cannot carry the
client's *minimum* version: a client whose minimum is above everything the server enables is answered at the
server's highest version, so when no suite is shared there the client sees Schannel's reset, not an alert.
"""
from __future__ import annotations

import json

import pytest

from tests.twin.knowledge import _load

pytestmark = pytest.mark.integration

SPECS = ("a:2008r2::ios_ats_failure", "b:2019", "c:2022", "d:2016::iis_crypto_best_practices",
         "e:2012r2:ecdsa:p256", "f:2025:sha1", "g:2012:rsa:1024")


def test_prober_observes_what_the_predictor_predicts(start):
    probe = _load("tls.probe")
    predictor, effective = _load("schannel.predictor"), _load("schannel.effective")
    state, doc = start(*SPECS)
    twins = doc["twins"]
    targets = [probe.Target(host=t["address"], port=t["ports"]["https"], sni=n) for n, t in twins.items()]
    results = probe.run(targets, probe.ProbeOptions(validate_certs=False, enumerate_groups=False))
    mismatches = []
    for (name, twin), observed in zip(twins.items(), results):
        registry = json.loads((state / name / "registry.json").read_text())
        cert = json.loads((state / name / "status.json").read_text())["certificate"]
        predicted = predictor.predict(effective.effective_state(twin["version"], registry),
                                      {"type": cert["key_type"], "bits": cert["key_size"],
                                       "signature_hash": cert["signature_hash"]}, None)
        for client, prediction in predicted.items():
            p, o = prediction.as_dict(), observed.clients[client]
            if p["connects"]:
                same = o.connects and (o.protocol, o.cipher_suite) == (p["protocol"], p["cipher_suite"])
            else:
                same = not o.connects and o.symptom == p["symptom"]
            if not same:
                mismatches.append(f"{name} ({twin['version']}) {client}: predicted {p} observed {o}")
    assert not mismatches, "\n".join(mismatches)
