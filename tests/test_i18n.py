"""Every message of the pages exists in both languages."""

from __future__ import annotations

import string

import pytest

from partnermap import i18n
from partnermap._errors import ParameterError


def test_every_message_has_both_languages_and_the_same_fields() -> None:
    for key, texts in i18n.MESSAGES.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in i18n.LANGUAGES]
        assert fields[0] == fields[1], f"{key}: the translations use different fields {fields}"
        assert all(texts[lang].strip() for lang in i18n.LANGUAGES), key


def test_unknown_language_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match="language must be one of en, ar"):
        i18n.t("language_name", "fr")
