"""Text in two languages at once, for bilingual forms (Welsh and English, Arabic and English...).

A bilingual form prints every statement, question, label and instruction in both languages, with
neither smaller nor lighter. Rather than give every template a second copy of each phrase, a text
in two languages is one string: ``both("Cytuno", "Agree")`` marks its halves with three characters
of Unicode's private use area that no content may carry (:func:`clean` removes them). So the text
goes everywhere a string goes: through ``%`` formatting, Jinja's filters and escaping, and into
other two-language texts, where ``_("Sylwadau ar %(adran)s") % {...}`` holds a pair inside a pair.

Once a document's HTML is made, :func:`markup` turns each pair into what a reader sees: in the text,
each half in an element with its own ``lang`` (and ``dir``), a separator between them that the
stylesheet may replace by a line break; in an attribute or a ``<title>``, where no element can be,
"first / second". A pair inside the first half of another is read in the first language, and
inside the second half in the second, so each language's sentence holds only its own words.
"""

from __future__ import annotations

import html
import re

OPEN, SPLIT, CLOSE = "\ue000", "\ue001", "\ue002"
MARKS = frozenset((OPEN, SPLIT, CLOSE))
_REMOVE = str.maketrans(dict.fromkeys(MARKS))
SEPARATOR = " / "
"""Between the halves where they sit on one line, in plain text and in print."""
_BLOCK = re.compile(r"<(?:p|ul|ol|div|table|h[1-6]|blockquote|pre|hr)\b")
_TITLE = re.compile(r"<(/?)title\b", re.IGNORECASE)


def clean(text: str) -> str:
    """``text`` without the marks, so content cannot open or close a pair of its own."""
    return text.translate(_REMOVE)


def both(first: str, second: str) -> str:
    """One text in two languages; just ``first`` when the two are the same (a name, a number)."""
    if first == second:
        return first
    return f"{OPEN}{first}{SPLIT}{second}{CLOSE}"


def apart(text: str) -> str:
    """A text made of several phrases, some in two languages (a sentence with a name in it, a
    paragraph of instructions), as one pair of whole texts: each language's reader gets all of it in
    one piece, not a line that goes back and forth. Unchanged when nothing in it is in two languages."""
    return f"{OPEN}{text}{SPLIT}{text}{CLOSE}" if OPEN in text else text


def is_pair(text: object) -> bool:
    return isinstance(text, str) and OPEN in text


def halves(text: str) -> tuple[str, str]:
    """A text as the first language reads it, and as the second does."""
    return _pick(text, 0), _pick(text, 1)


def plain(text: str) -> str:
    """A text for where only characters can go: 'Cytuno / Agree'."""
    first, second = halves(text)
    return first if first == second else first + SEPARATOR + second


def markup(document: str, first: tuple[str, str], second: tuple[str, str]) -> str:
    """A document's HTML with each pair written out: in the text as an element per language
    (``first`` and ``second`` are each its (tag, direction)), in a tag or a ``<title>`` as plain text."""
    out, position, in_tag, in_title = [], 0, False, False
    for match in _pairs(document):
        before = document[position:match[0]]
        out.append(before)
        in_tag, in_title = _context(before, in_tag, in_title)
        pair = document[match[0]:match[1]]
        out.append(html.escape(plain(html.unescape(pair)), quote=True) if in_tag or in_title
                   else _elements(pair, first, second))
        position = match[1]
    out.append(document[position:])
    return clean("".join(out))


def _elements(pair: str, first: tuple[str, str], second: tuple[str, str]) -> str:
    one, other = halves(pair)
    tag = "div" if _BLOCK.search(one) or _BLOCK.search(other) else "span"
    separator = "" if tag == "div" else f'<span class="bilingual-separator">{SEPARATOR}</span>'
    return (f'<{tag} class="bilingual first" {_language(first)}>{one}</{tag}>{separator}'
            f'<{tag} class="bilingual second" {_language(second)}>{other}</{tag}>')


def _language(language: tuple[str, str]) -> str:
    tag, direction = language
    return f'lang="{html.escape(tag, quote=True)}" dir="{html.escape(direction, quote=True)}"'


def _pairs(text: str):
    """(start, end) of each outermost pair; a mark out of place is left for :func:`clean`."""
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char == OPEN:
            if depth == 0:
                start = index
            depth += 1
        elif char == CLOSE and depth:
            depth -= 1
            if depth == 0:
                yield start, index + 1


def _context(before: str, in_tag: bool, in_title: bool) -> tuple[bool, bool]:
    """Whether the text after ``before`` is inside a tag, and whether inside a ``<title>``, given
    whether the text before it was."""
    last_open, last_close = before.rfind("<"), before.rfind(">")
    if last_open != last_close:  # both -1: no tag begins or ends in ``before``
        in_tag = last_open > last_close
    for tag in _TITLE.findall(before):
        in_title = not tag
    return in_tag, in_title


def _pick(text: str, side: int) -> str:
    """``text`` with each pair replaced by its half ``side`` (0 first, 1 second), pairs inside
    pairs too; a mark out of place is dropped."""
    out: list[str] = []
    outside: list[list[str]] = []  # the text before each pair still open
    for char in text:
        if char == OPEN:
            outside.append(out)
            out = []
        elif char == CLOSE and outside:
            out = outside.pop() + [_half(out, side)]
        elif char != CLOSE and (char != SPLIT or outside):
            out.append(char)
    while outside:  # a pair never closed: the half being read
        out = outside.pop() + [_half(out, side)]
    return clean("".join(out))


def _half(chars: list[str], side: int) -> str:
    one, _, other = "".join(chars).partition(SPLIT)
    return other if side else one
