"""Comment templates for the synthetic demo company, in English, Persian, Arabic, Russian and
Chinese. A comment is an opener matching the respondent's NPS category, a sentence about one
theme in the matching tone, and sometimes a closing line, so texts vary like real answers."""

from __future__ import annotations

import numpy as np

# Sentences per language -> theme -> tone ("neg" / "pos").
THEME_SENTENCES: dict[str, dict[str, dict[str, list[str]]]] = {
    "en": {
        "ease": {
            "neg": [
                "The interface is confusing and simple tasks take far too many clicks.",
                "It is hard to use; my team still struggles with basic reports.",
            ],
            "pos": [
                "The platform is really easy to use, even for new colleagues.",
                "Everything is intuitive and simple to set up.",
            ],
        },
        "speed": {
            "neg": [
                "Pages load slowly and exports take forever.",
                "The system is very slow at peak hours.",
            ],
            "pos": [
                "Dashboards load fast and exports are quick.",
                "Performance is excellent, it is always fast.",
            ],
        },
        "support": {
            "neg": [
                "Support tickets wait days for an answer and nobody follows up.",
                "Customer support was unhelpful and kept closing my ticket.",
            ],
            "pos": [
                "The support team answers quickly and actually solves the problem.",
                "Great support, the agent was friendly and knowledgeable.",
            ],
        },
        "price": {
            "neg": [
                "It is too expensive for what we get, and the price went up again.",
                "The renewal price increase is hard to justify.",
            ],
            "pos": [
                "Pricing is fair and good value for money.",
                "The price is reasonable for everything included.",
            ],
        },
        "reliability": {
            "neg": [
                "We had another outage this month and lost data.",
                "The service keeps going down; it is unreliable.",
            ],
            "pos": [
                "The service is rock solid, no downtime at all.",
                "Very reliable, it just works every day.",
            ],
        },
        "product": {
            "neg": [
                "Key features are missing and the roadmap keeps slipping.",
                "The product lacks the integrations we need.",
            ],
            "pos": [
                "The new features are excellent and save us hours.",
                "A great product with everything we need.",
            ],
        },
        "billing": {
            "neg": [
                "The invoices are wrong again and billing is a mess.",
                "We were charged twice and the refund took weeks.",
            ],
            "pos": [
                "Billing is clear and the invoices are always correct.",
                "Invoices are simple and accurate.",
            ],
        },
        "onboarding": {
            "neg": [
                "Onboarding was chaotic and the training was poor.",
                "The setup took months longer than promised.",
            ],
            "pos": [
                "Onboarding was smooth and the training was very helpful.",
                "The implementation team got us live quickly.",
            ],
        },
    },
    "fa": {
        "ease": {
            "neg": [
                "کار با نرم‌افزار سخت است و رابط کاربری گیج‌کننده است.",
                "کارهای ساده هم خیلی وقت می‌گیرد و پیچیده است.",
            ],
            "pos": ["استفاده از سامانه خیلی ساده و راحت است.", "رابط کاربری عالی و روان است."],
        },
        "speed": {
            "neg": [
                "سیستم خیلی کند است و صفحه‌ها دیر باز می‌شوند.",
                "گزارش‌گیری بسیار کند و خسته‌کننده است.",
            ],
            "pos": ["سرعت سامانه عالی است.", "همه چیز سریع و بدون معطلی انجام می‌شود."],
        },
        "support": {
            "neg": [
                "پشتیبانی خیلی ضعیف است و کسی جواب تیکت‌ها را نمی‌دهد.",
                "از پشتیبانی ناراضی هستم، چند روز منتظر ماندم.",
            ],
            "pos": [
                "تیم پشتیبانی خیلی سریع و مؤدب پاسخ داد.",
                "پشتیبانی عالی بود و مشکل ما را حل کرد.",
            ],
        },
        "price": {
            "neg": [
                "قیمت خیلی گران است و دوباره افزایش یافت.",
                "هزینه تمدید قرارداد بسیار بالاست.",
            ],
            "pos": ["قیمت منصفانه است و ارزش خرید دارد.", "با این قیمت، خدمات خیلی خوبی می‌گیریم."],
        },
        "reliability": {
            "neg": [
                "سرویس دوباره قطع شد و کار ما متوقف شد.",
                "سامانه قابل اعتماد نیست و مدام از دسترس خارج می‌شود.",
            ],
            "pos": [
                "سرویس کاملاً پایدار است و هیچ قطعی نداشتیم.",
                "خیلی قابل اعتماد است و همیشه کار می‌کند.",
            ],
        },
        "product": {
            "neg": [
                "امکانات مهمی که لازم داریم وجود ندارد.",
                "محصول هنوز یکپارچگی‌های ضروری را ندارد.",
            ],
            "pos": [
                "امکانات جدید عالی است و در وقت ما صرفه‌جویی می‌کند.",
                "محصول بسیار خوبی است و همه نیاز ما را پوشش می‌دهد.",
            ],
        },
        "billing": {
            "neg": [
                "فاکتورها دوباره اشتباه صادر شد.",
                "دو بار از ما پول کم شد و بازپرداخت هفته‌ها طول کشید.",
            ],
            "pos": ["صورتحساب‌ها شفاف و دقیق است.", "فاکتورها همیشه درست و به موقع است."],
        },
        "onboarding": {
            "neg": [
                "راه‌اندازی اولیه آشفته بود و آموزش کافی نبود.",
                "پیاده‌سازی ماه‌ها بیشتر از وعده طول کشید.",
            ],
            "pos": [
                "راه‌اندازی خیلی روان بود و آموزش‌ها مفید بود.",
                "تیم پیاده‌سازی ما را سریع راه انداخت.",
            ],
        },
    },
    "ar": {
        "ease": {
            "neg": [
                "الواجهة معقدة ومربكة والمهام البسيطة تأخذ وقتاً طويلاً.",
                "من الصعب استخدام النظام.",
            ],
            "pos": ["المنصة سهلة الاستخدام جداً.", "كل شيء واضح وبسيط في الإعداد."],
        },
        "speed": {
            "neg": ["النظام بطيء جداً والتقارير تتأخر.", "الصفحات تفتح ببطء شديد في أوقات الذروة."],
            "pos": ["النظام سريع جداً.", "الأداء ممتاز والتقارير تصدر بسرعة."],
        },
        "support": {
            "neg": [
                "الدعم الفني سيء ولا أحد يرد على التذاكر.",
                "انتظرت أياماً ولم يساعدني فريق الدعم.",
            ],
            "pos": ["فريق الدعم رائع ويرد بسرعة.", "خدمة العملاء ممتازة وحلوا المشكلة فوراً."],
        },
        "price": {
            "neg": ["السعر مرتفع جداً وقد زاد مرة أخرى.", "تكلفة التجديد غير مبررة."],
            "pos": ["السعر مناسب وقيمة ممتازة.", "الأسعار عادلة مقارنة بالخدمة."],
        },
        "reliability": {
            "neg": ["انقطعت الخدمة مرة أخرى وتوقف عملنا.", "النظام غير موثوق ويتعطل باستمرار."],
            "pos": ["الخدمة مستقرة تماماً دون أي انقطاع.", "النظام موثوق جداً ويعمل كل يوم."],
        },
        "product": {
            "neg": ["تنقصنا ميزات أساسية في المنتج.", "المنتج لا يدعم التكاملات التي نحتاجها."],
            "pos": ["الميزات الجديدة رائعة وتوفر علينا الوقت.", "منتج ممتاز يلبي كل احتياجاتنا."],
        },
        "billing": {
            "neg": [
                "الفواتير خاطئة مرة أخرى.",
                "تم خصم المبلغ مرتين واسترداد المال استغرق أسابيع.",
            ],
            "pos": ["الفواتير واضحة ودقيقة دائماً.", "نظام الفوترة بسيط وصحيح."],
        },
        "onboarding": {
            "neg": [
                "كانت عملية الإعداد فوضوية والتدريب ضعيفاً.",
                "استغرق التفعيل أشهراً أكثر من الموعد.",
            ],
            "pos": [
                "كانت عملية الإعداد سلسة والتدريب مفيداً جداً.",
                "فريق التنفيذ ساعدنا على البدء بسرعة.",
            ],
        },
    },
    "ru": {
        "ease": {
            "neg": [
                "Интерфейс запутанный, простые задачи занимают слишком много времени.",
                "Пользоваться системой очень неудобно.",
            ],
            "pos": [
                "Платформой очень удобно пользоваться.",
                "Всё интуитивно понятно и легко настраивается.",
            ],
        },
        "speed": {
            "neg": [
                "Система работает очень медленно, отчёты грузятся вечность.",
                "В часы пик всё тормозит.",
            ],
            "pos": ["Всё работает быстро.", "Отличная скорость, отчёты формируются мгновенно."],
        },
        "support": {
            "neg": [
                "Поддержка отвечает по несколько дней и ничего не решает.",
                "Техподдержка ужасная, заявку просто закрыли.",
            ],
            "pos": [
                "Служба поддержки отвечает быстро и реально помогает.",
                "Отличная поддержка, специалист всё решил.",
            ],
        },
        "price": {
            "neg": ["Слишком дорого, и цена опять выросла.", "Стоимость продления не оправдана."],
            "pos": [
                "Цена справедливая, хорошее соотношение цены и качества.",
                "Стоимость разумная.",
            ],
        },
        "reliability": {
            "neg": [
                "Опять был сбой, сервис недоступен полдня.",
                "Сервис ненадёжный, постоянно падает.",
            ],
            "pos": ["Сервис работает стабильно, без сбоев.", "Очень надёжная система."],
        },
        "product": {
            "neg": ["Не хватает важных функций.", "В продукте нет нужных нам интеграций."],
            "pos": [
                "Новые функции отличные и экономят время.",
                "Прекрасный продукт, есть всё необходимое.",
            ],
        },
        "billing": {
            "neg": [
                "Счета снова выставлены с ошибками.",
                "С нас списали деньги дважды, возврат шёл неделями.",
            ],
            "pos": ["Счета понятные и всегда правильные.", "С оплатой никаких проблем."],
        },
        "onboarding": {
            "neg": ["Внедрение было хаотичным, обучение слабое.", "Запуск затянулся на месяцы."],
            "pos": [
                "Внедрение прошло гладко, обучение очень полезное.",
                "Команда внедрения быстро нас запустила.",
            ],
        },
    },
    "zh": {
        "ease": {
            "neg": [
                "界面太复杂了，简单的操作也要点很多次。",
                "系统很难用，团队到现在还不会做报表。",
            ],
            "pos": ["平台非常好用，新同事也能很快上手。", "操作简单直观，设置很方便。"],
        },
        "speed": {
            "neg": ["系统太慢了，导出要等很久。", "高峰期页面加载非常慢。"],
            "pos": ["速度很快，报表马上就出来。", "性能非常好，一直很流畅。"],
        },
        "support": {
            "neg": ["客服回复太慢，问题好几天都没人处理。", "技术支持态度很差，工单直接被关闭了。"],
            "pos": ["客服响应很快，真正解决了问题。", "支持团队非常专业，服务很好。"],
        },
        "price": {
            "neg": ["价格太贵了，而且又涨价了。", "续约费用太高，不划算。"],
            "pos": ["价格合理，性价比很高。", "这个价格物有所值。"],
        },
        "reliability": {
            "neg": ["这个月又宕机了，业务受到影响。", "服务不稳定，经常出故障。"],
            "pos": ["服务非常稳定，从来没有宕机。", "系统很可靠，每天都正常运行。"],
        },
        "product": {
            "neg": ["缺少很多重要功能。", "产品没有我们需要的集成。"],
            "pos": ["新功能很棒，节省了很多时间。", "产品很好，功能齐全。"],
        },
        "billing": {
            "neg": ["发票又开错了，账单很混乱。", "被重复扣费，退款花了好几周。"],
            "pos": ["账单清楚，发票总是准确的。", "付款流程简单明了。"],
        },
        "onboarding": {
            "neg": ["上线过程很混乱，培训也不到位。", "实施比承诺的多花了几个月。"],
            "pos": ["上线很顺利，培训很有帮助。", "实施团队很快帮我们上线了。"],
        },
    },
}

OPENERS: dict[str, dict[str, list[str]]] = {
    "en": {
        "detractor": ["Very disappointed.", "Honestly, not happy.", ""],
        "passive": ["It is okay overall.", "Mixed feelings.", ""],
        "promoter": ["Excellent experience!", "Really happy with you.", ""],
    },
    "fa": {
        "detractor": ["خیلی ناامید شدم.", "راستش اصلاً راضی نیستم.", ""],
        "passive": ["در کل بد نیست.", "نظرم متوسط است.", ""],
        "promoter": ["تجربه فوق‌العاده‌ای بود!", "واقعاً راضی هستم.", ""],
    },
    "ar": {
        "detractor": ["أنا محبط جداً.", "بصراحة غير راضٍ.", ""],
        "passive": ["بشكل عام لا بأس.", "مشاعر مختلطة.", ""],
        "promoter": ["تجربة ممتازة!", "سعيد جداً بالتعامل معكم.", ""],
    },
    "ru": {
        "detractor": ["Очень разочарован.", "Честно говоря, недоволен.", ""],
        "passive": ["В целом нормально.", "Впечатления смешанные.", ""],
        "promoter": ["Отличный опыт!", "Очень доволен работой с вами.", ""],
    },
    "zh": {
        "detractor": ["非常失望。", "说实话，很不满意。", ""],
        "passive": ["总体还可以。", "感觉一般。", ""],
        "promoter": ["体验非常好！", "非常满意。", ""],
    },
}

CLOSERS: dict[str, dict[str, list[str]]] = {
    "en": {
        "neg": ["Please fix this soon.", "We are considering other vendors."],
        "pos": ["Keep it up!", "I recommend you to colleagues."],
    },
    "fa": {
        "neg": ["لطفاً زودتر درستش کنید.", "داریم به گزینه‌های دیگر فکر می‌کنیم."],
        "pos": ["همین‌طور ادامه دهید!", "شما را به همکارانم پیشنهاد می‌کنم."],
    },
    "ar": {
        "neg": ["أرجو إصلاح ذلك قريباً.", "نفكر في الانتقال إلى مزود آخر."],
        "pos": ["استمروا!", "أنصح زملائي بكم."],
    },
    "ru": {
        "neg": ["Пожалуйста, исправьте это.", "Мы рассматриваем других поставщиков."],
        "pos": ["Так держать!", "Рекомендую вас коллегам."],
    },
    "zh": {
        "neg": ["请尽快解决。", "我们正在考虑换供应商。"],
        "pos": ["继续保持！", "我会推荐给同事。"],
    },
}

#: Deliberate edge cases: (language or None to keep the contact's, text).
EDGE_CASE_COMMENTS: list[tuple[str | None, str]] = [
    ("en", "👍"),
    ("en", "ok"),
    ("en", "Support never called back. Reach me at jane.doe@example.com or +1 (415) 555-0199."),
    ("ru", "Позвоните мне: +7 916 123-45-67, менеджер так и не ответил."),
    ("en", 'Report bug: <script>alert("xss")</script> appears in the export'),
    ("fa", "سامانه CRM خوب است ولی the API is slow و گزارش‌ها دیر می‌آید."),
    (
        "en",
        " ".join(
            [
                "The onboarding project dragged on for months, the billing errors kept coming back,"
                " and every support ticket needed three escalations before anyone looked at it."
            ]
            * 6
        ),
    ),
    ("zh", "客服很好 but the price is too high 价格太贵"),
]


def compose_comment(rng: np.random.Generator, language: str, theme: str, category: str) -> str:
    """Compose one comment in ``language`` about ``theme`` in the tone of an NPS ``category``.

    Passives get a positive or negative theme sentence at random (mixed feelings).
    """
    if category == "detractor":
        tone = "neg"
    elif category == "promoter":
        tone = "pos"
    else:
        tone = "neg" if rng.random() < 0.55 else "pos"
    lang = language if language in THEME_SENTENCES else "en"
    parts = [
        rng.choice(OPENERS[lang][category]),
        rng.choice(THEME_SENTENCES[lang][theme][tone]),
    ]
    if rng.random() < 0.35:
        parts.append(rng.choice(CLOSERS[lang][tone]))
    sep = "" if lang == "zh" else " "
    return sep.join(p for p in parts if p)
