"""The playbook examples in docs/*.md parse and resolve (ansible-playbook --syntax-check), so the docs do not rot.

scripts/demo.sh and test_role_e2e.py run the same role with the same variables against twins.
"""
from __future__ import annotations

import os
import re
import subprocess


import pytest
import yaml

from .conftest import REPO, VENV_BIN

BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.S | re.M)


def playbook_examples():
    for doc in sorted((REPO / "docs").glob("*.md")):
        for number, block in enumerate(BLOCK.findall(doc.read_text()), 1):
            data = yaml.safe_load(block)
            if isinstance(data, list) and data and isinstance(data[0], dict) and "hosts" in data[0]:
                yield pytest.param(block, id="%s-%d" % (doc.stem, number))


@pytest.mark.parametrize("block", list(playbook_examples()))
def test_doc_example_passes_syntax_check(block, tmp_path):
    play = tmp_path / "example.yml"
    play.write_text(block)
    result = subprocess.run(check=False, args=[str(VENV_BIN / "ansible-playbook"), "--syntax-check", "-i", "localhost,", str(play)],
                            cwd=str(REPO), capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, ANSIBLE_NOCOLOR="1"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_docs_have_examples():
    assert len(list(playbook_examples())) >= 4
