"""PII masking: e-mails and phone numbers in several scripts and formats; scores, years and
ordinary numbers left alone."""

from __future__ import annotations

import pandas as pd
import pytest

from cxm_lab.privacy import mask_pii


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail jane.doe@example.com now", "mail [email] now"),
        ("Позвоните: +7 916 123-45-67.", "Позвоните: [phone]."),
        ("tel 0912 345 6789", "tel [phone]"),
        ("+44 20 7946 0958", "[phone]"),
        ("رقمي 0501234567 شكرا", "رقمي [phone] شكرا"),
        (
            "score 9/10 in 2025, 3 tickets, invoice 12-34",
            "score 9/10 in 2025, 3 tickets, invoice 12-34",
        ),
        ("пишите на пользователь@пример.рф", "пишите на [email]"),
        ("ایمیل من ali.rezaei@mail.ir است", "ایمیل من [email] است"),
        ("请联系 wang_li+cx@qq.com 谢谢", "请联系 [email] 谢谢"),
        ("شماره من ۰۹۱۲ ۳۴۵ ۶۷۸۹ است", "شماره من [phone] است"),  # Persian digits
        ("电话 138-0013-8000", "电话 [phone]"),
        ("+33 1 42 68 53 00 ou (030) 1234567", "[phone] ou [phone]"),
        ("bought 2026-11-24, renewed 24.11.2026", "bought 2026-11-24, renewed 24.11.2026"),
        ("NPS 10, CSAT 4.5, 120 users, €1,200", "NPS 10, CSAT 4.5, 120 users, €1,200"),
    ],
)
def test_mask_pii(text, expected):
    assert mask_pii(text) == expected


def test_mask_pii_series_keeps_index_and_missing():
    s = pd.Series(["a@b.co", None], index=[5, 7])
    out = mask_pii(s)
    assert out.index.tolist() == [5, 7] and out.iloc[0] == "[email]" and pd.isna(out.iloc[1])


def test_switches_turn_each_kind_off():
    text = "a@b.co or +1 415 555 0199"
    assert mask_pii(text, emails=False) == "a@b.co or [phone]"
    assert mask_pii(text, phones=False) == "[email] or +1 415 555 0199"
