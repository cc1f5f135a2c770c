"""Every user-facing label and sentence of the pages, in English and Arabic, in one place.

Vocabulary labels (sectors, types, resources …) live with their vocabularies in
:mod:`partnermap.schema`; this module holds the words of the pages themselves: headings,
legends, layer names, popup field labels, report paragraphs. Each key has both languages
(a test checks it). Messages are :meth:`str.format` templates; values substituted into
them are the caller's business to escape and bidi-isolate (see :mod:`partnermap._html`).

Examples
--------
>>> t("language_name", "ar")
'العربية'
>>> direction("ar"), direction("en")
('rtl', 'ltr')
"""

from __future__ import annotations

from typing import Any

from ._errors import ParameterError

__all__ = ["LANGUAGES", "MESSAGES", "direction", "t"]

#: The languages every message has.
LANGUAGES = ("en", "ar")

#: key -> {"en": template, "ar": template}
MESSAGES: dict[str, dict[str, str]] = {
    "language_name": {"en": "English", "ar": "العربية"},
}


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ParameterError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}.")
    return language


def t(key: str, language: str = "en", /, **values: Any) -> str:
    """The message ``key`` in ``language``, with ``values`` substituted.

    Parameters
    ----------
    key
        A key of :data:`MESSAGES`.
    language
        ``"en"`` or ``"ar"``.
    **values
        Substituted into the template with :meth:`str.format`.

    Returns
    -------
    str
        The message.

    Examples
    --------
    >>> t("language_name")
    'English'
    """
    template = MESSAGES[key][_check_language(language)]
    return template.format(**values) if values else template


def direction(language: str) -> str:
    """The text direction of ``language``: ``"rtl"`` for Arabic, ``"ltr"`` otherwise.

    Parameters
    ----------
    language
        ``"en"`` or ``"ar"``.

    Returns
    -------
    str
        ``"rtl"`` or ``"ltr"``.
    """
    return "rtl" if _check_language(language) == "ar" else "ltr"
