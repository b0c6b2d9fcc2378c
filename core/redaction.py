"""Personal data in free text from the public, found and replaced by a marker before anyone but
the lead unit's staff reads it (政府信息公开条例 Art. 15): phone numbers, resident ID numbers,
e-mail addresses, bank card numbers and house numbers.

Domain-free: a text in, the public text out. A number counts only when it is written the way
that kind of number is written and, where it has one, its check digit is right (an ID's ISO
7064 MOD 11-2, a card's Luhn), so that dates, document numbers (嘉府发〔2026〕3号), amounts,
postcodes and ordinary long numbers survive. Editors correct what the rules get wrong through
overrides: a restored text is never redacted, a hidden one always is (`public_text`).

Most comments hold no run of seven digits, no '@' and no digit after a road's character; for
them `redact` costs a few scans in C, not the patterns below (bench/redaction.py)."""

import datetime as dt
import enum
import re
from typing import NamedTuple

from core.errors import Invalid


class Kind(enum.StrEnum):
    phone = "phone"
    id_number = "id_number"
    email = "email"
    bank_card = "bank_card"
    address = "address"
    other = "other"  # hidden by an editor


MARKERS = {
    Kind.phone: "［已隐去：电话］",
    Kind.id_number: "［已隐去：身份证号］",
    Kind.email: "［已隐去：电子邮箱］",
    Kind.bank_card: "［已隐去：银行卡号］",
    Kind.address: "［已隐去：地址］",
    Kind.other: "［已隐去：其他］",
}


class Finding(NamedTuple):
    """One piece of personal data: where it is in the text, of which kind, and what it says."""

    start: int
    end: int
    kind: str
    text: str


# Full-width digits and signs, as Chinese input methods type them, read as ASCII. One character
# for one, so the positions found in the translated text are those of the original.
_WIDE = str.maketrans("０１２３４５６７８９＠－＋", "0123456789@-+")
_WIDE_CHARS = "０１２３４５６７８９＠"

# A number ends where no digit follows, nor a unit that makes it an amount or a share.
_END = r"(?![0-9]|\s?[元万亿%％])"
_NUMBERS = re.compile(
    rf"""
    # A local number written as a phone: after 电话, 联系, 座机, tel... within a few characters
    # of the same clause. Only the number is redacted, not the word before it.
    (?:电话|联系|座机|手机|热线|传真|固话|[Tt][Ee][Ll])[^0-9\n。；;，,！!？?]{{0,6}}?
        (?P<local>[2-9][0-9]{{2,3}}[ -]?[0-9]{{4}}){_END}
    # A bank card in groups of four (a 19-digit one ends in three).
  | (?<![0-9])(?P<card>[1-9][0-9]{{3}}(?:[ -][0-9]{{4}}){{3}}(?:[ -][0-9]{{1,3}})?){_END}
    # 16 to 19 digits, or 17 and an X: an ID number or a card, when its check digit says so.
  | (?<![0-9])(?P<long>[0-9]{{17}}[0-9Xx]|[0-9]{{16,19}}){_END}
    # A mobile: 1[3-9]x, 11 digits, perhaps +86 before it and a space or dash in 3-4-4.
  | (?P<mobile>(?:\+86[ -]?|(?<![0-9])(?:0086|86)[ -]?|(?<![0-9]))1[3-9][0-9](?:[ -]?[0-9]{{4}}){{2}}){_END}
    # A landline: an area code (010, 02x, 0xxx) bracketed or followed by a space or dash, then
    # 7 or 8 digits and perhaps an extension; or the whole written without a break.
  | (?<![0-9])(?P<landline>
        (?:[(（]0[0-9]{{2,3}}[)）][ -]?|0[0-9]{{2,3}}[ -])[2-9][0-9]{{2,3}}[ -]?[0-9]{{4}}
            (?:(?:转|分机|[-\#]|ext\.?)[0-9]{{1,6}})?
      | 0(?:10|2[0-9])[2-9][0-9]{{7}}
      | 0[3-9][0-9]{{2}}[2-9][0-9]{{6,7}}
    ){_END}
    """,
    re.VERBOSE,
)

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
)

# The house number after a road, street, lane or alley (路/街/弄/道/巷): "博乐路123弄4号501室"
# keeps "博乐路" and loses "123弄4号501室". It starts with a number and 弄 or 号 right after
# the road's character, so 第3号文件 and 嘉府发〔2026〕3号 (no road before them) survive, as do
# 街道 and 轨道 (a sub-district, the metro) and a 号 that names a document, a line or a plot.
_ADDRESS = re.compile(
    r"""
    (?<=[路街弄道巷])(?<!街道)(?<!轨道)
    (?P<address>
        [0-9]+(?:[-之][0-9]+)?(?:弄|号(?!文|令|线|地块|公告|通知|提案|议案|窗口|附件))
        (?:[0-9]+(?:[-之][0-9]+)?(?:支弄|弄|号楼|号|栋|幢|座|单元|楼|层|室))*
        (?:-?[0-9]{1,5}(?![0-9年月日元万%％])室?)?
    )
    """,
    re.VERBOSE,
)
# Characters without which no house number can be found: most texts have none followed by a digit.
_ROAD_THEN_DIGIT = re.compile(r"[路街弄道巷][0-9]")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB/T 2260's first two digits: provinces, and 83 for residence permits of Taiwan residents.
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


def is_id_number(text: str) -> bool:
    """An 18-character resident ID number: a province, a real birth date, the right check digit."""
    if len(text) != 18 or not text[:17].isdigit() or text[:2] not in _PROVINCES:
        return False
    total = sum((ord(c) - 48) * w for c, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != text[17].upper():
        return False
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def luhn(digits: str) -> bool:
    """Whether a card number's last digit is its Luhn check digit."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = ord(c) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_card(digits: str) -> bool:
    # Cards issued in China begin with 3 to 6 (62 is UnionPay) or 9 (old domestic debit cards,
    # 95...); 91, 92 and 93 begin the credit codes of organisations, which are not personal.
    return (
        16 <= len(digits) <= 19
        and (digits[0] in "3456" or digits.startswith("95"))
        and len(set(digits)) > 1
        and luhn(digits)
    )


def _is_date(digits: str) -> bool:
    """YYYYMMDD of a real day from 1900 to 2099: a date written without separators."""
    if len(digits) != 8 or digits[:2] not in ("19", "20"):
        return False
    try:
        dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return True


def _numbers(text: str, start: int, end: int, found: list) -> None:
    for match in _NUMBERS.finditer(text, start, end):
        group = match.lastgroup
        value = match.group(group)
        if group == "long":
            if is_id_number(value):
                kind = Kind.id_number
            elif value.isdigit() and _is_card(value):
                kind = Kind.bank_card
            else:
                continue
        elif group == "card":
            if not _is_card(value.replace(" ", "").replace("-", "")):
                continue
            kind = Kind.bank_card
        elif group == "local" and _is_date(value):
            continue
        else:
            kind = Kind.phone
        found.append((*match.span(group), kind))


# Digits, spaces and dashes as "0", everything else as it is: a run of seven "0"s is where a
# phone, ID or card number may be, and most texts have none (a date 2026-09-28 is one).
_ZEROS = bytes.maketrans(b"0123456789 -", b"000000000000")
_RUN = b"0" * 7
# Around such a run, what `_NUMBERS` may need to see: an area code in brackets or 电话 and a
# few characters before it; an extension after it.
_BEFORE, _AFTER = 12, 10


def _number_windows(text: str):
    """(start, end) of the stretches of `text` where a number may be, in order."""
    # One byte per character ("?" for any other than ASCII), so positions are the text's.
    shape = text.encode("ascii", "replace").translate(_ZEROS)
    at = shape.find(_RUN)
    while at >= 0:
        rest = shape[at:]
        end = at + len(rest) - len(rest.lstrip(b"0"))
        stop = min(len(shape), end + _AFTER)
        rest = shape[stop:]
        stop += len(rest) - len(rest.lstrip(b"0"))  # never cut a number in two
        if shape[stop : stop + 1] in (b"X", b"x"):  # nor an ID number from its check digit
            stop += 1
        yield max(0, at - _BEFORE), stop
        at = shape.find(_RUN, stop)


def findings(text: str, *, keep=(), hide=()) -> list[Finding]:
    """The personal data in `text`, in order, without overlaps: what the rules find, less what
    lies within an occurrence of a `keep` text, plus every occurrence of a `hide` text."""
    scanned = text.translate(_WIDE) if any(map(text.__contains__, _WIDE_CHARS)) else text
    found = []
    for start, end in _number_windows(scanned):
        _numbers(scanned, start, end, found)
    at = scanned.find("@")
    while at >= 0:
        # An address is at most 64 characters before its @ and 255 after it.
        for match in _EMAIL.finditer(scanned, max(0, at - 64), at + 256):
            if match.start() <= at < match.end():
                found.append((*match.span(), Kind.email))
                break
        at = scanned.find("@", at + 1)
    for road in _ROAD_THEN_DIGIT.finditer(scanned):
        match = _ADDRESS.match(scanned, road.start() + 1)
        if match is not None:
            found.append((*match.span("address"), Kind.address))
    if keep and found:
        kept = _occurrences(text, keep)
        found = [f for f in found if not any(s <= f[0] and f[1] <= e for s, e in kept)]
    if hide:
        found.extend((s, e, Kind.other) for s, e in _occurrences(text, hide))
    if not found:
        return []
    # Overlaps become one span, of the kind that starts first (the longer when both start together).
    found.sort(key=lambda f: (f[0], -f[1]))
    merged = [list(found[0])]
    for start, end, kind in found[1:]:
        last = merged[-1]
        if start < last[1]:
            last[1] = max(last[1], end)
        else:
            merged.append([start, end, kind])
    return [Finding(start, end, kind, text[start:end]) for start, end, kind in merged]


def _occurrences(text: str, needles) -> list[tuple[int, int]]:
    spans = []
    for needle in needles:
        if not needle:
            continue
        at = text.find(needle)
        while at >= 0:
            spans.append((at, at + len(needle)))
            at = text.find(needle, at + 1)
    return spans


def redact(text: str, *, keep=(), hide=()) -> str:
    """`text` with each piece of personal data replaced by its marker, e.g. ［已隐去：电话］."""
    found = findings(text, keep=keep, hide=hide)
    if not found:
        return text
    parts, at = [], 0
    for finding in found:
        parts.append(text[at : finding.start])
        parts.append(MARKERS[finding.kind])
        at = finding.end
    parts.append(text[at:])
    return "".join(parts)


# --- Editors' overrides ----------------------------------------------------------------------
#
# An override is {action: "restore" | "hide", text, reason, by, at}; the list of them is kept
# with the text, in order. For each text the last action stands, so a hide undoes a restore.


class Action(enum.StrEnum):
    restore = "restore"  # a false positive: show it
    hide = "hide"  # personal data the rules missed


def effect(overrides) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(keep, hide) for `redact`: the texts whose last override restores, or hides, them."""
    last = {}
    for override in overrides or ():
        last.pop(override["text"], None)
        last[override["text"]] = override["action"]
    return (
        tuple(text for text, action in last.items() if action == Action.restore),
        tuple(text for text, action in last.items() if action == Action.hide),
    )


def public_text(original: str, overrides=None) -> str | None:
    """What the public reads of `original`, or None when that is `original` itself (nothing to
    hide): stored as such, a text without personal data costs no second copy."""
    keep, hide = effect(overrides)
    shown = redact(original, keep=keep, hide=hide)
    return None if shown == original else shown


def hidden(original: str, overrides=None) -> list[Finding]:
    """What the public does not read of `original`, given the editors' overrides."""
    keep, hide = effect(overrides)
    return findings(original, keep=keep, hide=hide)


def overridden(original: str, overrides, *, action: str, text: str, reason: str, by: int, at: dt.datetime) -> list:
    """The overrides with this one added; Invalid (422) when it would change nothing: `text` is
    not in `original`, a restore covers nothing hidden, or a hide what is hidden already."""
    if not text or text not in original:
        raise Invalid("text", "`text` is not in the comment: give an exact part of it.")
    now = hidden(original, overrides)
    spans = _occurrences(original, (text,))
    if action == Action.restore:
        if not any(s <= f.start and f.end <= e for f in now for s, e in spans):
            raise Invalid(
                "text", "Nothing hidden lies within `text`: restore the whole of a hidden part (or more of the text)."
            )
    elif all(any(f.start <= s and e <= f.end for f in now) for s, e in spans):
        raise Invalid("text", "`text` is hidden already.")
    entry = {"action": str(action), "text": text, "reason": reason, "by": by, "at": at.isoformat()}
    return [*(overrides or ()), entry]
