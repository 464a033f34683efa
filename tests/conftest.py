"""Test-wide setup: make the checkout importable as ``ansible_collections.tlsops.schannel``.

Ansible imports collection code only through the ``ansible_collections`` namespace, so the checkout is linked
into ``.cache/collections/ansible_collections/tlsops/schannel`` (outside any folder that tools walk) and that
root is put first on ``sys.path`` and on ``ANSIBLE_COLLECTIONS_PATH`` for the plays the tests run.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS_ROOT = Path(os.environ.get("TLSOPS_COLLECTIONS_ROOT", REPO_ROOT / ".cache" / "collections"))


def _in_collection_tree() -> bool:
    """True when the checkout already sits at ansible_collections/tlsops/schannel (ansible-test, installed copies)."""
    return [p.name for p in (REPO_ROOT, REPO_ROOT.parent, REPO_ROOT.parent.parent)] == [
        "schannel", "tlsops", "ansible_collections"]


def _link_collection() -> None:
    if _in_collection_tree():
        # ansible-test has set up its collection loader for this very tree; a second root would shadow it
        return
    link = COLLECTIONS_ROOT / "ansible_collections" / "tlsops" / "schannel"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            link.symlink_to(REPO_ROOT, target_is_directory=True)
        except FileExistsError:  # another xdist worker won the race
            pass
    root = str(COLLECTIONS_ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)
    paths = os.environ.get("ANSIBLE_COLLECTIONS_PATH", "")
    if root not in paths.split(os.pathsep):
        os.environ["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join(p for p in (root, paths) if p)


_link_collection()

# Markers live here rather than in pytest.ini so that `ansible-test units`, which brings its own pytest
# configuration, knows them too.
MARKERS = {
    "integration": "starts real local servers (TLS listeners, twins) on 127.0.0.0/8",
    "e2e": "runs ansible-playbook against twins",
    "slow": "takes more than a few seconds",
}


def pytest_configure(config):
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", "%s: %s" % (name, description))


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _tlsops_state_dir(tmp_path, monkeypatch):
    """Each test gets its own controller state folder (plugins/plugin_utils/host_lock.py: host locks and owed
    reboots), so one test's recorded reboot never shows up in another's result; plays a test runs inherit it."""
    monkeypatch.setenv("TLSOPS_STATE_DIR", str(tmp_path.parent / (tmp_path.name + "-tlsops-state")))
