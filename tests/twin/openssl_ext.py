"""OpenSSL settings Python's ``ssl`` does not expose: the TLS 1.3 suite list, the group (curve) list, DH auto.

Schannel orders TLS 1.3 suites and curves like everything else (2022 does not enable ChaCha20; ``EccCurves``
orders the groups), so the twin sets them on the ``SSL_CTX`` behind an ``ssl.SSLContext`` through ``ctypes``:
``SSL_CTX_set_ciphersuites`` and ``SSL_CTX_ctrl(SSL_CTRL_SET_GROUPS_LIST)`` of the very libssl ``_ssl`` is linked
to (found in ``/proc/self/maps``). The ``SSL_CTX *`` is the first field after ``PyObject_HEAD`` in CPython's
``PySSLContext``. Every call is checked (the TLS 1.3 list is read back with ``get_ciphers()``); when anything does
not fit, the twin keeps OpenSSL's defaults and says so in ``status.json``.
"""
from __future__ import annotations

import ctypes
import ssl

SSL_CTRL_SET_GROUPS_LIST = 92
SSL_CTRL_SET_DH_AUTO = 118
_LIB = None


def _libssl():
    global _LIB  # pylint: disable=global-statement
    if _LIB is None:
        import _ssl  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = [line.split()[-1] for line in maps if "libssl.so" in line]
        if not paths:
            raise OSError("libssl is not mapped into this process")
        lib = ctypes.CDLL(paths[0])
        lib.SSL_CTX_set_ciphersuites.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.SSL_CTX_set_ciphersuites.restype = ctypes.c_int
        lib.SSL_CTX_ctrl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
        lib.SSL_CTX_ctrl.restype = ctypes.c_long
        _LIB = lib
    return _LIB


def _ctx_pointer(ctx: ssl.SSLContext) -> int:
    return ctypes.c_void_p.from_address(id(ctx) + 2 * ctypes.sizeof(ctypes.c_ssize_t)).value


def set_tls13_suites(ctx: ssl.SSLContext, names: list) -> bool:
    """Restrict and order the TLS 1.3 suites; True when OpenSSL took exactly that list."""
    try:
        if _libssl().SSL_CTX_set_ciphersuites(_ctx_pointer(ctx), ":".join(names).encode()) != 1:
            return False
    except (OSError, AttributeError, ValueError):
        return False
    now = [c["name"] for c in ctx.get_ciphers() if c.get("protocol") == "TLSv1.3"]
    return now == list(names)


def set_groups(ctx: ssl.SSLContext, groups: list) -> bool:
    """Restrict and order the key-exchange groups (OpenSSL names such as ``X25519:P-256``)."""
    try:
        buf = ctypes.create_string_buffer(":".join(groups).encode())
        return _libssl().SSL_CTX_ctrl(_ctx_pointer(ctx), SSL_CTRL_SET_GROUPS_LIST, 0, ctypes.cast(buf, ctypes.c_void_p)) == 1
    except (OSError, AttributeError, ValueError):
        return False


def enable_dh_auto(ctx: ssl.SSLContext) -> bool:
    """Let DHE suites work: without DH parameters OpenSSL silently skips every ``TLS_DHE_*`` suite, which Schannel
    serves (2016+ with 2048-bit groups). ``SSL_CTX_set_dh_auto`` picks a built-in group sized to the certificate."""
    try:
        return _libssl().SSL_CTX_ctrl(_ctx_pointer(ctx), SSL_CTRL_SET_DH_AUTO, 1, None) == 1
    except (OSError, AttributeError, ValueError):
        return False
