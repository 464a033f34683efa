"""Every collection a module's EXAMPLES, a guide, the README, the role or a playbook names is one a user gets by
installing this collection: ``ansible.builtin``, ``tlsops.schannel`` itself, or a dependency ``galaxy.yml`` declares.

Review §3 friction 17: tls_verify's fleet example used ``community.general.dict_kv``, which nothing installs, so the
first example a user copied failed with "filter not found".
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]
# a fully qualified name as tasks, filters and lookups use it: namespace.collection.name
FQCN = re.compile(r"\b([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*\b")
# dotted names that are not collections (Python modules, hostnames and files quoted in examples)
NOT_COLLECTIONS = {"example.com", "corp.example", "example.org"}


def _allowed():
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    return {"ansible.builtin", "%s.%s" % (galaxy["namespace"], galaxy["name"])} | set(galaxy.get("dependencies") or {})


def _documents():
    for path in sorted((REPO / "plugins" / "modules").glob("*.py")):
        match = re.search(r'EXAMPLES = r?"""(.*?)"""', path.read_text(), re.S)
        if match:
            yield path, match.group(1)
    for pattern in ("README.md", "docs/guide-*.md", "docs/role-schannel.md", "roles/**/*.yml", "playbooks/*.yml"):
        for path in sorted(REPO.glob(pattern)):
            yield path, path.read_text()


def _collections_named(text):
    for line in text.splitlines():
        if "://" in line:  # addresses are not collection names
            continue
        for namespace, collection in FQCN.findall(line):
            name = "%s.%s" % (namespace, collection)
            if name not in NOT_COLLECTIONS and not namespace.isdigit():
                yield name


def test_examples_and_guides_name_only_installed_collections():
    allowed = _allowed()
    offenders = sorted({"%s: %s" % (path.relative_to(REPO), name)
                        for path, text in _documents() for name in _collections_named(text)
                        if name not in allowed and name.split(".")[0] in {"community", "ansible", "microsoft", "tlsops"}})
    assert not offenders, "collections a user does not get with tlsops.schannel:\n" + "\n".join(offenders)


def test_the_check_finds_an_undeclared_collection():
    text = "targets: \"{{ groups['iis'] | map('community.general.dict_kv', 'host') | list }}\""
    assert "community.general" in set(_collections_named(text)) - _allowed()
