#!/usr/bin/env bash
# The demo the README runs (`make demo`): the field report, diagnosed and fixed, proven from the outside.
#
#  1. start two Windows host twins on 127.0.0.1: "web2008" (Server 2008 R2 / IIS 7.5 configured like the field
#     report: TLS 1.2 off, a policy suite list copied from a newer server) and "web2022";
#  2. playbooks/verify.yml: probe both; iOS 9 ATS fails on web2008 and the report names the cause (TLS 1.2 off,
#     suite names 2008 R2 does not have);
#  3. playbooks/harden.yml with the ios_ats profile: plan, apply, reboot where needed, verify;
#  4. print a before/after summary and the report paths; the twins are stopped on exit (trap).
#
# Assumes the venv exists ($VENV, default .venv) and ANSIBLE_COLLECTIONS_PATH resolves tlsops.schannel (the
# Makefile sets both). Everything listens on 127.0.0.1 only; the twins also stop by themselves after $LIFETIME s.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
PLAYBOOK="$VENV/bin/ansible-playbook"
LIFETIME="${DEMO_LIFETIME:-300}"
OUT="${DEMO_OUT:-$ROOT/.cache/demo}"
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$ROOT/.cache/collections}"
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-1}" ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_HOST_KEY_CHECKING=0
export ANSIBLE_DISPLAY_SKIPPED_HOSTS=0 ANSIBLE_DISPLAY_OK_HOSTS="${ANSIBLE_DISPLAY_OK_HOSTS:-0}"

for tool in "$PY" "$PLAYBOOK"; do
  [[ -x "$tool" ]] || { echo "demo: $tool not found; run 'make demo' (it creates the venv) or set VENV" >&2; exit 2; }
done
link="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/tlsops/schannel"
if [[ ! -e "$link" ]]; then
  mkdir -p "$(dirname "$link")" && ln -sfn "$ROOT" "$link"
fi

STATE="$(mktemp -d "${TMPDIR:-/tmp}/tlsops-demo.XXXXXX")"
stop_twins() {
  "$PY" -m tests.twin stop --state-dir "$STATE" >/dev/null 2>&1 || true
  rm -rf "$STATE"
}
trap stop_twins EXIT
trap 'exit 130' INT TERM

started=$SECONDS
step() { printf '\n=== [%3ss] %s\n' "$((SECONDS - started))" "$*"; }

rm -rf "$OUT"
mkdir -p "$OUT"
chmod 0700 "$OUT"

step "Starting the Windows host twins (2008 R2 like the field report, and 2022)"
"$PY" -m tests.twin start --state-dir "$STATE" --lifetime "$LIFETIME" \
  --spec web2008:2008r2:rsa:2048:ios_ats_failure --spec web2022:2022:rsa:2048
INV="$STATE/inventory.yml"

cat > "$STATE/demo-vars.yml" <<EOF
schannel_target: twins
schannel_profile: ios_ats
schannel_verify:
  endpoints:
    - port: "{{ tlsops_twin_https_port }}"
  policies: [ios_ats]
  clients: [ios9_ats, safari15, android44, android12, ie11_win7, java8, chrome, curl_openssl3, pywinrm]
  validate_certs: false   # the twins serve self-signed certificates
schannel_backup_dir: $OUT/backups
schannel_report_dir: $OUT
EOF

step "verify.yml: what do clients get today? (web2008 is expected to fail)"
set +e
"$PLAYBOOK" -i "$INV" playbooks/verify.yml -e "@$STATE/demo-vars.yml" -e schannel_verify_report_name=before
verify_rc=$?
set -e
[[ -f "$OUT/before.txt" ]] || { echo "demo: verify.yml wrote no report (rc=$verify_rc)" >&2; exit 1; }
if [[ $verify_rc -ne 0 ]]; then
  echo "(verify.yml exited $verify_rc: web2008 fails the ios_ats policy, as in the field report; the diagnosis follows)"
fi
cat "$OUT/before.txt"

step "harden.yml with the ios_ats profile: plan, apply, reboot where required, verify (canary wave first)"
"$PLAYBOOK" -i "$INV" playbooks/harden.yml -e "@$STATE/demo-vars.yml" -e schannel_report_name=after

step "Before -> after (after.html gets the same comparison)"
PYTHONPATH="${ANSIBLE_COLLECTIONS_PATH%%:*}" "$PY" - "$OUT/before.json" "$OUT/after.json" <<'EOF'
import sys
from ansible_collections.tlsops.schannel.plugins.action.schannel_report import read_report_file
from ansible_collections.tlsops.schannel.plugins.plugin_utils._report.text import render_comparison
before, after = (read_report_file(p) for p in sys.argv[1:3])
sys.stdout.write(render_comparison(before, after))
EOF
# the same report again, with a before -> after section in its HTML
"$VENV/bin/ansible" localhost -c local -o -m tlsops.schannel.schannel_report \
  -a "{\"dest\": \"$OUT\", \"name\": \"after\", \"inputs\": [\"$OUT/after.json\"], \"compare_to\": \"$OUT/before.json\"}" >/dev/null

step "Reports"
for f in before after; do
  for ext in html json xml txt; do
    printf '  %s\n' "$OUT/$f.$ext"
  done
done
printf '\ndemo finished in %ss\n' "$((SECONDS - started))"
