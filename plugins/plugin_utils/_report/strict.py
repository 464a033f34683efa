# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build a dataclass from plain data (JSON, a registered Ansible result) and refuse what it does not declare.

This is the report's contract with its inputs: a key the dataclass does not have, a missing required key or a
value of another type is a :class:`ReportError` naming where it was found, never a silently empty column. As in
sslyze's JSON models, the fields must match between the data and the dataclass.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping


class ReportError(ValueError):
    """Bad report input or output location; the message names where and what to fix."""


_HINTS: dict = {}
_NONE_TYPE = type(None)  # what Optional[X] holds besides X


def _hints(cls) -> dict:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


# Scalars: (accepts the value, what the message calls it, how the value is kept). bool is an int in Python, so a
# true/false never passes for a number.
_SCALARS = {
    bool: (lambda v: isinstance(v, bool), "true or false", bool),
    int: (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer", int),
    float: (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "a number", float),
    str: (lambda v: isinstance(v, str), "text", str),
}


def _convert(hint, value, where: str):
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _union(typing.get_args(hint), value, where)
    if origin in (list, typing.List):
        if not isinstance(value, (list, tuple)):
            raise ReportError("%s: expected a list, got %s" % (where, type(value).__name__))
        (item,) = typing.get_args(hint) or (object,)
        return [_convert(item, v, "%s[%d]" % (where, i)) for i, v in enumerate(value)]
    if origin in (dict, typing.Dict):
        if not isinstance(value, Mapping):
            raise ReportError("%s: expected a mapping, got %s" % (where, type(value).__name__))
        _key, item = typing.get_args(hint) or (str, object)
        return {str(k): _convert(item, v, "%s.%s" % (where, k)) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        return build(hint, value, where)
    if hint is object or hint is typing.Any:
        return value
    if hint in _SCALARS:
        accepts, name, keep = _SCALARS[hint]
        if not accepts(value):
            raise ReportError("%s: expected %s, got %r" % (where, name, value))
        return keep(value)
    raise ReportError("%s: no rule to read a %r" % (where, hint))  # a programming error in a dataclass here


def _union(options, value, where: str):
    """``Optional[X]`` (or another union): None where allowed, else the first option that reads the value."""
    if value is None and _NONE_TYPE in options:
        return None
    errors = []
    for option in options:
        if option is _NONE_TYPE:
            continue
        try:
            return _convert(option, value, where)
        except ReportError as exc:
            errors.append(str(exc))
    raise ReportError(errors[0] if errors else "%s: unexpected null" % where)


def build(cls, data, where: str):
    """``cls(**data)`` with every field converted to its declared type; unknown keys and type errors fail."""
    if isinstance(data, cls):
        return data
    if not isinstance(data, Mapping):
        raise ReportError("%s: expected a mapping, got %s" % (where, type(data).__name__))
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ReportError("%s: unknown key(s) %s; %s has %s" % (
            where, ", ".join(map(str, unknown)), cls.__name__, ", ".join(sorted(fields))))
    hints = _hints(cls)
    kwargs = {}
    for name, f in fields.items():
        if name in data:
            kwargs[name] = _convert(hints[name], data[name], "%s.%s" % (where, name))
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ReportError("%s: the key %s is missing" % (where, name))
    return cls(**kwargs)
