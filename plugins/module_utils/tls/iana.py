# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops.schannel contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The TLS cipher-suite registry as Python data.

Why a Python table and not a data file: ``tls_verify`` runs inside Ansible's module payload, which carries the
``module_utils`` it imports and nothing else.

Where the rows come from (source key ``TESTSSL``): testssl.sh ``etc/cipher-mapping.txt``. The fact sheet
(``schannel-facts.md`` §4.2/§5) cites it at commit 9fdf8028baba86d83218db294a5776384ec8c332; the copy transcribed
here was read at testssl/testssl.sh@3be7a854cbd45a70835136237dbd9e44f1f24837 and equals Debian's testssl.sh 3.0.8
file (``/etc/testssl/cipher-mapping.txt``: 357 two-byte + 13 SSLv2 three-byte codes) plus four TLS 1.3 rows that
3.0.8 lacks (marked ``# 3be7a85``). Each row holds only facts that cannot be derived: code point, IANA name and
OpenSSL name. Everything else (key exchange, authentication, cipher, MAC, AEAD, forward secrecy, export, HTTP/2
blocklist) is computed from the IANA name by :func:`parse_suite_name`, so one piece of code -- tested against
testssl's own columns -- decides it, not a hand-filled column.

Two lists are policy facts, not properties of the name, and are kept as explicit code sets:

* ``ATS_CODES``: Apple App Transport Security's 11 suites (schannel-facts §7.1; note 0xC014 is *not* in it).
* RFC 7540 Appendix A (HTTP/2 blocklist) is *not* a list here: its rule ("no ephemeral key exchange, or a null,
  stream or block cipher") is applied by :func:`h2_blocklisted`; ``tests/unit/tls/test_iana.py`` proves the rule
  reproduces the 276 entries golang/net ``http2`` lists for every IANA-registered code point.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

SOURCE = "TESTSSL"
SOURCE_COMMIT = "9fdf8028baba86d83218db294a5776384ec8c332"
TRANSCRIBED_FROM = "testssl/testssl.sh@3be7a854cbd45a70835136237dbd9e44f1f24837:etc/cipher-mapping.txt"

# Signalling values that travel in the cipher_suites list but are not suites (RFC 5746, RFC 7507).
TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00FF
TLS_FALLBACK_SCSV = 0x5600

# Apple ATS: the 11 ECDHE suites an ATS client offers and accepts (TLS 1.2, FS, AES-128/256).
ATS_CODES = frozenset((
    # ECDHE_ECDSA: AES256-GCM, AES128-GCM, AES256-SHA384, AES256-SHA, AES128-SHA256, AES128-SHA
    0xC02C, 0xC02B, 0xC024, 0xC00A, 0xC023, 0xC009,
    # ECDHE_RSA: AES256-GCM, AES128-GCM, AES256-SHA384, AES128-SHA256, AES128-SHA
    0xC030, 0xC02F, 0xC028, 0xC027, 0xC013,
))

# Code points that IANA never assigned to these suites (reserved, private use, experiments, drafts). The HTTP/2
# blocklist of RFC 7540 only names registered suites, so tests compare against it only for registered codes.
_UNREGISTERED_RANGES = (
    (0x0060, 0x0066),  # "reserved to avoid conflicts with widely deployed implementations" (EXPORT1024 etc.)
    (0x0080, 0x0083),  # GOST drafts, unassigned at IANA
    (0x16B7, 0x16BA),  # CECPQ1 experiment (Google)
    (0xCC13, 0xCC15),  # pre-RFC 7905 ChaCha20 draft code points ("_OLD")
    (0xFEFE, 0xFEFF),  # Netscape FIPS suites
    (0xFF00, 0xFFFF),  # private use
)

# (code, IANA name, OpenSSL name); None = that name does not exist. Sorted by code.
_TLS_TABLE = (
    (0x0000, "TLS_NULL_WITH_NULL_NULL", "NULL"),
    (0x0001, "TLS_RSA_WITH_NULL_MD5", "NULL-MD5"),
    (0x0002, "TLS_RSA_WITH_NULL_SHA", "NULL-SHA"),
    (0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "EXP-RC4-MD5"),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RC4-MD5"),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA"),
    (0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", "EXP-RC2-CBC-MD5"),
    (0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", "IDEA-CBC-SHA"),
    (0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", "EXP-DES-CBC-SHA"),
    (0x0009, "TLS_RSA_WITH_DES_CBC_SHA", "DES-CBC-SHA"),
    (0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"),
    (0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", "EXP-DH-DSS-DES-CBC-SHA"),
    (0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA", "DH-DSS-DES-CBC-SHA"),
    (0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA", "DH-DSS-DES-CBC3-SHA"),
    (0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA", "EXP-DH-RSA-DES-CBC-SHA"),
    (0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA", "DH-RSA-DES-CBC-SHA"),
    (0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA", "DH-RSA-DES-CBC3-SHA"),
    (0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", "EXP-EDH-DSS-DES-CBC-SHA"),
    (0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", "EDH-DSS-DES-CBC-SHA"),
    (0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "EDH-DSS-DES-CBC3-SHA"),
    (0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", "EXP-EDH-RSA-DES-CBC-SHA"),
    (0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", "EDH-RSA-DES-CBC-SHA"),
    (0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "EDH-RSA-DES-CBC3-SHA"),
    (0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", "EXP-ADH-RC4-MD5"),
    (0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", "ADH-RC4-MD5"),
    (0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", "EXP-ADH-DES-CBC-SHA"),
    (0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA", "ADH-DES-CBC-SHA"),
    (0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", "ADH-DES-CBC3-SHA"),
    (0x001E, "TLS_KRB5_WITH_DES_CBC_SHA", "KRB5-DES-CBC-SHA"),
    (0x001F, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA", "KRB5-DES-CBC3-SHA"),
    (0x0020, "TLS_KRB5_WITH_RC4_128_SHA", "KRB5-RC4-SHA"),
    (0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA", "KRB5-IDEA-CBC-SHA"),
    (0x0022, "TLS_KRB5_WITH_DES_CBC_MD5", "KRB5-DES-CBC-MD5"),
    (0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5", "KRB5-DES-CBC3-MD5"),
    (0x0024, "TLS_KRB5_WITH_RC4_128_MD5", "KRB5-RC4-MD5"),
    (0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5", "KRB5-IDEA-CBC-MD5"),
    (0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA", "EXP-KRB5-DES-CBC-SHA"),
    (0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA", "EXP-KRB5-RC2-CBC-SHA"),
    (0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA", "EXP-KRB5-RC4-SHA"),
    (0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5", "EXP-KRB5-DES-CBC-MD5"),
    (0x002A, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5", "EXP-KRB5-RC2-CBC-MD5"),
    (0x002B, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5", "EXP-KRB5-RC4-MD5"),
    (0x002C, "TLS_PSK_WITH_NULL_SHA", "PSK-NULL-SHA"),
    (0x002D, "TLS_DHE_PSK_WITH_NULL_SHA", "DHE-PSK-NULL-SHA"),
    (0x002E, "TLS_RSA_PSK_WITH_NULL_SHA", "RSA-PSK-NULL-SHA"),
    (0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"),
    (0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA", "DH-DSS-AES128-SHA"),
    (0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA", "DH-RSA-AES128-SHA"),
    (0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA"),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA"),
    (0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", "ADH-AES128-SHA"),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"),
    (0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA", "DH-DSS-AES256-SHA"),
    (0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA", "DH-RSA-AES256-SHA"),
    (0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA"),
    (0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA"),
    (0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", "ADH-AES256-SHA"),
    (0x003B, "TLS_RSA_WITH_NULL_SHA256", "NULL-SHA256"),
    (0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"),
    (0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256"),
    (0x003E, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256", "DH-DSS-AES128-SHA256"),
    (0x003F, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256", "DH-RSA-AES128-SHA256"),
    (0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "DHE-DSS-AES128-SHA256"),
    (0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "CAMELLIA128-SHA"),
    (0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA", "DH-DSS-CAMELLIA128-SHA"),
    (0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA", "DH-RSA-CAMELLIA128-SHA"),
    (0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", "DHE-DSS-CAMELLIA128-SHA"),
    (0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "DHE-RSA-CAMELLIA128-SHA"),
    (0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", "ADH-CAMELLIA128-SHA"),
    (0x0060, "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5", "EXP1024-RC4-MD5"),
    (0x0061, "TLS_RSA_EXPORT1024_WITH_RC2_56_MD5", "EXP1024-RC2-CBC-MD5"),
    (0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", "EXP1024-DES-CBC-SHA"),
    (0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", "EXP1024-DHE-DSS-DES-CBC-SHA"),
    (0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", "EXP1024-RC4-SHA"),
    (0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA", "EXP1024-DHE-DSS-RC4-SHA"),
    (0x0066, "TLS_DHE_DSS_WITH_RC4_128_SHA", "DHE-DSS-RC4-SHA"),
    (0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256"),
    (0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256", "DH-DSS-AES256-SHA256"),
    (0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256", "DH-RSA-AES256-SHA256"),
    (0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "DHE-DSS-AES256-SHA256"),
    (0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256"),
    (0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", "ADH-AES128-SHA256"),
    (0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", "ADH-AES256-SHA256"),
    (0x0080, "TLS_GOSTR341094_WITH_28147_CNT_IMIT", "GOST94-GOST89-GOST89"),
    (0x0081, "TLS_GOSTR341001_WITH_28147_CNT_IMIT", "GOST2001-GOST89-GOST89"),
    (0x0082, "TLS_GOSTR341094_WITH_NULL_GOSTR3411", "GOST94-NULL-GOST94"),
    (0x0083, "TLS_GOSTR341001_WITH_NULL_GOSTR3411", "GOST2001-NULL-GOST94"),
    (0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", "CAMELLIA256-SHA"),
    (0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA", "DH-DSS-CAMELLIA256-SHA"),
    (0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA", "DH-RSA-CAMELLIA256-SHA"),
    (0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", "DHE-DSS-CAMELLIA256-SHA"),
    (0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", "DHE-RSA-CAMELLIA256-SHA"),
    (0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", "ADH-CAMELLIA256-SHA"),
    (0x008A, "TLS_PSK_WITH_RC4_128_SHA", "PSK-RC4-SHA"),
    (0x008B, "TLS_PSK_WITH_3DES_EDE_CBC_SHA", "PSK-3DES-EDE-CBC-SHA"),
    (0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA", "PSK-AES128-CBC-SHA"),
    (0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA", "PSK-AES256-CBC-SHA"),
    (0x008E, "TLS_DHE_PSK_WITH_RC4_128_SHA", "DHE-PSK-RC4-SHA"),
    (0x008F, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA", "DHE-PSK-3DES-EDE-CBC-SHA"),
    (0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", "DHE-PSK-AES128-CBC-SHA"),
    (0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", "DHE-PSK-AES256-CBC-SHA"),
    (0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA", "RSA-PSK-RC4-SHA"),
    (0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA", "RSA-PSK-3DES-EDE-CBC-SHA"),
    (0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", "RSA-PSK-AES128-CBC-SHA"),
    (0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", "RSA-PSK-AES256-CBC-SHA"),
    (0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", "SEED-SHA"),
    (0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA", "DH-DSS-SEED-SHA"),
    (0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA", "DH-RSA-SEED-SHA"),
    (0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA", "DHE-DSS-SEED-SHA"),
    (0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA", "DHE-RSA-SEED-SHA"),
    (0x009B, "TLS_DH_anon_WITH_SEED_CBC_SHA", "ADH-SEED-SHA"),
    (0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"),
    (0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"),
    (0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256"),
    (0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384"),
    (0x00A0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256", "DH-RSA-AES128-GCM-SHA256"),
    (0x00A1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384", "DH-RSA-AES256-GCM-SHA384"),
    (0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "DHE-DSS-AES128-GCM-SHA256"),
    (0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "DHE-DSS-AES256-GCM-SHA384"),
    (0x00A4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256", "DH-DSS-AES128-GCM-SHA256"),
    (0x00A5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384", "DH-DSS-AES256-GCM-SHA384"),
    (0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "ADH-AES128-GCM-SHA256"),
    (0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "ADH-AES256-GCM-SHA384"),
    (0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256"),
    (0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384", "PSK-AES256-GCM-SHA384"),
    (0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "DHE-PSK-AES128-GCM-SHA256"),
    (0x00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", "DHE-PSK-AES256-GCM-SHA384"),
    (0x00AC, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", "RSA-PSK-AES128-GCM-SHA256"),
    (0x00AD, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", "RSA-PSK-AES256-GCM-SHA384"),
    (0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256", "PSK-AES128-CBC-SHA256"),
    (0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384", "PSK-AES256-CBC-SHA384"),
    (0x00B0, "TLS_PSK_WITH_NULL_SHA256", "PSK-NULL-SHA256"),
    (0x00B1, "TLS_PSK_WITH_NULL_SHA384", "PSK-NULL-SHA384"),
    (0x00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", "DHE-PSK-AES128-CBC-SHA256"),
    (0x00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", "DHE-PSK-AES256-CBC-SHA384"),
    (0x00B4, "TLS_DHE_PSK_WITH_NULL_SHA256", "DHE-PSK-NULL-SHA256"),
    (0x00B5, "TLS_DHE_PSK_WITH_NULL_SHA384", "DHE-PSK-NULL-SHA384"),
    (0x00B6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", "RSA-PSK-AES128-CBC-SHA256"),
    (0x00B7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", "RSA-PSK-AES256-CBC-SHA384"),
    (0x00B8, "TLS_RSA_PSK_WITH_NULL_SHA256", "RSA-PSK-NULL-SHA256"),
    (0x00B9, "TLS_RSA_PSK_WITH_NULL_SHA384", "RSA-PSK-NULL-SHA384"),
    (0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", "CAMELLIA128-SHA256"),
    (0x00BB, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256", "DH-DSS-CAMELLIA128-SHA256"),
    (0x00BC, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256", "DH-RSA-CAMELLIA128-SHA256"),
    (0x00BD, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", "DHE-DSS-CAMELLIA128-SHA256"),
    (0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "DHE-RSA-CAMELLIA128-SHA256"),
    (0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", "ADH-CAMELLIA128-SHA256"),
    (0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", "CAMELLIA256-SHA256"),
    (0x00C1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256", "DH-DSS-CAMELLIA256-SHA256"),
    (0x00C2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256", "DH-RSA-CAMELLIA256-SHA256"),
    (0x00C3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", "DHE-DSS-CAMELLIA256-SHA256"),
    (0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", "DHE-RSA-CAMELLIA256-SHA256"),
    (0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", "ADH-CAMELLIA256-SHA256"),
    (0x00C6, "TLS_SM4_GCM_SM3", "TLS_SM4_GCM_SM3"),  # 3be7a85
    (0x00C7, "TLS_SM4_CCM_SM3", "TLS_SM4_CCM_SM3"),  # 3be7a85
    (0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"),
    (0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"),
    (0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"),
    (0x1304, "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256"),
    (0x1305, "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256"),
    (0x16B7, "TLS_CECPQ1_RSA_WITH_CHACHA20_POLY1305_SHA256", None),
    (0x16B8, "TLS_CECPQ1_ECDSA_WITH_CHACHA20_POLY1305_SHA256", None),
    (0x16B9, "TLS_CECPQ1_RSA_WITH_AES_256_GCM_SHA384", None),
    (0x16BA, "TLS_CECPQ1_ECDSA_WITH_AES_256_GCM_SHA384", None),
    (0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", "ECDH-ECDSA-NULL-SHA"),
    (0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", "ECDH-ECDSA-RC4-SHA"),
    (0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDH-ECDSA-DES-CBC3-SHA"),
    (0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", "ECDH-ECDSA-AES128-SHA"),
    (0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", "ECDH-ECDSA-AES256-SHA"),
    (0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "ECDHE-ECDSA-NULL-SHA"),
    (0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA"),
    (0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-ECDSA-DES-CBC3-SHA"),
    (0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"),
    (0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"),
    (0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA", "ECDH-RSA-NULL-SHA"),
    (0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA", "ECDH-RSA-RC4-SHA"),
    (0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", "ECDH-RSA-DES-CBC3-SHA"),
    (0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", "ECDH-RSA-AES128-SHA"),
    (0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", "ECDH-RSA-AES256-SHA"),
    (0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", "ECDHE-RSA-NULL-SHA"),
    (0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA"),
    (0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA"),
    (0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"),
    (0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"),
    (0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", "AECDH-NULL-SHA"),
    (0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA", "AECDH-RC4-SHA"),
    (0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", "AECDH-DES-CBC3-SHA"),
    (0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "AECDH-AES128-SHA"),
    (0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "AECDH-AES256-SHA"),
    (0xC01A, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA", "SRP-3DES-EDE-CBC-SHA"),
    (0xC01B, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA", "SRP-RSA-3DES-EDE-CBC-SHA"),
    (0xC01C, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA", "SRP-DSS-3DES-EDE-CBC-SHA"),
    (0xC01D, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", "SRP-AES-128-CBC-SHA"),
    (0xC01E, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", "SRP-RSA-AES-128-CBC-SHA"),
    (0xC01F, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", "SRP-DSS-AES-128-CBC-SHA"),
    (0xC020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", "SRP-AES-256-CBC-SHA"),
    (0xC021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", "SRP-RSA-AES-256-CBC-SHA"),
    (0xC022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", "SRP-DSS-AES-256-CBC-SHA"),
    (0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"),
    (0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384"),
    (0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", "ECDH-ECDSA-AES128-SHA256"),
    (0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", "ECDH-ECDSA-AES256-SHA384"),
    (0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"),
    (0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384"),
    (0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", "ECDH-RSA-AES128-SHA256"),
    (0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", "ECDH-RSA-AES256-SHA384"),
    (0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"),
    (0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"),
    (0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", "ECDH-ECDSA-AES128-GCM-SHA256"),
    (0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", "ECDH-ECDSA-AES256-GCM-SHA384"),
    (0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"),
    (0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"),
    (0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", "ECDH-RSA-AES128-GCM-SHA256"),
    (0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", "ECDH-RSA-AES256-GCM-SHA384"),
    (0xC033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA", "ECDHE-PSK-RC4-SHA"),
    (0xC034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA", "ECDHE-PSK-3DES-EDE-CBC-SHA"),
    (0xC035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", "ECDHE-PSK-AES128-CBC-SHA"),
    (0xC036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", "ECDHE-PSK-AES256-CBC-SHA"),
    (0xC037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "ECDHE-PSK-AES128-CBC-SHA256"),
    (0xC038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", "ECDHE-PSK-AES256-CBC-SHA384"),
    (0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA", "ECDHE-PSK-NULL-SHA"),
    (0xC03A, "TLS_ECDHE_PSK_WITH_NULL_SHA256", "ECDHE-PSK-NULL-SHA256"),
    (0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384", "ECDHE-PSK-NULL-SHA384"),
    (0xC03C, "TLS_RSA_WITH_ARIA_128_CBC_SHA256", "ARIA128-CBC-SHA256"),
    (0xC03D, "TLS_RSA_WITH_ARIA_256_CBC_SHA384", "ARIA256-CBC-SHA384"),
    (0xC03E, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256", None),
    (0xC03F, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384", None),
    (0xC040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256", None),
    (0xC041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384", None),
    (0xC042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256", "DHE-DSS-ARIA128-CBC-SHA256"),
    (0xC043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384", "DHE-DSS-ARIA256-CBC-SHA384"),
    (0xC044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256", "DHE-RSA-ARIA128-CBC-SHA256"),
    (0xC045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384", "DHE-RSA-ARIA256-CBC-SHA384"),
    (0xC046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256", "DH-anon-ARIA128-CBC-SHA256"),
    (0xC047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384", "DH-anon-ARIA256-CBC-SHA384"),
    (0xC048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256", "ECDHE-ECDSA-ARIA128-CBC-SHA256"),
    (0xC049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384", "ECDHE-ECDSA-ARIA256-CBC-SHA384"),
    (0xC04A, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256", None),
    (0xC04B, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384", None),
    (0xC04C, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256", "ECDHE-RSA-ARIA128-CBC-SHA256"),
    (0xC04D, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384", "ECDHE-RSA-ARIA256-CBC-SHA384"),
    (0xC04E, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256", None),
    (0xC04F, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384", None),
    (0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", "ARIA128-GCM-SHA256"),
    (0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", "ARIA256-GCM-SHA384"),
    (0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", "DHE-RSA-ARIA128-GCM-SHA256"),
    (0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", "DHE-RSA-ARIA256-GCM-SHA384"),
    (0xC054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256", "DH-RSA-ARIA128-GCM-SHA256"),
    (0xC055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384", "DH-RSA-ARIA256-GCM-SHA384"),
    (0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", "DHE-DSS-ARIA128-GCM-SHA256"),
    (0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", "DHE-DSS-ARIA256-GCM-SHA384"),
    (0xC058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256", "DH-DSS-ARIA128-GCM-SHA256"),
    (0xC059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384", "DH-DSS-ARIA256-GCM-SHA384"),
    (0xC05A, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256", "ADH-ARIA128-GCM-SHA256"),
    (0xC05B, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384", "ADH-ARIA256-GCM-SHA384"),
    (0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ECDSA-ARIA128-GCM-SHA256"),
    (0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ECDSA-ARIA256-GCM-SHA384"),
    (0xC05E, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256", "ECDH-ECDSA-ARIA128-GCM-SHA256"),
    (0xC05F, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384", "ECDH-ECDSA-ARIA256-GCM-SHA384"),
    (0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ARIA128-GCM-SHA256"),
    (0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ARIA256-GCM-SHA384"),
    (0xC062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256", "ECDH-ARIA128-GCM-SHA256"),
    (0xC063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384", "ECDH-ARIA256-GCM-SHA384"),
    (0xC064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256", None),
    (0xC065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384", None),
    (0xC066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256", None),
    (0xC067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384", None),
    (0xC068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256", None),
    (0xC069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384", None),
    (0xC06A, "TLS_PSK_WITH_ARIA_128_GCM_SHA256", "PSK-ARIA128-GCM-SHA256"),
    (0xC06B, "TLS_PSK_WITH_ARIA_256_GCM_SHA384", "PSK-ARIA256-GCM-SHA384"),
    (0xC06C, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256", "DHE-PSK-ARIA128-GCM-SHA256"),
    (0xC06D, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384", "DHE-PSK-ARIA256-GCM-SHA384"),
    (0xC06E, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256", "RSA-PSK-ARIA128-GCM-SHA256"),
    (0xC06F, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384", "RSA-PSK-ARIA256-GCM-SHA384"),
    (0xC070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256", None),
    (0xC071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384", None),
    (0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-ECDSA-CAMELLIA128-SHA256"),
    (0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-ECDSA-CAMELLIA256-SHA384"),
    (0xC074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDH-ECDSA-CAMELLIA128-SHA256"),
    (0xC075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDH-ECDSA-CAMELLIA256-SHA384"),
    (0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-RSA-CAMELLIA128-SHA256"),
    (0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-RSA-CAMELLIA256-SHA384"),
    (0xC078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDH-RSA-CAMELLIA128-SHA256"),
    (0xC079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDH-RSA-CAMELLIA256-SHA384"),
    (0xC07A, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC07B, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC07C, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC07D, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC07E, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC07F, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC08A, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC08B, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC08C, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC08D, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC08E, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC08F, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256", "PSK-CAMELLIA128-SHA256"),
    (0xC095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384", "PSK-CAMELLIA256-SHA384"),
    (0xC096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", "DHE-PSK-CAMELLIA128-SHA256"),
    (0xC097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", "DHE-PSK-CAMELLIA256-SHA384"),
    (0xC098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256", "RSA-PSK-CAMELLIA128-SHA256"),
    (0xC099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384", "RSA-PSK-CAMELLIA256-SHA384"),
    (0xC09A, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-PSK-CAMELLIA128-SHA256"),
    (0xC09B, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-PSK-CAMELLIA256-SHA384"),
    (0xC09C, "TLS_RSA_WITH_AES_128_CCM", "AES128-CCM"),
    (0xC09D, "TLS_RSA_WITH_AES_256_CCM", "AES256-CCM"),
    (0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", "DHE-RSA-AES128-CCM"),
    (0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM", "DHE-RSA-AES256-CCM"),
    (0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8", "AES128-CCM8"),
    (0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8", "AES256-CCM8"),
    (0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", "DHE-RSA-AES128-CCM8"),
    (0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", "DHE-RSA-AES256-CCM8"),
    (0xC0A4, "TLS_PSK_WITH_AES_128_CCM", "PSK-AES128-CCM"),
    (0xC0A5, "TLS_PSK_WITH_AES_256_CCM", "PSK-AES256-CCM"),
    (0xC0A6, "TLS_DHE_PSK_WITH_AES_128_CCM", "DHE-PSK-AES128-CCM"),
    (0xC0A7, "TLS_DHE_PSK_WITH_AES_256_CCM", "DHE-PSK-AES256-CCM"),
    (0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8", "PSK-AES128-CCM8"),
    (0xC0A9, "TLS_PSK_WITH_AES_256_CCM_8", "PSK-AES256-CCM8"),
    (0xC0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8", "DHE-PSK-AES128-CCM8"),
    (0xC0AB, "TLS_PSK_DHE_WITH_AES_256_CCM_8", "DHE-PSK-AES256-CCM8"),
    (0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM"),
    (0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "ECDHE-ECDSA-AES256-CCM"),
    (0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE-ECDSA-AES128-CCM8"),
    (0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "ECDHE-ECDSA-AES256-CCM8"),
    (0xC0B4, "TLS_SHA256_SHA256", "TLS_SHA256_SHA256"),  # 3be7a85
    (0xC0B5, "TLS_SHA384_SHA384", "TLS_SHA384_SHA384"),  # 3be7a85
    (0xCC13, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD", "ECDHE-RSA-CHACHA20-POLY1305-OLD"),
    (0xCC14, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_OLD", "ECDHE-ECDSA-CHACHA20-POLY1305-OLD"),
    (0xCC15, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD", "DHE-RSA-CHACHA20-POLY1305-OLD"),
    (0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"),
    (0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"),
    (0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305"),
    (0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "PSK-CHACHA20-POLY1305"),
    (0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-PSK-CHACHA20-POLY1305"),
    (0xCCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "DHE-PSK-CHACHA20-POLY1305"),
    (0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", "RSA-PSK-CHACHA20-POLY1305"),
    (0xFEFE, "SSL_RSA_FIPS_WITH_DES_CBC_SHA", None),
    (0xFEFF, "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA", None),
    (0xFF00, "TLS_GOSTR341094_RSA_WITH_28147_CNT_MD5", "GOST-MD5"),
    (0xFF01, "TLS_RSA_WITH_28147_CNT_GOST94", "GOST-GOST94"),
    (0xFF02, None, "GOST-GOST89MAC"),
    (0xFF03, None, "GOST-GOST89STREAM"),
    (0xFF85, None, "GOST2012256-GOST89-GOST89"),
    (0xFF87, None, "GOST2012256-NULL-STREEBOG256"),
    (0xFFE0, "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA", None),
    (0xFFE1, "SSL_RSA_FIPS_WITH_DES_CBC_SHA", None),
)
_SSL2_TABLE = (
    (0x000000, "SSL_CK_NULL_WITH_MD5", "NULL-MD5"),
    (0x010080, "SSL_CK_RC4_128_WITH_MD5", "RC4-MD5"),
    (0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5", "EXP-RC4-MD5"),
    (0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5", "RC2-CBC-MD5"),
    (0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5", "EXP-RC2-CBC-MD5"),
    (0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5", "IDEA-CBC-MD5"),
    (0x060040, "SSL_CK_DES_64_CBC_WITH_MD5", "DES-CBC-MD5"),
    (0x060140, "SSL_CK_DES_64_CBC_WITH_SHA", "DES-CBC-SHA"),
    (0x0700C0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5", "DES-CBC3-MD5"),
    (0x0701C0, "SSL_CK_DES_192_EDE3_CBC_WITH_SHA", "DES-CBC3-SHA"),
    (0x080080, "SSL_CK_RC4_64_WITH_MD5", "RC4-64-MD5"),
    (0xFF8000, "SSL_CK_DES_64_CFB64_WITH_MD5_1", "DES-CFB-M1"),
    (0xFF8010, "SSL_CK_NULL", "NULL"),
)

# Private-use rows without an IANA name: their properties from testssl's columns (the name parser cannot see them).
_UNNAMED = {
    0xFF02: ("TLS_GOSTR341094_RSA_WITH_28147_CNT_GOST89MAC", ),
    0xFF03: ("TLS_GOSTR341094_RSA_WITH_28147_CNT_GOST89MAC", ),
    0xFF85: ("TLS_GOSTR341112_256_WITH_28147_CNT_IMIT", ),
    0xFF87: ("TLS_GOSTR341112_256_WITH_NULL_GOSTR3411", ),
}

_HASHES = {"SHA": "SHA1", "SHA256": "SHA256", "SHA384": "SHA384", "MD5": "MD5", "SM3": "SM3", "GOST94": "GOST94",
           "GOSTR3411": "GOSTR3411", "IMIT": "GOST28147", "GOST89MAC": "GOST28147"}
_AEAD_MODES = ("GCM", "CCM", "POLY1305")
_STREAM_FAMILIES = ("RC4", "28147")
_DEFAULT_BITS = {"3DES": 168, "DES": 56, "IDEA": 128, "SEED": 128, "CHACHA20": 256, "28147": 256, "SM4": 128,
                 "NULL": 0, "RC2": 128}
_EPHEMERAL = ("DHE", "ECDHE", "DHE_PSK", "ECDHE_PSK", "CECPQ1")
PROTOCOLS = ("SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3")
# Python ssl's names (SSLSocket.version()) -> the protocol names above; the one copy of that map
SSL_MODULE_NAMES = {"SSLv2": "SSL 2.0", "SSLv3": "SSL 3.0", "TLSv1": "TLS 1.0", "TLSv1.1": "TLS 1.1",
                    "TLSv1.2": "TLS 1.2", "TLSv1.3": "TLS 1.3"}


def protocol_name(ssl_name: Optional[str]) -> Optional[str]:
    """``TLSv1.2`` -> ``TLS 1.2``; a name the table lacks is returned unchanged, None stays None."""
    if ssl_name is None:
        return None
    return SSL_MODULE_NAMES.get(ssl_name, ssl_name)


@dataclass(frozen=True)
class CipherSuite:
    """One cipher suite; every field after ``openssl_name`` is derived from ``name`` by :func:`parse_suite_name`.

    ``kex``: RSA, DHE, ECDHE, DH, ECDH (static), PSK, DHE_PSK, ECDHE_PSK, RSA_PSK, SRP, KRB5, GOST, CECPQ1, NULL,
    or ANY (TLS 1.3: the key exchange is negotiated separately). ``auth``: RSA, ECDSA, DSS, PSK, SRP, KRB5, GOST,
    anon, NULL, ANY. ``enc``: the cipher part of the name (``AES_128_GCM``, ``3DES_EDE_CBC``, ``RC4_128``...),
    ``enc_family``/``enc_bits`` its algorithm and nominal key size, ``cipher_type`` block/stream/aead/null.
    ``mac``: SHA1, SHA256, SHA384, MD5, ... or AEAD (then ``hash`` names the PRF hash).
    """

    code: int
    name: str
    openssl_name: Optional[str]
    kex: str
    auth: str
    enc: str
    enc_family: str
    enc_bits: int
    cipher_type: str
    mac: str
    hash: str
    aead: bool
    pfs: bool
    anonymous: bool
    export: bool
    tls13: bool
    sslv2: bool
    h2_blocklisted: bool
    ats: bool
    registered: bool

    @property
    def hex(self) -> str:
        """The code point as testssl/Wireshark print it: ``0xC02F`` (``0x0700C0`` for SSLv2)."""
        return "0x%0*X" % (6 if self.sslv2 else 4, self.code)

    @property
    def null_cipher(self) -> bool:
        return self.enc_family == "NULL"

    @property
    def weak(self) -> bool:
        """Broken or obsolete by any current guideline: NULL, export, anonymous, RC4, DES, 3DES, RC2, IDEA, MD5."""
        return (self.null_cipher or self.export or self.anonymous or self.sslv2
                or self.enc_family in ("RC4", "DES", "3DES", "RC2", "IDEA") or self.mac == "MD5")

    def to_dict(self) -> Dict[str, object]:
        data = asdict(self)
        data["hex"] = self.hex
        return data


def _parse_kex(part: str) -> Tuple[str, str, bool, bool]:
    """``ECDHE_RSA`` -> (kex, auth, export, anonymous)."""
    tokens = [t for t in part.split("_") if t]
    export = any(t.startswith("EXPORT") for t in tokens)
    tokens = [t for t in tokens if not t.startswith("EXPORT") and t != "FIPS"]
    head = tokens[0]
    rest = tokens[1:]
    if head in ("ECDHE", "DHE", "ECDH", "DH", "CECPQ1"):
        if rest == ["anon"]:
            # anonymous (EC)DH is ephemeral but unauthenticated
            return ("ECDHE" if head.startswith("EC") else "DHE"), "anon", export, True
        if rest == ["PSK"]:
            return head + "_PSK", "PSK", export, False
        return head, rest[0], export, False
    if head == "PSK":
        return ("DHE_PSK", "PSK", export, False) if rest == ["DHE"] else ("PSK", "PSK", export, False)
    if head == "RSA":
        return ("RSA_PSK", "RSA", export, False) if rest == ["PSK"] else ("RSA", "RSA", export, False)
    if head == "SRP":
        auth = rest[1] if len(rest) > 1 else "SRP"
        return "SRP", auth, export, False
    if head == "KRB5":
        return "KRB5", "KRB5", export, False
    if head.startswith("GOSTR"):
        return ("RSA", "RSA", export, False) if rest == ["RSA"] else ("GOST", "GOST", export, False)
    if head == "NULL":
        return "NULL", "NULL", export, False
    raise ValueError("unknown key exchange %r" % part)


def _parse_cipher(tokens: List[str], sslv2: bool = False) -> Tuple[str, str, int, str, bool]:
    """Cipher tokens (hash removed) -> (enc, family, bits, cipher_type, export_hint)."""
    enc = "_".join(tokens)
    family = tokens[0]
    export_hint = False
    numbers = [int(t) for t in tokens[1:] if t.isdigit()]
    if family == "DES40":
        family, bits = "DES", 40
    elif sslv2 and family == "DES" and "EDE3" in tokens:
        family, bits = "3DES", 168
    elif sslv2 and family == "DES":
        bits = 56  # SSLv2 names count the parity bits (DES_64)
    elif numbers and family != "CHACHA20":
        bits = numbers[0] if not (family == "RC2" and tokens[1:2] == ["CBC"] and not sslv2) else numbers[-1]
    else:
        bits = _DEFAULT_BITS.get(family, 0)
    if any(t.startswith("EXPORT40") for t in tokens):
        bits, export_hint = 40, True
        enc = "_".join(t for t in tokens if not t.startswith("EXPORT"))
    if family == "NULL":
        ctype = "null"
    elif any(t in _AEAD_MODES for t in tokens):
        ctype = "aead"
    elif family in _STREAM_FAMILIES:
        ctype = "stream"
    else:
        ctype = "block"
    return enc, family, bits, ctype, export_hint


def parse_suite_name(name: str) -> Dict[str, object]:
    """Derive a suite's properties from its IANA name (TLS 1.3, TLS <= 1.2 and SSLv2 ``SSL_CK_`` names)."""
    base = name[:-4] if name.endswith("_OLD") else name
    sslv2 = base.startswith("SSL_CK_")
    if sslv2:
        body = base[len("SSL_CK_"):]
        kex, auth, export = ("NULL", "NULL", False) if body == "NULL" else ("RSA", "RSA", False)
        anonymous = False
        if "_WITH_" in body:
            cipher_part, mac_part = body.split("_WITH_", 1)
        else:
            cipher_part, mac_part = body, "NULL"
        ctokens = cipher_part.split("_")
        hash_ = _HASHES.get(mac_part.split("_")[0], mac_part)
        tls13 = False
    elif "_WITH_" in base:
        prefix, rest = base.split("_WITH_", 1)
        kex, auth, export, anonymous = _parse_kex(prefix.split("_", 1)[1])
        tokens = rest.split("_")
        tls13 = False
        if tokens[-1] in _HASHES:
            hash_ = _HASHES[tokens[-1]]
            ctokens = tokens[:-1]
        elif tokens == ["NULL", "NULL"]:  # TLS_NULL_WITH_NULL_NULL: the initial, unprotected state
            hash_, ctokens = "NULL", ["NULL"]
        else:  # CCM / CCM_8 suites omit the hash: their PRF is SHA-256
            hash_, ctokens = "SHA256", tokens
    else:  # TLS 1.3: TLS_<AEAD>_<HASH>; integrity-only TLS_SHA256_SHA256 (RFC 9150)
        tokens = base.split("_")[1:]
        kex, auth, export, anonymous, tls13 = "ANY", "ANY", False, False, True
        hash_ = _HASHES[tokens[-1]]
        ctokens = tokens[:-1]
        if ctokens[0] in ("SHA256", "SHA384"):
            ctokens = ["NULL"]
    enc, family, bits, ctype, export_hint = _parse_cipher(ctokens, sslv2)
    export = export or export_hint
    aead = ctype == "aead"
    pfs = tls13 or kex in _EPHEMERAL
    return {
        "kex": kex, "auth": auth, "enc": enc, "enc_family": family, "enc_bits": bits, "cipher_type": ctype,
        "mac": "AEAD" if aead else hash_, "hash": hash_, "aead": aead, "pfs": pfs, "anonymous": anonymous,
        "export": export, "tls13": tls13, "sslv2": sslv2,
    }


def h2_blocklisted(props: Dict[str, object]) -> bool:
    """RFC 7540 Appendix A, as a rule: a TLS 1.2 suite is blocklisted unless it has an ephemeral, authenticated
    key exchange ((EC)DHE, also with PSK) *and* an AEAD cipher. TLS 1.3 and SSLv2 suites are outside its scope."""
    if props["tls13"] or props["sslv2"]:
        return False
    return not (props["pfs"] and props["aead"] and not props["anonymous"])


def _registered(code: int, sslv2: bool) -> bool:
    if sslv2:
        return False
    return not any(lo <= code <= hi for lo, hi in _UNREGISTERED_RANGES)


def _build(code: int, name: Optional[str], openssl_name: Optional[str], sslv2: bool) -> CipherSuite:
    parse_name = name if name else _UNNAMED[code][0]
    props: Dict[str, Any] = dict(parse_suite_name(parse_name))  # the CipherSuite fields the name gives
    props["sslv2"] = sslv2
    return CipherSuite(
        code=code, name=name or (openssl_name or "0x%04X" % code), openssl_name=openssl_name,
        h2_blocklisted=h2_blocklisted(props), ats=(not sslv2 and code in ATS_CODES),
        registered=_registered(code, sslv2) and name is not None, **props)


ALL_SUITES: Tuple[CipherSuite, ...] = tuple(_build(c, n, o, False) for c, n, o in _TLS_TABLE)
SSL2_SUITES: Tuple[CipherSuite, ...] = tuple(_build(c, n, o, True) for c, n, o in _SSL2_TABLE)

SUITES_BY_CODE: Dict[int, CipherSuite] = {s.code: s for s in ALL_SUITES}
SSL2_SUITES_BY_CODE: Dict[int, CipherSuite] = {s.code: s for s in SSL2_SUITES}
SUITES_BY_NAME: Dict[str, CipherSuite] = {}
SUITES_BY_OPENSSL_NAME: Dict[str, CipherSuite] = {}
for _s in ALL_SUITES:  # first code wins for the two Netscape FIPS names that appear twice
    SUITES_BY_NAME.setdefault(_s.name, _s)
    if _s.openssl_name:
        SUITES_BY_OPENSSL_NAME.setdefault(_s.openssl_name, _s)
del _s

TLS13_CODES: Tuple[int, ...] = tuple(s.code for s in ALL_SUITES if s.tls13)
TLS12_CODES: Tuple[int, ...] = tuple(s.code for s in ALL_SUITES if not s.tls13)
"""Every two-byte code offered to TLS <= 1.2 servers when enumerating (RC4, 3DES, export and NULL included)."""


def lookup(value: Union[int, str]) -> CipherSuite:
    """Find a suite by code (int, ``"0xC02F"``, ``"C02F"``), IANA name, OpenSSL name or Schannel name
    (``..._P256``/``_P384``/``_P521`` suffixes of 2008 R2-2012 R2 are ignored). Raises ``KeyError``."""
    if isinstance(value, int):
        return SUITES_BY_CODE[value]
    text = value.strip()
    if text in SUITES_BY_NAME:
        return SUITES_BY_NAME[text]
    if text in SUITES_BY_OPENSSL_NAME:
        return SUITES_BY_OPENSSL_NAME[text]
    for suffix in ("_P256", "_P384", "_P521"):
        if text.endswith(suffix) and text[: -len(suffix)] in SUITES_BY_NAME:
            return SUITES_BY_NAME[text[: -len(suffix)]]
    hex_text = text.lower().replace("0x", "").replace(",", "")
    try:
        return SUITES_BY_CODE[int(hex_text, 16)]
    except ValueError:
        pass
    raise KeyError(value)


def suite_name(code: int) -> str:
    """IANA name for a code point, or ``0xABCD`` when the code is not in the registry (e.g. GREASE)."""
    suite = SUITES_BY_CODE.get(code)
    return suite.name if suite else "0x%04X" % code


def names(codes: Iterable[int]) -> List[str]:
    return [suite_name(c) for c in codes]
