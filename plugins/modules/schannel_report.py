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
  - The JUnit XML has one test suite per host and one test case per host x policy, so a CI server shows policy
    failures as failed tests.
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
      - Per-host results, a dict of host name to that host's result. When omitted they are read from
        O(var_name) in each host's hostvars.
    type: dict
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
  description: Fleet totals.
  returned: success
  type: dict
  sample: {"hosts": 2, "ok": 1, "changed": 1, "drift": 0, "failed": 0, "rolled_back": 0,
           "rebooted": ["web2008"], "policy_failures": 0}
text:
  description: The text summary (terminal escapes stripped), also written to the C(.txt) file.
  returned: success
  type: str
  sample: |
    Schannel fleet report (2026-12-02T10:15:00Z)
    hosts: 2  ok: 1  changed: 1  drift: 0  failed: 0  rolled back: 0  rebooted: web2008

    web2008 [changed] Windows 2008r2, profile ios_ats, 12 change(s), rebooted
"""
