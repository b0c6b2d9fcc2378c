"""Problem details in the caller's language: English by default, simplified Chinese when the
request's Accept-Language prefers it (zh, zh-CN, zh-Hans …).

Flask-Babel picks the language and reads the catalogue (core/translations/zh/LC_MESSAGES:
messages.po, compiled to messages.mo by `make translations`). The msgids are the English texts
the service already writes, so no service changes how it words a problem: `problem()`
(core.errors) passes its title, detail and every field message through `translated`. A text
made with values in it ("Longer than maximum length 5000.") matches the msgid that has
placeholders there ("Longer than maximum length {max}."), and its values are kept.

Only errors are translated: nothing here runs on a request that succeeds.
"""

import functools
import os
import re

from flask import Flask, has_request_context, request
from flask_babel import Babel, get_locale, gettext

TRANSLATIONS = os.path.join(os.path.dirname(__file__), "translations")
CATALOGUE = os.path.join(TRANSLATIONS, "zh", "LC_MESSAGES", "messages.po")
LANGUAGES = ("en", "zh")


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=_language, default_translation_directories=TRANSLATIONS, default_locale="en")


def _language() -> str:
    # Accept-Language "zh-CN,zh;q=0.9,en;q=0.8" is zh; none, or one we do not speak, is English.
    if not has_request_context():
        return "en"
    return request.accept_languages.best_match(LANGUAGES, default="en")


@functools.cache
def _templates() -> tuple[tuple[re.Pattern, str], ...]:
    """Each msgid with placeholders, as a pattern that a text made from it matches."""
    # Imported here, not with the module: Babel's .po reader (1 MB) only in a worker that
    # translates a problem (issue 12).
    from babel.messages.pofile import read_po

    with open(CATALOGUE, "rb") as source:
        catalogue = read_po(source)
    found = []
    for message in catalogue:
        if message.id and "{" in message.id:
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(message.id))
            found.append((re.compile(pattern, re.DOTALL), message.id))
    return tuple(found)


def translated(text: str) -> str:
    """`text` in the request's language, when the catalogue has it; else as it is."""
    if not text or str(get_locale()) == "en":
        return text
    exact = gettext(text)
    if exact != text:
        return exact
    for pattern, msgid in _templates():
        match = pattern.fullmatch(text)
        if match:
            return gettext(msgid).format(**match.groupdict())
    return text


def translated_messages(errors):
    """Validation errors (`{"json": {"content": ["Missing data for required field."]}}`), each
    message translated, the structure as it is."""
    if isinstance(errors, str):
        return translated(errors)
    if isinstance(errors, dict):
        return {key: translated_messages(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [translated_messages(value) for value in errors]
    return errors
