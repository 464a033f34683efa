#!/usr/bin/env bash
# Run ansible-test on a copy of the checkout laid out as ansible_collections/tlsops/schannel.
#
# ansible-test insists on running from inside an `ansible_collections/<ns>/<name>` folder and resolves symlinks,
# so the tracked (and new, not ignored) files are copied into build/ansible-test/<venv>/... first.
# HOME points into .cache so that ansible-test's own cache stays inside the project; its pip bootstrap script is
# seeded there with one that installs pip from the package index (no download from ansible's CI file host).
#
# Usage: scripts/ansible-test.sh VENV ARGS...   e.g. scripts/ansible-test.sh .venv sanity --venv --python 3.11
set -euo pipefail
venv=$(cd "$1" && pwd); shift
root=$(cd "$(dirname "$0")/.." && pwd)
# ansible-test skips every file when a folder above the collection starts with a dot, hence build/ and no dots.
work="$root/build/ansible-test/$(basename "$venv" | tr -d .)/ansible_collections/tlsops/schannel"
rm -rf "$work"
mkdir -p "$work"
(cd "$root" && git ls-files -co --exclude-standard | while IFS= read -r f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf -) | tar -xf - -C "$work"
# The copy lives inside this checkout's git work tree, where it is ignored: give it a git index of its own, or
# ansible-test asks the outer repository for the file list and skips everything.
git -C "$work" init -q && git -C "$work" add -A
# Dependencies sit beside the collection, where ansible-test's collection loader looks: ansible.windows comes
# from the `ansible` package in the venv (no Galaxy here).
deps="$("$venv/bin/python" -c 'import ansible_collections.ansible.windows as m; print(list(m.__path__)[0])' 2>/dev/null || true)"
if [ -n "$deps" ]; then
  mkdir -p "$work/../../ansible"
  cp -r "$deps" "$work/../../ansible/windows"
fi

export HOME="$root/.cache/home"
pip_version=$("$venv/bin/python" - <<'PY'
import inspect, re
from ansible_test._internal import python_requirements as pr
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(pr.get_venv_packages)).group(1))
PY
)
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
cat > "$cache/get_pip_${pip_version//./_}.py" <<'PY'
"""Stand-in for get-pip.py: install pip from the package index, offline-safe (ensurepip's bundled wheel first)."""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
PY
cd "$work"
exec "$venv/bin/ansible-test" "$@"
