"""Labelled evaluation sets for the themes benchmark (:mod:`bench_themes`) and the tests.

Every set is built from data whose labels do not come from the model:

- :func:`demo_aspects`: the synthetic demo company's comments with the themes and tones its
  generator wrote (:data:`cxm_lab.demo_text.THEME_SENTENCES`), mixed "X is good, but Y is bad"
  comments included.
- :func:`food_aspects`: ParsiNLU Digikala food reviews (Persian) with their aspect polarities.
- :func:`movie_aspects`: ParsiNLU movie reviews (Persian) with aspect polarities.
- :func:`shopping_categories`: Chinese e-commerce reviews in 9 product categories.

Held-out rows are chosen by ``sha1(text) mod 10 < 3`` (test) so the split never changes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

#: Demo theme -> default categories (:data:`cxm_lab.text.topics.DEFAULT_CATEGORIES`) counted as
#: right (demo "support" sentences are about slow, unhelpful or friendly agents and fixed or
#: unfixed problems; the account manager "never gets back to us" or "knows our business").
DEMO_TO_DEFAULT: dict[str, set[str]] = {
    "ease": {"ease of use"},
    "speed": {"waiting and speed"},
    "support": {"problem resolution", "staff", "communication"},
    "price": {"price"},
    "reliability": {"reliability"},
    "product": {"product quality"},
    "billing": {"billing"},
    "account_manager": {"staff", "communication"},
    "onboarding": {"ease of use", "communication", "problem resolution"},
}

#: The demo company's own codeframe (seed phrases in English only: the encoder carries them
#: across languages).
DEMO_SEEDS: dict[str, list[str]] = {
    "ease": ["hard to use, confusing interface", "easy to use and intuitive"],
    "speed": ["the system is slow, pages load slowly", "fast performance"],
    "support": ["customer support is slow and unhelpful", "support solved my problem quickly"],
    "price": ["too expensive, the price went up", "fair price, good value for money"],
    "reliability": ["outages and downtime", "reliable, no downtime"],
    "product": ["missing features and integrations", "great product features"],
    "billing": ["wrong invoice, billing errors", "invoices are clear and correct"],
    "onboarding": ["onboarding and implementation took too long", "smooth onboarding and training"],
    "account_manager": [
        "our account manager never gets back to us",
        "our account manager is great",
    ],
}

#: Persian food-review aspects (ParsiNLU) -> codeframe name and Persian seed phrases.
FOOD_SEEDS: dict[str, tuple[str, list[str]]] = {
    "طعم": ("taste", ["طعمش خیلی خوب است", "مزه\u200cاش بد بود", "خوشمزه است"]),
    "کیفیت": ("quality", ["کیفیت محصول عالی است", "کیفیتش پایین بود", "تازه نبود و خراب شده بود"]),
    "ارزش خرید": ("value", ["قیمتش مناسب است و ارزش خرید دارد", "خیلی گران است", "با تخفیف خریدم"]),
    "بسته بندی": ("packaging", ["بسته\u200cبندی خوبی داشت", "بسته\u200cبندی پاره شده بود"]),
    "ارزش غذایی": (
        "nutrition",
        ["ارزش غذایی بالایی دارد", "برای سلامتی مفید است", "مواد نگهدارنده دارد"],
    ),
    "ارسال": ("delivery", ["ارسال سریع بود", "دیر به دستم رسید", "تاریخ انقضا نزدیک بود"]),
}

#: Persian movie-review aspects (ParsiNLU) -> codeframe name and Persian seed phrases.
MOVIE_SEEDS: dict[str, tuple[str, list[str]]] = {
    "بازی": ("acting", ["بازی بازیگران عالی بود", "بازیگرها ضعیف بازی کردند"]),
    "داستان": ("story", ["داستان و فیلمنامه جذاب بود", "فیلمنامه ضعیف و داستان تکراری بود"]),
    "کارگردانی": ("directing", ["کارگردانی خیلی خوب بود", "کارگردان نتوانست فیلم را خوب بسازد"]),
    "فیلمبرداری": ("cinematography", ["فیلمبرداری و تصاویر زیبا بود", "فیلمبرداری بد بود"]),
    "موسیقی": ("music", ["موسیقی فیلم عالی بود", "موسیقی متن بد بود"]),
}

#: Chinese product categories -> English name and seed phrases (zero-shot codeframe).
SHOPPING_SEEDS: dict[str, tuple[str, list[str]]] = {
    "书籍": ("books", ["这本书写得很好", "书的内容", "作者"]),
    "平板": ("tablets", ["平板电脑", "平板屏幕和系统"]),
    "手机": ("phones", ["手机信号和电池", "这款手机"]),
    "水果": ("fruit", ["水果很新鲜", "苹果橙子好吃"]),
    "洗发水": ("shampoo", ["洗发水用了头发很顺", "洗发水的味道"]),
    "热水器": ("water heaters", ["热水器安装", "热水器加热很快"]),
    "蒙牛": ("dairy", ["蒙牛牛奶", "牛奶的口感"]),
    "衣服": ("clothes", ["衣服质量和尺码", "这件衣服穿着舒服"]),
    "计算机": ("computers", ["笔记本电脑", "电脑的配置和散热"]),
}


def held_out(text: str, *, share: int = 3) -> bool:
    """The fixed test split: ``sha1(text) mod 10 < share``."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 10 < share


def demo_aspects(per_language: int = 300) -> pd.DataFrame:
    """Unique demo comments with their generator's (theme, tone) pairs.

    Returns ``text``, ``language``, ``gold`` (tuple of (theme, "neg"/"pos")), ``mixed``
    (two themes of opposite tone), ``template`` (index of the first theme sentence, 0–2), up to
    ``per_language`` comments per language with at least one theme.
    """
    from cxm_lab.demo import load_demo
    from cxm_lab.demo_text import THEME_SENTENCES

    r = load_demo().responses
    r = r[r["comment"].notna()].drop_duplicates("comment")
    rows = []
    for text, lang in zip(r["comment"], r["language"], strict=True):
        gold, template = [], None
        for theme, tones in THEME_SENTENCES.get(lang, {}).items():
            for tone in ("neg", "pos"):
                for i, sent in enumerate(tones[tone]):
                    core = sent.rstrip(".!。！")
                    if core in text or (core[:1].lower() + core[1:]) in text:
                        gold.append((theme, tone))
                        template = i if template is None else template
        if gold:
            gold = tuple(dict.fromkeys(gold))
            rows.append(
                {
                    "text": text,
                    "language": lang,
                    "gold": gold,
                    "mixed": len({t for t, _ in gold}) == 2 and len({s for _, s in gold}) == 2,
                    "template": template,
                }
            )
    d = pd.DataFrame(rows)
    return pd.concat(
        [g.sample(min(len(g), per_language), random_state=0) for _, g in d.groupby("language")],
        ignore_index=True,
    )


def _aspect_file(path: Path, seeds: dict, n: int) -> pd.DataFrame:
    rows = []
    if path.name == "food.jsonl":
        for line in path.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            gold = tuple(
                (seeds[a][0], "neg" if int(v) < 0 else "pos")
                for a, v in d["aspects"].items()
                if a in seeds and int(v) in (-2, -1, 1, 2)
            )
            rows.append({"text": d["review"].strip(), "gold": gold})
    else:
        per: dict[str, dict] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            row = per.setdefault(d["review_id"], {"text": d["review"].strip(), "gold": []})
            if d["aspect"] in seeds and int(d["label"]) in (-2, -1, 1, 2):
                row["gold"].append((seeds[d["aspect"]][0], "neg" if int(d["label"]) < 0 else "pos"))
        rows = [{"text": v["text"], "gold": tuple(v["gold"])} for v in per.values()]
    d = pd.DataFrame(rows).drop_duplicates("text")
    d = d[d["gold"].map(len) > 0]
    d["test"] = d["text"].map(held_out)
    test = d[d["test"]]
    test = test.sample(min(len(test), n), random_state=0)
    return pd.concat([test, d[~d["test"]]], ignore_index=True).assign(language="fa")


def food_aspects(n: int = 400) -> pd.DataFrame:
    """ParsiNLU food reviews with at least one aspect: ``text``, ``gold`` ((aspect, tone), ...),
    ``test`` (held out; at most ``n`` test rows), ``language``."""
    return _aspect_file(SHARED / "fa_parsinlu_digikala_food" / "food.jsonl", FOOD_SEEDS, n)


def movie_aspects(n: int = 400) -> pd.DataFrame:
    """ParsiNLU movie reviews with at least one polar aspect (overall left out)."""
    return _aspect_file(SHARED / "fa_parsinlu_movie" / "movie_train.jsonl", MOVIE_SEEDS, n)


def shopping_categories(n_per_category: int = 50) -> pd.DataFrame:
    """Chinese e-commerce reviews: ``text``, ``category`` (English name), ``test``; the test
    rows are ``n_per_category`` held-out reviews per category (reviews of 10–200 characters)."""
    path = SHARED / "zh_online_shopping_10_cats" / "online_shopping_10_cats.no_hotel.dedup.csv"
    d = pd.read_csv(path)
    d["text"] = d["review"].astype(str).str.strip().str.lstrip("\ufeff")
    d = d[d["text"].str.len().between(10, 200)]
    d["category"] = d["cat"].map(lambda c: SHOPPING_SEEDS[c][0])
    d["test"] = d["text"].map(held_out)
    test = d[d["test"]].sample(frac=1.0, random_state=0).groupby("category").head(n_per_category)
    train = d[~d["test"]]
    return pd.concat([test, train], ignore_index=True)[["text", "category", "label", "test"]]
