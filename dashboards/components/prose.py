"""Markdown text rendered on the server (``solara.Markdown`` loads KaTeX and mermaid in the
browser on every mount; KaTeX is not in the offline assets and failed to load)."""

from __future__ import annotations

import markdown
import solara


def to_html(text: str) -> str:
    """Markdown to HTML (the text is the project's own: docstrings, scenario files)."""
    return markdown.markdown(text, extensions=["tables"])


@solara.component
def Prose(text: str, classes: list[str] | None = None) -> None:
    """Markdown shown as HTML."""
    solara.HTML(tag="div", unsafe_innerHTML=to_html(text), classes=["sc-prose", *(classes or [])])
