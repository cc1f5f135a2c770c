"""Escaping user text for the HTML and JavaScript strings that pages are built from."""

from __future__ import annotations

import html
import re

__all__ = ["bdi", "escape", "escape_template", "isolate"]


def escape(text: object) -> str:
    r"""Escape ``text`` for HTML *and* for a JavaScript template literal.

    HTML-escapes (quotes included), then turns `` ` ``, ``$`` and ``\`` into character
    references, so the text cannot close a template literal, start ``${…}`` or form an
    escape sequence in the strings folium and pyvis generate.

    Text that goes into a folium element's template needs :func:`escape_template` as well.

    Examples
    --------
    >>> escape('<b>"Al-Birr"</b> `${x}`')
    '&lt;b&gt;&quot;Al-Birr&quot;&lt;/b&gt; &#96;&#36;{x}&#96;'
    >>> escape(r'C:\1')
    'C:&#92;1'
    """
    s = html.escape("" if text is None else str(text), quote=True)
    return s.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def escape_template(text: object) -> str:
    """:func:`escape`, and ``{`` / ``}`` as character references, for text inside folium elements.

    branca renders each element's script and then parses the result *again* as a Jinja
    template, so a name such as ``{{ x }}`` or ``{% raw %}`` in a layer name or an
    attribution would be evaluated (or stop the map) unless its braces are escaped.

    Examples
    --------
    >>> escape_template("{{ 7 * 7 }} <b>")
    '&#123;&#123; 7 * 7 &#125;&#125; &lt;b&gt;'
    """
    return escape(text).replace("{", "&#123;").replace("}", "&#125;")


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")


def bdi(text: object) -> str:
    """``text`` escaped with :func:`escape` and wrapped in ``<bdi>``, for HTML next to other text.

    A ``<bdi>`` element is laid out in the direction of its own first strong letter, so an
    Arabic name with trailing punctuation keeps its order inside an English sentence (and
    the other way round).

    Examples
    --------
    >>> bdi('جمعية "البر".')
    '<bdi>جمعية &quot;البر&quot;.</bdi>'
    """
    return f"<bdi>{escape(text)}</bdi>"


def isolate(text: object) -> str:
    r"""``text`` (plain, not escaped) wrapped in Unicode bidi isolate marks, for canvas labels.

    vis-network draws labels on a canvas left to right; a label isolated with U+2067 (RLI,
    when its first strong letter is Arabic or Hebrew) or U+2066 (LRI, otherwise) … U+2069
    (PDI) is laid out in its own direction, so ``جمعية البر (A).`` reads correctly.

    Examples
    --------
    >>> isolate("جمعية البر.") == "\u2067جمعية البر.\u2069"
    True
    >>> isolate("Al-Birr (جمعية)") == "\u2066Al-Birr (جمعية)\u2069"
    True
    """
    s = "" if text is None else str(text)
    rtl, ltr = _RTL.search(s), _LTR.search(s)
    first_rtl = rtl is not None and (ltr is None or rtl.start() < ltr.start())
    return ("\u2067" if first_rtl else "\u2066") + s + "\u2069"
