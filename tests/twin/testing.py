"""Helpers for tests that drive twins: run ansible against a state dir, read a twin's status, build a hello."""
from __future__ import annotations

import json
import os
import ssl
import subprocess
import warnings
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV", REPO_ROOT / ".venv")) / "bin"


def ansible(state_dir, *args, playbook=False, check=True) -> subprocess.CompletedProcess:
    """Run ``ansible``/``ansible-playbook`` against ``state_dir/inventory.yml`` with the collection resolvable."""
    env = dict(os.environ, ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="json"
               if playbook else "default", ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_FORKS="20",
               ANSIBLE_DEPRECATION_WARNINGS="False")
    tool = "ansible-playbook" if playbook else "ansible"
    binary = VENV_BIN / tool
    cmd = [str(binary) if binary.exists() else tool, "-i", str(Path(state_dir) / "inventory.yml"), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} -> rc {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def status(state_dir, name) -> dict:
    return json.loads((Path(state_dir) / name / "status.json").read_text())


def client_hello(**ctx_settings) -> bytes:
    """The ClientHello an ``ssl`` client with these settings sends, as raw bytes (no socket involved)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    for key, value in ctx_settings.items():
        if key == "ciphers":
            ctx.set_ciphers(value)
        else:
            with warnings.catch_warnings():  # TLS 1.0 clients are the point of some tests
                warnings.simplefilter("ignore", DeprecationWarning)
                setattr(ctx, key, value)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    conn = ctx.wrap_bio(incoming, outgoing, server_hostname="twin")
    try:
        conn.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()
