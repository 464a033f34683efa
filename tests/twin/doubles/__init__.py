"""Python doubles for the PowerShell modules the twin answers, keyed by fully qualified module name.

Each double is ``run(host, args) -> result`` and follows the same contract as its ``.ps1`` (see
``docs/dev/contracts.md``); ``args`` are Ansible's ``complex_args`` including the ``_ansible_*`` keys.
"""
from __future__ import annotations

from . import win_ping, win_regedit, win_schannel, win_schannel_info, win_tls_cipher_suites

MODULES = {
    "ansible.windows.win_ping": win_ping.run,
    "ansible.windows.win_regedit": win_regedit.run,
    "tlsops.schannel.win_schannel_info": win_schannel_info.run,
    "tlsops.schannel.win_schannel": win_schannel.run,
    "tlsops.schannel.win_tls_cipher_suites": win_tls_cipher_suites.run,
}
