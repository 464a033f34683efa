"""Helpers every double shares: Ansible's private ``_ansible_*`` arguments and result conventions."""
from __future__ import annotations


def modes(args: dict) -> tuple[bool, bool]:
    """(check_mode, diff) as Ansible passes them in ``complex_args``."""
    return bool(args.get("_ansible_check_mode")), bool(args.get("_ansible_diff"))


def options(args: dict) -> dict:
    return {k: v for k, v in args.items() if not k.startswith("_ansible_")}


def unsupported(args: dict, known) -> dict | None:
    """The failure ``Ansible.Basic`` gives for options the spec does not know."""
    extra = sorted(set(options(args)) - set(known))
    if extra:
        return {"failed": True, "msg": "Unsupported parameters for (%s) module: %s. Supported parameters include: %s"
                % (args.get("_ansible_module_name", "module"), ", ".join(extra), ", ".join(sorted(known)))}
    return None
