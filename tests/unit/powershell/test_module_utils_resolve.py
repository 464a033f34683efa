# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-core's own PowerShell dependency finder resolves each module's ``#AnsibleRequires`` lines.

``PSModuleDepFinder`` builds the payload ansible-core sends to the host, so a misspelt util name or a util in the
wrong place fails here as it would before any Windows host is contacted. It needs ansible's collection loader,
which is installed process-wide, so it runs in a child Python rather than in the test process.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import COLLECTIONS_ROOT, REPO_ROOT, _in_collection_tree
from tests.unit.powershell import _gate

MODULES = sorted((_gate.PLUGINS / "modules").glob("*.ps1"))
SHARED = "ansible_collections.tlsops.schannel.plugins.module_utils._SchannelRegistry.psm1"
# the folder holding ansible_collections/: the checkout's own tree under ansible-test, else the link conftest made
ROOT = REPO_ROOT.parents[2] if _in_collection_tree() else COLLECTIONS_ROOT
SCAN = r"""
import base64, json, sys
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
_AnsibleCollectionFinder(paths=[sys.argv[1]])._install()
from ansible.executor.powershell.module_manifest import PSModuleDepFinder
finder = PSModuleDepFinder()
try:
    deps = finder.scan_module(sys.stdin.buffer.read(), fqn=sys.argv[2])
    print(json.dumps({"deps": sorted(deps), "exports": [k for k, v in finder.scripts.items()
                                                        if b"Export-ModuleMember" in base64.b64decode(v.script)]}))
except Exception as exc:
    print(json.dumps({"error": str(exc)}))
"""


def _scan(source: bytes, name: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", SCAN, str(ROOT),
                           "ansible_collections.tlsops.schannel.plugins.modules.%s" % name],
                          input=source, capture_output=True, check=True, timeout=60)
    return json.loads(proc.stdout)


@pytest.mark.parametrize("ps1", MODULES, ids=lambda p: p.stem)
def test_the_payload_carries_ansible_basic_and_the_shared_registry_module(ps1):
    found = _scan(ps1.read_bytes(), ps1.stem)
    assert "error" not in found, found
    assert {"Ansible.Basic.cs", SHARED} <= set(found["deps"])
    assert SHARED in found["exports"]


def test_a_misspelt_util_is_refused():
    source = b"#!powershell\n#AnsibleRequires -PowerShell ansible_collections.tlsops.schannel.plugins.module_utils._Nope\n"
    found = _scan(source, "x")
    assert "_Nope" in found.get("error", ""), found
