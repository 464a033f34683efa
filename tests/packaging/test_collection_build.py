"""The collection as users get it: the Galaxy tarball builds, installs without network, and documents itself.

These tests run the real `ansible-galaxy`, `ansible-doc` and `ansible-builder` from the venv that runs pytest.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(args, **kwargs):
    return subprocess.run(args, check=False, capture_output=True, text=True, timeout=300, **kwargs)


def _documented_plugins() -> dict[str, list[str]]:
    """Plugin names per ansible-doc type, found from the files a user would look for."""
    found: dict[str, list[str]] = {"module": [], "filter": []}
    for doc in sorted((REPO / "plugins" / "modules").glob("*.py")):
        found["module"].append(doc.stem)
    for path in sorted((REPO / "plugins" / "filter").glob("*.py")):
        if path.stem != "__init__":
            found["filter"].append(path.stem)
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Build the tarball and install it into a private collections path (no dependencies, no network)."""
    work = tmp_path_factory.mktemp("galaxy")
    build = _run([str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(work), str(REPO)])
    assert build.returncode == 0, build.stderr
    tarballs = list(work.glob("tlsops-schannel-*.tar.gz"))
    assert len(tarballs) == 1, tarballs
    dest = work / "collections"
    # only the private path: the checkout's own link in .cache/collections would make Galaxy answer "already
    # installed" and install nothing
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(dest))
    install = _run([str(BIN / "ansible-galaxy"), "collection", "install", "--no-deps", "-p", str(dest), str(tarballs[0])],
                   env=env)
    assert install.returncode == 0, install.stderr
    assert (dest / "ansible_collections" / "tlsops" / "schannel" / "MANIFEST.json").is_file(), install.stdout
    return tarballs[0], dest


def test_tarball_ships_the_collection_and_nothing_local(installed):
    tarball = installed[0]
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
    assert "galaxy.yml" not in names  # Galaxy turns it into MANIFEST.json
    assert "MANIFEST.json" in names and "meta/runtime.yml" in names
    assert not [n for n in names if n.startswith((".venv", ".cache", ".git/", "tests/output"))]


def test_ansible_doc_works_for_every_plugin(installed):
    dest = installed[1]
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(dest))
    plugins = _documented_plugins()
    assert plugins["module"], "no module documentation found under plugins/modules"
    for plugin_type, names in plugins.items():
        if not names:
            continue
        fqcns = [f"tlsops.schannel.{name}" for name in names]
        result = _run([str(BIN / "ansible-doc"), "--json", "-t", plugin_type, *fqcns], env=env)
        assert result.returncode == 0, result.stderr
        docs = json.loads(result.stdout)
        for fqcn in fqcns:
            assert fqcn in docs, f"ansible-doc has no documentation for {fqcn}: {result.stderr[-2000:]}"
            assert docs[fqcn]["doc"].get("short_description"), fqcn
            if fqcn.startswith("tlsops.schannel.win_"):
                # review P1: ansible-core runs no Windows module below PowerShell 5.1; the docs say what to install
                platform = docs[fqcn]["doc"]["attributes"]["platform"]["description"]
                assert "PowerShell 5.1" in platform and "WMF 5.1" in platform, (fqcn, platform)


def test_roles_have_documented_entry_points(installed):
    dest = installed[1]
    roles = sorted(p.name for p in (REPO / "roles").iterdir() if (p / "meta" / "argument_specs.yml").exists())
    if not roles:
        pytest.fail("no role with meta/argument_specs.yml yet")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(dest))
    result = _run([str(BIN / "ansible-doc"), "--json", "-t", "role", *[f"tlsops.schannel.{r}" for r in roles]], env=env)
    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)) == {f"tlsops.schannel.{r}" for r in roles}


def test_execution_environment_build_context(installed, tmp_path):
    """``ansible-builder create`` (offline) on the shipped execution-environment.yml gives a context that carries
    the collection itself, its Galaxy dependencies, and its Python and system requirements."""
    # the EE file names the tarball relative to itself (build/ee/...): lay the same files out in a scratch folder
    for name in ("execution-environment.yml", "requirements.txt", "bindep.txt"):
        shutil.copy(REPO / name, tmp_path / name)
    (tmp_path / "build" / "ee").mkdir(parents=True)
    shutil.copy(installed[0], tmp_path / "build" / "ee" / "tlsops-schannel.tar.gz")
    context = tmp_path / "context"
    result = _run([str(BIN / "ansible-builder"), "create", "-f", "execution-environment.yml", "-c", str(context),
                   "--output-filename", "Containerfile"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    build = context / "_build"
    # the collection: the tarball is in the context and the Galaxy step installs it from where the image has it
    with tarfile.open(build / "collections" / "tlsops-schannel.tar.gz") as tar:
        manifest = json.load(tar.extractfile("MANIFEST.json"))["collection_info"]
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    assert (manifest["namespace"], manifest["name"], manifest["version"]) == ("tlsops", "schannel", galaxy["version"])
    containerfile = (context / "Containerfile").read_text()
    assert "COPY _build /build" in containerfile and "WORKDIR /build" in containerfile
    wanted = yaml.safe_load((build / "requirements.yml").read_text())["collections"]
    by_name = {c["name"]: c for c in wanted}
    assert by_name["collections/tlsops-schannel.tar.gz"]["type"] == "file"
    assert set(galaxy["dependencies"]) <= set(by_name)  # ansible.windows and whatever galaxy.yml adds later
    # Python and system requirements: every line of the collection's files reaches the builder stage

    def lines(path):
        return {line.split("#")[0].strip() for line in path.read_text().splitlines()} - {""}
    assert lines(REPO / "requirements.txt") <= lines(build / "requirements.txt")
    assert lines(REPO / "bindep.txt") <= lines(build / "bindep.txt")
    assert "--user-pip=requirements.txt" in containerfile and "--user-bindep=bindep.txt" in containerfile
    assert "ansible-core>=2.17" in containerfile and "ansible-runner" in containerfile
