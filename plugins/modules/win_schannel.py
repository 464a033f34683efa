# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This file holds only the documentation; the module is win_schannel.ps1, driven by the action plugin
# plugins/action/win_schannel.py.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: win_schannel
short_description: Set Windows Schannel protocols, ciphers, hashes, key exchange, .NET and WinHTTP TLS settings
version_added: 0.1.0
description:
  - Brings the Schannel registry of a Windows host (Server 2008 R2 to 2025) to the state a named O(profile) and/or
    explicit settings describe, for that host's Windows version.
  - Every item takes V(enabled), V(disabled) or V(default); V(default) removes the key or value so Windows' own
    default applies.
  - Protocols are written as C(Enabled=1)/C(0) and C(DisabledByDefault=0)/C(1), ciphers, hashes and key exchanges as
    C(Enabled=0xffffffff)/C(0); any non-zero C(Enabled) already present is read as enabled.
  - The action plugin reads the host once (or takes O(facts)), compiles the change in Python, refuses on error
    findings and when the lockout guard predicts a cut management connection, then runs the PowerShell module once.
  - Keys whose names contain C(/) (C(AES 128/128)) are created under their own name, never split.
  - The cipher-suite and curve order are set with M(tlsops.schannel.win_tls_cipher_suites).
options:
  profile:
    description:
      - Name of a profile shipped in the collection's C(profiles/) folder (for example C(mozilla_intermediate)),
        or a path to a profile YAML file.
      - Explicit settings below win over the profile, exactly as O(tlsops.schannel.schannel_plan#module:overrides)
        do (the same function merges and compiles both), so a plan and this module never disagree about them.
      - To write a plan you reviewed, give O(plan) instead.
    type: str
  protocols:
    description:
      - Protocol name (C(SSL 2.0), C(SSL 3.0), C(TLS 1.0), C(TLS 1.1), C(TLS 1.2), C(TLS 1.3), C(DTLS 1.0),
        C(DTLS 1.2), C(PCT 1.0), C(Multi-Protocol Unified Hello)) to V(enabled), V(disabled) or V(default),
        for both the server and the client side.
    type: dict
  server_protocols:
    description:
      - Like O(protocols) for the server side only.
    type: dict
  client_protocols:
    description:
      - Like O(protocols) for the client side only.
    type: dict
  ciphers:
    description:
      - Cipher key name (C(AES 128/128), C(AES 256/256), C(Triple DES 168), C(RC4 128/128), C(DES 56/56), C(NULL), ...)
        to V(enabled), V(disabled) or V(default).
    type: dict
  hashes:
    description:
      - Hash key name (C(MD5), C(SHA), C(SHA256), C(SHA384), C(SHA512)) to V(enabled), V(disabled) or V(default).
    type: dict
  key_exchanges:
    description:
      - Key-exchange key name (C(Diffie-Hellman), C(PKCS), C(ECDH)) to V(enabled), V(disabled) or V(default).
    type: dict
  key_sizes:
    description:
      - Minimum and maximum key sizes in bits, or V(default) to remove the value.
      - Keys C(dh_server_min), C(dh_client_min), C(dh_client_max), C(pkcs_client_min), C(pkcs_client_max).
    type: dict
  schannel_values:
    description:
      - Documented values under the C(SCHANNEL) root key (C(EventLogging), C(ClientCacheTime), C(ServerCacheTime),
        C(MaximumCacheSize), C(SendTrustedIssuerList), C(EnableOcspStaplingForSni), C(AllowInsecureRenegoClients),
        C(AllowInsecureRenegoServers), ...) to an integer, or V(default) to remove the value.
    type: dict
  dotnet_strong_crypto:
    description:
      - C(SchUseStrongCrypto) and C(SystemDefaultTlsVersions) for .NET 2.0/4.x, 32- and 64-bit.
      - When TLS 1.0/1.1 are disabled while this is not V(enabled), the module warns that .NET clients may fail with
        "Could not create SSL/TLS secure channel".
    type: str
    choices: [enabled, disabled, default]
  winhttp_protocols:
    description:
      - Protocols WinHTTP offers by default (C(DefaultSecureProtocols), 32- and 64-bit), for example
        C([TLS 1.2, TLS 1.3]). An empty list removes the value (Windows default).
    type: list
    elements: str
  restore:
    description:
      - Apply a backup instead of settings, either the RV(backup) list a previous run returned or the path of a
        C(.reg) file this collection wrote with O(backup=true).
      - Mutually exclusive with O(profile) and the explicit settings.
    type: raw
extends_documentation_fragment:
  - tlsops.schannel.win_apply
  - tlsops.schannel.win_apply.attributes
seealso:
  - module: tlsops.schannel.win_schannel_info
  - module: tlsops.schannel.win_tls_cipher_suites
  - module: ansible.windows.win_reboot
author:
  - tlsops maintainers (@tlsops)
'''

EXAMPLES = r'''
- name: Write exactly the plan schannel_plan computed (refused if the host changed since)
  tlsops.schannel.win_schannel:
    plan: "{{ plan }}"
  register: schannel

- name: Apply a profile, see what changes first with --check --diff
  tlsops.schannel.win_schannel:
    profile: mozilla_intermediate
  register: schannel
  notify: Reboot Windows

- name: Turn off the legacy protocols on both sides, keep a .reg backup on the controller
  tlsops.schannel.win_schannel:
    protocols:
      SSL 3.0: disabled
      TLS 1.0: disabled
      TLS 1.1: disabled
      TLS 1.2: enabled
    ciphers:
      RC4 128/128: disabled
      Triple DES 168: disabled
    dotnet_strong_crypto: enabled
    backup: true
    backup_dir: /var/backups/schannel

- name: Read the host once, then reuse the facts (three WinRM executions for the whole state)
  block:
    - tlsops.schannel.win_schannel_info:
      register: info
    - tlsops.schannel.win_schannel:
        profile: pci_dss_4
        facts: '{{ info }}'
        rdp: true
    - tlsops.schannel.win_tls_cipher_suites:
        profile: pci_dss_4
        facts: '{{ info }}'

- name: Roll back the previous run
  tlsops.schannel.win_schannel:
    restore: '{{ schannel.backup }}'

- name: Roll back from a .reg file written by backup=true
  tlsops.schannel.win_schannel:
    restore: /var/backups/schannel/web01-20260101T120000Z.reg
    reboot: true
'''

RETURN = r'''
recovered:
  description:
    - Present when an earlier run had been cut mid-change on this host and this task settled it first as
      O(interrupted_run) says (C(action) V(rollback) or V(finish)), with the module that wrote (C(module)), whether
      that changed anything (C(changed)), the reboot reasons of those writes, and which run it was (C(interrupted)).
  returned: when an interrupted run was settled
  type: dict
  sample:
    action: rollback
    module: win_schannel
    changed: true
    reboot_reasons: []
    interrupted:
      module: win_schannel
      run_id: 'awx-node-1:4242:0f3c2a9e6d1b4c3e'
      owner: ops@awx-node-1 (pid 4242)
      started: '2026-12-02T10:15:00Z'
lease:
  description:
    - When the task failed because a run from another controller holds the host's lease, that holder
      (C(owner), C(run_id), C(expires)). Nothing was written.
  returned: when refused for a lease
  type: dict
  sample:
    owner: ops@awx-node-1 (pid 4242)
    run_id: 'awx-node-1:4242:0f3c2a9e6d1b4c3e'
    expires: '2026-12-02T10:30:00Z'
interrupted:
  description:
    - When the task failed because an interrupted run's intent is on the host and O(interrupted_run=fail) (or the
      intent cannot be read), that intent (C(run_id), C(owner), C(module), C(started), C(operations), C(undo)).
  returned: when refused for an interrupted run
  type: dict
  sample:
    run_id: 'awx-node-1:4242:0f3c2a9e6d1b4c3e'
    owner: ops@awx-node-1 (pid 4242)
    module: win_tls_cipher_suites
    started: '2026-12-02T10:15:00Z'
    operations: {scope: local, cipher_suites: [TLS_AES_256_GCM_SHA384], ecc_curves: [NistP256]}
    undo: {scope: local, cipher_suites: [TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256], ecc_curves: [NistP256]}
changes:
  description:
    - Every value the run changed (or would change in check mode), with its C(layer) (C(policy) or C(local)) and
      the C(reboot_reason) of that change (null when it takes effect without a reboot).
  returned: always
  type: list
  elements: dict
  sample:
    - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Server
      name: Enabled
      layer: local
      before: {type: dword, data: 1}
      after: {type: dword, data: 0}
      reboot_reason: Schannel applies protocol settings to credential handles acquired after the change; ...
backup:
  description:
    - Registry operations that, applied in order, restore the previous state of everything the run changed.
    - Pass it to O(restore) to roll back.
  returned: always
  type: list
  elements: dict
  sample:
  - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client
    name: DisabledByDefault
    state: absent
    type: null
    data: null
    reboot_reason: Schannel applies protocol settings to credential handles acquired after the change; long-running
      services (IIS, WinRM) keep theirs, so restart the machine (WSD-REG-2023, EXCH-TLS)
  - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client
    name: Enabled
    state: present
    type: dword
    data: 1
    reboot_reason: Schannel applies protocol settings to credential handles acquired after the change; long-running
      services (IIS, WinRM) keep theirs, so restart the machine (WSD-REG-2023, EXCH-TLS)
backup_file:
  description: Path of the C(.reg) file written on the controller.
  returned: when O(backup=true) and something changed
  type: str
  sample: /home/ops/schannel-backups/web2019.example.com-20261202T101500Z.reg
reboot_required:
  description: Whether a change only takes effect after a reboot.
  returned: always
  type: bool
  sample: true
reboot_reasons:
  description: Why, one reason per kind of change, unique, in order.
  returned: always
  type: list
  elements: str
  sample:
  - Schannel applies protocol settings to credential handles acquired after the change; long-running services (IIS,
    WinRM) keep theirs, so restart the machine (WSD-REG-2023, EXCH-TLS)
findings:
  description: Lint findings of the compiled plan (C(code), C(severity), C(item), C(message), C(fix)).
  returned: always
  type: list
  elements: dict
  sample:
  - code: SCH011
    severity: info
    item: TLS 1.3
    message: TLS 1.3 is not supported on Windows Server 2019 (facts §2); Microsoft calls enabling it there unsafe,
      so the plan leaves it alone
    fix: null
guard:
  description: What the lockout guard checked and concluded (C(checked), C(connection), C(prediction), C(reason)).
  returned: always
  type: dict
  sample:
    checked:
    - winrm_https
    blocked: false
    reasons: []
    warnings: []
    connection:
      connection: winrm
      scheme: https
      host: web2019.example.com
      port: 5986
    prediction:
      connects: true
      protocol: TLS 1.2
      cipher_suite: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
      reason: null
      symptom: null
      predictor: knowledge engine
    probe:
      connects: true
      protocol: TLS 1.2
      cipher_suite: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
      error: null
operations:
  description: The concrete registry operations sent to the host.
  returned: always
  type: list
  elements: dict
  sample:
  - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client
    name: Enabled
    state: present
    type: dword
    data: 0
    reboot_reason: Schannel applies protocol settings to credential handles acquired after the change; long-running
      services (IIS, WinRM) keep theirs, so restart the machine (WSD-REG-2023, EXCH-TLS)
  - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client
    name: DisabledByDefault
    state: present
    type: dword
    data: 1
    reboot_reason: Schannel applies protocol settings to credential handles acquired after the change; long-running
      services (IIS, WinRM) keep theirs, so restart the machine (WSD-REG-2023, EXCH-TLS)
facts_after:
  description:
    - The facts this task started from (the O(facts) given, or its own M(tlsops.schannel.win_schannel_info) read)
      with the registry as this run left it (in check mode, as it would leave it), in the same shape.
    - Give it as O(tlsops.schannel.win_tls_cipher_suites#module:facts) to the next apply task of the same plan, which
      then does not read the host again. It is a prediction from what was written, not a new read of the host.
  returned: when the change was applied or nothing had to change
  type: dict
  sample:
    windows_version: '2019'
    registry: {}
    protocols:
      server: [TLS 1.2]
      client: [TLS 1.2]
rebooted:
  description: Whether the host was rebooted by O(reboot=true).
  returned: always
  type: bool
  sample: false
state_after_reboot:
  description: The M(tlsops.schannel.win_schannel_info) result read after the reboot.
  returned: when rebooted
  type: dict
  sample:
    windows_version: '2019'
    protocols:
      server:
      - TLS 1.2
      client:
      - TLS 1.2
      server_dtls:
      - DTLS 1.2
      client_dtls:
      - DTLS 1.2
    reboot_pending: false
'''

# Options of win_schannel.ps1 itself, i.e. what the action plugin sends; not user-facing. The PowerShell gate
# (tests/unit/powershell/test_spec_matches_doc.py) compares this with the literal $spec of the .ps1.
INTERNAL_OPTIONS = r'''
options:
  operations:
    description: Concrete registry operations, see docs/dev/contracts.md "Registry operations".
    type: list
    elements: dict
    required: true
    options:
      path:
        description: Full key path starting with C(HKLM\), backslash-separated; C(/) is part of a key name.
        type: str
        required: true
      name:
        description: Value name; null addresses the key itself.
        type: str
      state:
        description: Whether the value (or key) should exist.
        type: str
        choices: [present, absent]
        default: present
      type:
        description: Registry value type.
        type: str
        choices: [dword, qword, string, expandstring, multistring, binary, none]
      data:
        description: Value data, int for dword/qword, str, list of str or list of int.
        type: raw
      reboot_reason:
        description: Why a change of this value needs a reboot.
        type: str
  run:
    description:
      - The run this call belongs to (issue 14), sent by the action plugin. With it the module takes the host's lease
        (C(HKLM\\SOFTWARE\\tlsops\\schannel\\Lease)) before writing and refuses while another run holds it; the
        write-ahead intent is kept in the same key either way.
    type: dict
    options:
      id:
        description: Unique id of the run.
        type: str
        required: true
      owner:
        description: Who runs it (controller host, user, process); named in a refusal.
        type: str
        required: true
      lease_seconds:
        description: How long the lease holds if the run never releases it.
        type: int
        default: 900
      release:
        description: Release the lease when the module ends.
        type: bool
        default: true
      recover:
        description: An interrupted run's intent is present and this call recovers it (rolls back or finishes).
        type: bool
        default: false
'''
