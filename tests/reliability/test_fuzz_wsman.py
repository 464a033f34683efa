"""Fuzzing the twin's WS-Management parser and WinRS state machine.

Contract (``tests/twin/wsman.py``, ``tests/twin/winrs.py``): ``parse_request`` returns a Request or raises
``MalformedRequest``; ``WinRS.handle`` always answers ``(status, SOAP bytes)`` -- a fault for anything it cannot act
on -- and never raises (except ``DropConnection``, the fault injection). Before this suite a request without a
SOAP Header or with a Receive missing its DesiredStream raised AttributeError and the twin closed the connection
without an answer.
"""
from __future__ import annotations

import base64
import time
import xml.etree.ElementTree as ET

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.reliability.conftest import fuzz_settings
from tests.twin import wsman, winrs

HEAD = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" '
        'xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">')


def envelope(action, body, shell_id=None):
    selector = ('<w:SelectorSet><w:Selector Name="ShellId">%s</w:Selector></w:SelectorSet>' % shell_id
                if shell_id else "")
    return (HEAD + "<s:Header><a:Action>%s</a:Action><a:MessageID>uuid:1</a:MessageID>%s</s:Header>"
            "<s:Body>%s</s:Body></s:Envelope>" % (action, selector, body)).encode()


def make_winrs():
    return winrs.WinRS(lambda command, arguments, stdin: (b"out", b"", 0, False), "http://127.0.0.1:1/wsman")


def session(shell=None):
    """A WinRS with one shell and one command; returns (winrs, shell_id, command_id)."""
    w = make_winrs()
    status, body = w.handle(envelope(wsman.ACTION_CREATE, "<rsp:Shell/>"))
    assert status == 200
    shell_id = ET.fromstring(body).find(".//rsp:ShellId", wsman.NS).text
    status, body = w.handle(envelope(wsman.ACTION_COMMAND, "<rsp:CommandLine><rsp:Command>whoami</rsp:Command>"
                                                           "</rsp:CommandLine>", shell_id))
    command_id = ET.fromstring(body).find(".//rsp:CommandId", wsman.NS).text
    return w, shell_id, command_id


ACTIONS = [wsman.ACTION_CREATE, wsman.ACTION_DELETE, wsman.ACTION_COMMAND, wsman.ACTION_SEND, wsman.ACTION_RECEIVE,
           wsman.ACTION_SIGNAL, "urn:bogus", ""]
BODIES = ["", "<rsp:Shell/>", "<rsp:CommandLine/>", "<rsp:Send><rsp:Stream CommandId='{c}' End='true'>%%%</rsp:Stream>"
          "</rsp:Send>", "<rsp:Receive/>", "<rsp:Receive><rsp:DesiredStream CommandId='{c}'>stdout</rsp:DesiredStream>"
          "</rsp:Receive>", "<rsp:Signal CommandId='nope'/>", "<rsp:Send><rsp:Stream CommandId='{c}'>%s</rsp:Stream>"
          "</rsp:Send>" % base64.b64encode(b"x").decode()]


def _answer_is_soap(status, body):
    assert status in (200, 500)
    root = ET.fromstring(body)
    assert root.tag.endswith("Envelope")
    if status == 500:
        assert root.find(".//s:Fault", wsman.NS) is not None


@fuzz_settings(150)
@given(st.sampled_from(ACTIONS), st.sampled_from(BODIES), st.sampled_from([None, "own", "unknown", "<x>"]))
@example(wsman.ACTION_RECEIVE, "<rsp:Receive/>", "own")  # regression: AttributeError, connection closed
@example(wsman.ACTION_COMMAND, "", "own")
def test_fuzz_structured_requests_always_get_a_soap_answer(action, body, shell):
    w, shell_id, command_id = session()
    sid = {"own": shell_id, "unknown": "0000", "<x>": "&lt;x&gt;"}.get(shell)
    try:
        data = envelope(action, body.replace("{c}", command_id), sid)
    except Exception:  # pragma: no cover
        raise
    _answer_is_soap(*w.handle(data))


@fuzz_settings(150)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                 st.integers(0, 400).flatmap(lambda n: st.binary(min_size=1, max_size=8).map(
                     lambda junk, n=n: envelope(wsman.ACTION_CREATE, "<rsp:Shell/>")[:n] + junk))))
@example(b"")
@example(b"<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'/>")  # regression: no Header
def test_fuzz_raw_bytes_always_get_a_soap_answer(data):
    _answer_is_soap(*make_winrs().handle(data))


def test_parse_request_raises_only_malformed_request():
    for data in (b"", b"<a", b"<x/>", b"\xff\xfe<\x00"):
        with pytest.raises(wsman.MalformedRequest):
            wsman.parse_request(data)


def test_entity_expansion_bomb_is_refused_fast():
    bomb = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            + "".join('<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(9))
            + ']><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>&j;</s:Header>'
              '<s:Body/></s:Envelope>').encode()
    started = time.monotonic()
    status, body = make_winrs().handle(bomb)
    assert status == 500 and b"Fault" in body
    assert time.monotonic() - started < 2


def test_external_entities_are_not_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-123")
    data = ('<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file://%s">]>' % secret
            + HEAD + "<s:Header><a:Action>&x;</a:Action><a:MessageID>uuid:1</a:MessageID></s:Header>"
            "<s:Body/></s:Envelope>").encode()
    status, body = make_winrs().handle(data)
    assert b"TOP-SECRET-123" not in body
