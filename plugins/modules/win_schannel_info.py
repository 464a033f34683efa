# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This file holds only the documentation; the module is win_schannel_info.ps1, driven by the action plugin
# plugins/action/win_schannel_info.py.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: win_schannel_info
short_description: Read the Schannel TLS state of a Windows host, as set and as in effect
version_added: 0.1.0
description:
  - Reads, in one WinRM module execution, the Windows version and build, every managed Schannel, .NET and WinHTTP
    registry value, the cipher-suite and curve order in both layers (Group Policy and local CNG), the HTTP.sys TLS
    bindings with their certificates, and whether and why a reboot is pending.
  - The action plugin then works out, in Python, the value in effect once Windows defaults apply for that version,
    which layer decides the cipher-suite order (C(policy), C(local) or C(default)), the suites the host supports
    (C(Get-TlsCipherSuite) on 2016 and later, the catalogue elsewhere), and stray look-alike keys such as
    C(AES 128\128) (a C(AES 128/128) split by an old tool) or C(Triple DES 168/168).
  - The whole result can be passed as O(tlsops.schannel.win_schannel#module:facts) to the modules that change the
    host, so they do not read it again.
options:
  bindings:
    description:
      - Read the HTTP.sys TLS bindings (IIS, WinRM HTTPS) and their certificates.
    type: bool
    default: true
  cipher_suites:
    description:
      - Read the local cipher-suite and curve lists with the TLS cmdlets where they exist (2016 and later).
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    description: Read only; runs the same in check mode.
  diff_mode:
    support: none
    description: Read only, nothing to show.
  platform:
    support: full
    platforms: windows
    description: >-
      Windows Server 2008 R2 to 2025 over WinRM or PSRP, with Windows PowerShell 5.1 on the host (ansible-core runs no
      Windows module below it): in-box from 2016; on 2008 R2 SP1, 2012 and 2012 R2 install .NET Framework 4.5.2 or
      later, then WMF 5.1. The role's first task checks this.
  action:
    support: full
    description: An action plugin reads the host once and derives the effective state on the controller.
seealso:
  - module: tlsops.schannel.win_schannel
  - module: tlsops.schannel.win_tls_cipher_suites
author:
  - tlsops maintainers (@tlsops)
'''

EXAMPLES = r'''
- name: Read the Schannel state
  tlsops.schannel.win_schannel_info:
  register: schannel_info

- name: Show which layer decides the cipher-suite order
  ansible.builtin.debug:
    msg: "{{ schannel_info.cipher_suites.source }}: {{ schannel_info.cipher_suites.order | join(', ') }}"

- name: Fail on look-alike keys left by other tools
  ansible.builtin.assert:
    that: schannel_info.stray_keys | length == 0
'''

RETURN = r'''
windows_version:
  description: The version key the knowledge engine uses (C(2008r2) ... C(2025)).
  returned: always
  type: str
  sample: '2019'
os:
  description: C(version), C(build), C(caption) and C(installation_type) as Windows reports them.
  returned: always
  type: dict
  sample:
    version: 10.0.17763
    build: 17763
    caption: Microsoft Windows Server 2019 Datacenter
    installation_type: Server
registry:
  description: Raw dump of the managed keys (see docs/dev/contracts.md "The registry dump").
  returned: always
  type: dict
  sample:
    HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Server:
      Enabled:
        type: dword
        data: 0
      DisabledByDefault:
        type: dword
        data: 1
managed_values:
  description:
    - Every managed value, with what is set (C(set), null when absent), what is in effect once defaults apply
      (C(effective)), its C(layer) (C(policy) or C(local)) and the C(setting) that owns it.
  returned: always
  type: list
  elements: dict
  sample:
  - setting: protocols.TLS 1.0.server
    path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Server
    name: Enabled
    layer: local
    set:
      type: dword
      data: 0
    display: 0x00000000 (dword)
    default: enabled
    effective: disabled
    source: set
protocols:
  description: Protocols in effect, C(server) and C(client) lists.
  returned: always
  type: dict
  sample:
    server:
    - TLS 1.1
    - TLS 1.2
    client:
    - TLS 1.0
    - TLS 1.1
    - TLS 1.2
    server_dtls:
    - DTLS 1.0
    - DTLS 1.2
    client_dtls:
    - DTLS 1.0
    - DTLS 1.2
cipher_suites:
  description:
    - C(order) in effect, its C(source) (C(policy), C(local) or C(default)), the C(policy) and C(local) lists
      (null when not set or not readable), C(available) (the suites the host offers, from C(Get-TlsCipherSuite) on
      2016 and later, from the local registry list or the version's default list elsewhere, see
      C(available_source)) and C(supported) (every suite Schannel knows on this version).
  returned: always
  type: dict
  sample:
    order:
    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    source: local
    configured:
    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    policy: null
    local:
    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    dropped: []
    supported:
    - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    available:
    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    available_source: Get-TlsCipherSuite
ecc_curves:
  description: C(order) in effect, C(source), C(policy) and C(local) curve lists.
  returned: always
  type: dict
  sample:
    order:
    - curve25519
    - NistP256
    - NistP384
    source: local
    policy: null
    local:
    - curve25519
    - NistP256
    - NistP384
bindings:
  description:
    - HTTP.sys TLS bindings, each C(kind) (C(ip), C(sni) or C(ccs) for an IIS Central Certificate Store binding),
      C(ip), C(port), C(hostname), C(ccs), C(thumbprint), and for a binding with a certificate hash C(subject),
      C(key_type), C(key_size), C(signature_hash), C(not_after) (null when the certificate is not in the store).
    - A C(ccs) binding has no thumbprint of its own (IIS picks the certificate by host name).
    - Null when not read (C(bindings=false)); an empty list when HTTP.sys has no TLS binding.
  returned: always
  type: list
  elements: dict
  sample:
  - kind: ip
    ip: 0.0.0.0
    port: 443
    hostname: null
    ccs: false
    thumbprint: 3A1F5C0E6B9D2C47A8E1F0B3D5C7E9A1B2C4D6E8
    subject: CN=web2019.example.com
    key_type: rsa
    key_size: 2048
    signature_hash: sha256
    not_after: '2027-06-30T23:59:59Z'
reboot_pending:
  description:
    - Whether Windows waits for a reboot, from the markers ansible.windows C(setup) reads (Component Based Servicing
      C(RebootPending), Windows Update C(RebootRequired), a non-empty C(PendingFileRenameOperations), Server Manager
      C(RestartRequired)).
  returned: always
  type: bool
  sample: false
reboot_pending_reasons:
  description: Why.
  returned: always
  type: list
  elements: str
  sample: []
last_boot_time:
  description: Last boot, ISO 8601 UTC (C(yyyy-MM-ddTHH:mm:ssZ), invariant culture); null when it could not be read.
  returned: always
  type: str
  sample: '2026-12-01T06:12:44Z'
stray_keys:
  description: Look-alike keys Schannel does not read, each C(path), C(looks_like) and C(fix).
  returned: always
  type: list
  elements: dict
  sample:
  - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Ciphers\AES 128\128
    looks_like: AES 128/128
    fix: >-
      'AES 128/128' was split on '/' by a tool that used New-Item or an old win_regedit; remove
      'HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Ciphers\AES 128' and set 'AES 128/128'
      with tlsops.schannel.win_schannel
read_errors:
  description:
    - Each part of the host that could not be read, C(what) and the C(error) Windows gave (a denied registry key, a
      failing cmdlet or WMI query); the rest of the result is still returned, and each is also a warning.
  returned: always
  type: list
  elements: dict
  sample:
  - what: registry key HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols
    error: Requested registry access is not allowed.
updates:
  description:
    - Whether each update the knowledge tables assume (KB3042058 for the 2008 R2 and 2012 tables, KB2919355 for
      2012 R2; see docs/windows-versions.md) is listed by Win32_QuickFixEngineering (what C(Get-HotFix) shows).
      C(true) listed, C(false) not listed, C(null) the query failed (see RV(read_errors)).
    - Only these ids are asked for, never the whole update history. An update contained in a rollup or in updated
      installation media may be in effect without being listed, so C(false) means "not listed", not "missing".
    - schannel_plan reads it (finding SCH019 on 2008 R2, 2012 and 2012 R2). Null in a result registered before
      this key existed.
  returned: always
  type: dict
  sample:
    KB2919355: true
    KB3042058: false
run_state:
  description:
    - The collection's own state on the host, from C(HKLM\SOFTWARE\tlsops\schannel) (docs/dev/crash-consistency-design.md).
    - C(lease) is the parsed C(Lease) value (C(owner), C(run_id), C(expires), C(module)) a running play holds, C(interrupted)
      the parsed C(Intent) value a write left when it was cut (C(run_id), C(owner), C(module), C(started),
      C(operations), C(undo)); each null when absent.
    - A value that is not a JSON object is returned as C({raw, error}) (and a warning); when the key cannot be read
      both are C({raw, error}) with C(raw) null and RV(read_errors) says why.
  returned: always
  type: dict
  sample:
    lease:
      owner: controller01
      run_id: 6f1c2a0e-3b7d-4d7e-9a51-2f0c8e4b7a10
      expires: '2026-12-03T08:15:00Z'
      module: win_schannel
    interrupted: null
unknown_names:
  description:
    - Each name in the host's configured cipher-suite or curve list that its Windows release's Schannel does not
      know, with C(list) (C(cipher_suites) or C(ecc_curves)), C(source) (C(policy) or C(local)), C(name),
      C(windows_version), C(nearest) (the closest names the release knows), C(message) and C(fix); each is also a
      warning. Microsoft warns that a cipher-suite value Schannel cannot understand may stop all TLS to the server.
  returned: always
  type: list
  elements: dict
  sample:
  - list: cipher_suites
    source: policy
    name: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265
    windows_version: '2019'
    nearest:
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    message: >-
      the policy cipher-suite list holds TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265, which Windows Server 2019's Schannel
      does not know; Microsoft warns ...
    fix: >-
      replace TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265 with TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 in the policy
      cipher-suite list (tlsops.schannel.win_tls_cipher_suites cipher_suites with scope: policy writes a list of
      known names), or remove it
tls_cipher_suites:
  description:
    - Raw local CNG list C([{name, code}]) from C(Get-TlsCipherSuite).
    - Null when not read (C(cipher_suites=false), or no C(Get-TlsCipherSuite) before 2016, or the cmdlet failed);
      an empty list when read and empty.
  returned: always
  type: list
  elements: dict
  sample:
  - name: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    code: 49200
  - name: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    code: 49199
tls_ecc_curves:
  description:
    - Raw local curve list from C(Get-TlsEccCurve).
    - Null when not read (C(cipher_suites=false), or no C(Get-TlsEccCurve) before 2016, or the cmdlet failed); an
      empty list when read and empty.
  returned: always
  type: list
  elements: str
  sample:
  - curve25519
  - NistP256
  - NistP384
'''

# Options of win_schannel_info.ps1 itself, i.e. what the action plugin sends; not user-facing. The PowerShell gate
# compares this with the literal $spec of the .ps1.
INTERNAL_OPTIONS = r'''
options:
  keys:
    description: Key paths to dump recursively, taken from the registry model.
    type: list
    elements: str
    default: []
  cipher_suites:
    description: Call Get-TlsCipherSuite/Get-TlsEccCurve when they exist.
    type: bool
    default: true
  bindings:
    description: Read HTTP.sys bindings and certificates.
    type: bool
    default: true
  updates:
    description:
      - Update ids (C(KB) and digits) to look up in Win32_QuickFixEngineering; the action plugin sends the updates the
        knowledge tables assume (C(catalogue.PREREQUISITE_UPDATE_IDS)). Empty, the query is not made.
    type: list
    elements: str
    default: []
'''
