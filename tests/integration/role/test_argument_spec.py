"""The role's meta/argument_specs.yml: wrong types fail before any task runs, with a message naming the variable."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e]


def local(tmp_path):
    inv = tmp_path / "inv.ini"
    inv.write_text("web01 ansible_connection=local\n")
    return inv


@pytest.mark.parametrize("variable,value,expected", [
    ("schannel_reboot", "sometimes", "schannel_reboot"),
    ("schannel_guard", "perhaps", "schannel_guard"),
    ("schannel_verify", {"endpoints": [{"port": "https"}]}, "port"),
    ("schannel_scope", "global", "schannel_scope"),
])
def test_wrong_type_is_rejected_with_a_clear_message(playbook, tmp_path, variable, value, expected):
    result = playbook("harden.yml", local(tmp_path), {"schannel_target": "web01", "schannel_profile": "ios_ats",
                                                      variable: value})
    assert result.returncode != 0
    assert "Validating arguments against arg spec 'main'" in result.stdout
    assert expected in result.stdout
    # nothing after validation ran
    assert "Read protocols, ciphers" not in result.stdout


def test_profile_is_required(playbook, tmp_path):
    result = playbook("harden.yml", local(tmp_path), {"schannel_target": "web01"})
    assert result.returncode != 0
    assert "schannel_profile" in result.stdout
