# -*- coding: utf-8 -*-
# Copyright: (c) 2026, tlsops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the Windows modules that change a host (win_schannel, win_tls_cipher_suites)."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  facts:
    description:
      - The registered result of M(tlsops.schannel.win_schannel_info) for this host.
      - When given, the module does not read the host again, so a whole run (info, M(tlsops.schannel.win_schannel),
        M(tlsops.schannel.win_tls_cipher_suites)) costs three WinRM module executions.
      - When omitted, the action plugin runs M(tlsops.schannel.win_schannel_info) once itself.
      - With O(plan), the facts the plan was made from, or RV(tlsops.schannel.win_schannel#module:facts_after) of the
        M(tlsops.schannel.win_schannel) task that applied the same plan before; the plan is then checked against
        those facts, not against a new read, so a change made on the host by someone else since those facts were
        read is not seen (the lease keeps other runs of this collection out while a module writes).
    type: dict
  guard:
    description:
      - Refuse the change when it would cut the management connection.
      - With C(ansible_winrm_scheme=https) the action plugin predicts whether the controller's WinRM client still
        negotiates a protocol and cipher suite with the host after the change and the reboot (and probes the live
        listener from the controller when it can); WinRM over HTTP with message encryption is not affected by Schannel.
      - With O(rdp=true) it also refuses to leave Windows Server 2008 R2 without TLS 1.0 for RDP.
      - Set to V(false) to apply anyway; a warning says what would break.
    type: bool
    default: true
  rdp:
    description:
      - Include Remote Desktop in the lockout guard (Windows Server 2008 R2 RDP speaks only TLS 1.0 unless
        KB3080079 is installed).
    type: bool
    default: false
  rdp_kb3080079:
    description:
      - Whether KB3080079 (TLS 1.1/1.2 for RDP on Windows Server 2008 R2) is installed. Only read with O(rdp=true)
        on 2008 R2.
    type: bool
    default: false
  backup:
    description:
      - Also write the previous values of everything the run changed as a C(.reg) file on the controller.
      - The previous values are always returned as RV(backup); this only adds the file. Its path is RV(backup_file).
    type: bool
    default: false
  backup_dir:
    description:
      - Directory on the controller for O(backup) files, created with mode C(0700); files are written with mode
        C(0600) and named from the sanitised inventory hostname and a UTC timestamp.
      - Defaults to C(backups/) next to the playbook.
    type: path
  plan:
    description:
      - The registered result of M(tlsops.schannel.schannel_plan), computed with O(tlsops.schannel.schannel_plan#module:facts)
        from M(tlsops.schannel.win_schannel_info). The module writes exactly what the plan says and compiles nothing
        itself (M(tlsops.schannel.win_schannel) its RV(tlsops.schannel.schannel_plan#module:registry_operations), in
        their order; M(tlsops.schannel.win_tls_cipher_suites) its suite and curve order in its
        RV(tlsops.schannel.schannel_plan#module:cipher_suite_scope)), so the plan a user reviews is the plan that is
        written.
      - The plan carries a fingerprint of the host state it was computed from (registry values, local suite and
        curve order, certificate bindings). When the host has changed since and is not in a state the plan itself
        leads to, the module fails before it writes anything; plan again on fresh facts.
      - A plan with error findings, or computed for another Windows version, is refused the same way.
      - Cannot be combined with a profile, settings or O(restore).
    type: dict
  certificate_port:
    description:
      - With a profile of the module's own (not O(plan)), the port of the HTTPS binding whose certificate the suites
        are chosen for (the binding of that port in RV(tlsops.schannel.win_schannel_info#module:bindings)). No
        binding on that port means an RSA 2048 certificate is assumed.
    type: int
    default: 443
  reboot:
    description:
      - Reboot the host through a copy of ansible.windows' reboot helper when the change needs one, then read the state
        again and return it as RV(state_after_reboot).
      - In check mode no reboot happens.
    type: bool
    default: false
  reboot_timeout:
    description:
      - Seconds to wait for the host to come back after O(reboot).
    type: int
    default: 600
  interrupted_run:
    description:
      - What to do first when an earlier run was cut between two writes on this host (its PowerShell process ended by
        a task timeout, a lost connection or a crash) and left its write-ahead intent there
        (C(HKLM\\SOFTWARE\\tlsops\\schannel\\Intent), also reported by
        M(tlsops.schannel.win_schannel_info) as C(run_state.interrupted)).
      - V(rollback) writes back the state from before that run (the undo the intent holds), V(finish) writes what that
        run meant to write; either way the task then does what it was asked on the state it finds, and its result says
        so in RV(recovered). V(fail) leaves the host as it is and fails naming the interrupted run.
      - In check mode nothing is settled; a warning names the interrupted run.
    type: str
    choices: [rollback, finish, fail]
    default: rollback
  run_owner:
    description:
      - How this run names itself in the host's lease (C(HKLM\\SOFTWARE\\tlsops\\schannel\\Lease)), which a run from
        another controller is refused with while it holds it.
      - Defaults to C(user@controller-host (pid N)). The lease is taken when the module starts writing and released
        when it ends (also when it fails); with O(reboot=true) it is kept through the reboot and released after it.
        One left by a run that died expires after 900 seconds (plus O(reboot_timeout) with O(reboot=true)).
    type: str
notes:
  - The PowerShell module receives only concrete registry operations; profile resolution, Windows-version gating,
    name validation and the lockout guard run in Python on the controller before anything is written.
'''

    ATTRIBUTES = r'''
attributes:
  check_mode:
    support: full
    description: Reports the same changes, backup and reboot reasons without writing.
  diff_mode:
    support: full
    description: Shows each changed value before and after, DWORDs as C(0x%08x), with the layer (policy or local).
  platform:
    support: full
    platforms: windows
    description: >-
      Windows Server 2008 R2 to 2025 over WinRM or PSRP, with Windows PowerShell 5.1 on the host (ansible-core runs no
      Windows module below it): in-box from 2016; on 2008 R2 SP1, 2012 and 2012 R2 install .NET Framework 4.5.2 or
      later, then WMF 5.1. The role's first task checks this.
  action:
    support: full
    description: >-
      An action plugin reads the host, compiles and guards the change on the controller, then runs the PowerShell
      module once.
'''
