"""Themes: the domain-neutral default categories, load_categories, theme impact with missing
scores, PII-free theme labels, and category accuracy on hand-written comments (real encoder)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cxm_lab import config
from cxm_lab.errors import ParameterError
from cxm_lab.text import build_model, sentiment, topics

MODEL = build_model.model_dir()

#: The themes the default list must cover, whatever the industry.
REQUIRED = {
    "price",
    "staff",
    "waiting and speed",
    "product quality",
    "delivery",
    "billing",
    "communication",
    "ease of use",
    "reliability",
    "cleanliness and comfort",
    "problem resolution",
    "location and access",
}

#: Hand-written comments (none is a seed phrase): category -> language -> (complaint, praise).
COMMENTS: dict[str, dict[str, tuple[str, str]]] = {
    "price": {
        "en": ("Twenty euros for a coffee and a croissant? Never again.",
               "Cheaper than anywhere else in town and just as good."),
        "fa": ("قیمت‌ها نسبت به پارسال دو برابر شده است.", "با این قیمت واقعا به‌صرفه است."),
        "ar": ("دفعت مبلغا كبيرا مقابل خدمة عادية جدا.", "العرض كان رخيصا ويستحق كل قرش."),
        "ru": ("За такие деньги ожидал гораздо большего.", "Недорого и очень достойно."),
        "zh": ("这个价格真的不值，太贵了。", "这么便宜还这么好，超值。"),
        "fr": ("Payer 300 euros la nuit pour ça, c'est abusé.",
               "Prix très correct, on en a pour son argent."),
        "es": ("Pagar 300 euros la noche por esto es un abuso.", "Precio muy ajustado, vale cada euro."),
        "de": ("300 Euro pro Nacht dafür ist eine Frechheit.", "Preislich absolut fair, jeden Euro wert."),
    },
    "staff": {
        "en": ("The cashier was shouting at customers.",
               "The nurse was so kind and patient with my mother."),
        "fa": ("فروشنده با ما خیلی بی‌احترامی کرد.", "پرستار خیلی مهربان و صبور بود."),
        "ar": ("البائع كان يصرخ على الزبائن.", "الممرضة كانت لطيفة وصبورة جدا."),
        "ru": ("Кассир кричала на покупателей.", "Медсестра была очень доброй и терпеливой."),
        "zh": ("收银员对顾客大喊大叫。", "护士特别温柔，很有耐心。"),
        "fr": ("Le serveur était arrogant et nous a pressés.",
               "L'infirmière était adorable et très patiente."),
        "es": ("La cajera nos gritó sin motivo.", "El enfermero fue muy amable y paciente."),
        "de": ("Der Kassierer hat die Kunden angeschrien.",
               "Die Krankenschwester war sehr lieb und geduldig."),
    },
    "waiting and speed": {
        "en": ("Stuck in the queue at check-in for ninety minutes.",
               "Our table was ready right away and the food came quickly."),
        "fa": ("نود دقیقه در صف پذیرش ایستادیم.", "بلافاصله کارمان را راه انداختند."),
        "ar": ("وقفنا في الطابور تسعين دقيقة.", "جاء الطلب بسرعة كبيرة."),
        "ru": ("Полтора часа простояли в очереди на регистрацию.",
               "Заказ принесли буквально через пять минут."),
        "zh": ("排队办理登记排了一个半小时。", "上菜特别快，几分钟就好了。"),
        "fr": ("Une heure et demie de queue à l'enregistrement.",
               "La commande est arrivée en cinq minutes."),
        "es": ("Hora y media de cola para facturar.", "El pedido llegó a la mesa en cinco minutos."),
        "de": ("Anderthalb Stunden in der Schlange beim Check-in.", "Das Essen kam nach fünf Minuten."),
    },
    "delivery": {
        "en": ("The package was sent to the wrong address.",
               "Delivered a day early and in perfect condition."),
        "fa": ("بسته را به آدرس اشتباه فرستادند.", "یک روز زودتر و سالم تحویل دادند."),
        "ar": ("أرسلوا الشحنة إلى عنوان خاطئ.", "وصلت الشحنة قبل موعدها بيوم وبحالة ممتازة."),
        "ru": ("Посылку отправили не по тому адресу.", "Доставили на день раньше, всё целое."),
        "zh": ("包裹寄错地址了。", "提前一天送到，完好无损。"),
        "fr": ("Le colis a été livré à la mauvaise adresse.",
               "Livré un jour en avance et en parfait état."),
        "es": ("Mandaron el paquete a otra dirección.", "Entregado un día antes y en perfecto estado."),
        "de": ("Das Paket wurde an die falsche Adresse geliefert.",
               "Einen Tag früher geliefert und in einwandfreiem Zustand."),
    },
    "cleanliness and comfort": {
        "en": ("Sticky tables and an overflowing bin by the door.",
               "Comfortable chairs and a nice quiet room."),
        "fa": ("میزها چسبناک بود و سطل زباله پر شده بود.", "صندلی‌ها راحت بود و فضا آرام."),
        "ar": ("الطاولات لزجة وسلة القمامة ممتلئة.", "الكراسي مريحة والقاعة هادئة."),
        "ru": ("Столы липкие, мусорка переполнена.", "Удобные кресла и тихий зал."),
        "zh": ("桌子黏糊糊的，垃圾桶都满了。", "椅子很舒服，环境很安静。"),
        "fr": ("Tables collantes et poubelle qui déborde.", "Fauteuils confortables et salle calme."),
        "es": ("Mesas pegajosas y la papelera a rebosar.", "Sillas cómodas y un ambiente tranquilo."),
        "de": ("Klebrige Tische und ein überquellender Mülleimer.",
               "Bequeme Sessel und ein ruhiger Raum."),
    },
}  # fmt: skip

needs_model = pytest.mark.skipif(
    not (MODEL / "config.json").is_file(),
    reason=f"encoder not built at {MODEL}: run `make setup`",
)


@pytest.fixture(scope="module")
def encoder():
    """The encoder category matching and themes use by default (int8 ONNX when built)."""
    if not (MODEL / "config.json").is_file():
        pytest.skip(f"encoder not built at {MODEL}: run `make setup`")
    return sentiment.Encoder(MODEL, disk_cache=False)


# --------------------------------------------------------------------------- default list


def test_default_categories_cover_every_theme_in_every_language():
    assert set(topics.DEFAULT_SEEDS) == REQUIRED
    assert set(topics.SEED_LANGUAGES) == {"en", "fa", "ar", "ru", "zh", "fr", "es", "de"}
    scripts = {
        "zh": r"[\u4e00-\u9fff]",
        "ru": r"[\u0400-\u04ff]",
        "fa": r"[\u0600-\u06ff]",
        "ar": r"[\u0600-\u06ff]",
        **{lang: r"[A-Za-z]" for lang in ("en", "fr", "es", "de")},
    }
    for name, by_lang in topics.DEFAULT_SEEDS.items():
        assert set(by_lang) == set(topics.SEED_LANGUAGES), name
        for lang, tones in by_lang.items():
            assert set(tones) == {"neg", "pos"}, (name, lang)
            assert tones["neg"] and tones["pos"], (name, lang)  # both phrasings
            for phrase in tones["neg"] + tones["pos"]:
                assert isinstance(phrase, str) and phrase.strip() == phrase and phrase, phrase
                assert re.search(scripts[lang], phrase), (name, lang, phrase)
        # Persian seeds are Persian (letters Arabic lacks), Arabic seeds are not.
        fa = " ".join(by_lang["fa"]["neg"] + by_lang["fa"]["pos"])
        ar = " ".join(by_lang["ar"]["neg"] + by_lang["ar"]["pos"])
        assert re.search("[پچژگکی]", fa), name
        assert not re.search("[پچژگکی]", ar), name
    flat = topics.DEFAULT_CATEGORIES
    assert list(flat) == list(topics.DEFAULT_SEEDS)
    for name, by_lang in topics.DEFAULT_SEEDS.items():
        want = [p for t in by_lang.values() for p in t["neg"] + t["pos"]]
        assert sorted(flat[name]) == sorted(want)
    assert topics.load_categories(flat) == {k: list(dict.fromkeys(v)) for k, v in flat.items()}
    seeds = [p for v in flat.values() for p in v]
    assert len(seeds) == len(set(seeds)), "a seed phrase is listed twice"


# --------------------------------------------------------------------------- load_categories


def test_load_categories_good_inputs(tmp_path):
    got = topics.load_categories(
        {
            "price": [" too expensive ", "太贵了", "too expensive"],
            "wait": {"label": "Waiting", "seeds": ["slow", "زمان انتظار طولانی"]},
            "staff": {"seeds": ["rude staff"]},
        }
    )
    assert got == {
        "price": ["too expensive", "太贵了"],
        "Waiting": ["slow", "زمان انتظار طولانی"],
        "staff": ["rude staff"],
    }
    f = tmp_path / "cats.yaml"
    f.write_text(
        "delays:\n"
        "  label: Waiting and delays\n"
        "  seeds:\n"
        "    - the flight was delayed for hours\n"
        "    - 航班延误了\n"
        "price: [too expensive, خیلی گران است]\n",
        encoding="utf-8",
    )
    assert topics.load_categories(f) == {
        "Waiting and delays": ["the flight was delayed for hours", "航班延误了"],
        "price": ["too expensive", "خیلی گران است"],
    }
    assert topics.load_categories(str(f)) == topics.load_categories(f)


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ({}, "non-empty mapping"),
        (["price"], "non-empty mapping"),
        ({"": ["x"]}, "category name '' .*non-empty string"),
        ({3: ["x"]}, "category name 3"),
        ({"price": []}, "category 'price'.*non-empty list"),
        ({"price": "too expensive"}, "category 'price'.*non-empty list"),
        ({"price": None}, "category 'price'.*non-empty list"),
        ({"price": ["ok", 7]}, "category 'price', seed 2 .*got 7"),
        ({"price": ["ok", "  "]}, "category 'price', seed 2"),
        ({"w": {"label": "", "seeds": ["x"]}}, "category 'w'.*label"),
        ({"w": {"label": "W", "seed": ["x"]}}, r"category 'w'.*unknown key\(s\) \['seed'\]"),
        ({"w": {"label": "W"}}, "category 'w'.*non-empty list"),
        ({"a": ["x"], "b": {"label": "a", "seeds": ["y"]}}, "two categories are named 'a'"),
    ],
)
def test_load_categories_bad_inputs(spec, match):
    with pytest.raises(ParameterError, match=match):
        topics.load_categories(spec)


def test_load_categories_file_errors_name_the_line(tmp_path):
    f = tmp_path / "cats.yaml"
    f.write_text("price:\n  - too expensive\n  - 12\nstaff: []\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"cats.yaml: category 'price', seed 2 \(line 3\)"):
        topics.load_categories(f)
    f.write_text("price: [too expensive]\nstaff: []\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"category 'staff' \(line 2\) needs a non-empty"):
        topics.load_categories(f)
    f.write_text("price: [too expensive\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="not valid YAML"):
        topics.load_categories(f)
    with pytest.raises(ParameterError, match="cannot read"):
        topics.load_categories(tmp_path / "missing.yaml")
    with pytest.raises(ParameterError, match="category 'staff'"):
        topics.match_categories(["x"], categories={"staff": []}, encoder=object())


# --------------------------------------------------------------------------- theme_impact


def test_theme_impact_counts_missing_scores_as_missing():
    d = pd.DataFrame(
        {
            "ltr": [10, 10, 0, np.nan, 8, 9, 2, np.nan],
            "theme": ["a", "a", "a", "a", "a", None, "b", None],
        }
    )
    out = topics.theme_impact(d, theme_col="theme", n_boot=300).set_index("theme")
    # Scored: 10 10 0 8 (a), 9 (none), 2 (b): NPS(all) = (3 - 2) / 6.
    # a: NPS with = (2 - 1) / 4 = 25 (a passive for the missing score would give 20).
    assert out.loc["a", "nps_with"] == pytest.approx(25.0)
    assert out.loc["a", "mentions"] == 5  # mentions count every response with the theme
    # without a: 9, 2 -> (1 - 1) / 2 = 0; without b: 10 10 0 8 9 -> (3 - 1) / 5
    assert out.loc["a", "impact"] == pytest.approx(100 * (1 / 6 - 0))
    assert out.loc["b", "impact"] == pytest.approx(100 * (1 / 6 - 2 / 5))
    assert out.loc["b", "nps_with"] == pytest.approx(-100)
    assert out.loc["b", "ci_low"] <= out.loc["b", "impact"] <= out.loc["b", "ci_high"]
    assert list(out.index) == ["b", "a"]  # most negative impact first


@pytest.mark.parametrize("bad", [11, -1, 10.5, "ten"])
def test_theme_impact_rejects_scores_outside_0_10(bad):
    d = pd.DataFrame({"ltr": [10, 3, bad], "theme": ["a", None, "a"]}, index=[5, 6, 7])
    with pytest.raises(ParameterError, match=r"'ltr' has 1 value.*row label 7"):
        topics.theme_impact(d, theme_col="theme", n_boot=10)
    with pytest.raises(ParameterError, match="column 'nope'"):
        topics.theme_impact(d, theme_col="nope", n_boot=10)


# --------------------------------------------------------------------------- find_themes and PII


@needs_model
def test_find_themes_labels_and_examples_carry_no_pii(encoder):
    email = "jane.doe@example.com"
    texts = [
        f"Billing charged us twice, write to {email}",
        f"Wrong invoice again, contact {email} or +1 415 555 0199",
        f"The invoice amounts are wrong, reply to {email}",
        "Billing errors on every invoice",
    ] * 3 + [
        "Support never answers our tickets",
        "Customer support is far too slow",
        "No reply from support for days",
        "The support team ignores our calls",
    ] * 3
    assign, themes = topics.find_themes(texts, k=2, encoder=encoder)
    labels = " ".join(themes["label"]) + " " + " ".join(themes["terms"])
    examples = " ".join(e for ex in themes["examples"] for e in ex)
    for part in ("@", "jane", "doe", "example", "555", "0199", "email", "phone", "card"):
        assert part not in labels, labels
    assert email not in examples and "555" not in examples
    assert "[email]" in examples or "invoice" in labels  # masked text is what is shown
    assert themes["size"].sum() == len(texts)
    # Without masking or cleaning, the address does reach the labels: the test is not vacuous.
    _, raw = topics.find_themes(texts, k=2, encoder=encoder, mask_pii=False, clean=False)
    assert re.search(r"\b(jane|doe|example)\b", " ".join(raw["label"] + " " + raw["terms"]))


# --------------------------------------------------------------------------- matching


@needs_model
def test_match_categories_accuracy_on_hand_written_comments(encoder):
    rows = [
        (lang, cat, text)
        for cat, by_lang in COMMENTS.items()
        for lang, pair in by_lang.items()
        for text in pair
    ]
    d = pd.DataFrame(rows, columns=["language", "category", "text"])
    got = topics.match_categories(d["text"], encoder=encoder)
    d["pred"] = got["category"].to_numpy()
    acc = (d["pred"] == d["category"]).groupby(d["language"]).mean()
    # Measured with the int8 encoder: 0.76 overall (61 of 80), per language 0.5 (es) to 0.9
    # (old list and matching: 0.24; it has no delivery or cleanliness category). The
    # floors leave room for encoder builds that differ in the last digits.
    assert (d["pred"] == d["category"]).mean() >= 0.65, d[d["pred"] != d["category"]]
    assert acc.min() >= 0.4, acc


@needs_model
def test_match_categories_other_and_options(encoder, tmp_path):
    texts = ["ok", "谢谢", "Thanks!", "", "The flight was delayed for five hours"]
    out = topics.match_categories(texts, encoder=encoder)
    assert out["category"].iloc[[0, 1, 2]].tolist() == ["other"] * 3
    assert pd.isna(out["category"].iloc[3]) and pd.isna(out["similarity"].iloc[3])
    assert out["category"].iloc[4] == "waiting and speed"
    assert out["runner_up"].iloc[0] in topics.DEFAULT_CATEGORIES  # best real category
    assert (out["runner_up"].dropna() != out["category"].dropna()).all()
    forced = topics.match_categories(texts, threshold=0.0, generic=None, encoder=encoder)
    assert "other" not in set(forced["category"].dropna())
    assert (topics.match_categories(texts, threshold=0.999, encoder=encoder)["category"]
            .dropna().eq("other").all())  # fmt: skip
    f = tmp_path / "cats.yaml"
    f.write_text("delays:\n  label: Delays\n  seeds: [the train was late]\nfood: [tasty food]\n")
    own = topics.match_categories(texts[4:], categories=f, encoder=encoder)
    assert own["category"].tolist() == ["Delays"] and own["runner_up"].tolist() == ["food"]
    one = topics.match_categories(texts[4:], categories={"x": ["late"]}, encoder=encoder)
    assert one["category"].tolist() == ["x"] and one["runner_up"].isna().all()


# --------------------------------------------------------------------------- distinct labels


class _Markers:
    """Places a comment by its stop words alone ("the" / "of"), so both themes share their
    most frequent content word."""

    vocab = ["the", "of", "late"]

    def encode(self, texts):
        v = np.array([[w in t.split() for w in self.vocab] for t in texts], float)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1)


def test_discovered_themes_have_distinct_labels():
    # "comments" is the best key phrase of both themes (8 of 10 comments in each); before,
    # both rows were labelled "comments" (Qualtrics CHKKK Table 7). The smaller theme now takes
    # its next phrase not already used: "rude" (2 of its comments).
    texts = ["comments the"] * 8 + ["late the"] * 2 + ["comments of"] * 8 + ["rude of"] * 2
    _, themes = topics.find_themes(texts, k=2, encoder=_Markers())
    assert sorted(themes["label"]) == ["comments", "rude"]
    assert themes["label"].is_unique


def test_distinct_labels_number_a_theme_whose_words_are_all_taken():
    names = topics._distinct_labels(
        [0, 1, 2], {0: ["comments"], 1: ["comments"], 2: ["comments"]}, {1: ["Comments"]}
    )
    assert names == {0: "comments", 1: "comments (2)", 2: "comments (3)"}


# --------------------------------------------------------------------------- default-list fit


def test_theme_fit_counts_good_matches_and_says_whether_the_list_fits():
    # 0.90, 0.86 and 0.85 are at 0.85 or more; 0.84 is not, NaN (no theme) is not: 3 of 5 = 60 %
    f = topics.theme_fit([0.90, 0.86, 0.84, float("nan"), 0.85])
    assert (f.n_comments, f.n_matched, f.share) == (5, 3, 60.0)
    assert f.min_similarity == topics.FIT_SIMILARITY == 0.85
    assert not f.fits  # 60 < FIT_SHARE (85)
    assert topics.theme_fit([0.90, 0.86, 0.84, float("nan"), 0.85], min_share=60).fits
    # 1 of 2 at 0.95 or more
    assert topics.theme_fit(pd.Series([0.96, 0.9]), min_similarity=0.95).share == 50.0
    empty = topics.theme_fit([])
    assert empty.fits and np.isnan(empty.share)


needs_text_models = pytest.mark.skipif(
    not (MODEL / "config.json").is_file() or not (config.sentiment_dir() / "config.json").is_file(),
    reason="text models not built: run `make setup`",
)

#: Answers to "What do you like least about using R?" (2019 R Community Survey): none is about
#: a customer journey. With the old code "So many packages" was filed under *delivery* (0.87).
OFF_TOPIC = [
    "So many packages", "Error messages", "Debugging", "Syntax can be confusing",
    "Base R data types", "The documentation of packages is sometimes not very clear",
    "Keeping my workspace organized", "Inconsistent function names across packages",
    "Dates management", "StringsAsFactors", "Too many ways to do the same thing",
    "Remembering which package does what",
]  # fmt: skip


@needs_text_models
def test_off_topic_comments_are_not_forced_into_a_default_theme():
    from cxm_lab.text import analysis

    got = analysis.analyse_comments(pd.DataFrame({"comment": OFF_TOPIC}))
    c = got.comments
    assert c.loc[c["comment"] == "So many packages", "category"].item() != "delivery"
    fit = got.theme_fit
    assert fit is not None and not fit.fits
    # the fit figure, recomputed from the mentions: comments with a clause at 0.85 or more
    assert fit.n_comments == len(OFF_TOPIC)
    # every mention kept passes the strict bar of a badly fitting list
    assert (got.mentions["similarity"] >= topics.STRONG_SIMILARITY).all()
    kept = c[c["category"] != "other"]
    assert len(kept) < len(OFF_TOPIC) / 2


@needs_text_models
def test_on_topic_comments_keep_their_default_theme():
    from cxm_lab.text import analysis

    texts = [
        "The parcel arrived late and damaged.", "I was charged twice for one order.",
        "The staff were rude to me at the counter.", "Far too expensive for what you get.",
        "We waited over an hour to be served.", "The app keeps crashing when I log in.",
    ]  # fmt: skip
    got = analysis.analyse_comments(pd.DataFrame({"comment": texts}))
    assert got.theme_fit.fits and got.theme_fit.n_matched == len(texts)
    assert got.comments["category"].tolist()[:2] == ["delivery", "billing"]
    # the run's own codeframe is not judged against the default list
    own = analysis.analyse_comments(
        pd.DataFrame({"comment": texts[:2]}), categories={"a": ["parcel"], "b": ["money"]}
    )
    assert own.theme_fit is None


@needs_text_models
def test_r_survey_default_themes_fit_badly_and_packages_are_not_delivery(shared_data):
    from cxm_lab.text import analysis
    from cxm_lab.text.aspects import split_clauses

    forms = shared_data / "exports" / "google_forms"
    raw = pd.read_csv(forms / "2019 English R Community Survey Responses.csv")
    r = pd.DataFrame({"comment": raw["What do you like least about using R?"]})
    got = analysis.analyse_comments(r)
    c = got.comments
    assert (c.loc[c["comment"].str.strip() == "So many packages", "category"] != "delivery").all()
    assert (c.loc[c["comment"].str.strip() == "Packages", "category"] != "delivery").all()
    # the fit figure recomputed another way: every clause matched on its own, a comment
    # matches well when one of its non-"other" clauses scores 0.85 or more
    cl = pd.DataFrame(
        [(i, x) for i, t in c["comment"].items() for x in split_clauses(t)], columns=["i", "x"]
    )
    m = topics.match_categories(cl["x"], threshold=0.0)
    good = cl.loc[(m["similarity"] >= 0.85).to_numpy() & (m["category"] != "other").to_numpy(), "i"]
    fit = got.theme_fit
    assert fit.n_comments == len(c)
    assert fit.n_matched == good.nunique()
    assert fit.share == pytest.approx(100 * good.nunique() / len(c))
    # measured: about 70 % of the 1,298 answers with text; the default list fits badly
    assert not fit.fits and 55 < fit.share < 80
