"""Escaping user text for the HTML and JavaScript strings that pages are built from."""

from __future__ import annotations

import html

__all__ = ["FSI", "PDI", "bdi", "escape", "isolate"]


def escape(text: object) -> str:
    r"""Escape ``text`` for HTML *and* for a JavaScript template literal.

    HTML-escapes (quotes included), then turns `` ` ``, ``$`` and ``\`` into character
    references, so the text cannot close a template literal, start ``${…}`` or form an
    escape sequence in the strings folium and pyvis generate.

    Examples
    --------
    >>> escape('<b>"Al-Birr"</b> `${x}`')
    '&lt;b&gt;&quot;Al-Birr&quot;&lt;/b&gt; &#96;&#36;{x}&#96;'
    >>> escape(r'C:\1')
    'C:&#92;1'
    """
    s = html.escape("" if text is None else str(text), quote=True)
    return s.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


#: First-strong isolate and pop-directional isolate: plain-text bidi isolation.
FSI, PDI = "\u2068", "\u2069"


def bdi(text: object) -> str:
    """``text`` escaped and isolated as ``<bdi>…</bdi>``, for a user string inside a sentence.

    A name in the other script then cannot reorder the sentence around it: "جمعية البر
    (A) depends on …" stays an English sentence in an English page.

    Examples
    --------
    >>> bdi("جمعية <البر>")
    '<bdi>جمعية &lt;البر&gt;</bdi>'
    """
    return f"<bdi>{escape(text)}</bdi>"


def isolate(text: object) -> str:
    """``text`` between U+2068 and U+2069: the plain-text form of :func:`bdi` (CSV, charts).

    Examples
    --------
    >>> isolate("A") == "\\u2068A\\u2069"
    True
    """
    return f"{FSI}{'' if text is None else text}{PDI}"
