# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's error base for bad input, and the one subclass the knowledge engine raises.

Action plugins catch ``SchannelError`` and turn it into ``failed: true, msg: ...`` before any host is touched, so
the message must stand on its own: name the offending input (``field``, a dotted path such as
``overrides.cipher_suites.set[2]``) and say how to fix it. The subclasses say where the input was refused:
``SchannelInputError`` (settings, profiles, overrides: the knowledge engine), ``_regops.OperationError``
(registry operations before they travel) and ``_regfile.RegFileError`` (a ``.reg`` backup read back).
"""
from __future__ import annotations

from typing import Optional


class SchannelError(ValueError):
    """Input that must not reach a host; ``field`` is the dotted path of the offending input (or None)."""

    def __init__(self, field: Optional[str], message: str) -> None:
        self.field = field
        self.message = message
        super().__init__("%s: %s" % (field, message) if field else message)


class SchannelInputError(SchannelError):
    """Invalid settings, profile or overrides."""
