"""``ansible.windows.win_ping``: answer ``ping: <data>``; ``data=crash`` fails, as the real module throws."""
from __future__ import annotations


def run(host, args: dict) -> dict:
    data = args.get("data", "pong")
    if data == "crash":
        return {"failed": True, "changed": False, "msg": "boom"}
    return {"changed": False, "ping": data}
