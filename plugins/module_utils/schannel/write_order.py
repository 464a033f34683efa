# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The order in which a plan's registry operations are written, chosen so that every prefix is safe.

On a real host every ``SetValue``/``DeleteValue`` takes effect in the registry at once, and the PowerShell process
that writes them can be ended between two writes (a task timeout deletes the WinRM shell, a crash, a quota). Most
Schannel values are read at boot, so a cut followed by a reboot boots into whatever prefix was written. The order
below makes that prefix harmless: **every intermediate state serves at least what both the old and the new state
serve** (the server-side ``(protocol, suite)`` pairs of :func:`effective.effective_state`). An operation that only
adds capability (enables a protocol, a cipher, removes an ``Enabled=0``) is written before any operation that takes
capability away, so the host never passes through a state with fewer shared protocols or suites than both ends.

Operations on overlapping keys (the same key, or a key and its subkeys) keep their relative order, because they do
not commute (``[values absent, key absent]`` must stay in that order); operations on unrelated keys commute, so the
final registry is exactly what the plan's order would give. :func:`prefix_safe_order` also proves the invariant on
every prefix and reports the prefixes where it could not hold (none for the shipped profiles, see
``tests/unit/schannel/test_write_order.py``).
"""
from __future__ import annotations

import dataclasses

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import effective
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.compiler import apply_operations


@dataclasses.dataclass(frozen=True)
class WriteOrder:
    """The operations in write order, and the proof that each prefix keeps what both ends serve."""

    operations: list
    kept: frozenset  # (protocol, suite) pairs both the old and the new state serve: every prefix serves them
    unsafe_prefixes: tuple  # lengths of prefixes that lose one of ``kept`` (empty when the order is safe)

    @property
    def safe(self) -> bool:
        return not self.unsafe_prefixes


def served_pairs(version, dump, local_cipher_suites=None, local_ecc_curves=None) -> frozenset:
    """The ``(protocol, suite)`` pairs the server side negotiates in ``dump``."""
    state = effective.effective_state(version, dump, local_cipher_suites, local_ecc_curves)
    return frozenset((protocol, name) for protocol in state.server_protocols
                     for name in state.suites_names(protocol))


# Keys whose values never change what the server side serves (.NET's and WinHTTP's client settings): an operation
# there needs no effective-state computation (about half of a hardening plan's operations).
_INERT_ROOTS = tuple(k[2].lower() for k in rm.NETFX_KEYS) + tuple(k[1].lower() for k in rm.WINHTTP_KEYS)


def _inert(op) -> bool:
    low = op["path"].lower().rstrip("\\")
    return any(low == root or low.startswith(root + "\\") for root in _INERT_ROOTS)


def _overlap(a: str, b: str) -> bool:
    a, b = a.lower().rstrip("\\"), b.lower().rstrip("\\")
    return a == b or a.startswith(b + "\\") or b.startswith(a + "\\")


def prefix_safe_order(version, dump, operations, local_cipher_suites=None, local_ecc_curves=None) -> WriteOrder:
    """``operations`` reordered so that no prefix serves less than both the old and the new state (see above)."""
    def served(d):
        return served_pairs(version, d, local_cipher_suites, local_ecc_curves)

    before = served(dump or {})
    after = served(apply_operations(dump or {}, operations))
    kept = before & after
    adding, taking = [], []
    for op in operations:
        # An operation that alone takes a pair away from the old state goes last, and so does anything that
        # touches a key an operation already sent last touches (they do not commute).
        if any(_overlap(op["path"], t["path"]) for t in taking) or (
                not _inert(op) and not before <= served(apply_operations(dump or {}, [op]))):
            taking.append(op)
        else:
            adding.append(op)
    ordered = adding + taking
    unsafe, current, now = [], dict(dump or {}), before
    for length, op in enumerate(ordered, start=1):
        current = apply_operations(current, [op])
        if not _inert(op):
            now = served(current)
        if not kept <= now:
            unsafe.append(length)
    return WriteOrder(ordered, kept, tuple(unsafe))
