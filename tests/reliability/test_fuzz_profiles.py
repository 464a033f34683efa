"""Fuzzing the profile loader and the compiler behind it with hostile YAML and override structures.

Contract (``plugins/plugin_utils/_profiles.py``, docs/dev/contracts.md "Python rules"): bad input raises
``SchannelInputError`` naming the field; nothing else escapes. Profile files come from users (a path), overrides
from role variables, so any YAML shape can arrive: wrong types, huge numbers, anchors, deep nesting, non-string keys.
"""
from __future__ import annotations

import os

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles as profiles
from tests.reliability.conftest import fuzz_settings

KEYS = ["name", "description", "extends", "protocols", "server_protocols", "ciphers", "hashes", "key_exchanges",
        "key_sizes", "schannel_values", "dotnet_strong_crypto", "winhttp_protocols", "cipher_suites", "ecc_curves",
        "cipher_suite_scope", "certificate", "requirements", "alternatives", "remove_all_managed", "bogus"]
VALUES = ["enabled", "disabled", "default", "TLS 1.2", "TLS 1.0", "RC4 128/128", "TLS_RSA_WITH_AES_128_CBC_SHA",
          "ios_ats", "../../etc/passwd", "/etc/passwd", "\x00", "<script>", ""]

scalars = st.one_of(st.sampled_from(VALUES), st.booleans(), st.none(), st.integers(-2 ** 70, 2 ** 70),
                    st.floats(allow_nan=True), st.text(max_size=12))
structures = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(KEYS + VALUES + ["set", "add", "remove"]), st.integers(0, 3)),
                    inner, max_size=4)), max_leaves=20)
profiles_st = st.dictionaries(st.sampled_from(KEYS), structures, max_size=6).map(
    lambda d: dict({"name": "fuzz", "description": "fuzz"}, **d))


@fuzz_settings(30)
@given(profiles_st)
def test_fuzz_validate_raises_only_input_error(data):
    try:
        profiles.validate(data, "fuzz.yml")
    except SchannelInputError as exc:
        assert exc.field.startswith("fuzz.yml")


@fuzz_settings(60)
@given(st.dictionaries(st.sampled_from(KEYS), structures, max_size=4))
@example({"protocols": {1.2: "enabled", "TLS 1.0": "disabled"}})  # regression: TypeError from the cache key
@example({"name": {"name": None, 0: None}})
@example({"cipher_suites": {"add": None}})
@example({"cipher_suites": {"set": ["x"], "add": ["y"]}})
@example({"protocols": {"TLS 1.2": True}})
def test_fuzz_overrides_raise_only_input_error(overrides):
    try:
        out = profiles.resolve_profile("ios_ats", overrides)
    except SchannelInputError:
        return
    assert isinstance(out, dict) and out["name"]


@fuzz_settings(30)
@given(st.one_of(profiles_st.map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
                 st.text(max_size=200),
                 st.sampled_from(["a: &a [*a]", "- - - - - - - - - - - - -", "{", ": :", "!!python/object:os.system x",
                                  "name: x\ndescription: y\nextends: x.yml\n", "\x00\x01", "a: b\na: c"])))
def test_fuzz_profile_files_raise_only_input_error(text):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.yml")
        with open(path, "w", encoding="utf-8", errors="surrogatepass") as handle:
            handle.write(text)
        try:
            profiles.load_profile(path)
        except SchannelInputError:
            pass


def test_circular_extends_is_an_input_error(tmp_path):
    (tmp_path / "a.yml").write_text("name: a\ndescription: a\nextends: b\n")
    (tmp_path / "b.yml").write_text("name: b\ndescription: b\nextends: a\n")
    with pytest.raises(SchannelInputError, match="circular"):
        profiles.load_profile(str(tmp_path / "a.yml"))


def test_yaml_tags_are_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    (tmp_path / "evil.yml").write_text("name: !!python/object/apply:os.system ['touch %s']\ndescription: x\n" % marker)
    with pytest.raises(SchannelInputError, match="not valid YAML"):
        profiles.load_profile(str(tmp_path / "evil.yml"))
    assert not marker.exists()
