# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Documentation only: the work is done by the action plugin plugins/action/schannel_report.py on the controller.
from __future__ import annotations

DOCUMENTATION = r"""
---
module: schannel_report
short_description: Write one fleet report (JSON, JUnit XML, HTML, text) from the role's per-host results
version_added: 0.1.0
description:
  - Runs on the controller only; it connects to no host. Use it once per play (C(run_once=true)).
  - Gathers each host's result from the variable O(var_name) (the C(tlsops.schannel.schannel) role sets
    C(schannel_run)) or takes O(results), and writes one report for the whole fleet.
  - The HTML page is self-contained (inline CSS, no scripts, a Content-Security-Policy that forbids loading
    anything) and shows a host x client matrix (green = the client connects, with the negotiated protocol and
    suite; red = it does not, with the symptom), drift per host, findings with their fixes and which hosts rebooted.
  - The JUnit XML has one test suite per host with a test case for the run (an error when the host failed or was
    unreachable), one for drift in check mode (a failure when values differ from the profile, so CI goes red on
    drift) and one per host x policy, so a CI server shows every host.
  - Several runs merge into one report (job slices in AWX/AAP, several controllers, waves run one by one); give
    their JSON reports or results in O(inputs). Hosts, counts, the matrix and JUnit come out as from one run; a
    host present in more than one input keeps its latest result, and its notes say which input it was also in.
  - A host without a result (unreachable or failed before the role recorded one) appears as failed with the reason.
  - When a host's result carries what the write modules found of other runs (C(recovered), C(lease),
    C(interrupted), as M(tlsops.schannel.win_schannel) returns them), the host's notes say so, in one line each
    (an interrupted run rolled back or finished first, a lease held by another controller, an interrupted run left
    on the host).
  - The HTML page is built from a Jinja2 template with autoescaping on; the report is built from typed inputs
    (the role's C(schannel_run), M(tlsops.schannel.tls_verify)'s results, M(tlsops.schannel.schannel_plan)'s
    findings) and an unknown key fails the task with the path to it.
  - Every string a server sent (certificate subjects, suite names, diagnosis) is HTML-escaped in the page, and
    terminal escape sequences are stripped from the text summary.
  - Files are created with mode C(0600) in directories with mode C(0700); the file names come from O(name)
    (reduced to C([A-Za-z0-9._-])), never from host names.
author:
  - tlsops maintainers (@tlsops)
options:
  dest:
    description:
      - Directory the report files are written to. Created with mode C(0700) when missing; must not be a symlink.
    type: path
    required: true
  name:
    description:
      - File name stem; the files are C(<name>.json), C(<name>.xml), C(<name>.html) and C(<name>.txt).
    type: str
    default: schannel-report
  formats:
    description:
      - Which forms to write.
    type: list
    elements: str
    choices: [html, json, junit, text]
    default: [json, junit, html, text]
  results:
    description:
      - Per-host results, a dict of host name to that host's result. When omitted (and O(inputs) is omitted) they
        are read from O(var_name) in each host's hostvars.
    type: dict
  inputs:
    description:
      - Other runs to merge into this report. Each item is the path of a JSON report written by this module, or a
        dict of host name to that host's result.
      - With O(inputs), this run's hostvars are added only when O(hosts) or O(results) is given too.
    type: list
    elements: raw
  compare_to:
    description:
      - Path of an earlier JSON report (for example the verify run before a change). The HTML page then shows,
        per host, its status, protocols, policy verdicts and each client before and after.
    type: path
  hosts:
    description:
      - Hosts to include when gathering from hostvars. Defaults to C(ansible_play_hosts_all), so hosts that failed
        or were unreachable appear in the report as failed.
    type: list
    elements: str
  var_name:
    description:
      - The host variable that holds a host's result.
    type: str
    default: schannel_run
  title:
    description:
      - Title of the report.
    type: str
    default: tlsops.schannel fleet report
  run:
    description:
      - Free-form facts about the run shown in the report header (playbook, profile, wave...).
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: Writes the report in check mode too; it changes nothing on any managed host.
  diff_mode:
    support: none
    description: No diff.
  platform:
    support: full
    platforms: posix
    description: Runs on the controller.
notes:
  - Always returns C(changed=false) because the report is an artefact on the controller, not a change to a host.
seealso:
  - module: tlsops.schannel.tls_verify
  - module: tlsops.schannel.schannel_plan
"""

EXAMPLES = r"""
- name: Write the fleet report once, after every host ran the role
  tlsops.schannel.schannel_report:
    dest: "{{ playbook_dir }}/reports"
    run:
      playbook: harden.yml
  run_once: true

- name: One fleet report from the reports of two job slices (or two controllers)
  tlsops.schannel.schannel_report:
    dest: /srv/reports
    name: fleet
    inputs:
      - /srv/reports/slice1/schannel-audit.json
      - /srv/reports/slice2/schannel-audit.json
  run_once: true

- name: The harden run's report with a before -> after section from the verify run before it
  tlsops.schannel.schannel_report:
    dest: /srv/reports
    name: after
    inputs: [/srv/reports/after.json]
    compare_to: /srv/reports/before.json
  run_once: true

- name: Only JUnit for the CI server, from explicit results
  tlsops.schannel.schannel_report:
    dest: /var/tmp/ci
    name: schannel-junit
    formats: [junit]
    results: "{{ my_results }}"
  run_once: true
"""

RETURN = r"""
paths:
  description: Path of each file written, by format.
  returned: success
  type: dict
  sample: {"json": "/srv/reports/schannel-report.json", "html": "/srv/reports/schannel-report.html"}
summary:
  description:
    - Fleet totals. C(ok), C(changed), C(drift), C(failed) and C(rolled_back) count hosts by status, except that
      C(drift) counts every host whose registry differs from the profile (check mode) whatever its status.
    - C(policy_failures) counts failed host x endpoint x policy verdicts, C(hosts_failing_policy) the hosts with at
      least one; C(unreachable) the hosts the run could not reach.
  returned: success
  type: dict
  sample: {"hosts": 2, "ok": 1, "changed": 1, "drift": 0, "failed": 0, "rolled_back": 0, "unreachable": 0,
           "rebooted": ["web2008"], "policy_failures": 0, "hosts_failing_policy": 0}
text:
  description: The text summary (terminal escapes stripped), also written to the C(.txt) file.
  returned: success
  type: str
  sample: |
    Schannel fleet report (2026-12-02T10:15:00Z)
    hosts: 2  ok: 1  changed: 1  drift: 0  failed: 0  rolled back: 0  unreachable: 0  policy failures: 0  rebooted: web2008

    web2008 [changed] Windows 2008r2, profile ios_ats, 12 change(s), rebooted
"""
