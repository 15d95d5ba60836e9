"""Content text made safe before it reaches a page or a PDF.

Text fields accept Markdown, and Markdown passes raw HTML straight through. A programme may
come from anyone (a colleague's folder, text pasted from a web page), while the site is opened
by schools in a browser and the PDFs are printed and shared. So every text field is rendered
from Markdown and then cleaned with nh3 (the Rust 'ammonia' sanitiser) to a small allow-list:
no scripts, event handlers, frames, styles, images or links other than http, https and mailto
survive. Images are left out on purpose: a picture in content would be a file or network fetch
when the PDF is made.

Two outputs, one cleaner:

- :func:`markdown_html` for print templates, which are HTML already;
- :func:`safe_markdown` and :func:`safe_inline` for the site's Markdown pages, which MkDocs
  renders a second time. Text that cannot start HTML, a link or an attribute list (it has none
  of ``< [ ] { } ` \\``) is returned unchanged, so the generated Markdown stays readable. Other
  text is returned as cleaned HTML whose Markdown characters are written as character
  references, so MkDocs' second pass cannot turn them into a link or an ``{: onclick=...}``
  attribute (attr_list is enabled on the site).
"""

from __future__ import annotations

import functools
import html
import re

import markdown
import nh3
from markupsafe import Markup

TAGS = {"p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "a", "abbr",
        "sub", "sup", "hr", "h3", "h4", "h5", "h6"}
ATTRIBUTES = {"*": set(), "a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
"""Relative URLs are dropped too: in a PDF they would resolve to a path on the building machine."""

_CLEANER = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, url_relative="deny",
                       clean_content_tags={"script", "style"}, strip_comments=True,
                       link_rel="noopener noreferrer")

RISKY = frozenset("<[]{}`\\")
"""Characters without which site Markdown cannot make HTML, a link, an image or an attribute list."""

_TEXT_ONLY = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"}, strip_comments=True)
_ENTITY_START = re.compile(r"&(?=[#A-Za-z])")
_OPENING_QUOTE = re.compile(r'(?:(?<=^)|(?<=[\s(\[{]))"')
_CLOSING_QUOTE = re.compile('"')
_TAG = re.compile(r"(<[^>]*>)")
_IN_TEXT = str.maketrans({c: f"&#{ord(c)};" for c in "[]{}`\\|*_!"})
_IN_TAG = str.maketrans({c: f"&#{ord(c)};" for c in "|`"})


def clean_html(html: str) -> str:
    """HTML reduced to the allow-list; a script's or style's content goes with its tag."""
    return _CLEANER.clean(html)


def markdown_html(text: str | None) -> str:
    """Markdown from content as clean HTML blocks, for the print templates."""
    if not text:
        return ""
    return _markdown_html(str(text))


@functools.lru_cache(maxsize=4096)
def _markdown_html(text: str) -> str:
    """Remembered: the same task, note and scale texts recur in many documents and variants, and
    converting them again was a third of the time spent writing every document's HTML."""
    return clean_html(markdown.markdown(text, output_format="html"))


def safe_markdown(text: str | None) -> Markup:
    """A text field for a site page's Markdown, where it starts a block of its own (a paragraph)."""
    text = "" if text is None else str(text)
    if not RISKY.intersection(text):
        return Markup(text)
    return Markup(_markdown_proof(markdown_html(text)))


def safe_inline(text: str | None) -> Markup:
    """A text field inside a line of a site page: a heading, list item, link text or table cell."""
    text = "" if text is None else str(text)
    if not RISKY.intersection(text):
        return Markup(text)
    html = markdown_html(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(_markdown_proof(html))


def plain_title(text: str | None) -> str:
    """A title for places that print it without escaping: MkDocs' navigation, and Material's
    ``<title>``, whose ``striptags`` even turns ``&lt;`` back into ``<``; and the settings that
    Material puts into double-quoted attributes unescaped (``aria-label``, ``<meta content>``)
    as well as escaped (``title``), where only text without markup characters reads the same.

    Tags are removed (a script's content with them) and what could start markup again, ``<``,
    ``>`` and an ``&`` that begins an entity, becomes a look-alike character; a straight double
    quote becomes a curly one, opening or closing as it stands.
    """
    plain = html.unescape(_TEXT_ONLY.clean("" if text is None else str(text)))
    plain = _ENTITY_START.sub("\uff06", plain.replace("<", "\u2039").replace(">", "\u203a"))
    plain = _CLOSING_QUOTE.sub("\u201d", _OPENING_QUOTE.sub("\u201c", plain))
    return " ".join(plain.split())


def _markdown_proof(html: str) -> str:
    """Clean HTML that a second Markdown pass leaves as it is.

    Between tags, characters Markdown acts on become character references (which browsers
    show as the character and Markdown keeps as they are); inside tags, the table separator
    and backtick do, so an attribute value can neither split a table row nor open a code span.
    """
    parts = _TAG.split(html)
    return "".join(part.translate(_IN_TAG if i % 2 else _IN_TEXT) for i, part in enumerate(parts))
