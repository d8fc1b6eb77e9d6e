"""Sanitised vacancy HTML turned into Dash components: formatting kept, nothing executable.

The description was already cleaned by nh3 when harvested (``description_safe``). It is still
never handed to the browser as HTML: it is parsed here and rebuilt from an allow-list of tags
as React elements, whose text React escapes; links keep only http(s) and mailto targets. So a
``<script>``, an ``onerror=`` or a ``javascript:`` link cannot run even if the stored HTML
were not clean.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from dash import html

_TAGS: dict[str, Any] = {
    "p": html.P,
    "br": html.Br,
    "ul": html.Ul,
    "ol": html.Ol,
    "li": html.Li,
    "strong": html.Strong,
    "b": html.B,
    "em": html.Em,
    "i": html.I,
    "u": html.U,
    "s": html.S,
    "h3": html.H5,
    "h4": html.H6,
    "h5": html.H6,
    "blockquote": html.Blockquote,
    "a": html.A,
    "span": html.Span,
    "div": html.Div,
    "table": html.Table,
    "thead": html.Thead,
    "tbody": html.Tbody,
    "tr": html.Tr,
    "td": html.Td,
    "th": html.Th,
}
_VOID = {"br"}
_DROP_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
MAX_NODES = 5000


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Any] = []
        self.stack: list[tuple[str, list[Any], dict[str, Any]]] = []
        self.skipping = 0
        self.nodes = 0

    def _children(self) -> list[Any]:
        return self.stack[-1][1] if self.stack else self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            self.skipping += 1
            return
        if self.skipping or tag not in _TAGS or self.nodes >= MAX_NODES:
            return
        self.nodes += 1
        props: dict[str, Any] = {}
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.strip().lower().startswith(_SAFE_SCHEMES):
                props = {"href": href.strip(), "target": "_blank", "rel": "noopener noreferrer nofollow"}
        if tag in _VOID:
            self._children().append(_TAGS[tag]())
            return
        self.stack.append((tag, [], props))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID and not self.skipping:
            self._children().append(_TAGS[tag]())

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping or tag not in _TAGS or tag in _VOID:
            return
        # close up to the matching open tag (tolerates unclosed inner tags)
        if not any(open_tag == tag for open_tag, _, _ in self.stack):
            return
        while self.stack:
            open_tag, children, props = self.stack.pop()
            self._children().append(_TAGS[open_tag](children, **props))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping and data:
            self._children().append(data)

    def finish(self) -> list[Any]:
        self.close()
        while self.stack:
            open_tag, children, props = self.stack.pop()
            self._children().append(_TAGS[open_tag](children, **props))
        return self.root


def to_components(markup: str | None) -> list[Any]:
    """Dash components for an HTML fragment (see the module docstring)."""
    if not markup:
        return []
    builder = _Builder()
    builder.feed(markup)
    return builder.finish()
