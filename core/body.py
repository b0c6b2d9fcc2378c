"""Reading a JSON request body: whatever anyone sends is a 4xx problem, never a 500.

One reader for every JSON body (core.http.Parser.load_json), in this order:

1. Nesting deeper than MAX_DEPTH is refused (400 `malformed-request`) before any parser
   sees the body: a body nested a thousand deep once exhausted Python's recursion in the
   checks that walk it. Size is refused earlier still (MAX_CONTENT_LENGTH, 413).
2. orjson parses it (fast; it refuses invalid UTF-8 and lone surrogates). What orjson refuses
   is parsed again as the standard library would, bytes that are not UTF-8 kept as
   surrogates, to tell text that is not Unicode (422 naming the field) from a body that is
   not JSON (400). Whatever the standard library accepts and orjson does not (integers past
   64 bits, NaN) is read as before and left to the schemas.
3. A key given twice in one object is a 400: with the last one winning, a body could say
   `submitter_type` twice and mean whichever a reader looks at.
4. Every string: no NUL (PostgreSQL's text cannot hold it), valid Unicode, and not only
   whitespace or control characters (422 naming the field).
"""

import json
import re
import unicodedata

import marshmallow as ma
import orjson
from flask_smorest import abort

# Deeper than any body the API takes (an agenda's items' attendees are four levels).
MAX_DEPTH = 32

NUL_REFUSED = "Text may not contain the NUL character (U+0000)."
NOT_UNICODE = "Text must be valid Unicode (UTF-8, no lone surrogates such as \\ud800)."
BLANK = "Text may not consist only of spaces or control characters: write what you mean, or leave the field out."

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def read_json(body: bytes):
    """The body's JSON value; abort(400) or ValidationError (422) for what may not be read."""
    _refuse_deep_nesting(body)
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        value = _read_as_the_standard_library(body, error)
    members = _check_strings(value)
    # Each member of an object has its own ':' outside strings; a body with no more ':' than
    # the members read has no key twice. Only a body whose text holds ':' is read again.
    if body.count(b":") > members:
        _refuse_duplicate_keys(body)
    return value


def _malformed(message: str):
    abort(400, messages={"json": [message]}, message=message)


def _refuse_deep_nesting(body: bytes) -> None:
    if body.count(b"[") + body.count(b"{") <= MAX_DEPTH:
        return  # cannot be deeper: the usual body
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", body)):
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                _malformed(f"The body is nested deeper than {MAX_DEPTH} levels.")
        else:
            depth -= 1


def _read_as_the_standard_library(body: bytes, orjson_error: Exception):
    text = body.decode("utf-8", "surrogateescape")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        _malformed(f"The request body is not valid JSON: {orjson_error}.")


def _refuse_duplicate_keys(body: bytes) -> None:
    def pairs(items):
        seen = set()
        for key, _ in items:
            if key in seen:
                _malformed(f"The key {key!r} appears twice in one object: give each field once.")
            seen.add(key)
        return None  # the value was read already; only the keys are checked here

    json.loads(body.decode("utf-8", "surrogateescape"), object_pairs_hook=pairs)


def _check_strings(value) -> int:
    """Refuse a string that is not text (422, at its path); return how many object members
    the value holds. Iterative: depth is bounded already, but a wide body is not."""
    members = 0
    stack = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            members += len(item)
            for key, child in item.items():
                _check_text(path + (key,), key, is_key=True)
                stack.append((path + (key,), child))
        elif isinstance(item, list):
            stack.extend((path + (i,), child) for i, child in enumerate(item))
        elif isinstance(item, str):
            _check_text(path, item)
    return members


def _check_text(path: tuple, text: str, is_key: bool = False) -> None:
    if text.isprintable():  # the usual text: no control, format, surrogate or non-ASCII space
        if text and not is_key and not text.strip():
            _refuse(path, BLANK)
        return
    if "\x00" in text:
        _refuse(path, NUL_REFUSED)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        _refuse(path, NOT_UNICODE)
    if text and not is_key and not any(unicodedata.category(c)[0] not in "CZ" for c in text):
        _refuse(path, BLANK)


def _refuse(path: tuple, message: str):
    tree = [message]
    for key in reversed(path):
        tree = {_printable_key(key): tree}
    if not path:
        tree = {"_schema": tree}
    raise ma.ValidationError(tree)


def _printable_key(key) -> str:
    # A key that is not Unicode itself is named with its bad characters escaped, so that the
    # problem can be written as JSON.
    return str(key).encode("utf-8", "backslashreplace").decode("utf-8")
