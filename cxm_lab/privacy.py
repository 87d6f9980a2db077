"""Masking personal data in customer comments before anything leaves a run.

:func:`mask_pii` replaces e-mail addresses with ``[email]`` and phone numbers with ``[phone]``.
Phone numbers are recognised as runs of at least 7 digits, optionally starting with ``+`` and
separated by spaces, dots, dashes or parentheses; shorter numbers (scores, years, amounts like
"2025" or "10/10") are left alone. Limits: names, postal addresses and account numbers written
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
PHONE = re.compile(r"(?<![\w])\+?\d(?:[\s().-]{0,2}\d){6,14}(?![\w])")


def mask_pii(text: str | pd.Series, emails: bool = True, phones: bool = True) -> str | pd.Series:
    """Replace e-mail addresses and phone numbers in a string or a Series of strings.

    Missing values stay missing; a Series keeps its index.
    """
    if isinstance(text, pd.Series):
        return text.map(lambda t: mask_pii(t, emails, phones) if isinstance(t, str) else t)
    if not isinstance(text, str):
        return text
    if emails:
        text = EMAIL.sub("[email]", text)
    if phones:
        text = PHONE.sub("[phone]", text)
    return text
