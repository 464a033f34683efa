# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The certificate a plan or a prediction is made for, from what the user or win_schannel_info gives.

Its own small module because both the compiler and the predictor read it, and the predictor must not reach up
into the compiler for it (review §4, "Control flow back and forth").
"""
from __future__ import annotations

import re
from typing import Optional

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError

_ECC_BITS = {"p256": 256, "p384": 384, "p521": 521, "256": 256, "384": 384, "521": 521}


def parse_certificate(value: object, field: str = "certificate_key") -> Optional[dict]:
    """``rsa:2048`` / ``ecdsa:p256`` / a win_schannel_info binding dict -> ``{type, bits, signature_hash}``."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        kind = str(value.get("key_type") or value.get("type") or "").lower()
        bits = value.get("key_size") or value.get("bits")
        sig = value.get("signature_hash")
        if kind not in ("rsa", "ecdsa"):
            raise SchannelInputError(field + ".key_type", "must be rsa or ecdsa (got %r)" % (kind,))
        return {"type": kind, "bits": int(bits) if bits else (2048 if kind == "rsa" else 256),
                "signature_hash": str(sig).lower() if sig else "sha256"}
    text = str(value).strip().lower().replace("-", "")
    match = re.match(r"^(rsa|ecdsa|ecc|ec)(?::(\w+))?(?::(sha\d+|md5))?$", text)
    if not match:
        raise SchannelInputError(field, "%r is not a certificate key; write rsa:2048, rsa:4096, ecdsa:p256 or "
                                 "ecdsa:p384 (optionally :sha1/:sha256 for the signature hash)" % (value,))
    kind = "rsa" if match.group(1) == "rsa" else "ecdsa"
    size = match.group(2)
    if kind == "rsa":
        bits = int(size) if size and size.isdigit() else 2048
        if size and not size.isdigit():
            raise SchannelInputError(field, "RSA key size must be a number of bits, e.g. rsa:2048 (got %r)" % value)
    else:
        if size and size not in _ECC_BITS:
            raise SchannelInputError(field, "ECDSA curve must be p256, p384 or p521 (got %r)" % value)
        bits = _ECC_BITS[size] if size else 256
    return {"type": kind, "bits": bits, "signature_hash": match.group(3) or "sha256"}
