# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception the knowledge engine raises for bad input.

Action plugins catch it and turn it into ``failed: true, msg: ...`` before any host is touched, so the
message must stand on its own: name the offending input (``field``, a dotted path such as
``overrides.cipher_suites.set[2]``) and say how to fix it.
"""
from __future__ import annotations


class SchannelInputError(ValueError):
    """Invalid user input; ``field`` is the dotted path of the offending input."""

    def __init__(self, field, message):
        self.field = field
        self.message = message
        super(SchannelInputError, self).__init__("%s: %s" % (field, message) if field else message)
