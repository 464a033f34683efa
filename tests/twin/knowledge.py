"""Access to the collection's knowledge engine (Windows versions, suite catalogue, effective state, IANA table).

The twin holds no Windows defaults of its own: what a stock 2008 R2 serves is whatever
``plugins/module_utils/schannel`` says, so the twin and the predictor can only disagree where Python's ``ssl``
cannot do what Schannel does. Imports go through ``ansible_collections.tlsops.schannel`` exactly as in the tests
(the checkout is linked under ``.cache/collections``), and are lazy so the WinRM transport works without them.
"""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
_PREFIX = "ansible_collections.tlsops.schannel.plugins.module_utils."


def _ensure_importable() -> None:
    root = Path(os.environ.get("TLSOPS_COLLECTIONS_ROOT", REPO_ROOT / ".cache" / "collections"))
    link = root / "ansible_collections" / "tlsops" / "schannel"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            link.symlink_to(REPO_ROOT, target_is_directory=True)
        except FileExistsError:
            pass
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))


def _load(name: str):
    _ensure_importable()
    return importlib.import_module(_PREFIX + name)


def versions():
    return _load("schannel.versions")


def catalogue():
    return _load("schannel.catalogue")


def effective():
    return _load("schannel.effective")


def iana():
    return _load("tls.iana")


def available() -> dict:
    """Which parts of the engine import; the README and the tests use this to say what is skipped."""
    parts = {}
    for name in ("schannel.versions", "schannel.catalogue", "schannel.effective", "tls.iana"):
        try:
            _load(name)
            parts[name] = True
        except Exception:  # ImportError or an engine still being written
            parts[name] = False
    return parts
