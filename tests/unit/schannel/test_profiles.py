"""Profiles: schema, loader, extends, overrides (set/add/remove), error messages."""
from __future__ import annotations

import json
import re

import pytest

from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import catalogue
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel import registry_model as rm
from ansible_collections.tlsops.schannel.plugins.module_utils.schannel.errors import SchannelInputError
from ansible_collections.tlsops.schannel.plugins.plugin_utils import _profiles as profiles

from . import factsheet

REQUIRED = ("ios_ats", "mozilla_modern", "mozilla_intermediate", "pci_dss_4", "best_practices", "strict", "fips_140",
            "os_default")


def test_required_profiles_ship():
    assert set(REQUIRED) <= set(profiles.available_profiles())


@pytest.mark.parametrize("name", REQUIRED)
def test_profile_resolves_and_names_real_suites(name):
    profile = profiles.resolve_profile(name)
    assert profile["name"] == name
    suites = profile.get("cipher_suites")
    if suites in (None, "default"):
        return
    assert len(set(suites)) == len(suites)
    for base in suites:
        assert catalogue.base_info(base) is not None, base  # base IANA names Schannel has on some version
        assert catalogue.split_suffix(base)[1] is None, "profiles use base names: %s" % base


@pytest.mark.parametrize("name", REQUIRED)
def test_profile_sources_are_fact_sheet_keys(name):
    keys = set(re.findall(r"^\| ([A-Z0-9-]+(?: / [A-Z0-9-]+)*) \|", factsheet.text(), re.M))
    flat = set()
    for key in keys:
        flat.update(k.strip() for k in key.split("/"))
    for source in profiles.load_profile(name)["sources"]:
        assert source in flat or any(source.startswith(k) for k in flat), source


def test_schema_enums_follow_registry_model():
    schema = profiles.schema()
    props = schema["properties"]
    assert sorted(props["protocols"]["properties"]) == sorted(rm.PROTOCOLS)
    assert sorted(props["ciphers"]["properties"]) == sorted(rm.CIPHERS)
    assert sorted(props["hashes"]["properties"]) == sorted(rm.HASHES)
    assert sorted(props["key_exchanges"]["properties"]) == sorted(rm.KEY_EXCHANGES)
    assert sorted(props["key_sizes"]["properties"]) == sorted(rm.KEY_SIZE_SETTINGS)
    assert sorted(props["schannel_values"]["properties"]) == sorted(rm.SCHANNEL_VALUE_NAMES)
    assert props["winhttp_protocols"]["oneOf"][0]["items"]["enum"] == list(rm.WINHTTP_BITS)


def test_ios_ats_is_the_ats_list():
    pytest.importorskip("ansible_collections.tlsops.schannel.plugins.module_utils.tls.iana")
    profile = profiles.resolve_profile("ios_ats")
    tls12 = [n for n in profile["cipher_suites"] if "_WITH_" in n]
    assert len(tls12) == 11
    assert all(catalogue.variants(n, "2025")[0].ats for n in tls12)
    assert "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" not in tls12
    assert profile["certificate"]["min_rsa_bits"] == 2048


def test_mozilla_intermediate_matches_fact_sheet_column():
    wanted = [name for name, row in factsheet.matrix().items() if row["moz"]]
    assert sorted(profiles.resolve_profile("mozilla_intermediate")["cipher_suites"]) == sorted(wanted)


def test_extends_merges_mappings_and_replaces_lists():
    strict = profiles.resolve_profile("strict")
    pci = profiles.resolve_profile("pci_dss_4")
    best = profiles.resolve_profile("best_practices")
    assert strict["ciphers"] == best["ciphers"]  # inherited through pci_dss_4
    assert strict["protocols"]["TLS 1.0"] == "disabled" and best["protocols"]["TLS 1.0"] == "enabled"
    assert strict["cipher_suites"] != pci["cipher_suites"]
    assert "extends" not in strict


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_schema_error_names_file_path_and_allowed_values(tmp_path):
    path = write(tmp_path, "bad.yml", "name: bad\ndescription: x\nprotocols:\n  TLS 1.2: on\n")
    with pytest.raises(SchannelInputError) as err:
        profiles.resolve_profile(path)
    text = str(err.value)
    assert path in text and "protocols.TLS 1.2" in text and "enabled, disabled, default" in text


def test_unknown_key_lists_allowed(tmp_path):
    path = write(tmp_path, "bad2.yml", "name: bad2\ndescription: x\nciphers:\n  AES 128: disabled\n")
    with pytest.raises(SchannelInputError) as err:
        profiles.resolve_profile(path)
    assert "AES 128/128" in str(err.value) and "bad2.yml: ciphers" in str(err.value)


def test_extends_user_file_and_cycle(tmp_path):
    path = write(tmp_path, "mine.yml", "name: mine\ndescription: x\nextends: ios_ats\nprotocols:\n  TLS 1.1: enabled\n")
    mine = profiles.resolve_profile(path)
    assert mine["protocols"]["TLS 1.1"] == "enabled" and mine["protocols"]["TLS 1.2"] == "enabled"
    write(tmp_path, "a.yml", "name: a\ndescription: x\nextends: b\n")
    write(tmp_path, "b.yml", "name: b\ndescription: x\nextends: a\n")
    with pytest.raises(SchannelInputError) as err:
        profiles.resolve_profile(str(tmp_path / "a.yml"))
    assert "circular" in str(err.value)


def test_unknown_profile():
    with pytest.raises(SchannelInputError) as err:
        profiles.resolve_profile("nope")
    assert "ios_ats" in str(err.value) and err.value.field == "profile"


def test_overrides_list_semantics():
    base = profiles.resolve_profile("ios_ats")["cipher_suites"]
    added = profiles.resolve_profile("ios_ats", {"cipher_suites": {"add": ["TLS_RSA_WITH_AES_128_CBC_SHA"]}})
    assert added["cipher_suites"] == base + ["TLS_RSA_WITH_AES_128_CBC_SHA"]
    assert added["cipher_suites_literal"] == ["TLS_RSA_WITH_AES_128_CBC_SHA"]
    removed = profiles.resolve_profile("ios_ats", {"cipher_suites": {"remove": ["TLS_AES_256_GCM_SHA384"]}})
    assert removed["cipher_suites"] == base[1:]
    both = profiles.resolve_profile("ios_ats", {"cipher_suites": {
        "add": ["TLS_RSA_WITH_AES_128_CBC_SHA"], "remove": [base[0]]}})
    assert both["cipher_suites"] == base[1:] + ["TLS_RSA_WITH_AES_128_CBC_SHA"]
    plain = profiles.resolve_profile("ios_ats", {"cipher_suites": ["TLS_RSA_WITH_AES_128_CBC_SHA"]})
    assert plain["cipher_suites"] == ["TLS_RSA_WITH_AES_128_CBC_SHA"]
    assert plain["cipher_suites_literal"] == ["TLS_RSA_WITH_AES_128_CBC_SHA"]
    joined = profiles.resolve_profile("ios_ats", {"cipher_suites": "TLS_RSA_WITH_AES_128_CBC_SHA, TLS_AES_128_GCM_SHA256"})
    assert joined["cipher_suites"] == ["TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_AES_128_GCM_SHA256"]
    mapped = profiles.resolve_profile("ios_ats", {"protocols": {"TLS 1.0": "enabled"}})
    assert mapped["protocols"]["TLS 1.0"] == "enabled" and mapped["protocols"]["TLS 1.2"] == "enabled"
    # the cache does not leak one caller's changes into another's
    mapped["protocols"]["TLS 1.2"] = "disabled"
    assert profiles.resolve_profile("ios_ats", {"protocols": {"TLS 1.0": "enabled"}})["protocols"]["TLS 1.2"] == \
        "enabled"


def test_overrides_validation():
    with pytest.raises(SchannelInputError) as err:
        profiles.resolve_profile("ios_ats", {"cipher_suites": {"set": ["X"], "add": ["Y"]}})
    assert err.value.field.startswith("overrides")
    with pytest.raises(SchannelInputError) as err:
        profiles.resolve_profile("ios_ats", {"colour": "blue"})
    assert "cipher_suites" in str(err.value)  # the allowed keys are listed


def test_schema_file_is_json():
    with open(profiles.SCHEMA_PATH) as handle:
        json.load(handle)


def test_self_referencing_yaml_alias_is_an_input_error(tmp_path):
    path = write(tmp_path, "loop.yml", "name: loop\ndescription: x\nsources: &a [*a]\n")
    with pytest.raises(SchannelInputError) as err:
        profiles.resolve_profile(path)
    assert "contain itself" in str(err.value)


def test_non_string_key_is_an_input_error():
    with pytest.raises(SchannelInputError) as err:
        profiles.resolve_profile("ios_ats", {"protocols": {1.2: "enabled"}})
    assert "quote" in str(err.value)


def test_a_profile_file_is_parsed_once_per_version(tmp_path, monkeypatch):
    """A plan reads its profile three times; the YAML is parsed and validated once, and again when the file changes."""
    path = write(tmp_path, "once.yml", "name: once\ndescription: x\nprotocols:\n  TLS 1.1: enabled\n")
    parsed = []
    real = profiles.yaml.safe_load
    monkeypatch.setattr(profiles.yaml, "safe_load", lambda handle: parsed.append(1) or real(handle))
    first = profiles.load_profile(path)
    first["protocols"]["TLS 1.1"] = "changed by a caller"  # a caller's change never reaches the next caller
    assert profiles.load_profile(path)["protocols"]["TLS 1.1"] == "enabled" and len(parsed) == 1
    write(tmp_path, "once.yml", "name: once\ndescription: x\nprotocols:\n  TLS 1.1: disabled\n  TLS 1.0: disabled\n")
    assert profiles.load_profile(path)["protocols"]["TLS 1.1"] == "disabled" and len(parsed) == 2


def test_a_missing_profile_file_and_a_missing_parent_name_where_they_came_from(tmp_path):
    missing = str(tmp_path / "nowhere" / "mine.yml")
    with pytest.raises(SchannelInputError) as err:
        profiles.load_profile(missing)
    assert err.value.field == "profile" and "profile file not found: %s" % missing in err.value.message
    child = write(tmp_path, "child.yml", "name: child\ndescription: x\nextends: no_such\n")
    with pytest.raises(SchannelInputError) as err:
        profiles.load_profile(child)
    assert err.value.field == child + ": extends" and "'no_such'" in err.value.message
    assert str(tmp_path) in err.value.message  # where it looked
