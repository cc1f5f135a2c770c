"""Escaping user text for the HTML and JavaScript strings that pages are built from."""

from __future__ import annotations

import html

__all__ = ["escape"]


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
