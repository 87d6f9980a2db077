"""Comment templates and names for the SYNTHETIC demo company (:mod:`cxm_lab.demo`).

Languages: English (``en``), Persian (``fa``, Persian letters ی/ک and zero-width non-joiners as in
``می‌شود``), Arabic (``ar``), Russian (``ru``) and simplified Chinese (``zh``). Themes are the six
driver ratings plus ``billing``, ``onboarding`` and ``account_manager``; each theme has three
negative and three positive phrasings per language. A comment is an opener that fits the
respondent's NPS category, a theme sentence in the matching tone and sometimes a closing line;
passives get a negative sentence, a positive one, or a mixed "X is good, but Y is bad" sentence.
Every text here was written for the demo; none is a real customer's.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> text = compose_comment(rng, "ru", "price", "reliability", "detractor")
>>> any("\\u0400" <= ch <= "\\u04ff" for ch in text)
True
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CLOSERS",
    "CONTRAST",
    "EDGE_CASE_COMMENTS",
    "OPENERS",
    "THEMES",
    "THEME_SENTENCES",
    "compose_comment",
    "person_name",
]

THEMES: list[str] = [
    "ease",
    "speed",
    "support",
    "price",
    "reliability",
    "product",
    "billing",
    "onboarding",
    "account_manager",
]

# language -> theme -> tone ("neg" / "pos") -> sentences.
THEME_SENTENCES: dict[str, dict[str, dict[str, list[str]]]] = {
    "en": {
        "ease": {
            "neg": [
                "The interface is confusing and simple tasks take far too many clicks.",
                "It is hard to use; my team still struggles with basic reports.",
                "Finding anything in the menus is a puzzle, and the new layout made it worse.",
            ],
            "pos": [
                "The platform is really easy to use, even for new colleagues.",
                "Everything is intuitive and simple to set up.",
                "My team learned it in a day without any training.",
            ],
        },
        "speed": {
            "neg": [
                "Pages load slowly and exports take forever.",
                "The system is very slow at peak hours.",
                "Reports that used to take seconds now take minutes.",
            ],
            "pos": [
                "Dashboards load fast and exports are quick.",
                "Performance is excellent, it is always fast.",
                "Even large reports come back in seconds.",
            ],
        },
        "support": {
            "neg": [
                "Support tickets wait days for an answer and nobody follows up.",
                "Customer support was unhelpful and kept closing my ticket.",
                "Every call to support means explaining the problem again from the start.",
            ],
            "pos": [
                "The support team answers quickly and actually solves the problem.",
                "Great support, the agent was friendly and knowledgeable.",
                "Support fixed our issue on the first call.",
            ],
        },
        "price": {
            "neg": [
                "It is too expensive for what we get, and the price went up again.",
                "The renewal price increase is hard to justify.",
                "The licence costs keep rising while the features stay the same.",
            ],
            "pos": [
                "Pricing is fair and good value for money.",
                "The price is reasonable for everything included.",
                "Worth every cent compared with what we paid before.",
            ],
        },
        "reliability": {
            "neg": [
                "We had another outage this month and lost data.",
                "The service keeps going down; it is unreliable.",
                "The downtime in the middle of our month-end close was unacceptable.",
            ],
            "pos": [
                "The service is rock solid, no downtime at all.",
                "Very reliable, it just works every day.",
                "Not a single outage since we went live.",
            ],
        },
        "product": {
            "neg": [
                "Key features are missing and the roadmap keeps slipping.",
                "The product lacks the integrations we need.",
                "We still export to spreadsheets because the reporting features are too basic.",
            ],
            "pos": [
                "The new features are excellent and save us hours.",
                "A great product with everything we need.",
                "The latest release added exactly the integrations we asked for.",
            ],
        },
        "billing": {
            "neg": [
                "The invoices are wrong again and billing is a mess.",
                "We were charged twice and the refund took weeks.",
                "Nobody could explain the extra charges on our invoice.",
            ],
            "pos": [
                "Billing is clear and the invoices are always correct.",
                "Invoices are simple and accurate.",
                "The finance team sorted out our invoice question the same day.",
            ],
        },
        "onboarding": {
            "neg": [
                "Onboarding was chaotic and the training was poor.",
                "The setup took months longer than promised.",
                "During onboarding we had three different contacts and none knew our setup.",
            ],
            "pos": [
                "Onboarding was smooth and the training was very helpful.",
                "The implementation team got us live quickly.",
                "The onboarding plan was clear and every milestone was met.",
            ],
        },
        "account_manager": {
            "neg": [
                "Our account manager never gets back to us.",
                "We changed account managers three times this year and start over every time.",
                "The account manager only calls when it is time to renew.",
            ],
            "pos": [
                "Our account manager knows our business and always finds a solution.",
                "The quarterly review with our account manager was genuinely useful.",
                "Our account manager is proactive and keeps us informed.",
            ],
        },
    },
    "fa": {
        "ease": {
            "neg": [
                "کار با نرم‌افزار سخت است و رابط کاربری گیج‌کننده است.",
                "کارهای ساده هم خیلی وقت می‌گیرد و همه چیز پیچیده است.",
                "پیدا کردن گزینه‌ها در منوها دشوار است و طراحی جدید اوضاع را بدتر کرده است.",
            ],
            "pos": [
                "استفاده از سامانه خیلی ساده و راحت است.",
                "رابط کاربری عالی و روان است.",
                "همکاران ما در یک روز و بدون آموزش کار با آن را یاد گرفتند.",
            ],
        },
        "speed": {
            "neg": [
                "سیستم خیلی کند است و صفحه‌ها دیر باز می‌شوند.",
                "گزارش‌گیری بسیار کند و خسته‌کننده است.",
                "گزارش‌هایی که قبلاً چند ثانیه طول می‌کشید، حالا چند دقیقه طول می‌کشد.",
            ],
            "pos": [
                "سرعت سامانه عالی است.",
                "همه چیز سریع و بدون معطلی انجام می‌شود.",
                "حتی گزارش‌های بزرگ در چند ثانیه آماده می‌شوند.",
            ],
        },
        "support": {
            "neg": [
                "پشتیبانی خیلی ضعیف است و کسی جواب تیکت‌ها را نمی‌دهد.",
                "از پشتیبانی ناراضی هستم، چند روز منتظر ماندم.",
                "هر بار که با پشتیبانی تماس می‌گیرم، باید مشکل را از اول توضیح بدهم.",
            ],
            "pos": [
                "تیم پشتیبانی خیلی سریع و مؤدبانه پاسخ داد.",
                "پشتیبانی عالی بود و مشکل ما را حل کرد.",
                "کارشناس پشتیبانی در همان تماس اول مشکل را برطرف کرد.",
            ],
        },
        "price": {
            "neg": [
                "قیمت خیلی گران است و دوباره افزایش یافت.",
                "هزینه تمدید قرارداد بسیار بالاست.",
                "هزینه لایسنس مدام بالا می‌رود ولی امکانات همان است.",
            ],
            "pos": [
                "قیمت منصفانه است و ارزش خرید دارد.",
                "با این قیمت، خدمات خیلی خوبی می‌گیریم.",
                "نسبت به هزینه‌ای که می‌پردازیم، ارزش زیادی دریافت می‌کنیم.",
            ],
        },
        "reliability": {
            "neg": [
                "سرویس دوباره قطع شد و کار ما متوقف شد.",
                "سامانه قابل اعتماد نیست و مدام از دسترس خارج می‌شود.",
                "قطعی سرویس درست در روزهای بستن حساب‌های آخر ماه غیرقابل قبول بود.",
            ],
            "pos": [
                "سرویس کاملاً پایدار است و هیچ قطعی نداشتیم.",
                "خیلی قابل اعتماد است و همیشه کار می‌کند.",
                "از زمان راه‌اندازی حتی یک بار هم قطعی نداشته‌ایم.",
            ],
        },
        "product": {
            "neg": [
                "امکانات مهمی که لازم داریم وجود ندارد.",
                "محصول هنوز یکپارچگی‌های ضروری را ندارد.",
                "چون گزارش‌ها خیلی ابتدایی است، هنوز داده‌ها را به اکسل می‌بریم.",
            ],
            "pos": [
                "امکانات جدید عالی است و در وقت ما صرفه‌جویی می‌کند.",
                "محصول بسیار خوبی است و همه نیازهای ما را پوشش می‌دهد.",
                "نسخه جدید دقیقاً همان یکپارچگی‌هایی را که خواسته بودیم اضافه کرد.",
            ],
        },
        "billing": {
            "neg": [
                "فاکتورها دوباره اشتباه صادر شد.",
                "دو بار از ما پول کم شد و بازپرداخت هفته‌ها طول کشید.",
                "هیچ‌کس نتوانست هزینه‌های اضافه روی فاکتور را توضیح دهد.",
            ],
            "pos": [
                "صورت‌حساب‌ها شفاف و دقیق است.",
                "فاکتورها همیشه درست و به‌موقع صادر می‌شود.",
                "تیم مالی همان روز به سؤال ما درباره فاکتور پاسخ داد.",
            ],
        },
        "onboarding": {
            "neg": [
                "راه‌اندازی اولیه آشفته بود و آموزش کافی نبود.",
                "راه‌اندازی ماه‌ها بیشتر از وعده طول کشید.",
                "در دوره راه‌اندازی سه نفر مسئول ما بودند و هیچ‌کدام تنظیمات ما را نمی‌دانستند.",
            ],
            "pos": [
                "راه‌اندازی بدون مشکل انجام شد و آموزش‌ها خیلی مفید بود.",
                "تیم پیاده‌سازی خیلی سریع کار ما را راه انداخت.",
                "برنامه راه‌اندازی روشن بود و همه مراحل به‌موقع انجام شد.",
            ],
        },
        "account_manager": {
            "neg": [
                "مدیر حساب ما هیچ‌وقت جواب نمی‌دهد.",
                "امسال سه بار مدیر حساب ما عوض شد و هر بار باید از صفر شروع کنیم.",
                "مدیر حساب فقط وقت تمدید قرارداد تماس می‌گیرد.",
            ],
            "pos": [
                "مدیر حساب ما کسب‌وکارمان را خوب می‌شناسد و همیشه راه‌حلی پیدا می‌کند.",
                "جلسه فصلی با مدیر حساب واقعاً مفید بود.",
                "مدیر حساب ما پیگیر است و ما را در جریان می‌گذارد.",
            ],
        },
    },
    "ar": {
        "ease": {
            "neg": [
                "الواجهة مربكة والمهام البسيطة تحتاج إلى خطوات كثيرة.",
                "النظام صعب الاستخدام وما زال فريقي يعاني مع التقارير الأساسية.",
                "من الصعب العثور على أي شيء في القوائم، والتصميم الجديد زاد الأمر سوءاً.",
            ],
            "pos": [
                "المنصة سهلة الاستخدام جداً.",
                "كل شيء واضح وبسيط في الإعداد.",
                "تعلّم فريقنا استخدامه في يوم واحد دون أي تدريب.",
            ],
        },
        "speed": {
            "neg": [
                "النظام بطيء جداً والتقارير تتأخر.",
                "الصفحات تفتح ببطء شديد في أوقات الذروة.",
                "التقارير التي كانت تستغرق ثواني أصبحت تستغرق دقائق.",
            ],
            "pos": [
                "النظام سريع جداً.",
                "الأداء ممتاز والتقارير تصدر بسرعة.",
                "حتى التقارير الكبيرة تجهز خلال ثوانٍ.",
            ],
        },
        "support": {
            "neg": [
                "تذاكر الدعم تنتظر أياماً دون رد ولا أحد يتابع.",
                "لم تساعدنا خدمة العملاء وأغلقوا التذكرة دون حل.",
                "في كل اتصال بالدعم علينا أن نشرح المشكلة من البداية.",
            ],
            "pos": [
                "فريق الدعم رائع ويرد بسرعة.",
                "خدمة العملاء ممتازة وحلّوا المشكلة فوراً.",
                "حلّ فريق الدعم مشكلتنا من أول اتصال.",
            ],
        },
        "price": {
            "neg": [
                "السعر مرتفع جداً وقد زاد مرة أخرى.",
                "تكلفة التجديد غير مبررة.",
                "تكاليف الترخيص ترتفع باستمرار بينما تبقى الميزات كما هي.",
            ],
            "pos": [
                "السعر مناسب والقيمة ممتازة.",
                "الأسعار عادلة مقارنة بالخدمة.",
                "الخدمة تستحق كل ما ندفعه مقارنة بما كنا ندفعه سابقاً.",
            ],
        },
        "reliability": {
            "neg": [
                "انقطعت الخدمة مرة أخرى وتوقف عملنا.",
                "النظام غير موثوق ويتعطل باستمرار.",
                "كان انقطاع الخدمة في منتصف إقفال نهاية الشهر أمراً غير مقبول.",
            ],
            "pos": [
                "الخدمة مستقرة تماماً دون أي انقطاع.",
                "النظام موثوق جداً ويعمل كل يوم.",
                "لم يحدث أي انقطاع منذ أن بدأنا العمل به.",
            ],
        },
        "product": {
            "neg": [
                "تنقصنا ميزات أساسية في المنتج.",
                "المنتج لا يدعم التكاملات التي نحتاجها.",
                "ما زلنا نصدّر البيانات إلى جداول إكسل لأن التقارير بدائية جداً.",
            ],
            "pos": [
                "الميزات الجديدة رائعة وتوفر علينا الوقت.",
                "منتج ممتاز يلبي كل احتياجاتنا.",
                "أضاف الإصدار الأخير التكاملات التي طلبناها بالضبط.",
            ],
        },
        "billing": {
            "neg": [
                "الفواتير خاطئة مرة أخرى والفوترة فوضوية.",
                "خُصم المبلغ مرتين واستغرق الاسترداد أسابيع.",
                "لم يستطع أحد أن يشرح الرسوم الإضافية في فاتورتنا.",
            ],
            "pos": [
                "الفواتير واضحة ودقيقة دائماً.",
                "نظام الفوترة بسيط وصحيح.",
                "أجاب فريق المالية عن سؤالنا بخصوص الفاتورة في اليوم نفسه.",
            ],
        },
        "onboarding": {
            "neg": [
                "كانت مرحلة الإعداد فوضوية والتدريب ضعيفاً.",
                "استغرق التفعيل أشهراً أكثر مما وُعدنا به.",
                "تعاملنا خلال الإعداد مع ثلاثة أشخاص مختلفين ولم يعرف أي منهم إعداداتنا.",
            ],
            "pos": [
                "كانت مرحلة الإعداد سلسة والتدريب مفيداً جداً.",
                "ساعدنا فريق التنفيذ على الانطلاق بسرعة.",
                "كانت خطة الإعداد واضحة وأُنجزت كل مرحلة في موعدها.",
            ],
        },
        "account_manager": {
            "neg": [
                "مدير الحساب لا يرد علينا أبداً.",
                "تغيّر مدير حسابنا ثلاث مرات هذا العام وفي كل مرة نبدأ من الصفر.",
                "مدير الحساب لا يتصل بنا إلا عند موعد التجديد.",
            ],
            "pos": [
                "مدير حسابنا يفهم عملنا جيداً ويجد حلاً دائماً.",
                "كان الاجتماع الفصلي مع مدير الحساب مفيداً حقاً.",
                "مدير حسابنا مبادر ويبقينا على اطلاع دائم.",
            ],
        },
    },
    "ru": {
        "ease": {
            "neg": [
                "Интерфейс запутанный, простые задачи требуют слишком много кликов.",
                "Пользоваться неудобно, команда до сих пор мучается с базовыми отчётами.",
                "В меню ничего не найти, а новый дизайн сделал только хуже.",
            ],
            "pos": [
                "Платформа очень удобная, даже новые сотрудники быстро разбираются.",
                "Всё интуитивно понятно и легко настраивается.",
                "Команда освоила систему за один день без всякого обучения.",
            ],
        },
        "speed": {
            "neg": [
                "Страницы грузятся медленно, выгрузка длится вечность.",
                "В часы пик система сильно тормозит.",
                "Отчёты, которые раньше строились за секунды, теперь строятся минутами.",
            ],
            "pos": [
                "Всё работает быстро.",
                "Отличная скорость, отчёты формируются мгновенно.",
                "Даже большие отчёты готовы за несколько секунд.",
            ],
        },
        "support": {
            "neg": [
                "Заявки в поддержку висят по несколько дней, и никто не перезванивает.",
                "Поддержка не помогла и просто закрыла мою заявку.",
                "При каждом обращении в поддержку приходится объяснять проблему заново.",
            ],
            "pos": [
                "Поддержка отвечает быстро и действительно решает проблемы.",
                "Отличная поддержка, специалист был вежлив и компетентен.",
                "Поддержка решила нашу проблему с первого звонка.",
            ],
        },
        "price": {
            "neg": [
                "Слишком дорого, и цена опять выросла.",
                "Стоимость продления не оправдана.",
                "Цена лицензий всё растёт, а функций не прибавляется.",
            ],
            "pos": [
                "Цена справедливая, соотношение цены и качества отличное.",
                "Цена разумная за всё, что входит в пакет.",
                "Сервис стоит своих денег, особенно по сравнению с прежним поставщиком.",
            ],
        },
        "reliability": {
            "neg": [
                "В этом месяце опять был сбой, и мы потеряли данные.",
                "Сервис постоянно падает, на него нельзя положиться.",
                "Простой в разгар закрытия месяца был недопустим.",
            ],
            "pos": [
                "Сервис работает стабильно, без сбоев.",
                "Очень надёжная система.",
                "С момента запуска не было ни одного сбоя.",
            ],
        },
        "product": {
            "neg": [
                "Не хватает важных функций.",
                "В продукте нет нужных нам интеграций.",
                "Мы до сих пор выгружаем данные в Excel, потому что отчёты слишком примитивные.",
            ],
            "pos": [
                "Новые функции отличные и экономят нам часы работы.",
                "Отличный продукт, есть всё, что нужно.",
                "В последнем релизе появились именно те интеграции, которые мы просили.",
            ],
        },
        "billing": {
            "neg": [
                "Счета снова выставлены с ошибками.",
                "С нас списали деньги дважды, а возврат занял несколько недель.",
                "Никто не смог объяснить дополнительные платежи в нашем счёте.",
            ],
            "pos": [
                "Счета понятные и всегда правильные.",
                "С оплатой никаких проблем.",
                "Финансовый отдел ответил на наш вопрос по счёту в тот же день.",
            ],
        },
        "onboarding": {
            "neg": [
                "Внедрение было хаотичным, обучение слабым.",
                "Запуск затянулся на несколько месяцев.",
                "За время внедрения у нас сменилось три контактных лица, и никто не знал нашу "
                "конфигурацию.",
            ],
            "pos": [
                "Внедрение прошло гладко, обучение было очень полезным.",
                "Команда внедрения быстро запустила нас.",
                "План внедрения был понятным, и все этапы выполнены в срок.",
            ],
        },
        "account_manager": {
            "neg": [
                "Наш менеджер по работе с клиентами никогда не отвечает.",
                "За год у нас сменилось три менеджера, и каждый раз всё начинается сначала.",
                "Менеджер звонит, только когда пора продлевать договор.",
            ],
            "pos": [
                "Наш менеджер хорошо знает наш бизнес и всегда находит решение.",
                "Квартальная встреча с менеджером была действительно полезной.",
                "Наш менеджер проактивен и держит нас в курсе.",
            ],
        },
    },
    "zh": {
        "ease": {
            "neg": [
                "界面很乱，简单的操作也要点很多次。",
                "很难用，团队到现在还不会做基本报表。",
                "菜单里什么都找不到，新版界面更糟了。",
            ],
            "pos": [
                "平台非常好用，新同事也能很快上手。",
                "操作简单直观，设置很方便。",
                "团队一天就学会了，完全不需要培训。",
            ],
        },
        "speed": {
            "neg": [
                "系统太慢了，导出要等很久。",
                "高峰期页面加载非常慢。",
                "以前几秒钟就出来的报表现在要好几分钟。",
            ],
            "pos": [
                "速度很快，报表马上就出来。",
                "性能非常好，一直很流畅。",
                "即使是很大的报表，几秒钟也能生成。",
            ],
        },
        "support": {
            "neg": [
                "客服回复太慢，问题好几天都没人处理。",
                "技术支持态度很差，工单直接被关闭了。",
                "每次联系客服都要从头解释一遍问题。",
            ],
            "pos": [
                "客服响应很快，真正解决了问题。",
                "支持团队非常专业，服务很好。",
                "技术支持第一次通话就解决了我们的问题。",
            ],
        },
        "price": {
            "neg": [
                "价格太贵了，而且又涨价了。",
                "续约费用太高，不划算。",
                "许可费用不断上涨，功能却没有增加。",
            ],
            "pos": [
                "价格合理，性价比很高。",
                "这个价格物有所值。",
                "和以前的供应商相比，每一分钱都花得值。",
            ],
        },
        "reliability": {
            "neg": [
                "这个月又宕机了，业务受到影响。",
                "服务不稳定，经常出故障。",
                "月底结账的时候系统宕机，这完全不能接受。",
            ],
            "pos": [
                "服务非常稳定，从来没有宕机。",
                "系统很可靠，每天都正常运行。",
                "上线以来一次故障都没有。",
            ],
        },
        "product": {
            "neg": [
                "缺少很多重要功能。",
                "产品没有我们需要的集成。",
                "报表功能太简单，我们还得把数据导到Excel里。",
            ],
            "pos": [
                "新功能很棒，节省了很多时间。",
                "产品很好，功能齐全。",
                "最新版本正好加上了我们要的集成。",
            ],
        },
        "billing": {
            "neg": [
                "发票又开错了，账单很混乱。",
                "被重复扣费，退款花了好几周。",
                "发票上多出来的费用没人能解释清楚。",
            ],
            "pos": [
                "账单清楚，发票总是准确的。",
                "付款流程简单明了。",
                "财务团队当天就回复了我们的发票问题。",
            ],
        },
        "onboarding": {
            "neg": [
                "上线过程很混乱，培训也不到位。",
                "实施比承诺的多花了几个月。",
                "实施期间换了三个对接人，没有一个了解我们的配置。",
            ],
            "pos": [
                "上线很顺利，培训很有帮助。",
                "实施团队很快帮我们上线了。",
                "上线计划很清楚，每个阶段都按时完成。",
            ],
        },
        "account_manager": {
            "neg": [
                "客户经理从来不回复我们。",
                "今年换了三个客户经理，每次都要从头开始。",
                "客户经理只有在续约的时候才联系我们。",
            ],
            "pos": [
                "我们的客户经理很了解我们的业务，总能找到解决办法。",
                "和客户经理的季度回顾会非常有用。",
                "客户经理很主动，随时让我们了解最新情况。",
            ],
        },
    },
}

# language -> NPS category -> openers ("" = no opener).
OPENERS: dict[str, dict[str, list[str]]] = {
    "en": {
        "detractor": ["Very disappointed.", "Honestly, not happy.", "This quarter was frustrating.", ""],
        "passive": ["It is okay overall.", "Mixed feelings.", "Decent, but room to improve.", ""],
        "promoter": ["Excellent experience!", "Really happy with you.", "A great partner for us.", ""],
    },
    "fa": {
        "detractor": ["خیلی ناامید شدم و شما را به کسی پیشنهاد نمی‌کنم.",
                      "راستش اصلاً راضی نیستم؛ پیگیری‌ها کمکی نکرده است.",
                      "این فصل واقعاً آزاردهنده بود و کسی پاسخگو نبود."],
        "passive": ["در کل بد نیست.", "نظرم متوسط است.", "قابل قبول است ولی جای بهتر شدن دارد.", ""],
        "promoter": ["تجربه فوق‌العاده‌ای بود!", "واقعاً راضی هستم.", "همکاری با شما عالی است.", ""],
    },
    "ar": {
        "detractor": ["أنا محبط جداً.", "بصراحة غير راضٍ.", "كان هذا الربع مخيباً للآمال.", ""],
        "passive": ["بشكل عام لا بأس.", "مشاعر مختلطة.", "جيد لكن هناك مجال للتحسين.", ""],
        "promoter": ["تجربة ممتازة!", "سعيد جداً بالتعامل معكم.", "أنتم شريك رائع لنا.", ""],
    },
    "ru": {
        "detractor": ["Очень разочарован.", "Честно говоря, недоволен.", "Этот квартал был тяжёлым.", ""],
        "passive": ["В целом нормально.", "Впечатления смешанные.", "Неплохо, но есть куда расти.", ""],
        "promoter": ["Отличный опыт!", "Очень доволен работой с вами.", "Прекрасный партнёр для нас.", ""],
    },
    "zh": {
        "detractor": ["非常失望。", "说实话，很不满意。", "这个季度体验很差。", ""],
        "passive": ["总体还可以。", "感受比较复杂。", "还行，但还有改进空间。", ""],
        "promoter": ["体验非常好！", "和你们合作很愉快。", "你们是很好的合作伙伴。", ""],
    },
}  # fmt: skip

# language -> tone -> closing lines.
CLOSERS: dict[str, dict[str, list[str]]] = {
    "en": {
        "neg": ["Please fix this soon.", "We are considering other vendors.",
                "This needs attention before our renewal."],
        "pos": ["Keep it up!", "I recommend you to colleagues.", "Thank you to the whole team."],
    },
    "fa": {
        "neg": ["لطفاً زودتر درستش کنید.", "داریم به گزینه‌های دیگر فکر می‌کنیم.",
                "قبل از تمدید قرارداد باید این مشکل حل شود."],
        "pos": ["همین‌طور ادامه دهید!", "شما را به همکارانم پیشنهاد می‌کنم.", "از همه تیم ممنونم."],
    },
    "ar": {
        "neg": ["أرجو إصلاح ذلك قريباً.", "نفكر في الانتقال إلى مزود آخر.",
                "يجب حل هذا قبل موعد التجديد."],
        "pos": ["استمروا!", "أنصح زملائي بكم.", "شكراً للفريق بأكمله."],
    },
    "ru": {
        "neg": ["Пожалуйста, исправьте это.", "Мы рассматриваем других поставщиков.",
                "Это нужно решить до продления договора."],
        "pos": ["Так держать!", "Рекомендую вас коллегам.", "Спасибо всей команде."],
    },
    "zh": {
        "neg": ["请尽快解决。", "我们正在考虑换供应商。", "续约前必须解决这个问题。"],
        "pos": ["继续保持！", "我会推荐给同事。", "感谢整个团队。"],
    },
}  # fmt: skip

#: How a mixed (passive) comment joins "good thing" and "bad thing" in each language.
CONTRAST: dict[str, str] = {
    "en": ", but ",
    "ru": ", но ",
    "fa": "، اما ",
    "ar": "، لكن ",
    "zh": "，但是",
}

_LONG_EN = (
    "I have been the main admin for our account since we signed, so I will be detailed. "
    "The onboarding project dragged on for four months instead of six weeks, and two of the "
    "three integrations we were promised were still not working at go-live. Since then the "
    "billing errors keep coming back: last quarter we were invoiced for forty seats when we "
    "have thirty-two, and it took three e-mails to get a credit note. Every support ticket "
    "needs two or three escalations before anyone senior looks at it, and the outage in the "
    "spring cost our finance team a full day during month-end close. The product itself is "
    "not bad and some of the new dashboards are genuinely useful, but at the current price we "
    "cannot justify renewing unless the service level improves noticeably."
)

#: Deliberate edge cases as (language, NPS category, text); :mod:`cxm_lab.demo` places each on a
#: response of that language and category. They exercise: emoji-only and very short answers,
#: PII masking (synthetic e-mail addresses on ``example`` domains and phone numbers, one in
#: Persian digits), HTML escaping (``<script>``), mixed scripts and a long comment.
EDGE_CASE_COMMENTS: list[tuple[str, str, str]] = [
    ("en", "promoter", "👍"),
    ("en", "passive", "ok"),
    ("en", "detractor", "Support never called back. Reach me at jane.doe@example.com or +1 (415) 555-0199."),
    ("ru", "detractor", "Позвоните мне: +7 916 123-45-67, менеджер так и не ответил."),
    ("ar", "detractor", "أرجو التواصل معي على ahmad.k@example.org بخصوص الفاتورة الخاطئة."),
    ("fa", "detractor", "لطفاً با شماره ۰۹۱۲ ۳۴۵ ۶۷۸۹ تماس بگیرید، مشکل فاکتور هنوز حل نشده است."),
    ("en", "detractor", "Export broke again: <script>alert(1)</script> shows up in the file name."),
    ("fa", "passive", "سامانه CRM خوب است ولی the API is slow و گزارش‌ها دیر می‌رسد."),
    ("zh", "passive", "客服很好 but the price is too high，价格太贵。"),
    ("en", "detractor", _LONG_EN),
]  # fmt: skip

# language -> (given names with "f"/"m", family names); Latin transliteration as in a CRM.
_NAMES: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "en": (
        [("James", "m"), ("Emily", "f"), ("Michael", "m"), ("Sarah", "f"), ("David", "m"),
         ("Laura", "f"), ("Daniel", "m"), ("Olivia", "f"), ("Robert", "m"), ("Hannah", "f")],
        ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clark", "Walker", "Hall", "Young",
         "Wright"],
    ),
    "fa": (
        [("Ali", "m"), ("Maryam", "f"), ("Reza", "m"), ("Zahra", "f"), ("Hossein", "m"),
         ("Fatemeh", "f"), ("Mehdi", "m"), ("Sara", "f"), ("Amir", "m"), ("Niloufar", "f")],
        ["Ahmadi", "Hosseini", "Karimi", "Moradi", "Rahimi", "Jafari", "Rezaei", "Sadeghi",
         "Mohammadi", "Kazemi"],
    ),
    "ar": (
        [("Ahmed", "m"), ("Fatima", "f"), ("Mohammed", "m"), ("Layla", "f"), ("Omar", "m"),
         ("Noor", "f"), ("Khalid", "m"), ("Huda", "f"), ("Youssef", "m"), ("Mariam", "f")],
        ["Haddad", "Nasser", "Khalil", "Mansour", "Saleh", "Hamdan", "Qasim", "Darwish", "Aziz",
         "Farouk"],
    ),
    "ru": (
        [("Ivan", "m"), ("Olga", "f"), ("Dmitry", "m"), ("Anna", "f"), ("Sergey", "m"),
         ("Elena", "f"), ("Alexei", "m"), ("Natalia", "f"), ("Mikhail", "m"), ("Irina", "f")],
        ["Ivanov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Kozlov", "Novikov",
         "Morozov", "Volkov"],
    ),
    "zh": (
        [("Wei", "m"), ("Fang", "f"), ("Jun", "m"), ("Li", "f"), ("Hao", "m"), ("Jing", "f"),
         ("Lei", "m"), ("Xin", "f"), ("Tao", "m"), ("Yan", "f")],
        ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Zhou", "Wu"],
    ),
}  # fmt: skip


def person_name(rng: np.random.Generator, language: str) -> tuple[str, str]:
    """A synthetic (first, second) name pair for a contact who speaks ``language``.

    Russian family names take the feminine ending for women (Ivanov -> Ivanova); Chinese names
    are given family name first (Wang Wei).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    language : str
        One of ``en``, ``fa``, ``ar``, ``ru``, ``zh``; others fall back to English names.

    Returns
    -------
    tuple of str
        The two parts of the name in display order.

    Examples
    --------
    >>> person_name(np.random.default_rng(1), "ru")[1][-1] in "va"
    True
    """
    given, family = _NAMES.get(language, _NAMES["en"])
    first, sex = given[int(rng.integers(len(given)))]
    last = family[int(rng.integers(len(family)))]
    if language == "ru" and sex == "f":
        last += "a"
    if language == "zh":
        return last, first
    return first, last


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() else text


def compose_comment(
    rng: np.random.Generator, language: str, weak_theme: str, strong_theme: str, category: str
) -> str:
    """Compose one comment in ``language`` in the tone of an NPS ``category``.

    Detractors complain about ``weak_theme``; promoters praise ``strong_theme``; passives
    complain (45 %), praise (25 %) or write a mixed sentence "<strong is good>, but <weak is
    bad>" (30 %; when both themes are the same, complain or praise in the ratio 45:25). An opener for the category comes first (sometimes none) and a closing line in
    the comment's tone follows in 35 % of comments.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    language : str
        ``en``, ``fa``, ``ar``, ``ru`` or ``zh`` (anything else is written in English).
    weak_theme, strong_theme : str
        Themes from :data:`THEMES`: the respondent's weakest and strongest point.
    category : str
        ``detractor``, ``passive`` or ``promoter``.

    Returns
    -------
    str

    Examples
    --------
    >>> compose_comment(np.random.default_rng(3), "en", "price", "support", "promoter")
    'Excellent experience! Support fixed our issue on the first call. Keep it up!'
    """
    lang = language if language in THEME_SENTENCES else "en"
    sentences = THEME_SENTENCES[lang]
    if category == "detractor":
        tone, body = "neg", str(rng.choice(sentences[weak_theme]["neg"]))
    elif category == "promoter":
        tone, body = "pos", str(rng.choice(sentences[strong_theme]["pos"]))
    else:
        u = rng.random()
        if weak_theme == strong_theme:  # one theme only: no "X is good, but X is bad"
            u *= 0.70
        if u < 0.45:
            tone, body = "neg", str(rng.choice(sentences[weak_theme]["neg"]))
        elif u < 0.70:
            tone, body = "pos", str(rng.choice(sentences[strong_theme]["pos"]))
        else:
            good = str(rng.choice(sentences[strong_theme]["pos"])).rstrip(".!。！")
            bad = str(rng.choice(sentences[weak_theme]["neg"]))
            tone, body = "neg", good + CONTRAST[lang] + _lower_first(bad)
    parts = [str(rng.choice(OPENERS[lang][category])), body]
    if rng.random() < 0.35:
        parts.append(str(rng.choice(CLOSERS[lang][tone])))
    sep = "" if lang == "zh" else " "
    return sep.join(p for p in parts if p)
