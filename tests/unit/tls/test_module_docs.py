"""tls_verify's RETURN documents every field the result dataclasses produce, and its option choices match the
policy and client tables (so the docs cannot drift from the code)."""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import yaml

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import clients, policies, results

MODULE = Path(__file__).resolve().parents[3] / "plugins" / "modules" / "tls_verify.py"


def _docs():
    tree = ast.parse(MODULE.read_text())
    return {n.targets[0].id: yaml.safe_load(n.value.value) for n in tree.body
            if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") in ("DOCUMENTATION", "RETURN", "EXAMPLES")}


def _fields(cls):
    return {f.name for f in dataclasses.fields(cls)}


def test_return_documents_every_result_field():
    ret = _docs()["RETURN"]["results"]["contains"]
    assert set(ret) == _fields(results.TargetResult) | {"supported_protocols"}
    assert set(ret["protocols"]["contains"]) == _fields(results.ProtocolResult)
    assert set(ret["certificate"]["contains"]) == _fields(results.CertificateResult)
    assert set(ret["certificate"]["contains"]["chain"]["contains"]) == _fields(results.CertificateInfo)
    assert set(ret["clients"]["contains"]) == _fields(results.ClientResult)
    assert set(ret["policies"]["contains"]) == _fields(results.PolicyResult)
    assert set(ret["policies"]["contains"]["violations"]["contains"]) == _fields(results.Violation)
    assert set(ret["findings"]["contains"]) == _fields(results.ProbeFinding)
    assert set(ret["key_exchange"]["contains"]) == _fields(results.KeyExchangeSize)
    assert set(ret["sni_check"]["contains"]) == _fields(results.SniResult)
    assert set(ret["client_certificate"]["contains"]) == _fields(results.ClientCertificateResult)


def test_option_choices_match_tables():
    opts = _docs()["DOCUMENTATION"]["options"]
    assert sorted(opts["assert"]["choices"]) == sorted(policies.POLICIES)
    assert sorted(opts["report"]["choices"]) == sorted(policies.POLICIES)
    assert sorted(opts["clients"]["choices"]) == sorted(clients.CLIENTS)
