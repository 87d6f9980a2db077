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


# --------------------------------------------------------------------------- evasions and new kinds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # e-mail evasions
        ("mail jane＠example.com", "mail [email]"),  # full-width @
        ("mail jane﹫example.com", "mail [email]"),  # small commercial at
        ("mail jane @ example.com now", "mail [email] now"),
        ("mail jane [at] example [dot] com", "mail [email]"),
        ("mail jane(at)example.com", "mail [email]"),
        ("mail jane {at} example.com", "mail [email]"),
        ("mail jane at example dot com", "mail [email]"),
        ("ja\u200bne@exa\u200cmple.com", "[email]"),  # zero-width space / non-joiner inside
        ("jane\u2060.doe@exam\u00adple.com", "[email]"),  # word joiner, soft hyphen
        ("ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "[email]"),  # all full-width
        # phones glued to words, with extensions, full-width digits
        ("phone:+14155550199ext123", "phone:[phone]"),
        ("tel+98 912 123 4567", "tel[phone]"),
        ("call 555-0199 x12 please", "call [phone] please"),
        ("call +1 415 555 0199 ext. 12", "call [phone]"),
        ("call +1 415 555 0199 #3", "call [phone]"),
        ("звоните +7 916 123-45-67 доб. 12", "звоните [phone]"),
        ("０９１２ ３４５ ６７８９", "[phone]"),
        ("09\u200b12 345 6789", "[phone]"),
        ("tel 4155550199", "tel [phone]"),  # a phone word beats an identity check
        # IBANs: with and without spaces, any case
        ("IBAN DE89 3704 0044 0532 0130 00 thanks", "IBAN [iban] thanks"),
        ("iban de89370400440532013000.", "iban [iban]."),
        ("GB82 WEST 1234 5698 7654 32", "[iban]"),
        ("SA03 8000 0000 6080 1016 7519", "[iban]"),
        ("RU02 0445 2560 0407 0281 0412 3456 7890 1", "[iban]"),
        ("IR06 2960 0000 0010 0324 2000 01", "[iban]"),
        # cards (Luhn)
        ("card 4111 1111 1111 1111 exp 12/27", "card [card] exp 12/27"),
        ("card 5500-0055-5555-5559", "card [card]"),
        ("amex 378282246310005", "amex [card]"),
        # national identity numbers
        ("کد ملی ۰۰۸۴۵۷۵۹۴۸", "کد ملی [id]"),  # Iran, Persian digits
        ("national code 008-457594-8", "national code [id]"),
        ("رقم الهوية 1000000008", "رقم الهوية [id]"),  # Saudi, Luhn
        ("СНИЛС 112-233-445 95", "СНИЛС [id]"),
        ("СНИЛС 11223344595", "СНИЛС [id]"),
        ("ИНН 500100732259", "ИНН [id]"),
        ("身份证 11010519491231002X", "身份证 [id]"),
        ("身份证 110105 19491231 002X", "身份证 [id]"),
        ("SSN 123-45-6789", "SSN [id]"),
        # long reference numbers
        ("ref 12345678901234567890", "ref [number]"),
    ],
)
def test_mask_pii_evasions_and_new_kinds(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "bought 2026-11-24, renewed 24.11.2026, paid 24/11/2026, due 2026/11/24 10:30",
        "on 24.11.2026 5 stars",
        "score 10/10, 9/10 in 2025, NPS +12, -3 points",
        "€1.200.000 and 1 200 000 руб and $5,000,000",
        "order 123456, ticket #4521, v1.2.3, 1920x1080",
        "plan DE12 ABCD EFGH IJKL MNOP QR",  # IBAN shape, fails mod-97
        "code GB00 WEST ABCD EFGH IJ",
        "meet at 10 dot 30",  # spelled 'at'/'dot' without a domain
        "I was at home dot com",
        "we met @ the office",
        "Follow @cxm_lab on the forum",
        "Rated it 4 / 5 at 10:30",
    ],
)
def test_look_alikes_are_not_masked(text):
    assert mask_pii(text) == text


def test_output_keeps_text_outside_masks_and_drops_invisible_characters():
    persian = "پشتیبانی\u200cها عالی \u200fبود"  # ZWNJ and RLM belong to the text
    assert mask_pii(persian) == persian
    assert mask_pii("a\u200bb\u00adc ja\u200bne@example.com") == "abc [email]"
    assert mask_pii("ok\u202e 0912 345 6789") == "ok [phone]"
    assert mask_pii("ＡＢＣ 0912 345 6789") == "ＡＢＣ [phone]"  # not normalised outside masks


def test_identity_checks_reject_wrong_check_digits():
    # a wrong check digit is not an identity number, but 11 digits are still masked as a phone
    assert mask_pii("СНИЛС 112-233-445 96") == "СНИЛС [phone]"
    assert mask_pii("身份证 110105194912310021") == "身份证 [number]"
    assert mask_pii("SSN 000-12-3456") == "SSN [phone]"  # invalid area: still a long number


def test_doctests():
    import doctest

    from cxm_lab import privacy

    result = doctest.testmod(privacy)
    assert result.attempted >= 5 and result.failed == 0
