"""Parse an HTML fragment into its tags, attributes, visible text and comments (for tests that
check what a reader or a browser would see; character references are decoded)."""

from __future__ import annotations

from html.parser import HTMLParser


class Fragment(HTMLParser):
    """Tags, attributes, visible text and comments of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def parse_html(fragment: str) -> Fragment:
    """The parsed fragment."""
    p = Fragment()
    p.feed(fragment)
    p.close()
    return p
