"""Masking personal data in customer comments before anything leaves a run.

:func:`mask_pii` replaces e-mail addresses with ``[email]`` and phone numbers with ``[phone]``.
Phone numbers are recognised as runs of at least 7 digits, optionally starting with ``+`` and
separated by spaces, dots, dashes or parentheses; shorter numbers (scores, years, amounts like
"2025" or "10/10") and dates written as 2026-11-24 or 24.11.2026 are left alone. Digits in
any script count (Persian ۰۹۱۲…, Arabic-Indic ٠٥٠…), and e-mail addresses may use non-Latin
letters (``пользователь@пример.рф``). Limits: names, postal addresses and account numbers written
as words are not detected; numbers of 7+ digits that are not phones (an order id) are masked,
which errs on the safe side.

Examples
--------
>>> mask_pii("Mail jane.doe@example.com or call +1 (415) 555-0199, score 9/10 in 2025")
'Mail [email] or call [phone], score 9/10 in 2025'
"""

from __future__ import annotations

import re

import pandas as pd

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A phone: optional +, then digits with common separators, at least 7 digits in all.
PHONE = re.compile(r"(?<![\w(])\(?\+?\d(?:[\s().-]{0,2}\d){6,14}(?![\w])")
# Dates that the phone pattern would otherwise take: 2026-11-24, 2026.11.24, 24.11.2026, 24-11-2026.
DATE = re.compile(r"\d{4}([-.])\d{1,2}\1\d{1,2}|\d{1,2}([-.])\d{1,2}\2\d{4}")


def _phone(m: re.Match[str]) -> str:
    return m.group() if DATE.fullmatch(m.group()) else "[phone]"


def mask_pii(text: str | pd.Series, emails: bool = True, phones: bool = True) -> str | pd.Series:
    """Replace e-mail addresses and phone numbers in a string or a Series of strings.

    Parameters
    ----------
    text : str or pandas.Series
        One comment or a column of comments. Missing values stay missing; a Series keeps its
        index; non-string values are returned unchanged.
    emails : bool, default True
        Replace ``local@domain.tld`` with ``[email]``.
    phones : bool, default True
        Replace runs of 7-15 digits (optional leading ``+``; spaces, dots, dashes and
        parentheses between digits) with ``[phone]``, except dates.

    Returns
    -------
    str or pandas.Series
        The masked text, same type and index as the input.

    Examples
    --------
    >>> mask_pii("رقمي 0501234567 شكرا")
    'رقمي [phone] شكرا'
    >>> mask_pii("order on 2026-11-24, 5 stars", phones=True)
    'order on 2026-11-24, 5 stars'
    """
    if isinstance(text, pd.Series):
        return text.map(lambda t: mask_pii(t, emails, phones) if isinstance(t, str) else t)
    if not isinstance(text, str):
        return text
    if emails:
        text = EMAIL.sub("[email]", text)
    if phones:
        text = PHONE.sub(_phone, text)
    return text
