"""Languages of the report, the web app and the CLI: English and Korean.

The English text is the message id, so a page reads the same in English with or without a
catalog; Korean translations live in ``data/messages_ko.yaml`` (one ``English: 한국어`` line
each). Numbers are formatted per locale with Babel (CLDR): digit grouping and decimal mark,
and money in the units a reader of that language counts in (``130.4 M USD``; ``1.3억 달러``).

A text without a translation is shown in English. Sentences built from the model's data
are translated by their templates (:func:`gigafactory.summary.notice_text`, why this mix);
error messages and the catalog's own text are English in both languages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import Literal

import yaml

__all__ = [
    "LANGUAGES",
    "Language",
    "catalog",
    "check_language",
    "money_usd",
    "number",
    "translator",
]

Language = Literal["en", "ko"]
LANGUAGES: tuple[Language, ...] = ("en", "ko")
"""The languages offered (ISO 639-1)."""

LOCALES = {"en": "en_US", "ko": "ko_KR"}
"""The CLDR locale each language formats numbers in."""


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """English text -> its translation in ``lang`` (empty for English)."""
    if lang == "en":
        return {}
    path = resources.files("gigafactory").joinpath(f"data/messages_{lang}.yaml")
    with path.open("r", encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    return {str(k): str(v) for k, v in data.items()}


def check_language(lang: str) -> Language:
    """``lang`` if offered, else a one-line ValueError naming the languages offered."""
    if lang not in LANGUAGES:
        msg = f"language {lang!r} is not offered; choose one of: {', '.join(LANGUAGES)}"
        raise ValueError(msg)
    return lang  # type: ignore[return-value]


def translator(lang: str) -> Callable[[str], str]:
    """A function giving the text in ``lang``, or the English text where none is known.

    >>> _ = translator("ko")
    >>> _("total annual cost"), _("no such text")
    ('연간 총비용', 'no such text')
    """
    table = catalog(check_language(lang))
    return lambda text: table.get(text, text)


def number(value: float, decimals: int, lang: str = "en") -> str:
    """``value`` with digit grouping and ``decimals`` decimals in the language's locale.

    >>> number(1234567.891, 1), number(1234567.891, 1, "ko")
    ('1,234,567.9', '1,234,567.9')
    """
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return str(format_decimal(value, format=pattern, locale=LOCALES[check_language(lang)]))


def money_usd(value: float, lang: str = "en") -> str:
    """A yearly amount of money as its readers count it [USD].

    English in millions (``130.4 M USD``), Korean in 억 (10^8) or 만 (10^4) with CLDR's
    compact form (``1.3억 달러``).

    >>> money_usd(130.39e6), money_usd(130.39e6, "ko"), money_usd(15.23e6, "ko")
    ('130.4 M USD', '1.3억 달러', '1523만 달러')
    """
    if check_language(lang) == "en":
        return f"{number(value / 1e6, 1)} M USD"
    from babel.numbers import format_compact_decimal

    text = format_compact_decimal(value, locale=LOCALES[lang], fraction_digits=2)
    return f"{text} 달러"
