# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which cipher suites each Windows Server version's Schannel supports, under which names, in which order.

Two tables hold the Windows facts; everything else is derived from them:

* ``_BASE``: the 52 distinct suites of the master matrix (facts §4.2): base name, code point, OpenSSL name and
  the protocol versions Microsoft's pages list for the suite.
* ``_VERSION_LISTS``: each version's default order and its "supported, not enabled by default" list, verbatim
  from the Microsoft page for that version (facts §4.3).  Names carry the ``_P256``/``_P384``/``_P521`` curve
  suffix on 2008 R2-2012 R2, because those releases pick the ECDHE curve from the suite name.

IANA properties (key exchange, authentication, bulk cipher, MAC, AEAD, forward secrecy, RFC 7540 Appendix A,
Apple ATS) are not repeated here: they come from the prober's IANA registry
(``plugins/module_utils/tls/iana.py``), looked up by code point (SSLv2 3-byte codes included).  Note that
iana.py applies the Appendix A *rule*, so the three unregistered ``EXPORT1024`` suites (facts §4.2: "not listed")
count as HTTP/2-prohibited too -- they are non-AEAD, which is what the rule is about.

What *is* Windows-specific and therefore here: which registry key under ``SCHANNEL\\Ciphers``,
``Hashes`` and ``KeyExchangeAlgorithms`` each suite depends on (facts §1.1), so that a disabled cipher,
hash or key exchange can remove the suites that use it.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.module_utils.tls import iana
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.versions import (
    VERSION_KEYS,
    WINDOWS_VERSIONS,
    at_least,
    resolve_windows_version,
)

# Versions that name ECDHE suites with a curve suffix (facts §4.1: W32-CS7/8/81; W32-CS).
SUFFIX_VERSIONS = ("2008r2", "2012", "2012r2")
CURVE_SUFFIXES = ("P256", "P384", "P521")
# Windows curve names (W32-ECC-1607) for each suffix.
SUFFIX_TO_CURVE = {"P256": "NistP256", "P384": "NistP384", "P521": "NistP521"}
CURVE_TO_SUFFIX = dict((v, k) for k, v in SUFFIX_TO_CURVE.items())

# Source: facts §4.2 master matrix (W32-CS7/8/81/1607/1809/2022/2025; IANA hex and OpenSSL names from TESTSSL).
# (base name, code point, OpenSSL name, protocol versions as listed by Microsoft)
_T13 = ("TLS 1.3",)
_T12 = ("TLS 1.2",)
_T10 = ("TLS 1.2", "TLS 1.1", "TLS 1.0")
_S30 = ("TLS 1.2", "TLS 1.1", "TLS 1.0", "SSL 3.0")
_S20 = ("SSL 2.0",)
_BASE = (
    ("TLS_AES_128_GCM_SHA256", 0x1301, "TLS_AES_128_GCM_SHA256", _T13),
    ("TLS_AES_256_GCM_SHA384", 0x1302, "TLS_AES_256_GCM_SHA384", _T13),
    ("TLS_CHACHA20_POLY1305_SHA256", 0x1303, "TLS_CHACHA20_POLY1305_SHA256", _T13),
    ("TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", 0x0063, "EXP1024-DHE-DSS-DES-CBC-SHA", _S30),
    ("TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", 0x0013, "EDH-DSS-DES-CBC3-SHA", _S30),
    ("TLS_DHE_DSS_WITH_AES_128_CBC_SHA", 0x0032, "DHE-DSS-AES128-SHA", _T10),
    ("TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", 0x0040, "DHE-DSS-AES128-SHA256", _T12),
    ("TLS_DHE_DSS_WITH_AES_256_CBC_SHA", 0x0038, "DHE-DSS-AES256-SHA", _T10),
    ("TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", 0x006A, "DHE-DSS-AES256-SHA256", _T12),
    ("TLS_DHE_DSS_WITH_DES_CBC_SHA", 0x0012, "EDH-DSS-DES-CBC-SHA", _S30),
    ("TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 0x0033, "DHE-RSA-AES128-SHA", _T10),
    ("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009E, "DHE-RSA-AES128-GCM-SHA256", _T12),
    ("TLS_DHE_RSA_WITH_AES_256_CBC_SHA", 0x0039, "DHE-RSA-AES256-SHA", _T10),
    ("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0x009F, "DHE-RSA-AES256-GCM-SHA384", _T12),
    ("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xC009, "ECDHE-ECDSA-AES128-SHA", _T10),
    ("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xC023, "ECDHE-ECDSA-AES128-SHA256", _T12),
    ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xC02B, "ECDHE-ECDSA-AES128-GCM-SHA256", _T12),
    ("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 0xC00A, "ECDHE-ECDSA-AES256-SHA", _T10),
    ("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 0xC024, "ECDHE-ECDSA-AES256-SHA384", _T12),
    ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xC02C, "ECDHE-ECDSA-AES256-GCM-SHA384", _T12),
    ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xC013, "ECDHE-RSA-AES128-SHA", _T10),
    ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xC027, "ECDHE-RSA-AES128-SHA256", _T12),
    ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xC02F, "ECDHE-RSA-AES128-GCM-SHA256", _T12),
    ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 0xC014, "ECDHE-RSA-AES256-SHA", _T10),
    ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0xC028, "ECDHE-RSA-AES256-SHA384", _T12),
    ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xC030, "ECDHE-RSA-AES256-GCM-SHA384", _T12),
    ("TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", 0x0062, "EXP1024-DES-CBC-SHA", _S30),
    ("TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", 0x0064, "EXP1024-RC4-SHA", _S30),
    ("TLS_RSA_EXPORT_WITH_RC4_40_MD5", 0x0003, "EXP-RC4-MD5", _S30),
    ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x000A, "DES-CBC3-SHA", _T10),
    ("TLS_RSA_WITH_AES_128_CBC_SHA", 0x002F, "AES128-SHA", _T10),
    ("TLS_RSA_WITH_AES_128_CBC_SHA256", 0x003C, "AES128-SHA256", _T12),
    ("TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009C, "AES128-GCM-SHA256", _T12),
    ("TLS_RSA_WITH_AES_256_CBC_SHA", 0x0035, "AES256-SHA", _T10),
    ("TLS_RSA_WITH_AES_256_CBC_SHA256", 0x003D, "AES256-SHA256", _T12),
    ("TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009D, "AES256-GCM-SHA384", _T12),
    ("TLS_RSA_WITH_DES_CBC_SHA", 0x0009, "DES-CBC-SHA", _S30),
    ("TLS_RSA_WITH_NULL_MD5", 0x0001, "NULL-MD5", _S30),
    ("TLS_RSA_WITH_NULL_SHA", 0x0002, "NULL-SHA", _S30),
    ("TLS_RSA_WITH_NULL_SHA256", 0x003B, "NULL-SHA256", _T12),
    ("TLS_RSA_WITH_RC4_128_MD5", 0x0004, "RC4-MD5", _S30),
    ("TLS_RSA_WITH_RC4_128_SHA", 0x0005, "RC4-SHA", _S30),
    ("TLS_PSK_WITH_AES_128_CBC_SHA256", 0x00AE, "PSK-AES128-CBC-SHA256", _T12),
    ("TLS_PSK_WITH_AES_128_GCM_SHA256", 0x00A8, "PSK-AES128-GCM-SHA256", _T12),
    ("TLS_PSK_WITH_AES_256_CBC_SHA384", 0x00AF, "PSK-AES256-CBC-SHA384", _T12),
    ("TLS_PSK_WITH_AES_256_GCM_SHA384", 0x00A9, "PSK-AES256-GCM-SHA384", _T12),
    ("TLS_PSK_WITH_NULL_SHA256", 0x00B0, "PSK-NULL-SHA256", _T12),
    ("TLS_PSK_WITH_NULL_SHA384", 0x00B1, "PSK-NULL-SHA384", _T12),
    ("SSL_CK_DES_192_EDE3_CBC_WITH_MD5", 0x0700C0, "DES-CBC3-MD5", _S20),
    ("SSL_CK_DES_64_CBC_WITH_MD5", 0x060040, "DES-CBC-MD5", _S20),
    ("SSL_CK_RC4_128_EXPORT40_WITH_MD5", 0x020080, "EXP-RC4-MD5", _S20),
    ("SSL_CK_RC4_128_WITH_MD5", 0x010080, "RC4-MD5", _S20),
)

# Source: facts §4.2 "PSK" cells: listed on 2016+ but used only when the application asks for
# SCH_USE_PRESHAREDKEY_ONLY (W32-CS1607+); not part of any default or "not enabled" list of §4.3.
_PSK_FROM = "2016"
# Source: facts §4.2 "N*": TLS_RSA_WITH_NULL_MD5 is application-request-only on 2016+ although §4.3 lists it
# plainly; every "*" in the §4.3 default lists marks the same.
_REQUEST_ONLY_NOT_DEFAULT = dict((v, ("TLS_RSA_WITH_NULL_MD5",)) for v in VERSION_KEYS if at_least(v, "2016"))

# Source: facts §4.3 verbatim per version (W32-CS7 2008r2, W32-CS8 2012, W32-CS81 2012r2, W32-CS1607 2016,
# W32-CS1809 2019, W32-CS2022 2022, W32-CS2025 2025). "*" = only used when the application explicitly requests it.
# version -> (default order, supported but not enabled by default)
_VERSION_LISTS = {
    '2008r2': (
        # default order
        (
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384',
            'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
            'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA256',
            'TLS_RSA_WITH_AES_128_CBC_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA',
            'TLS_RSA_WITH_AES_128_CBC_SHA',
            'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
            'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA',
            'TLS_RSA_WITH_RC4_128_SHA',
            'TLS_RSA_WITH_RC4_128_MD5',
            'TLS_RSA_WITH_NULL_SHA256*',
            'TLS_RSA_WITH_NULL_SHA*',
            'SSL_CK_RC4_128_WITH_MD5*',
            'SSL_CK_DES_192_EDE3_CBC_WITH_MD5*',
        ),
        # supported, not enabled by default
        (
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P521',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P521',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P521',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P521',
            'TLS_RSA_WITH_DES_CBC_SHA',
            'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA',
            'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA',
            'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
            'TLS_RSA_WITH_NULL_MD5',
            'TLS_DHE_DSS_WITH_DES_CBC_SHA',
            'TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA',
            'SSL_CK_DES_64_CBC_WITH_MD5',
            'SSL_CK_RC4_128_EXPORT40_WITH_MD5',
        ),
    ),
    '2012': (
        # default order
        (
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384',
            'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA256',
            'TLS_RSA_WITH_AES_128_CBC_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA',
            'TLS_RSA_WITH_AES_128_CBC_SHA',
            'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
            'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA',
            'TLS_RSA_WITH_RC4_128_SHA',
            'TLS_RSA_WITH_RC4_128_MD5',
            'TLS_RSA_WITH_NULL_SHA256*',
            'TLS_RSA_WITH_NULL_SHA*',
            'SSL_CK_RC4_128_WITH_MD5*',
            'SSL_CK_DES_192_EDE3_CBC_WITH_MD5*',
        ),
        # supported, not enabled by default
        (
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P521',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P521',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P521',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P521',
            'TLS_RSA_WITH_DES_CBC_SHA',
            'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA',
            'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA',
            'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
            'TLS_RSA_WITH_NULL_MD5',
            'TLS_DHE_DSS_WITH_DES_CBC_SHA',
            'TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA',
            'SSL_CK_DES_64_CBC_WITH_MD5',
            'SSL_CK_RC4_128_EXPORT40_WITH_MD5',
        ),
    ),
    '2012r2': (
        # default order
        (
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384',
            'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
            'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA256',
            'TLS_RSA_WITH_AES_128_CBC_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA',
            'TLS_RSA_WITH_AES_128_CBC_SHA',
            'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
            'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA',
            'TLS_RSA_WITH_RC4_128_SHA',
            'TLS_RSA_WITH_RC4_128_MD5',
            'TLS_RSA_WITH_NULL_SHA256*',
            'TLS_RSA_WITH_NULL_SHA*',
            'SSL_CK_RC4_128_WITH_MD5*',
            'SSL_CK_DES_192_EDE3_CBC_WITH_MD5*',
        ),
        # supported, not enabled by default
        (
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P521',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P521',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P521',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P521',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P521',
            'TLS_RSA_WITH_DES_CBC_SHA',
            'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA',
            'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA',
            'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
            'TLS_RSA_WITH_NULL_MD5',
            'TLS_DHE_DSS_WITH_DES_CBC_SHA',
            'TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA',
            'SSL_CK_DES_64_CBC_WITH_MD5',
            'SSL_CK_RC4_128_EXPORT40_WITH_MD5',
        ),
    ),
    '2016': (
        # default order
        (
            'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
            'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
            'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
            'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA256',
            'TLS_RSA_WITH_AES_128_CBC_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA',
            'TLS_RSA_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA',
            'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA',
            'TLS_RSA_WITH_RC4_128_SHA',
            'TLS_RSA_WITH_RC4_128_MD5',
            'TLS_RSA_WITH_NULL_SHA256*',
            'TLS_RSA_WITH_NULL_SHA*',
        ),
        # supported, not enabled by default
        (
            'TLS_RSA_WITH_DES_CBC_SHA',
            'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA',
            'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA',
            'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
            'TLS_RSA_WITH_NULL_MD5',
            'TLS_DHE_DSS_WITH_DES_CBC_SHA',
            'TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA',
        ),
    ),
    '2019': (
        # default order
        (
            'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
            'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA256',
            'TLS_RSA_WITH_AES_128_CBC_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA',
            'TLS_RSA_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
            'TLS_RSA_WITH_NULL_SHA256*',
            'TLS_RSA_WITH_NULL_SHA*',
        ),
        # supported, not enabled by default
        (
            'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
            'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA',
            'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA',
            'TLS_RSA_WITH_RC4_128_SHA',
            'TLS_RSA_WITH_RC4_128_MD5',
            'TLS_RSA_WITH_DES_CBC_SHA',
            'TLS_DHE_DSS_WITH_DES_CBC_SHA',
            'TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA',
            'TLS_RSA_WITH_NULL_MD5',
            'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA',
            'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
            'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA',
        ),
    ),
    '2022': (
        # default order
        (
            'TLS_AES_256_GCM_SHA384',
            'TLS_AES_128_GCM_SHA256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
            'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA256',
            'TLS_RSA_WITH_AES_128_CBC_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA',
            'TLS_RSA_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
            'TLS_RSA_WITH_NULL_SHA256*',
            'TLS_RSA_WITH_NULL_SHA*',
        ),
        # supported, not enabled by default
        (
            'TLS_CHACHA20_POLY1305_SHA256',
            'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
            'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA',
            'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA',
            'TLS_RSA_WITH_RC4_128_SHA',
            'TLS_RSA_WITH_RC4_128_MD5',
            'TLS_RSA_WITH_DES_CBC_SHA',
            'TLS_DHE_DSS_WITH_DES_CBC_SHA',
            'TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA',
            'TLS_RSA_WITH_NULL_MD5',
            'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA',
            'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
            'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA',
        ),
    ),
    '2025': (
        # default order
        (
            'TLS_AES_256_GCM_SHA384',
            'TLS_AES_128_GCM_SHA256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
            'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
            'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
            'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
            'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
            'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA256',
            'TLS_RSA_WITH_AES_128_CBC_SHA256',
            'TLS_RSA_WITH_AES_256_CBC_SHA',
            'TLS_RSA_WITH_AES_128_CBC_SHA',
            'TLS_RSA_WITH_NULL_SHA256*',
            'TLS_RSA_WITH_NULL_SHA*',
        ),
        # supported, not enabled by default
        (
            'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
            'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
            'TLS_CHACHA20_POLY1305_SHA256',
            'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
            'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256',
            'TLS_DHE_DSS_WITH_AES_256_CBC_SHA',
            'TLS_DHE_DSS_WITH_AES_128_CBC_SHA',
            'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA',
            'TLS_RSA_WITH_RC4_128_SHA',
            'TLS_RSA_WITH_RC4_128_MD5',
            'TLS_RSA_WITH_DES_CBC_SHA',
            'TLS_DHE_DSS_WITH_DES_CBC_SHA',
            'TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA',
            'TLS_RSA_WITH_NULL_MD5',
            'TLS_RSA_EXPORT1024_WITH_RC4_56_SHA',
            'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
            'TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA',
        ),
    ),
}

# Releases that share an LTSC page's lists (versions.py ``based_on``), verbatim: W32-CS1709, W32-CS1803, W32-CS1903
# and W32-CS20H2 list exactly the W32-CS1809 default order and not-enabled list (pinned by
# tests/unit/schannel/test_windows_versions.py against facts §10), and "Windows Server 2025 and later" (W32-CS2025)
# covers the builds after 26100.
for _key in ("1709", "1803", "1903", "20h2", "vnext"):
    _VERSION_LISTS[_key] = _VERSION_LISTS[WINDOWS_VERSIONS[_key].table_key]
# Source: W32-CS2022 note: "The following cipher suites from the table above are not enabled by default in Windows
# Server 2022 23H2 and later: TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, and
# TLS_DHE_RSA_WITH_AES_128_GCM_SHA256. These cipher suites are still supported but must be explicitly enabled by the
# user."  Applied to Windows Server, version 23H2 (build 25398) only: LTSC 2022 (20348) keeps the page's table.
NOT_DEFAULT_FROM_23H2 = ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
                         "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")
_VERSION_LISTS["23h2"] = (
    tuple(n for n in _VERSION_LISTS["2022"][0] if n not in NOT_DEFAULT_FROM_23H2),
    NOT_DEFAULT_FROM_23H2 + _VERSION_LISTS["2022"][1],
)

# Updates the pages of the oldest releases assume (M8).  Source: W32-CS7/W32-CS8 "Windows 7, Windows 8, and Windows
# Server 2012 are updated by the Windows Update by the 3042058 update which changes the priority order" (Microsoft
# Security Advisory 3042058: the update also adds cipher suites to the default list); W32-CS81 "Windows 8.1 and
# Windows Server 2012 R2 are updated by Windows Update by the update 2919355 applied which adds the new cipher suites
# and changes the priority order".  version -> (update id, source key)
PREREQUISITE_UPDATES = {"2008r2": ("KB3042058", "W32-CS7"), "2012": ("KB3042058", "W32-CS8"),
                        "2012r2": ("KB2919355", "W32-CS81")}
# Updates a single managed value needs before Windows reads it.  Source: KB3140245 ("This update adds support for
# DefaultSecureProtocols registry entry", for Windows Server 2012, Windows 7 SP1 and Windows Server 2008 R2 SP1;
# facts §6 and the KB3140245 row of the facts' update table).  value name -> {version: (update id, source key)}
VALUE_UPDATES = {"DefaultSecureProtocols": {"2008r2": ("KB3140245", "KB3140245"), "2012": ("KB3140245", "KB3140245")}}
# What win_schannel_info asks Win32_QuickFixEngineering for: every update id above, nothing else.
PREREQUISITE_UPDATE_IDS = tuple(sorted(set([kb for kb, _source in PREREQUISITE_UPDATES.values()] + [
    kb for per_version in VALUE_UPDATES.values() for kb, _source in per_version.values()])))

# ---------------------------------------------------------------------------------------------------------
# Registry keys a suite depends on (facts §1.1 key names; SUP-245030: Ciphers/Hashes/KeyExchangeAlgorithms
# "Enabled"=0 disallows every suite using that algorithm).  The hash is the one the suite name ends with (the
# MAC, or the PRF hash of an AEAD suite) -- an inference: Microsoft documents the keys, not this mapping.
_CIPHER_KEYS = (
    ("AES_128", "AES 128/128"), ("AES_256", "AES 256/256"), ("3DES_EDE", "Triple DES 168"),
    ("DES_192_EDE3", "Triple DES 168"), ("DES_64", "DES 56/56"), ("DES_CBC", "DES 56/56"),
    ("RC4_128_EXPORT40", "RC4 40/128"), ("RC4_128", "RC4 128/128"), ("RC4_40", "RC4 40/128"),
    ("RC4_56", "RC4 56/128"), ("NULL", "NULL"),
)
_KEX_KEYS = (("ECDHE_", "ECDH"), ("DHE_", "Diffie-Hellman"), ("RSA_", "PKCS"))
# R1: KeyExchangeAlgorithms\PKCS "refers to the RSA as the key exchange and authentication algorithms" and "Disabling
# RSA effectively disallows all RSA-based SSL and TLS cipher suites" (SUP-245030); the current registry reference
# keeps the client's RSA key sizes (which bound the server certificate's RSA key, i.e. authentication) under that
# key (WSD-REG-2019 "KeyExchangeAlgorithm - Client RSA key sizes").  So PKCS = 0 is modelled as removing every
# suite that uses RSA for key exchange *or* for authentication (ECDHE_RSA, DHE_RSA too).  No Microsoft text says
# what modern Schannel does; the stricter reading is taken and every plan relying on it says so (SCH018).
AUTH_KEYS = (("ECDHE_RSA_", "PKCS"), ("DHE_RSA_", "PKCS"), ("RSA_", "PKCS"))
# R4: the ECDH key is honoured on every version.  Microsoft's own troubleshooting script checks it only on Windows
# 10 / 2016 and later (AZDO), which says nothing about older releases; the stricter reading is taken (SCH018 says so
# when a plan or host disables ECDH before 2016).
ECDH_CHECKED_FROM = "2016"


def _registry_keys(base_name):
    """Return (cipher key, hash key, key-exchange key) under SCHANNEL for a base suite name."""
    if base_name.startswith("SSL_CK_"):
        body = base_name[len("SSL_CK_"):]
        kex = "PKCS"
    elif base_name.startswith("TLS_") and "_WITH_" in base_name:
        kx, body = base_name[4:].split("_WITH_", 1)
        kex = None
        for prefix, key in _KEX_KEYS:
            if (kx + "_").startswith(prefix):
                kex = key
                break
    else:  # TLS 1.3: the key exchange is always (EC)DHE and is not tied to a KeyExchangeAlgorithms key
        body = base_name[4:]
        kex = None
    cipher = None
    for token, key in _CIPHER_KEYS:
        if body.startswith(token) or ("_" + token) in body:
            cipher = key
            break
    hash_key = {"MD5": "MD5", "SHA": "SHA", "SHA256": "SHA256", "SHA384": "SHA384"}.get(body.rsplit("_", 1)[-1])
    return cipher, hash_key, kex


def _auth_key(base_name):
    """The KeyExchangeAlgorithms key that also governs the suite's authentication (R1: PKCS for RSA), or None."""
    if base_name.startswith("SSL_CK_"):
        return "PKCS"
    if not base_name.startswith("TLS_") or "_WITH_" not in base_name:
        return None
    kx = base_name[4:].split("_WITH_", 1)[0] + "_"
    for prefix, key in AUTH_KEYS:
        if kx == prefix:
            return key
    return None


def _certificate_type(base_name):
    """Certificate key type a suite needs on the server: rsa, ecdsa, dsa, None (PSK) or 'any' (TLS 1.3)."""
    if base_name.startswith("SSL_CK_"):
        return "rsa"
    if "_WITH_" not in base_name:
        return "any"
    kx = base_name[4:].split("_WITH_", 1)[0]
    if "ECDSA" in kx:
        return "ecdsa"
    if "DSS" in kx:
        return "dsa"
    if kx.startswith("PSK"):
        return None
    return "rsa"


@dataclass(frozen=True)
class SchannelSuite(object):
    """One cipher suite as one Windows version's Schannel knows it.

    ``name`` is that version's own name (with ``_P256`` etc. on 2008 R2-2012 R2), ``base_name`` the IANA name.
    ``default_position`` is the 1-based row of the Microsoft default list (it counts curve variants, NULL and
    SSLv2 rows, like the facts' ``Dn``), or None when the suite is not enabled by default.
    ``request_only``: used only when an application explicitly asks (NULL, SSLv2, facts "*"); ``psk_only``:
    PSK suites, used only with ``SCH_USE_PRESHAREDKEY_ONLY``.  Neither kind is ever offered to a browser.
    """

    name: str
    base_name: str
    version: str
    iana_code: int
    openssl_name: str
    curve: object  # "P256" | "P384" | "P521" | None
    protocols: tuple
    enabled_by_default: bool
    default_position: object
    request_only: bool
    psk_only: bool
    cipher_key: object
    hash_key: object
    kex_key: object
    certificate_type: object
    auth_key: object = None

    # -- IANA properties, read from the prober's registry by code point ----------------------------------
    def _iana(self):
        return _iana_properties(self.iana_code)

    @property
    def kex(self):
        return self._iana()["kex"]

    @property
    def auth(self):
        return self._iana()["auth"]

    @property
    def enc(self):
        return self._iana()["enc"]

    @property
    def mac(self):
        return self._iana()["mac"]

    @property
    def aead(self):
        return self._iana()["aead"]

    @property
    def pfs(self):
        return self._iana()["pfs"]

    @property
    def h2_blocklisted(self):
        """Prohibited for HTTP/2 by the RFC 7540 Appendix A rule (no ephemeral key exchange, or not AEAD).

        Never true for TLS 1.3 suites.  True for the three unassigned ``EXPORT1024`` code points too: Appendix A
        does not list them, but they are non-AEAD, which is what the rule is about (module docstring; facts §4.2).
        """
        return self._iana()["h2_blocklisted"]

    @property
    def ats(self):
        """One of the 11 Apple ATS forward-secrecy suites."""
        return self._iana()["ats"]

    @property
    def tls13(self):
        return self.protocols == ("TLS 1.3",)

    @property
    def curve_name(self):
        """Windows curve name implied by the suffix (``NistP256``), or None."""
        return SUFFIX_TO_CURVE.get(self.curve) if self.curve else None

    def usable_with(self, protocol):
        return protocol in self.protocols

    def as_dict(self):
        return {
            "name": self.name, "base_name": self.base_name, "iana_code": "0x%04X" % self.iana_code,
            "openssl_name": self.openssl_name, "curve": self.curve, "protocols": list(self.protocols),
            "enabled_by_default": self.enabled_by_default, "default_position": self.default_position,
        }


_IANA_CACHE = {}


def _iana_properties(code):
    """kex/auth/enc/mac/aead/pfs/h2_blocklisted/ats for a code point, from ``tls/iana.py``."""
    cached = _IANA_CACHE.get(code)
    if cached is not None:
        return cached
    entry = iana.SUITES_BY_CODE.get(code) or iana.SSL2_SUITES_BY_CODE[code]
    props = {"kex": entry.kex, "auth": entry.auth, "enc": entry.enc, "mac": entry.mac,
             "aead": bool(entry.aead), "pfs": bool(entry.pfs),
             "h2_blocklisted": bool(entry.h2_blocklisted) and not entry.tls13 and not entry.sslv2,
             "ats": bool(entry.ats)}
    _IANA_CACHE[code] = props
    return props


# ---------------------------------------------------------------------------------------------------------
# Build the per-version catalogue once, at import.

_BASE_BY_NAME = dict((row[0], row) for row in _BASE)
_SUFFIX_RE = re.compile(r"^(?P<base>.+)_(?P<curve>P256|P384|P521)$")


def split_suffix(name):
    """``('TLS_ECDHE_..._SHA', 'P256')`` for a suffixed name, ``(name, None)`` otherwise."""
    match = _SUFFIX_RE.match(name)
    if match and match.group("base") in _BASE_BY_NAME:
        return match.group("base"), match.group("curve")
    return name, None


def _make(version, raw_name, position, default, psk=False):
    request_only = raw_name.endswith("*") or raw_name in _REQUEST_ONLY_NOT_DEFAULT.get(version, ())
    name = raw_name.rstrip("*")
    base, curve = split_suffix(name)
    _base, code, ossl, protocols = _BASE_BY_NAME[base]
    cipher, hash_key, kex = _registry_keys(base)
    return SchannelSuite(
        name=name, base_name=base, version=version, iana_code=code, openssl_name=ossl, curve=curve,
        protocols=protocols, enabled_by_default=default, default_position=position, request_only=request_only,
        psk_only=psk, cipher_key=cipher, hash_key=hash_key, kex_key=kex, certificate_type=_certificate_type(base),
        auth_key=_auth_key(base),
    )


def _build():
    catalogue = {}
    for version in VERSION_KEYS:
        default, others = _VERSION_LISTS[version]
        suites = [_make(version, n, i + 1, True) for i, n in enumerate(default)]
        suites += [_make(version, n, None, False) for n in others]
        if WINDOWS_VERSIONS[version].index >= WINDOWS_VERSIONS[_PSK_FROM].index:
            suites += [_make(version, row[0], None, False, psk=True) for row in _BASE if row[0].startswith("TLS_PSK_")]
        catalogue[version] = tuple(suites)
    return catalogue


_CATALOGUE = _build()
_BY_NAME = dict((v, dict((s.name, s) for s in suites)) for v, suites in _CATALOGUE.items())
_BY_BASE = {}
for _v, _suites in _CATALOGUE.items():
    for _s in _suites:
        _BY_BASE.setdefault(_v, {}).setdefault(_s.base_name, []).append(_s)
BASE_NAMES = tuple(row[0] for row in _BASE)
ALL_NAMES = tuple(sorted(set(n for names in _BY_NAME.values() for n in names)))


def suites_for(version):
    """Every suite ``version`` supports, in its own names: default order, then not-default, then PSK."""
    return _CATALOGUE[resolve_windows_version(version)]


def default_order(version, include_request_only=True):
    """The Microsoft default list of ``version`` (facts §4.3), optionally without the "*" rows."""
    return [s.name for s in suites_for(version)
            if s.enabled_by_default and (include_request_only or not s.request_only)]


def get(name, version):
    """The suite called ``name`` on ``version`` or None (no suggestions; see :func:`lookup`)."""
    return _BY_NAME[resolve_windows_version(version)].get(name)


def variants(base_name, version):
    """All of ``version``'s suites for one base name (one entry, or the curve variants in P256/P384/P521 order)."""
    return list(_BY_BASE[resolve_windows_version(version)].get(base_name, ()))


def versions_with(base_name):
    """Version keys that support a base suite name."""
    return [v for v in VERSION_KEYS if base_name in _BY_BASE[v]]


def base_info(base_name):
    """(code, OpenSSL name, protocols) of a base name from the §4.2 matrix, or None."""
    row = _BASE_BY_NAME.get(base_name)
    return None if row is None else row[1:]


def closest_name(name, version, candidates=None):
    """The valid name on ``version`` closest in spelling to ``name`` (None if nothing is close)."""
    pool = list(candidates) if candidates is not None else list(_BY_NAME[resolve_windows_version(version)])
    found = difflib.get_close_matches(name.upper(), pool, n=1, cutoff=0.6)
    return found[0] if found else None


def explain_name(name, version):
    """Resolve ``name`` on ``version`` -> (suite or None, problem message or None, suggestion or None).

    The cases the lints and error messages need:

    * exact name of this version -> the suite;
    * a suffixed name on 2016+ -> the bare suite (Microsoft: the suffix is not required there, the curve
      order overrides it; W32-CS1607 note);
    * a bare ECDHE name on 2008 R2-2012 R2 -> problem, suggest the ``_P256`` (or first) variant;
    * a real suite this version lacks -> problem naming the first version that has it (or the last that had it);
    * anything else -> problem, suggest the closest spelling.
    """
    version = resolve_windows_version(version)
    label = WINDOWS_VERSIONS[version].label
    by_name = _BY_NAME[version]
    upper = name.strip().upper()
    if upper in by_name:
        return by_name[upper], None, None
    base, curve = split_suffix(upper)
    if curve is not None and version not in SUFFIX_VERSIONS and base in by_name:
        return by_name[base], None, None
    if curve is None and upper in _BY_BASE[version]:
        names = [s.name for s in _BY_BASE[version][upper]]
        return None, ("on %s the ECDHE suites carry a curve suffix: %s is called %s" % (
            label, upper, " or ".join(names))), names[0]
    if base in _BASE_BY_NAME:
        if base in _BY_BASE[version]:  # suffix that this version does not have for the suite (e.g. _P256 of a 384 suite)
            names = [s.name for s in _BY_BASE[version][base]]
            return None, "%s does not exist on %s; the variants are %s" % (upper, label, ", ".join(names)), names[0]
        have = versions_with(base)
        idx = WINDOWS_VERSIONS[version].index
        later = [v for v in have if WINDOWS_VERSIONS[v].index > idx]
        earlier = [v for v in have if WINDOWS_VERSIONS[v].index < idx]
        if later and not earlier:
            problem = "%s does not exist before %s (not on %s)" % (base, WINDOWS_VERSIONS[later[0]].label, label)
        elif later:
            problem = "%s is not supported on %s (supported on %s)" % (
                base, label, ", ".join(WINDOWS_VERSIONS[v].label for v in have))
        elif have:
            problem = "%s was removed after %s (not on %s)" % (base, WINDOWS_VERSIONS[have[-1]].label, label)
        else:
            problem = "%s is not a Schannel suite on any version" % base
        return None, problem, _substitute(base, version)
    suggestion = closest_name(upper, version)
    return None, "%s is not a cipher suite name Schannel knows on %s" % (upper, label), suggestion


def _substitute(base, version):
    """The closest suite this version does have: same key exchange/auth/bulk cipher, nearest MAC/mode."""
    pool = [s.name for s in _CATALOGUE[version] if not s.request_only and not s.psk_only]
    candidates = []
    if "_GCM_" in base:
        candidates.append(base.replace("_GCM_SHA256", "_CBC_SHA256").replace("_GCM_SHA384", "_CBC_SHA384"))
    candidates.append(base)
    for cand in candidates:
        if cand in _BY_BASE[version]:
            return _BY_BASE[version][cand][0].name
    return closest_name(base, version, pool)


def lookup(name, version, field="cipher_suites"):
    """The suite called ``name`` on ``version``; raises :class:`SchannelInputError` naming the closest valid name."""
    suite, problem, suggestion = explain_name(name, version)
    if suite is not None:
        return suite
    fix = ("use %s" % suggestion) if suggestion else "see the cipher-suite list for this version"
    raise SchannelInputError(field, "%s; %s" % (problem, fix))


def expand_base(base_name, version, curves=None):
    """Names of ``version`` for one base IANA name, ordered by ``curves`` (Windows names) on suffix versions.

    On 2008 R2-2012 R2 an ECDHE base name becomes one name per curve in ``curves`` that the suite exists for
    (default NistP256, NistP384 -- the enabled-by-default variants, facts §4.1); elsewhere the bare name.
    Returns [] when the version lacks the suite.
    """
    version = resolve_windows_version(version)
    found = _BY_BASE[version].get(base_name, [])
    if not found:
        return []
    if found[0].curve is None:
        return [found[0].name]
    order = [CURVE_TO_SUFFIX[c] for c in (curves or ("NistP256", "NistP384")) if c in CURVE_TO_SUFFIX]
    by_curve = dict((s.curve, s.name) for s in found)
    return [by_curve[c] for c in order if c in by_curve]


# ---------------------------------------------------------------------------------------------------------
# Curve names Schannel knows (issue 15: unknown names in a curve list).  Source: W32-ECC-1607 ("TLS Elliptic
# Curves in Windows 10 1607 and later"): the three enabled by default, in that order, then the seventeen
# "supported by the Microsoft Schannel Provider, but not enabled by default", spelled as the page spells them.
# Before 2016 Schannel has no curve list (the curve is the suite's _Pxxx suffix, W32-CS7/8/81), so there is nothing
# to check.  The hybrid ML-KEM groups are known only on builds after 26100 (facts §4.1, W32-GROUPS-24H2: Windows 11
# 24H2 and later, Server Insider builds from 29550); their spelling is the facts sheet's.
ECC_CURVES_FROM_2016 = (
    "curve25519", "NistP256", "NistP384",
    "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1", "nistP192", "nistP224", "nistP521", "secP160k1",
    "secP160r1", "secP160r2", "secP192k1", "secP192r1", "secP224k1", "secP224r1", "secP256k1", "secP256r1",
    "secP384r1", "secP521r1",
)
ECC_GROUPS_VNEXT = ("x25519_mlkem768", "secp256r1_mlkem768", "secp384r1_mlkem1024")


def curves_for(version):
    """Curve names ``version``'s Schannel knows (W32-ECC-1607), or None before 2016 (no curve list there)."""
    version = resolve_windows_version(version)
    if not at_least(version, "2016"):
        return None
    return ECC_CURVES_FROM_2016 + (ECC_GROUPS_VNEXT if version == "vnext" else ())


def nearest_names(name, pool, n=3):
    """Up to ``n`` names of ``pool`` closest in spelling to ``name`` (case-insensitive), best first."""
    by_upper = {}
    for known in pool:
        by_upper.setdefault(str(known).upper(), known)
    found = difflib.get_close_matches(str(name).strip().upper(), list(by_upper), n=n, cutoff=0.6)
    return [by_upper[f] for f in found]


def explain_curve(name, version):
    """(known spelling or None, problem or None, nearest known names) of one curve name on ``version``.

    Curve names compare case-insensitively (the page writes both ``NistP256`` and ``nistP521``); the usual aliases
    (``secp256r1`` as OpenSSL spells P-256, ``x25519``, ``P-384``) are the caller's business (effective.normalize_curve).
    """
    version = resolve_windows_version(version)
    known = curves_for(version)
    if known is None:
        return str(name), None, []
    lowered = dict((k.lower(), k) for k in known)
    if str(name).strip().lower() in lowered:
        return lowered[str(name).strip().lower()], None, []
    nearest = nearest_names(name, known)
    return None, "%s is not a curve name Schannel knows on %s (W32-ECC-1607)" % (
        str(name).strip(), WINDOWS_VERSIONS[version].label), nearest


def suggest_suites(name, version, n=3):
    """Nearest known suite names of ``version`` for an unknown ``name``: explain_name's pick first, then spelling."""
    version = resolve_windows_version(version)
    _suite, _problem, first = explain_name(name, version)
    base = split_suffix(str(name).strip().upper())[0]
    out = [s.name for s in _BY_BASE[version].get(base, ())]  # the curve variants of the same suite (2008 R2-2012 R2)
    if first and first not in out:
        out.insert(0, first)
    for candidate in nearest_names(name, [s.name for s in suites_for(version)], n=n):
        if candidate not in out:
            out.append(candidate)
    return out[:n]
