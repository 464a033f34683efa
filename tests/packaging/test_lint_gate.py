"""The lint layer of `make test` really fails on a YAML error: ansible-lint's production profile (which includes
yamllint's rules) runs on a copy of a real playbook, once as shipped and once with a YAML mistake added.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).parent / "ansible-lint"

pytestmark = pytest.mark.integration


def _lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--profile", "production", "--offline", "--nocolor", str(path)],
                          cwd=path.parent, capture_output=True, text=True, timeout=300, check=False)


def test_shipped_playbook_passes_and_a_yaml_error_fails(tmp_path):
    good = tmp_path / "verify.yml"
    shutil.copy(REPO / "playbooks" / "verify.yml", good)
    result = _lint(good)
    assert result.returncode == 0, result.stdout + result.stderr

    bad = tmp_path / "broken.yml"
    text = (REPO / "playbooks" / "verify.yml").read_text()
    bad.write_text(text.replace("\n", "   \n", 3) + "\n\n\n")  # trailing spaces and blank lines at the end
    result = _lint(bad)
    assert result.returncode != 0
    assert "yaml[trailing-spaces]" in result.stdout + result.stderr
