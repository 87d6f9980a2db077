"""Inputs are checked at the boundary: every bad input to a public metric or sentiment function
raises ParameterError in one message style ("<function>: <argument> <problem>; <fix>."), and
good inputs give the same numbers as by hand."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from cxm_lab import config, metrics
from cxm_lab.errors import ParameterError
from cxm_lab.text import sentiment

SENTIMENT = config.sentiment_dir()
needs_model = pytest.mark.skipif(
    not (SENTIMENT / "config.json").is_file(),
    reason=f"model not built at {SENTIMENT}: run `make setup`",
)

# "<function>: <subject> <problem>; <how to fix>." -- one line, one trailing period.
STYLE = re.compile(r"^(?P<func>[A-Za-z_.]+): \S.*; \S.*\.$", re.S)


def raises(func: str, *needles: str):
    """Context manager: ParameterError whose message starts with ``func:``, has the style and
    contains every needle."""

    class _Check:
        def __enter__(self):
            self.ctx = pytest.raises(ParameterError)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            suppressed = self.ctx.__exit__(*exc)
            msg = str(self.info.value)
            m = STYLE.match(msg)
            assert m and m["func"] == func, msg
            for needle in needles:
                assert needle in msg, f"{needle!r} not in {msg!r}"
            return suppressed

    return _Check()


LTR = pd.DataFrame({"ltr": [10, 10, 9, 7, 3, 0]})


# --------------------------------------------------------------------------- good inputs


def test_nps_by_hand_unchanged():
    row = metrics.nps(LTR).iloc[0]
    assert (row.n, row.promoters, row.passives, row.detractors) == (6, 3, 1, 2)
    assert row.nps == pytest.approx(100 * (3 - 2) / 6)  # 16.67
    pp, pdx = 3 / 6, 2 / 6
    assert row.se == pytest.approx(100 * math.sqrt((pp + pdx - (pp - pdx) ** 2) / 6))


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([10, 10, 9, 7, 3, 0, None], dtype="Int64"),
        pd.Series([10.0, 10, 9, 7, 3, 0, np.nan]),
        pd.Series([10, 10, 9, 7, 3, 0, None], dtype=object),  # Python numbers in an object column
        pd.Series([10, 10, 9.0, np.int64(7), 3, 0, pd.NA], dtype=object),
    ],
    ids=["Int64", "float", "object-int", "object-mixed"],
)
def test_numeric_columns_accepted_and_missing_not_counted(column):
    row = metrics.nps(pd.DataFrame({"ltr": column})).iloc[0]
    assert row.n == 6  # the missing answer is "not answered", not a detractor
    assert row.nps == pytest.approx(100 / 6)


def test_weighted_csat_ces_and_enps_by_hand():
    d = pd.DataFrame({"ltr": [10, 9, 7, 3, 0], "w": [2.0, 1.0, 1.0, 0.5, 0.5]})
    w_row = metrics.nps(d, weight="w").iloc[0]
    assert w_row.nps == pytest.approx(100 * (3 - 1) / 5)
    # a missing weight on an unanswered row is fine
    d2 = pd.DataFrame({"ltr": [10, None], "w": [1.0, np.nan]})
    assert metrics.nps(d2, weight="w").loc[0, "n"] == 1
    c = metrics.csat(pd.DataFrame({"csat": [5, 4, 3, 2]})).iloc[0]
    assert (c.csat, c.csat_mean) == pytest.approx((50.0, 3.5))
    e = metrics.ces(pd.DataFrame({"ces": [7, 6, 5, 3]})).iloc[0]
    assert (e.ces_top, e.ces_mean) == pytest.approx((75.0, 5.25))
    assert metrics.enps(pd.DataFrame({"enps": [10, 9, 0, 7]})).loc[0, "nps"] == 25.0


def test_bootstrap_accepts_whole_float_and_numpy_int():
    a = metrics.nps(LTR, n_boot=200, seed=1)
    b = metrics.nps(LTR, n_boot=np.int64(200), seed=1)
    c = metrics.nps(LTR, n_boot=200.0, seed=1)
    assert a["boot_low"].equals(b["boot_low"]) and a["boot_low"].equals(c["boot_low"])


# --------------------------------------------------------------------------- bad score columns


def test_text_score_column_names_column_counts_and_examples():
    d = pd.DataFrame({"ltr": ["9", "10", "x", "promoter", 7, 3]})
    with raises("nps", "score column 'ltr'", "4 of 6", "'9', '10', 'x'", "pd.to_numeric"):
        metrics.nps(d)
    with raises("nps", "cxm_lab.io"):
        metrics.nps(d)


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([True, False, True]),
        pd.Series([True, None], dtype="boolean"),
        pd.Series([True, 9], dtype=object),
    ],
    ids=["bool", "boolean", "object-bool"],
)
def test_boolean_score_is_yes_no_not_a_score(column):
    with raises("nps", "score column 'ltr'", "looks like yes/no", "not a 0–10 score"):
        metrics.nps(pd.DataFrame({"ltr": column}))


def test_non_integer_nps_names_row_and_value():
    d = pd.DataFrame({"ltr": [9.0, 9.5, 8.0]}, index=[10, 11, 12])
    with raises("nps", "not whole numbers", "row label 11 (value 9.5)"):
        metrics.nps(d)


@pytest.mark.parametrize(
    ("func", "frame", "needle"),
    [
        (metrics.nps, pd.DataFrame({"ltr": [5, 11]}), "outside 0..10"),
        (metrics.nps, pd.DataFrame({"ltr": [5.0, np.inf]}), "outside 0..10"),
        (metrics.enps, pd.DataFrame({"enps": [-1, 5]}), "outside 0..10"),
        (metrics.csat, pd.DataFrame({"csat": [0, 5]}), "outside 1..5"),
        (metrics.ces, pd.DataFrame({"ces": [1, 8]}), "outside 1..7"),
    ],
)
def test_out_of_range_names_first_row_and_value(func, frame, needle):
    with raises(func.__name__, needle, "first at row label"):
        func(frame)


def test_csat_scale_and_top_box_checked():
    d = pd.DataFrame({"csat": [1, 2, 3]})
    assert metrics.csat(d, scale=(0, 3), top_box=2).loc[0, "n"] == 3
    with raises("csat", "scale"):
        metrics.csat(d, scale=(5, 1))
    with raises("csat", "top_box", "within the scale 1..5"):
        metrics.csat(d, top_box=9)


# --------------------------------------------------------------------------- weights


@pytest.mark.parametrize(
    ("w", "kind"),
    [
        ([1.0, np.inf, 1.0], "infinite"),
        ([1.0, -np.inf, 1.0], "infinite"),
        ([1.0, -2.0, 1.0], "negative"),
        ([1.0, np.nan, 1.0], "missing"),
    ],
)
def test_bad_weight_names_kind_and_row(w, kind):
    d = pd.DataFrame({"ltr": [9, 8, 7], "w": w}, index=[10, 11, 12])
    with raises("nps", "weight column 'w'", kind, "row label 11", "weight=None"):
        metrics.nps(d, weight="w")
    with raises("csat", "weight column 'w'", kind):
        metrics.csat(d.assign(ltr=[5, 4, 3]), score="ltr", weight="w")


def test_text_weight_column_rejected():
    d = pd.DataFrame({"ltr": [9, 8], "w": ["1", "heavy"]})
    with raises("nps", "weight column 'w'", "'heavy'"):
        metrics.nps(d, weight="w")


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("kwargs", "needles"),
    [
        ({"n_boot": -5}, ("n_boot must be a whole number >= 0", "-5")),
        ({"n_boot": 2.5}, ("n_boot must be a whole number",)),
        ({"n_boot": True}, ("n_boot must be a whole number",)),
        ({"ci": 0}, ("ci must be between 0 and 1",)),
        ({"ci": 1.0}, ("ci must be between 0 and 1",)),
        ({"ci": float("nan")}, ("ci must be between 0 and 1",)),
        ({"ci": "95%"}, ("ci must be between 0 and 1",)),
        ({"min_n": 0}, ("min_n must be a whole number >= 1",)),
        ({"min_n": 2.5}, ("min_n must be a whole number >= 1",)),
        ({"by": ["segment", "x"]}, ("by columns ['segment', 'x'] not in the data",)),
        ({"by": "segment"}, ("by column 'segment' not in the data",)),
        ({"score": "nope"}, ("score column 'nope' not in the data",)),
        ({"method": "exact"}, ("method must be 'wald' or 'adjusted_wald'",)),
    ],
)
def test_bad_nps_arguments(kwargs, needles):
    with raises("nps", *needles):
        metrics.nps(LTR, **kwargs)


def test_other_metric_functions_name_themselves():
    with raises("enps", "n_boot must be"):
        metrics.enps(pd.DataFrame({"enps": [9]}), n_boot=-1)
    with raises("ces", "ci must be between"):
        metrics.ces(pd.DataFrame({"ces": [5]}), ci=2)
    with raises("csat", "min_n must be"):
        metrics.csat(pd.DataFrame({"csat": [5]}), min_n=-3)
    q = pd.DataFrame({"ltr": [10, "x"], "quarter": ["Q1", "Q2"]})
    with raises("nps_change", "score column 'ltr'"):
        metrics.nps_change(q)
    with raises("nps_change", "period column 'quarter'", "also in by"):
        metrics.nps_change(q.assign(ltr=[1, 2]), by="quarter")
    with raises("nps_change", "period column 'when' not in the data"):
        metrics.nps_change(q, period="when")
    with raises("compare_nps", "score column 'ltr'"):
        metrics.compare_nps(q, group_col="quarter", a="Q1", b="Q2")
    with raises("compare_nps", "same as group a"):
        metrics.compare_nps(q, group_col="quarter", a="Q1", b="Q1")
    with raises("nps", "df must be a pandas DataFrame"):
        metrics.nps([10, 9])


def test_rolling_nps_inputs():
    d = pd.DataFrame(
        {"ltr": [10, 0, 9], "response_date": ["2026-01-05", "2026-01-20", "2026-02-10"]},
        index=["a", "b", "c"],
    )
    assert metrics.rolling_nps(d, window="30D")["n"].tolist() == [2, 1]
    with raises("rolling_nps", "window", "positive duration"):
        metrics.rolling_nps(d, window=90)  # would be 90 nanoseconds
    with raises("rolling_nps", "window"):
        metrics.rolling_nps(d, window="-3D")
    with raises("rolling_nps", "freq"):
        metrics.rolling_nps(d, freq="fortnightly")
    with raises("rolling_nps", "date column 'response_date'", "row label 'b'", "'soon'"):
        metrics.rolling_nps(d.assign(response_date=["2026-01-05", "soon", "2026-02-10"]))
    with raises("rolling_nps", "missing on 1 answered row", "row label 'c'"):
        metrics.rolling_nps(d.assign(response_date=["2026-01-05", "2026-01-20", None]))
    with raises("rolling_nps", "score column 'ltr'", "looks like yes/no"):
        metrics.rolling_nps(d.assign(ltr=[True, False, True]))
    assert metrics.rolling_nps(d.assign(ltr=np.nan)).empty


def test_attainment_and_response_rates_inputs():
    t = pd.DataFrame({"quarter": ["Q"], "nps": [32.0], "ci_low": [25.0]})
    goals = pd.DataFrame({"metric": ["nps"], "quarter": ["Q"], "target": [30.0]})
    assert bool(metrics.attainment(t, goals).loc[0, "attained"])
    with raises("attainment", "targets column 'target'", "'thirty'"):
        metrics.attainment(t, goals.assign(target=["thirty"]))
    with raises("attainment", "more than one 'nps' target"):
        metrics.attainment(t, pd.concat([goals, goals]))
    with raises("attainment", "metric_table on column 'month' not in the data"):
        metrics.attainment(t, goals, on="month")
    r = pd.DataFrame({"channel": ["email", "email", "sms"]})
    inv = pd.DataFrame({"channel": ["email", "sms"], "invited": [10, 4]})
    assert metrics.response_rates(r, inv)["response_rate"].tolist() == [20.0, 25.0]
    with raises("response_rates", "invited column 'invited'", "whole number >= 0", "-1"):
        metrics.response_rates(r, inv.assign(invited=[10, -1]))
    with raises("response_rates", "invited column 'invited'", "'many'"):
        metrics.response_rates(r, inv.assign(invited=["10", "many"]))
    with raises("response_rates", "ci must be between"):
        metrics.response_rates(r, inv, ci=95)
    with raises("response_rates", "more responses than invitations"):
        metrics.response_rates(r, inv.assign(invited=[1, 1]))


# --------------------------------------------------------------------------- sentiment


@pytest.mark.parametrize("bad", ["a sentence", b"a sentence"], ids=["str", "bytes"])
def test_one_string_is_not_a_list_of_texts(bad):
    # Checked before any model is loaded.
    with raises(
        "score_sentiment", "texts must be a list or Series of strings", "got one", "wrap it"
    ):
        sentiment.score_sentiment(bad)
    with raises("score_sentiment_dask", "texts must be", "wrap it"):
        sentiment.score_sentiment_dask(bad)


def test_exact_message_for_one_str():
    with pytest.raises(ParameterError) as info:
        sentiment.score_sentiment("a sentence")
    assert str(info.value) == (
        "score_sentiment: texts must be a list or Series of strings, got one str; "
        "wrap it: score_sentiment([text])."
    )


def test_dataframe_and_non_iterable_rejected():
    with raises("score_sentiment", "got a DataFrame", "df['comment']"):
        sentiment.score_sentiment(pd.DataFrame({"comment": ["x"]}))
    with raises("score_sentiment", "got NoneType"):
        sentiment.score_sentiment(None)


def test_blank_detection():
    for blank in [
        "",
        "  ",
        "\u200b\u200b",
        "\ufeff\u2060\u200c\u200d",
        "\x00\x07\n",
        "\u200e\u3164",
        "\u3164",  # Hangul fillers are letters (isalnum) that show nothing
        "\u3164 \u115f\u1160\uffa0",
        "\uffa0\u200b",
    ]:
        assert sentiment._is_blank(blank), repr(blank)
    for text in ["ok", "\u200bok", "👍", "太慢", "خوب"]:
        assert not sentiment._is_blank(text), repr(text)


@needs_model
@pytest.mark.model
def test_model_level_apis_reject_one_string_and_non_strings():
    model = sentiment.SentimentModel.from_path()
    with raises("Encoder.encode", "got one str", "encoder.encode([text])"):
        model.encoder.encode("a sentence")
    with raises("SentimentModel.predict_proba", "got one str", "model.predict_proba([text])"):
        model.predict_proba("a sentence")
    with raises("Encoder.encode", "position 1", "not a string"):
        model.encoder.encode(["fine", 3])
    with raises("SentimentModel.predict_proba", "position 0", "NoneType"):
        model.predict_proba([None])
    assert model.encoder._runner is None  # rejected before any weights were loaded


@needs_model
@pytest.mark.model
def test_numbers_rejected_missing_and_invisible_texts_are_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("CXM_LAB_CACHE_DIR", str(tmp_path))
    model = sentiment.SentimentModel.from_path()
    with raises("score_sentiment", "position 2 (index label 'c')", "int 123", ".astype('string')"):
        sentiment.score_sentiment(pd.Series(["ok", None, 123], index=["a", "b", "c"]), model=model)
    texts = pd.Series(
        [None, np.nan, pd.NA, "", "\u200b\u200b", "\ufeff \u2060\n", "\x00", "great, thanks"]
    )
    out = sentiment.score_sentiment(texts, model=model)
    empty = out.iloc[:7]
    assert empty["label"].isna().all() and empty["reason"].eq("empty").all()
    assert empty[["score", "p_negative", "p_neutral", "p_positive"]].isna().all().all()
    assert out.loc[7, "label"] in sentiment.LABELS and pd.isna(out.loc[7, "reason"])
