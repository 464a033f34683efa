"""The bad-input table (``bad_input_cases.py``): every case fails with a clear message naming the field, before
anything is written -- no module reaches the host (the recorder sees no write module), no backup or report file
appears. Host names with ``../``, absolute paths and NUL stay inside the backup folder. ``docs/bad-input.md`` is
generated from the same cases and the messages really given; ``test_docs_are_current`` fails when it is stale.
"""
from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path
from unittest import mock

import pytest
import yaml

from ansible.errors import AnsibleActionFail
from ansible_collections.tlsops.schannel.plugins.action import schannel_plan as plan_action
from ansible_collections.tlsops.schannel.plugins.action import schannel_report as report_action
from ansible_collections.tlsops.schannel.plugins.action import win_schannel as ws_action
from ansible_collections.tlsops.schannel.plugins.action import win_tls_cipher_suites as wtcs_action
from tests.reliability import bad_input_cases as cases
from tests.unit.plugins.action.test_win_harness import Recorder, run_action

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "bad-input.md"
VENV_BIN = Path(sys.executable).parent
WRITE_MODULES = {"win_schannel", "win_tls_cipher_suites", "win_regedit"}
FIXED_TMP = "/tmp/tlsops-bad-input"  # messages in the doc show this instead of the per-run tmp path


def _fill(args, tmp):
    text = json.dumps(args).replace("{tmp}", str(tmp))
    return json.loads(text)


def make_files(tmp):
    """The files some cases name as ``{tmp}/files/...``: a backup this collection wrote, cut after half its lines,
    and the same backup with one value edited by hand."""
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regfile

    folder = tmp / "files"
    if folder.exists():
        return
    folder.mkdir(parents=True)
    key = cases.SCHANNEL + "\\Protocols\\TLS 1.0\\Server"
    ops = [{"path": key, "name": name, "state": "present", "type": "dword", "data": data, "reboot_reason": None}
           for name, data in (("Enabled", 1), ("DisabledByDefault", 0))]
    ops += [{"path": cases.SCHANNEL + "\\Protocols\\TLS 1.1\\Server", "name": "Enabled", "state": "absent",
             "type": None, "data": None, "reboot_reason": None}]
    written = Path(_regfile.write_backup(ops, str(folder / "source"), "web01"))
    text = written.read_bytes()[2:].decode("utf-16-le")
    lines = text.split("\r\n")
    (folder / "cut.reg").write_bytes(b"\xff\xfe" + ("\r\n".join(lines[:len(lines) // 2]) + "\r\n").encode("utf-16-le"))
    edited = text.replace('"Enabled"=dword:00000001', '"Enabled"=dword:00000000', 1)
    (folder / "edited.reg").write_bytes(b"\xff\xfe" + edited.encode("utf-16-le"))
    (folder / "extends-unknown.yml").write_text("name: mine\ndescription: extends a profile that does not exist\n"
                                                "extends: no_such\n")


def run_windows(plugin, args, tmp, hostname="web01"):
    """(failed, field, msg, writes, files) for one action-plugin run with backup on into ``tmp/backups``."""
    if "{tmp}/files/" in json.dumps(args):
        make_files(tmp)
        args = _fill(args, tmp)
    backups = tmp / "backups"
    full = dict(args, backup=True, backup_dir=str(backups)) if "backup" not in args else dict(args)
    rec = Recorder()
    try:
        result, rec = run_action(plugin, full, recorder=rec, task_vars={"inventory_hostname": hostname},
                                 action="win_schannel" if plugin is ws_action.ActionModule else
                                 "win_tls_cipher_suites")
        failed, field, msg = bool(result.get("failed")), result.get("field"), result.get("msg", "")
    except AnsibleActionFail as exc:  # Ansible's argument validation (the executor shows it as failed: true)
        failed, field, msg = True, None, str(exc)
    writes = [n for n in rec.names() if n in WRITE_MODULES]
    files = sorted(p.name for p in backups.rglob("*")) if backups.exists() else []
    return failed, field, msg, writes, files


def run_plan(args, tmp=Path(FIXED_TMP)):
    if "{tmp}/files/" in json.dumps(args):
        make_files(tmp)
        args = _fill(args, tmp)
    task = mock.MagicMock()
    task.args = copy.deepcopy(args)
    task.async_val = 0
    task.check_mode = False
    action = plan_action.ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=mock.MagicMock(),
                                      templar=mock.MagicMock(), shared_loader_obj=mock.MagicMock())
    try:
        result = action.run(task_vars={})
    except AnsibleActionFail as exc:
        return True, None, str(exc)
    return bool(result.get("failed")), result.get("field"), result.get("msg", "")


def run_report(args, tmp):
    (tmp / "real").mkdir(exist_ok=True)
    if not (tmp / "link").exists():
        (tmp / "link").symlink_to(tmp / "real")
    (tmp / "file").write_text("x")
    task = mock.MagicMock()
    task.args = _fill(args, tmp)
    task.async_val = 0
    task.check_mode = False
    action = report_action.ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=mock.MagicMock(),
                                        templar=mock.MagicMock(), shared_loader_obj=mock.MagicMock())
    result = action.run(task_vars={})
    written = sorted(p.name for p in (tmp / "real").iterdir())
    return bool(result.get("failed")), None, result.get("msg", ""), written


def _names(field, msg, expected_field):
    return (field is not None and expected_field in field) or expected_field in msg


@pytest.mark.parametrize("args, field, text", cases.WIN_SCHANNEL, ids=[str(i) for i in range(len(cases.WIN_SCHANNEL))])
def test_win_schannel_bad_input(args, field, text, tmp_path):
    failed, got_field, msg, writes, files = run_windows(ws_action.ActionModule, args, tmp_path)
    assert failed, msg
    assert _names(got_field, msg, field), (got_field, msg)
    assert text in msg, msg
    assert not writes and not files


@pytest.mark.parametrize("args, field, text", cases.WIN_TLS_CIPHER_SUITES,
                         ids=[str(i) for i in range(len(cases.WIN_TLS_CIPHER_SUITES))])
def test_win_tls_cipher_suites_bad_input(args, field, text, tmp_path):
    failed, got_field, msg, writes, files = run_windows(wtcs_action.ActionModule, args, tmp_path)
    assert failed, msg
    assert _names(got_field, msg, field), (got_field, msg)
    assert text in msg, msg
    assert not writes and not files


@pytest.mark.parametrize("args, field, text", cases.SCHANNEL_PLAN, ids=[str(i) for i in range(len(cases.SCHANNEL_PLAN))])
def test_schannel_plan_bad_input(args, field, text, tmp_path):
    failed, got_field, msg = run_plan(args, tmp_path)
    assert failed, msg
    assert _names(got_field, msg, field), (got_field, msg)
    assert text in msg, msg


@pytest.mark.parametrize("args, field, text", cases.SCHANNEL_REPORT,
                         ids=[str(i) for i in range(len(cases.SCHANNEL_REPORT))])
def test_schannel_report_bad_input(args, field, text, tmp_path):
    failed, _field, msg, written = run_report(args, tmp_path)
    assert failed and field in msg and text in msg, msg
    assert written == []


@pytest.mark.parametrize("hostname", cases.HOSTNAMES, ids=[repr(h)[:20] for h in cases.HOSTNAMES])
def test_hostnames_never_leave_the_backup_folder(hostname, tmp_path):
    failed, _field, msg, writes, files = run_windows(ws_action.ActionModule, {"protocols": {"TLS 1.0": "disabled"}},
                                                     tmp_path, hostname=hostname)
    assert not failed, msg
    backups = tmp_path / "backups"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) == 1 and written[0].parent == backups, written
    name = written[0].name
    assert "/" not in name and "\x00" not in name and ".." not in name and not name.startswith(".")
    assert len(name) < 200
    assert (written[0].stat().st_mode & 0o777) == 0o600 and (backups.stat().st_mode & 0o777) == 0o700


# -- role variables and tls_verify -------------------------------------------------------------------------------

def role_message(variables):
    """(msg, failed) from Ansible's argument validator with the role's meta/argument_specs.yml -- the check Ansible
    runs before the first task of the role (``validate_argument_spec``, which prefixes the same message)."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    specs = yaml.safe_load((REPO / "roles/schannel/meta/argument_specs.yml").read_text())["argument_specs"]["main"]
    options = copy.deepcopy(specs["options"])
    for spec in options.values():  # documentation keys are not part of the validator's spec
        _strip_doc(spec)
    result = ArgumentSpecValidator(options).validate(dict(variables), validate_role_argument_spec=True)
    errors = result.error_messages
    return ("Validation of arguments failed:\n" + "\n".join(errors) if errors else ""), bool(errors)


def _strip_doc(spec):
    for key in ("description", "short_description", "version_added"):
        spec.pop(key, None)
    for sub in (spec.get("options") or {}).values():
        _strip_doc(sub)


def tls_verify_message(args):
    """(msg, failed) of the tls_verify module run in-process with Ansible's own argument loading (what the module
    prints is what Ansible would show)."""
    import contextlib
    import io

    from ansible.module_utils import basic
    from ansible_collections.tlsops.schannel.plugins.modules import tls_verify

    saved = basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
    basic._ANSIBLE_PROFILE = "legacy"
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            try:
                tls_verify.main()
            except SystemExit:
                pass
    finally:
        basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = saved
    text = out.getvalue()
    try:
        result = json.loads(text[text.index("{"):])
    except ValueError:
        raise AssertionError(text[-2000:])
    return str(result.get("msg", "")), bool(result.get("failed"))


@pytest.fixture(scope="module")
def ansible_messages():
    return {"role": [role_message(v) for v, _f, _t in cases.ROLE],
            "tls": [tls_verify_message(a) for a, _f, _t in cases.TLS_VERIFY]}


def test_role_variables_bad_input(ansible_messages):
    for (variables, field, text), (msg, failed) in zip(cases.ROLE, ansible_messages["role"]):
        if field is None:
            assert not failed, (variables, msg)
            continue
        assert failed and field in msg and text in msg, (variables, msg)


def test_tls_verify_bad_input(ansible_messages):
    for (args, field, text), (msg, failed) in zip(cases.TLS_VERIFY, ansible_messages["tls"]):
        assert failed and field in msg and text in msg, (args, msg)


# -- the generated page ------------------------------------------------------------------------------------------

def _cell(text):
    import re

    text = str(text).replace(FIXED_TMP, "<tmp>").replace("\n", " ").replace("|", "\\|")
    if len(os.getcwd()) > 1:  # "resolved from <the directory pytest runs in>": the same page from any checkout
        text = text.replace(os.getcwd(), "<cwd>")
    # Ansible lists the valid booleans from a set (order varies per process): keep the page stable
    text = re.sub(r"Valid booleans include: [^|]*?(?= \\\||$)", "Valid booleans include: yes, no, true, false, ...", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\x00", "\\x00") if text else "-"


def _args_cell(args):
    text = json.dumps(args, ensure_ascii=True)
    if len(text) > 160:
        text = "%s... (%d characters)" % (text[:60], len(text))
    return "`%s`" % text.replace("|", "\\|").replace("`", "'")


def render_doc(ansible):
    tmp = Path(FIXED_TMP)
    tmp.mkdir(exist_ok=True)
    lines = ["# Bad input: what each mistake gets", "",
             "Generated from `tests/reliability/bad_input_cases.py` and the messages the code really returns; "
             "regenerate with `TLSOPS_WRITE_DOCS=1 .venv/bin/python -m pytest tests/reliability/test_bad_input.py`"
             " (the test fails when this page is stale). In every case below nothing reaches the host: no write "
             "module runs, no backup or report file is written. Ansible's own option checks (types, choices, "
             "unknown options) come back as `failed: true` with the message shown.", ""]

    def table(title, rows):
        lines.extend(["## %s" % title, "", "| input | names | message |", "|---|---|---|"])
        lines.extend("| %s | %s | %s |" % row for row in rows)
        lines.append("")

    import shutil
    rows = []
    for args, field, _t in cases.WIN_SCHANNEL:
        shutil.rmtree(tmp / "backups", ignore_errors=True)
        _f, got, msg, _w, _files = run_windows(ws_action.ActionModule, args, tmp)
        rows.append((_args_cell(args), _cell(got or field), _cell(msg)))
    table("`tlsops.schannel.win_schannel`", rows)
    rows = []
    for args, field, _t in cases.WIN_TLS_CIPHER_SUITES:
        _f, got, msg, _w, _files = run_windows(wtcs_action.ActionModule, args, tmp)
        rows.append((_args_cell(args), _cell(got or field), _cell(msg)))
    table("`tlsops.schannel.win_tls_cipher_suites`", rows)
    rows = []
    for args, field, _t in cases.SCHANNEL_PLAN:
        _f, got, msg = run_plan(args, tmp)
        rows.append((_args_cell(args), _cell(got or field), _cell(msg)))
    table("`tlsops.schannel.schannel_plan`", rows)
    rows = []
    for args, field, _t in cases.SCHANNEL_REPORT:
        _f, _g, msg, _w = run_report(args, tmp)
        rows.append((_args_cell(_fill(args, "<tmp>")), _cell(field), _cell(msg)))
    table("`tlsops.schannel.schannel_report`", rows)
    rows = []
    for args, field, _t in cases.TLS_VERIFY:
        rows.append((_args_cell(args), _cell(field), _cell(ansible["tls"][cases.TLS_VERIFY.index((args, field, _t))][0])))
    table("`tlsops.schannel.tls_verify`", rows)
    rows = []
    for i, (variables, field, _t) in enumerate(cases.ROLE):
        msg, failed = ansible["role"][i]
        shown = msg if failed else "accepted: an unknown role variable is an ordinary play variable"
        rows.append((_args_cell(variables), _cell(field), _cell(shown)))
    table("Role `tlsops.schannel.schannel` variables", rows)
    rows = []
    from ansible_collections.tlsops.schannel.plugins.plugin_utils import _regfile
    for hostname in cases.HOSTNAMES:
        rows.append((_args_cell(hostname), "inventory_hostname",
                     _cell("backup written inside backup_dir as `%s-UTCTIME.reg` (0600, folder 0700)"
                           % _regfile.safe_name(hostname))))
    table("Host names used in backup file names", rows)
    shutil.rmtree(tmp, ignore_errors=True)
    return "\n".join(lines)


def test_docs_are_current(ansible_messages):
    text = render_doc(ansible_messages)
    if os.environ.get("TLSOPS_WRITE_DOCS"):
        DOC.write_text(text)
    assert DOC.exists() and DOC.read_text() == text, (
        "docs/bad-input.md is stale: TLSOPS_WRITE_DOCS=1 .venv/bin/python -m pytest tests/reliability/test_bad_input.py")
