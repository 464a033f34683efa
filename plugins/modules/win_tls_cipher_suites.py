# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# This file holds only the documentation; the module is win_tls_cipher_suites.ps1, driven by the action plugin
# plugins/action/win_tls_cipher_suites.py.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: win_tls_cipher_suites
short_description: Set the Schannel cipher-suite order and the ECC curve order of a Windows host
version_added: 0.1.0
description:
  - Sets the ordered list of TLS cipher suites (and curves) Schannel offers and accepts.
  - O(scope=policy) writes the Group Policy values C(Functions) (REG_SZ, comma-separated) and C(EccCurves)
    (REG_MULTI_SZ) under C(HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002); they win over
    the local list and take effect at the next boot.
  - O(scope=local) changes the local CNG list with the TLS cmdlets (Windows Server 2016 and later), without a reboot;
    a policy list, when present, still wins, and the module warns about it.
  - Every name is validated against the host's Windows version before anything is written; an unknown name fails
    with the closest valid one (for example the C(_P256) variant on 2012 R2).
  - The Group Policy list is limited to 1,023 characters; a longer list fails.
options:
  profile:
    description:
      - Take the cipher-suite and curve order from this profile, compiled for the host's Windows version with the
        same function as M(tlsops.schannel.schannel_plan).
      - Mutually exclusive with O(cipher_suites) and O(ecc_curves). To write a plan you reviewed, give O(plan).
    type: str
  cipher_suites:
    description:
      - Suite names in the host's spelling (C(TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)). With O(list_mode=set), the
        whole ordered list; with V(add) the suites to append (or insert, see O(position)); with V(remove) the suites
        to take out.
    type: list
    elements: str
  ecc_curves:
    description:
      - Curve names (C(curve25519), C(NistP256), C(NistP384)), same O(list_mode) semantics as O(cipher_suites).
    type: list
    elements: str
  list_mode:
    description:
      - V(set) replaces the list, V(add) adds missing entries, V(remove) takes entries out; the order of the other
        entries is kept.
    type: str
    choices: [set, add, remove]
    default: set
  position:
    description:
      - With O(list_mode=add), the zero-based position where the added entries go; default is the end.
    type: int
  scope:
    description:
      - V(policy) for the Group Policy values (every version, reboot), V(local) for the TLS cmdlets
        (2016 and later, no reboot).
    type: str
    choices: [policy, local]
    default: policy
  state:
    description:
      - V(absent) with O(scope=policy) removes the policy values, so the local (or default) list applies again.
    type: str
    choices: [present, absent]
    default: present
  restore:
    description:
      - Put back a RV(backup) a previous run returned (a C({scope, cipher_suites, ecc_curves}) dict for the local
        scope, or the list of registry operations for the policy scope). Other list options are ignored.
    type: raw
extends_documentation_fragment:
  - tlsops.schannel.win_apply
  - tlsops.schannel.win_apply.attributes
seealso:
  - module: tlsops.schannel.win_schannel
  - module: tlsops.schannel.win_schannel_info
author:
  - tlsops maintainers (@tlsops)
'''

EXAMPLES = r'''
- name: Write the suite and curve order of a reviewed plan, in the plan's scope (refused if the host changed since)
  tlsops.schannel.win_tls_cipher_suites:
    plan: "{{ plan }}"

- name: Put the HTTP/2-compatible ECDHE GCM suites first (Server 2016 and later), as Group Policy
  tlsops.schannel.win_tls_cipher_suites:
    cipher_suites:
      - TLS_AES_256_GCM_SHA384
      - TLS_AES_128_GCM_SHA256
      - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
      - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
      - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
      - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    ecc_curves: [curve25519, NistP384, NistP256]
  notify: Reboot Windows

- name: Remove a suite from the local list without a reboot
  tlsops.schannel.win_tls_cipher_suites:
    scope: local
    list_mode: remove
    cipher_suites:
      - TLS_RSA_WITH_3DES_EDE_CBC_SHA

- name: Take the order from a profile
  tlsops.schannel.win_tls_cipher_suites:
    profile: mozilla_intermediate

- name: Drop the Group Policy order so the local list applies again
  tlsops.schannel.win_tls_cipher_suites:
    state: absent
'''

RETURN = r'''
recovered:
  description: As RV(tlsops.schannel.win_schannel#module:recovered) (an interrupted run settled first).
  returned: when an interrupted run was settled
  type: dict
  sample: {action: rollback, module: win_tls_cipher_suites, changed: true, reboot_reasons: []}
lease:
  description: As RV(tlsops.schannel.win_schannel#module:lease) (another controller's run holds the host).
  returned: when refused for a lease
  type: dict
  sample: {owner: ops@awx-node-1 (pid 4242), run_id: 'awx-node-1:4242:0f3c2a9e6d1b4c3e', expires: '2026-12-02T10:30:00Z'}
interrupted:
  description: As RV(tlsops.schannel.win_schannel#module:interrupted) (the intent of an interrupted run, left as it is).
  returned: when refused for an interrupted run
  type: dict
  sample: {run_id: 'awx-node-1:4242:0f3c2a9e6d1b4c3e', module: win_tls_cipher_suites, started: '2026-12-02T10:15:00Z'}
before:
  description: The list in the chosen scope before the change (C(cipher_suites), C(ecc_curves); null = not set).
  returned: always
  type: dict
  sample:
    cipher_suites: null
    ecc_curves: null
after:
  description: The list in the chosen scope after the change.
  returned: always
  type: dict
  sample:
    cipher_suites:
    - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    ecc_curves:
    - curve25519
    - NistP256
in_effect:
  description: Which layer decides the order after the change (C(policy), C(local) or C(default)).
  returned: always
  type: str
  sample: policy
backup:
  description:
    - How to put the previous lists back, as O(restore) of this module. For O(scope=policy) a list of registry
      operations on the policy key (M(tlsops.schannel.win_schannel) O(tlsops.schannel.win_schannel#module:restore)
      takes it too, and its C(.reg) file); for O(scope=local) a dict C({scope, cipher_suites, ecc_curves}).
  returned: always
  type: raw
  sample:
  - path: HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002
    name: Functions
    state: absent
    type: null
    data: null
    reboot_reason: null
backup_file:
  description: Path of the C(.reg) file written on the controller (policy scope).
  returned: when O(backup=true), O(scope=policy) and something changed
  type: str
  sample: /home/ops/schannel-backups/web2019.example.com-20261202T101500Z.reg
reboot_required:
  description: Whether the change takes effect only after a reboot (always for the policy scope).
  returned: always
  type: bool
  sample: true
reboot_reasons:
  description: Why a reboot is needed.
  returned: always
  type: list
  elements: str
  sample:
  - HTTP.sys and Schannel read the cipher-suite order policy at start-up, so restart the machine
findings:
  description: Lint findings on the resulting order (HTTP/2 ordering, names, length).
  returned: always
  type: list
  elements: dict
  sample:
  - code: SCH012
    severity: warning
    item: http2
    message: TLS_RSA_WITH_AES_256_GCM_SHA384 is on the HTTP/2 block list and is ordered before TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    fix: order the ECDHE AEAD suites first
guard:
  description: What the lockout guard checked and concluded.
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

# Options of win_tls_cipher_suites.ps1 itself, i.e. what the action plugin sends after resolving set/add/remove
# and validating names; not user-facing. The PowerShell gate compares this with the literal $spec of the .ps1.
INTERNAL_OPTIONS = r'''
options:
  scope:
    description: Layer to write.
    type: str
    choices: [policy, local]
    default: policy
  cipher_suites:
    description: The final ordered suite list; null leaves the suites alone.
    type: list
    elements: str
  ecc_curves:
    description: The final ordered curve list; null leaves the curves alone.
    type: list
    elements: str
  state:
    description: V(absent) with policy scope removes the policy values.
    type: str
    choices: [present, absent]
    default: present
  restore:
    description:
      - A policy-order backup (the RV(backup) of a policy-scope run, or its C(.reg) file as the action plugin reads it)
        to apply alone, with O(scope=policy); registry operations on the policy key only.
    type: list
    elements: dict
    options:
      path:
        description: The policy key, C(HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002).
        type: str
        required: true
      name:
        description: Value name; null removes the key.
        type: str
      state:
        description: Whether the value should exist.
        type: str
        choices: [present, absent]
        default: present
      type:
        description: Registry value type.
        type: str
        choices: [dword, qword, string, expandstring, multistring, binary, none]
      data:
        description: Value data.
        type: raw
      reboot_reason:
        description: Why the change needs a reboot.
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
