"""The prober's start-up promises (docs/dev/contracts.md): the engine imports nothing outside the standard library
until it analyses a certificate (then cryptography), ``settle_imports`` freezes what the imports made and turns
collection back on, and importing the module file (as tests and ansible-test do) leaves the garbage collector
alone -- only running it as ``__main__`` turns it off."""
from __future__ import annotations

import gc
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

from ansible_collections.tlsops.schannel.plugins.module_utils.tls import probe
from ansible_collections.tlsops.schannel.tests.reliability import hostile_certs


def run_python(code: str) -> dict:
    root = str(Path(probe.__file__).parents[6])  # the folder holding ansible_collections/
    env = dict(os.environ, PYTHONPATH=root)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


NON_STDLIB = ("sorted(t for t in {m.split('.')[0] for m in sys.modules} if t not in sys.stdlib_module_names"
              " and t != 'ansible_collections' and not t.startswith('_'))")


def test_engine_imports_only_the_standard_library_until_a_certificate_is_analysed():
    """Importing the prober and making key shares imports nothing outside the standard library; the first
    certificate analysis imports cryptography (and only then)."""
    der = hostile_certs.hostile_der()
    found = run_python(
        "import sys, json\n"
        "from ansible_collections.tlsops.schannel.plugins.module_utils.tls import probe, policies, simulate\n"
        "from ansible_collections.tlsops.schannel.plugins.module_utils.tls import certificate, wire\n"
        "wire.key_share_for(0x1D); wire.key_share_for(0x17)\n"
        "at_start = %s\n"
        "certificate.describe(bytes.fromhex(%r))\n"
        "after_analysis = %s\n"
        "print(json.dumps({'at_start': at_start, 'after_analysis': after_analysis}))" % (
            NON_STDLIB, der.hex(), NON_STDLIB))
    assert found["at_start"] == []
    assert "cryptography" in found["after_analysis"]


def test_settle_imports_freezes_and_reenables_collection():
    state = run_python(
        "import gc, json\n"
        "gc.disable()\n"
        "from ansible_collections.tlsops.schannel.plugins.module_utils.tls import probe\n"
        "before = gc.get_freeze_count()\n"
        "probe.settle_imports()\n"
        "print(json.dumps({'enabled': gc.isenabled(), 'before': before, 'frozen': gc.get_freeze_count()}))")
    assert state["enabled"] is True
    assert state["before"] == 0
    assert state["frozen"] > 10000  # modules, classes, the suite registry and the client table


def test_importing_the_module_file_leaves_gc_alone():
    assert gc.isenabled()
    importlib.import_module("ansible_collections.tlsops.schannel.plugins.modules.tls_verify")
    assert gc.isenabled()
