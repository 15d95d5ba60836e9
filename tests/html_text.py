"""What a person reads in a page of HTML: its text (not stylesheets or scripts) and, when asked,
the attributes a screen reader or viewer shows (title, aria-label, alt, a meta description)."""

from __future__ import annotations

from html.parser import HTMLParser


class ShownText(HTMLParser):
    def __init__(self, attributes: bool = False):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.attributes = attributes

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("style", "script")
        if not self.attributes:
            return
        values = dict(attrs)
        self.parts += [values[a] or "" for a in ("title", "aria-label", "alt") if a in values]
        if tag == "meta" and values.get("name") in ("description", "keywords"):
            self.parts.append(values.get("content") or "")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def shown_text(html: str, attributes: bool = False) -> str:
    parser = ShownText(attributes)
    parser.feed(html)
    return " ".join(parser.parts)
