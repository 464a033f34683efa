#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# This file holds only the documentation: the work is done on the controller by plugins/action/schannel_plan.py.
from __future__ import annotations

DOCUMENTATION = r'''
---
module: schannel_plan
short_description: Compile a Schannel TLS profile for one Windows version and predict what clients negotiate
version_added: 0.1.0
description:
  - Runs on the controller only (action plugin); it never touches the Windows host.
  - Compiles a named profile (or a profile file) plus the host's facts into the exact registry state, the registry
    operations (each with the reason when it needs a reboot), the cipher-suite order in that Windows version's own
    names and the curve order.
  - Profiles name suites by their IANA names; on Windows Server 2008 R2, 2012 and 2012 R2 the plan uses the
    C(_P256)/C(_P384) names those versions need, leaves out suites the version lacks (no
    C(TLS_ECDHE_RSA_WITH_AES_*_GCM_*) before 2016, TLS 1.3 suites only from 2022) and keeps the Group Policy list
    within 1,023 characters.
  - Reports lint findings with stable codes (C(SCH001) unknown or version-invalid suite name with the closest valid
    name, C(SCH003) HTTP/2-prohibited suite ahead of an allowed one, C(SCH009) profile not achievable with the closest
    alternative, ...) and predicts, for well-known clients (iOS 9 ATS, Safari, Android, Java, IE 11, Chrome, Firefox,
    curl, the controller's own pywinrm), the protocol and suite Schannel would negotiate or how the handshake fails
    (for example the TCP reset Schannel sends when no suite is shared).
options:
  profile:
    description:
      - Name of a profile shipped in the collection's C(profiles/) folder (C(ios_ats), C(mozilla_modern),
        C(mozilla_intermediate), C(pci_dss_4), C(best_practices), C(strict), C(fips_140), C(os_default)) or the path
        of a profile YAML file (validated against C(profiles/profile.schema.json)).
    type: str
    required: true
  overrides:
    description:
      - Settings that win over the profile, with the same keys as a profile (C(protocols), C(server_protocols),
        C(client_protocols), C(ciphers), C(hashes), C(key_exchanges), C(key_sizes), C(schannel_values),
        C(dotnet_strong_crypto), C(winhttp_protocols), C(fips_algorithm_policy), C(cipher_suites), C(ecc_curves),
        C(cipher_suite_scope)).
      - List settings (C(cipher_suites), C(ecc_curves), C(winhttp_protocols)) take C(set), C(add) and C(remove)
        like C(microsoft.ad)'s list values; a plain list means C(set).
      - Suite names given here are taken as written for this host's version; a name the version does not have is an
        error finding that names the one to use.
      - Each overridden setting is listed in RV(overrides) with the profile's value. An override that loosens the
        profile (enables a protocol or algorithm it disables, adds suites) adds a C(SCH015) warning; one that
        breaks the profile's C(requirements) (disables a protocol the profile requires) adds a C(SCH016) error.
      - M(tlsops.schannel.win_schannel) and M(tlsops.schannel.win_tls_cipher_suites) merge their own settings over
        a profile with the same function, so plan and apply never disagree about an override.
    type: dict
  windows_version:
    description:
      - The target's Windows Server version, as a key (C(2008r2), C(2012), C(2012r2), C(2016), C(2019), C(2022),
        C(2025)), a caption (C(Windows Server 2019 Datacenter)), a build number (C(17763)) or a version string
        (C(10.0.17763)).
      - Required unless O(facts) is given.
    type: raw
  certificate_key:
    description:
      - Key of the certificate the host serves, as C(rsa:2048), C(rsa:4096), C(ecdsa:p256) or C(ecdsa:p384),
        optionally with the signature hash (C(rsa:2048:sha1)).
      - Taken from the binding on O(certificate_port) in O(facts) when not given (never from another port's binding).
    type: str
  certificate_port:
    description:
      - The port of the HTTPS endpoint the plan is for; the certificate of the binding on that port in O(facts)
        (an C(ip), C(sni) or C(ccs) binding) decides which suites can be served. No binding on that port means an
        RSA 2048 certificate is assumed.
    type: int
    default: 443
  http2:
    description:
      - Whether the host serves HTTP/2 (IIS 10 does by default); enables the HTTP/2 ordering lint.
    type: bool
    default: false
  management:
    description:
      - The protocol and suite the controller's own management connection uses; the plan fails (C(SCH010)) when it
        would disable them.
    type: dict
    suboptions:
      protocol:
        description: Protocol, for example C(TLS 1.2).
        type: str
      cipher_suite:
        description: Suite (IANA name), for example C(TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384).
        type: str
  current_state:
    description:
      - The host's current registry (the RV(tlsops.schannel.win_schannel_info#module:registry) result). With it, the
        plan reports only what changes and the reboot reasons of those changes.
    type: dict
  facts:
    description:
      - The whole result of M(tlsops.schannel.win_schannel_info); supplies O(windows_version), O(current_state),
        the local suite and curve order and O(certificate_key) when they are not given.
    type: dict
  clients:
    description:
      - Client profiles to predict (keys of the collection's client table); default all of them.
    type: list
    elements: str
    choices: [ios9_ats, safari9, safari15, android44, android12, java8, java17, ie11_win7, ie11_win10, chrome,
              firefox, curl_openssl3, pywinrm]
  guard:
    description:
      - When the task's host is managed over WinRM with HTTPS, add a C(SCH010) error if the controller's own WinRM
        client (pywinrm) would no longer connect after the change.
      - This is the same check, with the same function, that M(tlsops.schannel.win_schannel) and
        M(tlsops.schannel.win_tls_cipher_suites) run before they write; its verdict is RV(guard).
    type: bool
    default: true
  fail_on_findings:
    description:
      - Fail the task when a finding of severity C(error) exists. With V(false) the plan is returned anyway.
    type: bool
    default: true
notes:
  - Check mode is supported; the module never changes anything.
  - Facts and sources for every table are in the collection's knowledge engine
    (C(plugins/module_utils/schannel)), transcribed from Microsoft's per-version Schannel pages.
seealso:
  - module: tlsops.schannel.win_schannel_info
  - module: tlsops.schannel.win_schannel
  - module: tlsops.schannel.win_tls_cipher_suites
author:
  - tlsops maintainers (@tlsops)
attributes:
  check_mode:
    support: full
    description: Nothing is changed in any mode.
  diff_mode:
    support: none
    description: No diff; see RV(changes).
  platform:
    support: full
    platforms: posix
    description: Runs on the controller.
'''

EXAMPLES = r'''
- name: What does Apple ATS need on a 2008 R2 IIS 7.5 with an RSA certificate?
  tlsops.schannel.schannel_plan:
    profile: ios_ats
    windows_version: 2008r2
    certificate_key: rsa:2048
  delegate_to: localhost
  register: plan

- name: Try a custom order (explains names that do not exist on the version, predicts iOS 9)
  tlsops.schannel.schannel_plan:
    profile: ios_ats
    windows_version: 2008r2
    certificate_key: rsa:2048
    clients: [ios9_ats, ie11_win7]
    fail_on_findings: false
    overrides:
      cipher_suites:
        set:
          - TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256
          - TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256

- name: Plan against what the host has now
  block:
    - tlsops.schannel.win_schannel_info:
      register: info
    - tlsops.schannel.schannel_plan:
        profile: mozilla_intermediate
        facts: '{{ info }}'
        http2: true
        # an override wins over the profile and is listed in the result's overrides, with a SCH015 warning;
        # TLS 1.0 also needs a suite that works under it, or the plan has a SCH006 error
        overrides:
          protocols:
            TLS 1.0: enabled
          cipher_suites:
            add: [TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA]
      register: plan

- name: Review the plan, then write exactly that plan (refused if the host changed since it was computed)
  block:
    - tlsops.schannel.win_schannel_info:
      register: info
    - tlsops.schannel.schannel_plan:
        profile: ios_ats
        facts: '{{ info }}'
      register: plan
    - tlsops.schannel.win_schannel:
        plan: '{{ plan }}'
    - tlsops.schannel.win_tls_cipher_suites:
        plan: '{{ plan }}'
'''

RETURN = r'''
windows_version:
  description:
    - The version key the plan was compiled for.
    - Besides the seven Long-Term Servicing releases, C(1709), C(1803), C(1903), C(20h2) (Semi-Annual Channel),
      C(23h2) (Windows Server, version 23H2) and C(vnext) (a build newer than 26100); the mapping is stated in an
      C(SCH017) finding.
  returned: always
  type: str
  sample: 2008r2
profile:
  description: Name of the compiled profile.
  returned: always
  type: str
  sample: ios_ats
guideline:
  description: The published guideline the profile applies (name, configuration, version, source key), or null.
  returned: always
  type: dict
  sample: {"name": "Mozilla Server Side TLS", "configuration": "intermediate", "version": "6.0", "source": "MOZ"}
registry:
  description: Desired registry values, C(path) -> C(name) -> C({type, data}), or C(null) for a value that must be absent.
  returned: success
  type: dict
  sample:
    HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Server:
      Enabled:
        type: dword
        data: 0
      DisabledByDefault:
        type: dword
        data: 1
operations:
  description:
    - Registry operations in the contract format (C(path), C(name), C(state), C(type), C(data), C(reboot_reason)),
      for M(tlsops.schannel.win_schannel).
  returned: success
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
changes:
  description: The operations that change O(current_state), each with C(before); all of them without O(current_state).
  returned: success
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
    before:
      type: dword
      data: 1
  - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Client
    name: DisabledByDefault
    state: present
    type: dword
    data: 1
    reboot_reason: Schannel applies protocol settings to credential handles acquired after the change; long-running
      services (IIS, WinRM) keep theirs, so restart the machine (WSD-REG-2023, EXCH-TLS)
    before: null
cipher_suites:
  description: Ordered suite list in the version's own names, or C(null) when the profile leaves the order alone.
  returned: success
  type: list
  elements: str
  sample: [TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384]
cipher_suite_scope:
  description: Where the order goes, C(policy) (Group Policy value, reboot) or C(local) (TLS cmdlets, 2016+).
  returned: success
  type: str
  sample: policy
ecc_curves:
  description: Curve order (2016+), or C(null).
  returned: success
  type: list
  elements: str
  sample:
  - curve25519
  - NistP256
  - NistP384
reboot_required:
  description: Whether applying the plan needs a reboot.
  returned: success
  type: bool
  sample: true
reboot_reasons:
  description: Why, one entry per distinct reason.
  returned: success
  type: list
  elements: str
  sample:
  - Schannel applies protocol settings to credential handles acquired after the change; long-running services (IIS,
    WinRM) keep theirs, so restart the machine (WSD-REG-2023, EXCH-TLS)
findings:
  description: Lint findings, each C({code, severity, item, message, fix}); severities C(error), C(warning), C(info).
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
predictions:
  description:
    - Per client key, C({connects, protocol, cipher_suite, reason, symptom}); C(symptom) is one of C(tcp_reset),
      C(alert:handshake_failure), C(alert:protocol_version), C(certificate_rejected) or C(null).
    - The format M(tlsops.schannel.tls_verify)'s C(expect) option takes.
  returned: success
  type: dict
  sample:
    ie11_win7:
      connects: false
      protocol: null
      cipher_suite: null
      reason: 'no cipher suite in common under TLS 1.2 (server order: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384):
        Schannel resets the TCP connection and logs event 36874 (facts §9)'
      symptom: tcp_reset
    android44:
      connects: true
      protocol: TLS 1.2
      cipher_suite: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
      reason: null
      symptom: null
effective:
  description: The Schannel configuration in effect after the plan (protocols, suite order and its source, curves).
  returned: success
  type: dict
  sample:
    version: '2019'
    server_protocols:
    - TLS 1.2
    client_protocols:
    - TLS 1.2
    server_dtls:
    - DTLS 1.0
    - DTLS 1.2
    client_dtls:
    - DTLS 1.0
    - DTLS 1.2
    explicit_only: []
    protocol_reasons:
      SSL 2.0 Client: SSL 2.0 is not supported on Windows Server 2019 (facts §2)
      SSL 2.0 Server: SSL 2.0 is not supported on Windows Server 2019 (facts §2)
      SSL 3.0 Client: Enabled=0
      SSL 3.0 Server: Enabled=0
      TLS 1.0 Client: Enabled=0
      TLS 1.0 Server: Enabled=0
      TLS 1.1 Client: Enabled=0
      TLS 1.1 Server: Enabled=0
      TLS 1.2 Client: Enabled=0x1
      TLS 1.2 Server: Enabled=0x1
      TLS 1.3 Client: TLS 1.3 is not supported on Windows Server 2019 (facts §2)
      TLS 1.3 Server: TLS 1.3 is not supported on Windows Server 2019 (facts §2)
      DTLS 1.0 Client: 'Windows Server 2019 default: enabled'
      DTLS 1.0 Server: 'Windows Server 2019 default: enabled'
      DTLS 1.2 Client: 'Windows Server 2019 default: enabled'
      DTLS 1.2 Server: 'Windows Server 2019 default: enabled'
    cipher_suites:
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    client_cipher_suites:
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    cipher_suites_source: policy
    configured_cipher_suites:
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    policy_cipher_suites:
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    local_cipher_suites: null
    dropped_cipher_suites: []
    ecc_curves:
    - curve25519
    - NistP256
    - NistP384
    ecc_curves_source: policy
    disabled_ciphers: []
    disabled_hashes: []
    disabled_key_exchanges: []
    dh_server_min_bits: 2048
registry_operations:
  description:
    - Exactly the operations M(tlsops.schannel.win_schannel) writes when given this plan, in the order it writes
      them (the suite and curve order values left to M(tlsops.schannel.win_tls_cipher_suites), keys the plan empties
      removed, new keys created explicitly so the backup removes them, ordered so that every prefix is safe).
  returned: success
  type: list
  elements: dict
  sample:
  - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL
    name: null
    state: present
    type: null
    data: null
    reboot_reason: Schannel applies protocol settings to credential handles acquired after the change; long-running
      services (IIS, WinRM) keep theirs, so restart the machine (WSD-REG-2023, EXCH-TLS)
  - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\Multi-Protocol Unified Hello\Client
    name: Enabled
    state: present
    type: dword
    data: 0
    reboot_reason: Schannel applies protocol settings to credential handles acquired after the change; long-running
      services (IIS, WinRM) keep theirs, so restart the machine (WSD-REG-2023, EXCH-TLS)
write_order_safe:
  description: Whether every prefix of RV(registry_operations) keeps what both the old and the new state serve.
  returned: success
  type: bool
  sample: true
overrides:
  description:
    - One entry per setting O(overrides) changes, C({setting, profile, override, weakens}); C(profile) is what the
      profile sets (C(null) when it does not), C(weakens) whether the override loosens it.
  returned: success
  type: list
  elements: dict
  sample: [{"setting": "protocols.TLS 1.0", "profile": "disabled", "override": "enabled", "weakens": true}]
fingerprints:
  description:
    - SHA-256 fingerprints of the host state the plan was computed from (C(before)), after its registry part
      (C(registry_applied)) and after all of it (C(applied)); empty without O(facts). The write modules refuse the
      plan when the host matches none of them.
  returned: success
  type: dict
  sample:
    before: 7601d65ca4bf69fa29f1c47887cd5384cfd44d057c87d6b1a1f4379cc90a5c62
    registry_applied: 4d89bccdd30b1d3f6b80163bf9ec6fdb8a56088ef435f7a9914c011d68b0233e
    applied: 9b084fb445c0f513cdd17b71f21e9bd7bd5ab554cdcfaac3328de7cda449c97b
guard:
  description: The lockout check's verdict (C(blocked), C(reasons), C(prediction), ...), or C(null) with O(guard=false).
  returned: success
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
'''
