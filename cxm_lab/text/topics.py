"""Themes of customer comments across languages.

Two complementary routes on the same multilingual e5 embeddings:

- :func:`match_categories`: a list of known categories (NPS+ style), each described by a few
  seed phrases in any languages; a comment gets the category whose seeds it is most similar to
  (cosine), or "other" below a threshold. Works across languages because e5 maps translations
  close together. The default list, :data:`DEFAULT_CATEGORIES`, covers what customers of any
  industry talk about (price, staff, waiting, product quality, delivery, billing,
  communication, ease of use, reliability, cleanliness and comfort, problem resolution,
  location and access) in English, Persian, Arabic, Russian, Chinese, French, Spanish and
  German; :func:`load_categories` reads and checks your own list (a mapping or a YAML file).
- :func:`find_themes`: discovery without a list: k-means on the embeddings (k chosen by
  silhouette), each theme labelled by its class-based TF-IDF top terms (words, or character
  bigrams for Chinese/Japanese/Korean) and its most central comments, computed on texts with
  e-mail addresses and phone numbers masked.

:func:`theme_summary` and :func:`theme_impact` report frequency, sentiment and the NPS impact
of each theme (impact = NPS(all) − NPS(all responses without the theme), bootstrap CI through
:mod:`cxm_lab.stats`). Shares in result tables are percentages (0–100).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab import stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import ParameterError, check_columns, check_level, fail, row_label
from cxm_lab.metrics import nps_category
from cxm_lab.privacy import mask_pii as _mask_pii

__all__ = [
    "DEFAULT_CATEGORIES",
    "DEFAULT_GENERIC",
    "DEFAULT_SEEDS",
    "FIT_SHARE",
    "FIT_SIMILARITY",
    "SEED_LANGUAGES",
    "STOP_WORDS",
    "STRONG_SIMILARITY",
    "ThemeFit",
    "find_themes",
    "load_categories",
    "match_categories",
    "seed_lists",
    "theme_fit",
    "theme_impact",
    "theme_tone_impact",
    "theme_summary",
]

#: Languages every default category has seed phrases in.
SEED_LANGUAGES: tuple[str, ...] = ("en", "fa", "ar", "ru", "zh", "fr", "es", "de")

#: Default customer-experience themes for any industry: category -> language -> "neg" / "pos"
#: seed phrases (short, concrete, written as customers write). :data:`DEFAULT_CATEGORIES`
#: flattens it. Languages: en, fa, ar, ru, zh, fr, es, de.
DEFAULT_SEEDS: dict[str, dict[str, dict[str, list[str]]]] = {
    "price": {
        "en": {
            "neg": ["too expensive for what you get", "they raised the prices again"],
            "pos": ["good value for money, fair price"],
        },
        "fa": {
            "neg": ["برای این کیفیت خیلی گران است", "دوباره قیمت\u200cها را بالا بردند"],
            "pos": ["قیمتش منصفانه است و ارزش خرید دارد"],
        },
        "ar": {
            "neg": ["السعر مرتفع جدا مقارنة بالجودة", "رفعوا الأسعار مرة أخرى"],
            "pos": ["السعر مناسب ويستحق"],
        },
        "ru": {
            "neg": ["слишком дорого за такое качество", "опять подняли цены"],
            "pos": ["хорошее соотношение цены и качества"],
        },
        "zh": {"neg": ["太贵了，性价比很低", "又涨价了"], "pos": ["价格实惠，性价比高"]},
        "fr": {
            "neg": ["trop cher pour ce que c'est", "les prix ont encore augmenté"],
            "pos": ["bon rapport qualité-prix"],
        },
        "es": {
            "neg": ["demasiado caro para lo que ofrecen", "han vuelto a subir los precios"],
            "pos": ["buena relación calidad-precio"],
        },
        "de": {
            "neg": [
                "viel zu teuer für das, was man bekommt",
                "die Preise sind schon wieder gestiegen",
            ],
            "pos": ["gutes Preis-Leistungs-Verhältnis"],
        },
    },
    "staff": {
        "en": {
            "neg": [
                "the staff were rude and unfriendly",
                "the employee had no idea what he was doing",
            ],
            "pos": ["friendly, helpful and knowledgeable staff"],
        },
        "fa": {
            "neg": ["کارکنان بی\u200cادب و بداخلاق بودند", "کارمند هیچ اطلاعاتی نداشت"],
            "pos": ["پرسنل خیلی مؤدب و خوش\u200cبرخورد بودند"],
        },
        "ar": {
            "neg": ["الموظفون غير محترمين ومعاملتهم سيئة", "الموظف لا يفهم شيئا"],
            "pos": ["الموظفون ودودون ومتعاونون جدا"],
        },
        "ru": {
            "neg": ["персонал грубый и хамит", "сотрудник некомпетентный, ничего не знает"],
            "pos": ["очень вежливый и внимательный персонал"],
        },
        "zh": {
            "neg": ["服务员态度很差，很不耐烦", "工作人员一问三不知"],
            "pos": ["工作人员热情专业，态度很好"],
        },
        "fr": {
            "neg": ["le personnel était désagréable et impoli", "le vendeur était incompétent"],
            "pos": ["personnel très aimable et compétent"],
        },
        "es": {
            "neg": ["el personal fue muy maleducado", "la empleada no tenía ni idea"],
            "pos": ["el personal fue muy amable y profesional"],
        },
        "de": {
            "neg": [
                "das Personal war unfreundlich und genervt",
                "der Mitarbeiter hatte keine Ahnung",
            ],
            "pos": ["sehr freundliche und kompetente Mitarbeiter"],
        },
    },
    "waiting and speed": {
        "en": {
            "neg": [
                "we waited over an hour",
                "very slow service and long delays",
                "the website is slow and pages take ages to load",
            ],
            "pos": ["fast service, no waiting at all", "everything loads instantly, very fast"],
        },
        "fa": {
            "neg": [
                "بیش از یک ساعت منتظر ماندیم",
                "خیلی کند هستند و همیشه تأخیر دارند",
                "سایت کند است و صفحه\u200cها دیر باز می\u200cشوند",
            ],
            "pos": ["سریع انجام شد و معطل نشدیم", "همه چیز سریع و بدون معطلی باز می\u200cشود"],
        },
        "ar": {
            "neg": [
                "انتظرنا أكثر من ساعة",
                "الخدمة بطيئة جدا وتأخير مستمر",
                "الموقع بطيء والصفحات تتأخر في التحميل",
            ],
            "pos": ["خدمة سريعة بدون انتظار", "كل شيء يفتح بسرعة"],
        },
        "ru": {
            "neg": [
                "ждали больше часа",
                "очень медленно обслуживают, постоянные задержки",
                "сайт тормозит, страницы долго грузятся",
            ],
            "pos": ["быстро обслужили, без очереди", "всё работает быстро, ничего не тормозит"],
        },
        "zh": {
            "neg": ["等了一个多小时", "速度太慢，一直延误", "网页加载太慢，卡得要命"],
            "pos": ["速度很快，不用排队", "打开很快，一点都不卡"],
        },
        "fr": {
            "neg": [
                "on a attendu plus d'une heure",
                "service très lent, énormément de retard",
                "le site est lent, les pages mettent une éternité à charger",
            ],
            "pos": ["service rapide, aucune attente", "tout se charge instantanément"],
        },
        "es": {
            "neg": [
                "esperamos más de una hora",
                "servicio lentísimo y con mucho retraso",
                "la web va lentísima, las páginas tardan en cargar",
            ],
            "pos": ["atención rápida, sin esperas", "todo carga al instante, muy rápido"],
        },
        "de": {
            "neg": [
                "wir haben über eine Stunde gewartet",
                "sehr langsamer Service, ständig Verspätung",
                "die Seite ist langsam, alles lädt ewig",
            ],
            "pos": ["schneller Service, keine Wartezeit", "alles lädt blitzschnell"],
        },
    },
    "product quality": {
        "en": {
            "neg": [
                "poor quality, cheap materials",
                "the food was cold and tasteless",
                "the product lacks basic features",
            ],
            "pos": [
                "excellent quality, very well made",
                "great features, it does everything we need",
            ],
        },
        "fa": {
            "neg": [
                "کیفیت پایین و جنس نامرغوب",
                "غذا سرد و بی\u200cمزه بود",
                "محصول امکانات اولیه را ندارد",
            ],
            "pos": [
                "کیفیت عالی و خوش\u200cساخت",
                "امکاناتش عالی است و همه نیازهای ما را پوشش می\u200cدهد",
            ],
        },
        "ar": {
            "neg": [
                "جودة سيئة وخامات رخيصة",
                "الأكل كان باردا وبلا طعم",
                "المنتج تنقصه ميزات أساسية",
            ],
            "pos": ["جودة ممتازة وصناعة متقنة", "ميزات رائعة وتلبي كل احتياجاتنا"],
        },
        "ru": {
            "neg": [
                "плохое качество, дешёвые материалы",
                "еда была холодная и безвкусная",
                "в продукте не хватает нужных функций",
            ],
            "pos": [
                "отличное качество, всё сделано на совесть",
                "отличный функционал, есть всё, что нужно",
            ],
        },
        "zh": {
            "neg": ["质量太差，做工粗糙", "饭菜是凉的，没有味道", "产品缺少基本功能"],
            "pos": ["质量非常好，做工精细", "功能强大，满足我们所有需求"],
        },
        "fr": {
            "neg": [
                "qualité médiocre, matériaux bas de gamme",
                "la nourriture était froide et sans goût",
                "le produit manque de fonctionnalités de base",
            ],
            "pos": [
                "excellente qualité, produit bien fini",
                "super fonctionnalités, il fait tout ce qu'il nous faut",
            ],
        },
        "es": {
            "neg": [
                "mala calidad, materiales baratos",
                "la comida estaba fría y sin sabor",
                "al producto le faltan funciones básicas",
            ],
            "pos": [
                "excelente calidad, muy bien hecho",
                "funciones geniales, hace todo lo que necesitamos",
            ],
        },
        "de": {
            "neg": [
                "schlechte Qualität, billiges Material",
                "das Essen war kalt und geschmacklos",
                "dem Produkt fehlen grundlegende Funktionen",
            ],
            "pos": [
                "hervorragende Qualität, sehr gut verarbeitet",
                "tolle Funktionen, kann alles, was wir brauchen",
            ],
        },
    },
    "delivery": {
        "en": {
            "neg": ["the parcel arrived late and damaged", "my order never arrived"],
            "pos": ["fast delivery, well packed"],
        },
        "fa": {
            "neg": ["بسته دیر رسید و آسیب دیده بود", "سفارشم هیچ\u200cوقت به دستم نرسید"],
            "pos": ["ارسال سریع و بسته\u200cبندی خوب"],
        },
        "ar": {
            "neg": ["وصل الطرد متأخرا ومتضررا", "طلبي لم يصل أبدا"],
            "pos": ["توصيل سريع وتغليف ممتاز"],
        },
        "ru": {
            "neg": ["посылка пришла с опозданием и повреждённой", "заказ так и не доставили"],
            "pos": ["быстрая доставка, хорошая упаковка"],
        },
        "zh": {"neg": ["快递太慢，包裹还破损了", "订单一直没送到"], "pos": ["物流很快，包装很好"]},
        "fr": {
            "neg": ["le colis est arrivé en retard et abîmé", "ma commande n'est jamais arrivée"],
            "pos": ["livraison rapide, emballage soigné"],
        },
        "es": {
            "neg": ["el paquete llegó tarde y dañado", "mi pedido nunca llegó"],
            "pos": ["envío rápido y bien embalado"],
        },
        "de": {
            "neg": [
                "das Paket kam zu spät und beschädigt an",
                "meine Bestellung ist nie angekommen",
            ],
            "pos": ["schnelle Lieferung, gut verpackt"],
        },
    },
    "billing": {
        "en": {
            "neg": ["I was charged twice", "the invoice was wrong", "still waiting for my refund"],
            "pos": ["easy payment and a correct bill"],
        },
        "fa": {
            "neg": ["دو بار از حسابم پول کم شد", "فاکتور اشتباه بود", "هنوز پولم را برنگرداندند"],
            "pos": ["پرداخت راحت بود و صورتحساب درست بود"],
        },
        "ar": {
            "neg": ["تم خصم المبلغ مرتين", "الفاتورة فيها خطأ", "لم يتم استرداد المبلغ حتى الآن"],
            "pos": ["الدفع سهل والفاتورة صحيحة"],
        },
        "ru": {
            "neg": ["деньги списали дважды", "ошибка в счёте", "деньги так и не вернули"],
            "pos": ["оплата прошла легко, счёт правильный"],
        },
        "zh": {
            "neg": ["被重复扣款了", "发票开错了", "退款一直没到账"],
            "pos": ["付款方便，账单清楚"],
        },
        "fr": {
            "neg": [
                "j'ai été débité deux fois",
                "la facture était erronée",
                "toujours pas remboursé",
            ],
            "pos": ["paiement simple, facture claire"],
        },
        "es": {
            "neg": [
                "me cobraron dos veces",
                "la factura estaba mal",
                "todavía no me han devuelto el dinero",
            ],
            "pos": ["pago fácil y factura correcta"],
        },
        "de": {
            "neg": [
                "mir wurde doppelt abgebucht",
                "die Rechnung war falsch",
                "die Rückerstattung kam nie",
            ],
            "pos": ["Bezahlung einfach, Rechnung korrekt"],
        },
    },
    "communication": {
        "en": {
            "neg": [
                "nobody told us what was going on",
                "the information was unclear and contradictory",
                "no one ever replies to emails or calls back",
            ],
            "pos": ["they kept us informed every step of the way"],
        },
        "fa": {
            "neg": [
                "هیچ\u200cکس به ما اطلاع نداد",
                "اطلاعات مبهم و ضد و نقیض بود",
                "هیچ\u200cکس به ایمیل\u200cها جواب نمی\u200cدهد و تماس نمی\u200cگیرد",
            ],
            "pos": ["در هر مرحله ما را در جریان گذاشتند"],
        },
        "ar": {
            "neg": [
                "لم يخبرنا أحد بأي شيء",
                "المعلومات غير واضحة ومتناقضة",
                "لا أحد يرد على الرسائل أو يعاود الاتصال",
            ],
            "pos": ["أبقونا على اطلاع في كل خطوة"],
        },
        "ru": {
            "neg": [
                "нас никто не предупредил",
                "информация непонятная и противоречивая",
                "никто не отвечает на письма и не перезванивает",
            ],
            "pos": ["держали в курсе на каждом этапе"],
        },
        "zh": {
            "neg": ["没有人通知我们", "信息不清楚，说法前后矛盾", "发邮件没人回，也没人回电话"],
            "pos": ["每一步都及时通知我们"],
        },
        "fr": {
            "neg": [
                "personne ne nous a prévenus",
                "les informations étaient floues et contradictoires",
                "personne ne répond aux mails ni ne rappelle",
            ],
            "pos": ["ils nous ont tenus informés à chaque étape"],
        },
        "es": {
            "neg": [
                "nadie nos avisó de nada",
                "la información era confusa y contradictoria",
                "nadie contesta los correos ni devuelve las llamadas",
            ],
            "pos": ["nos mantuvieron informados en todo momento"],
        },
        "de": {
            "neg": [
                "niemand hat uns informiert",
                "die Informationen waren unklar und widersprüchlich",
                "niemand antwortet auf E-Mails oder ruft zurück",
            ],
            "pos": ["wir wurden jederzeit gut informiert"],
        },
    },
    "ease of use": {
        "en": {
            "neg": [
                "the website is confusing and hard to use",
                "too many steps in the app for something simple",
                "I can never find anything in the menus",
            ],
            "pos": ["the app is easy and intuitive", "easy to learn, no training needed"],
        },
        "fa": {
            "neg": [
                "سایت گیج\u200cکننده است و کار با آن سخت است",
                "اپلیکیشن خیلی پیچیده است",
                "هیچ چیزی را در منوها پیدا نمی\u200cکنم",
            ],
            "pos": ["اپ ساده و راحت است", "یادگیری\u200cاش آسان است و آموزش نمی\u200cخواهد"],
        },
        "ar": {
            "neg": [
                "الموقع معقد وصعب الاستخدام",
                "التطبيق غير عملي ومربك",
                "لا أجد أي شيء في القوائم",
            ],
            "pos": ["التطبيق سهل وبسيط", "سهل التعلم ولا يحتاج إلى تدريب"],
        },
        "ru": {
            "neg": [
                "сайт неудобный, ничего не найти",
                "приложение сложное и запутанное",
                "в меню невозможно ничего найти",
            ],
            "pos": ["удобное и понятное приложение", "легко освоить, обучение не нужно"],
        },
        "zh": {
            "neg": ["网站太乱，很难用", "APP操作太复杂", "功能藏得太深，找半天找不到"],
            "pos": ["界面简单，操作方便", "上手很容易，不用培训"],
        },
        "fr": {
            "neg": [
                "le site est compliqué et pas pratique",
                "l'application est difficile à utiliser",
                "impossible de trouver quoi que ce soit dans les menus",
            ],
            "pos": [
                "application simple et intuitive",
                "facile à prendre en main, pas besoin de formation",
            ],
        },
        "es": {
            "neg": [
                "la web es confusa y difícil de usar",
                "la aplicación es complicadísima",
                "no encuentro nada en los menús",
            ],
            "pos": [
                "la aplicación es fácil e intuitiva",
                "fácil de aprender, no hace falta formación",
            ],
        },
        "de": {
            "neg": [
                "die Webseite ist unübersichtlich und kompliziert",
                "die App ist umständlich zu bedienen",
                "man findet in den Menüs gar nichts",
            ],
            "pos": ["die App ist einfach und intuitiv", "leicht zu erlernen, keine Schulung nötig"],
        },
    },
    "reliability": {
        "en": {
            "neg": [
                "the service is down again",
                "out of stock again",
                "it stopped working after two days",
                "the app crashes all the time",
                "I keep getting error messages",
            ],
            "pos": ["always works, never had a problem", "very reliable, no outages"],
        },
        "fa": {
            "neg": [
                "سرویس دوباره قطع شد",
                "باز هم ناموجود است",
                "بعد از دو روز خراب شد",
                "اپلیکیشن مدام از کار می\u200cافتد",
                "برنامه مدام پیغام خطا می\u200cدهد",
            ],
            "pos": ["همیشه بدون مشکل کار می\u200cکند", "خیلی قابل اعتماد است و هیچ قطعی ندارد"],
        },
        "ar": {
            "neg": [
                "الخدمة متوقفة مرة أخرى",
                "المنتج غير متوفر دائما",
                "تعطل بعد يومين",
                "التطبيق يتعطل باستمرار",
                "البرنامج يعرض رسائل خطأ باستمرار",
            ],
            "pos": ["يعمل دائما بدون أي أعطال", "موثوق جدا ولا يوجد أي انقطاع"],
        },
        "ru": {
            "neg": [
                "сервис опять не работает",
                "товара снова нет в наличии",
                "сломалось через два дня",
                "приложение постоянно вылетает",
                "приложение выдаёт сообщения об ошибках",
            ],
            "pos": ["работает стабильно, без сбоев", "очень надёжно, никаких сбоев"],
        },
        "zh": {
            "neg": [
                "系统又崩了，服务中断",
                "又缺货了",
                "用了两天就坏了",
                "APP老是闪退",
                "老是报错",
            ],
            "pos": ["一直很稳定，从没出过问题", "非常可靠，从不掉线"],
        },
        "fr": {
            "neg": [
                "le service est encore en panne",
                "encore en rupture de stock",
                "ça ne marche plus au bout de deux jours",
                "l'appli plante tout le temps",
                "j'ai sans arrêt des messages d'erreur",
            ],
            "pos": ["fonctionne toujours, jamais eu de panne", "très fiable, aucune interruption"],
        },
        "es": {
            "neg": [
                "el servicio se cayó otra vez",
                "otra vez agotado",
                "dejó de funcionar a los dos días",
                "la app se cuelga constantemente",
                "me salen mensajes de error todo el tiempo",
            ],
            "pos": ["siempre funciona, nunca ha fallado", "muy fiable, sin ninguna caída"],
        },
        "de": {
            "neg": [
                "der Dienst ist schon wieder ausgefallen",
                "schon wieder nicht lieferbar",
                "nach zwei Tagen kaputt",
                "die App stürzt ständig ab",
                "ständig kommen Fehlermeldungen",
            ],
            "pos": ["läuft zuverlässig, nie Probleme", "sehr zuverlässig, keine Ausfälle"],
        },
    },
    "cleanliness and comfort": {
        "en": {
            "neg": [
                "the room was dirty and the toilets were disgusting",
                "uncomfortable seats, noisy and cramped",
            ],
            "pos": ["clean, quiet and comfortable"],
        },
        "fa": {
            "neg": [
                "اتاق کثیف بود و سرویس بهداشتی افتضاح بود",
                "صندلی\u200cها ناراحت بود و جا خیلی تنگ و شلوغ بود",
            ],
            "pos": ["تمیز، آرام و راحت"],
        },
        "ar": {
            "neg": ["الغرفة متسخة والحمامات مقرفة", "المقاعد غير مريحة والمكان مزدحم ومزعج"],
            "pos": ["المكان نظيف وهادئ ومريح"],
        },
        "ru": {
            "neg": ["в номере грязно, туалеты ужасные", "неудобные кресла, шумно и тесно"],
            "pos": ["чисто, тихо и уютно"],
        },
        "zh": {
            "neg": ["房间很脏，厕所很恶心", "座位不舒服，又吵又挤"],
            "pos": ["干净、安静、舒适"],
        },
        "fr": {
            "neg": [
                "la chambre était sale, les toilettes dégoûtantes",
                "sièges inconfortables, bruyant et à l'étroit",
            ],
            "pos": ["propre, calme et confortable"],
        },
        "es": {
            "neg": [
                "la habitación estaba sucia y los baños daban asco",
                "asientos incómodos, mucho ruido y poco espacio",
            ],
            "pos": ["limpio, tranquilo y cómodo"],
        },
        "de": {
            "neg": [
                "das Zimmer war schmutzig, die Toiletten eklig",
                "unbequeme Sitze, laut und eng",
            ],
            "pos": ["sauber, ruhig und bequem"],
        },
    },
    "problem resolution": {
        "en": {
            "neg": [
                "my complaint was ignored",
                "I called five times and the problem is still not solved",
            ],
            "pos": ["they solved my problem quickly"],
        },
        "fa": {
            "neg": ["به شکایتم رسیدگی نکردند", "پنج بار تماس گرفتم و هنوز مشکلم حل نشده"],
            "pos": ["مشکلم را سریع حل کردند"],
        },
        "ar": {
            "neg": ["تجاهلوا شكواي", "اتصلت خمس مرات ولم تحل المشكلة"],
            "pos": ["حلوا مشكلتي بسرعة"],
        },
        "ru": {
            "neg": ["мою жалобу проигнорировали", "звонил пять раз, проблему так и не решили"],
            "pos": ["быстро решили мою проблему"],
        },
        "zh": {
            "neg": ["投诉了也没人理", "打了五次电话，问题还是没解决"],
            "pos": ["很快就帮我解决了问题"],
        },
        "fr": {
            "neg": [
                "ma réclamation a été ignorée",
                "j'ai appelé cinq fois et le problème n'est toujours pas réglé",
            ],
            "pos": ["ils ont résolu mon problème rapidement"],
        },
        "es": {
            "neg": [
                "ignoraron mi reclamación",
                "llamé cinco veces y el problema sigue sin resolverse",
            ],
            "pos": ["me solucionaron el problema enseguida"],
        },
        "de": {
            "neg": [
                "meine Beschwerde wurde ignoriert",
                "fünfmal angerufen und das Problem ist immer noch nicht gelöst",
            ],
            "pos": ["mein Problem wurde schnell gelöst"],
        },
    },
    "location and access": {
        "en": {
            "neg": ["hard to find and nowhere to park", "inconvenient opening hours"],
            "pos": ["great location, easy to get to"],
        },
        "fa": {
            "neg": ["پیدا کردنش سخت است و جای پارک ندارد", "ساعت کاری\u200cاش مناسب نیست"],
            "pos": ["موقعیت عالی و دسترسی آسان"],
        },
        "ar": {
            "neg": ["صعب الوصول إليه ولا يوجد موقف سيارات", "مواعيد العمل غير مناسبة"],
            "pos": ["الموقع ممتاز وسهل الوصول"],
        },
        "ru": {
            "neg": ["трудно найти и негде припарковаться", "неудобный график работы"],
            "pos": ["удобное расположение, легко добраться"],
        },
        "zh": {"neg": ["位置太偏，不好停车", "营业时间不方便"], "pos": ["位置好，交通方便"]},
        "fr": {
            "neg": [
                "difficile à trouver et impossible de se garer",
                "horaires d'ouverture pas pratiques",
            ],
            "pos": ["très bien situé, facile d'accès"],
        },
        "es": {
            "neg": ["difícil de encontrar y sin aparcamiento", "el horario no es nada práctico"],
            "pos": ["muy bien ubicado y de fácil acceso"],
        },
        "de": {
            "neg": ["schwer zu finden und keine Parkplätze", "ungünstige Öffnungszeiten"],
            "pos": ["super Lage, gut erreichbar"],
        },
    },
}


#: Default categories: name -> seed phrases in every language of :data:`SEED_LANGUAGES`
#: (negative and positive phrasings), flattened from :data:`DEFAULT_SEEDS`.
DEFAULT_CATEGORIES: dict[str, list[str]] = {
    name: [p for lang in SEED_LANGUAGES for tone in ("neg", "pos") for p in by_lang[lang][tone]]
    for name, by_lang in DEFAULT_SEEDS.items()
}


def _yaml_with_lines(path: Path) -> tuple[object, dict[tuple, int]]:
    """Load a YAML file; also return the 1-based line of every category key and list item
    (keyed by (category,) and (category, index))."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except OSError as exc:
        raise ParameterError(f"cannot read categories file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ParameterError(f"categories file {path} is not valid YAML: {exc}") from exc
    lines: dict[tuple, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value
            lines[(name,)] = key.start_mark.line + 1
            items = value
            if isinstance(value, yaml.MappingNode):
                for k, v in value.value:
                    lines[(name, k.value)] = k.start_mark.line + 1
                    if k.value == "seeds":
                        items = v
            if isinstance(items, yaml.SequenceNode):
                for i, item in enumerate(items.value):
                    lines[(name, i)] = item.start_mark.line + 1
    return data, lines


def load_categories(spec: Mapping | str | Path) -> dict[str, list[str]]:
    """Read and check a list of categories for :func:`match_categories`.

    Parameters
    ----------
    spec : mapping, or path to a YAML file
        Category name -> list of seed phrases, or category name -> ``{"label": str, "seeds":
        [...], "examples": [...]}`` (the label, when given, is the name the results use;
        ``examples`` are real comments of the category, in any language: with them
        :func:`cxm_lab.text.codeframe.assign_themes` trains a small head instead of matching
        seeds). A YAML file holds the same shape, e.g.::

            delays:
              label: Waiting and delays
              seeds: [the flight was delayed for hours, 航班延误了]
              examples: [Two hours on the tarmac and no word from the crew]
            price: [too expensive, خیلی گران است]

    Returns
    -------
    dict
        Name (the label when given) -> seed phrases, stripped, duplicates removed, in order; a
        category with examples maps to ``{"seeds": [...], "examples": [...]}`` instead (which
        this function reads back unchanged).

    Raises
    ------
    ParameterError
        Not a mapping, no category, an empty or non-string name or label, an empty seed
        list, a seed or example that is not a non-empty string, an unknown key in the ``{"label",
        "seeds"}`` form, or two categories with the same name. The message names the category
        (and for a file, the file and line).

    Examples
    --------
    >>> load_categories({"price": ["too expensive "], "w": {"label": "waiting", "seeds": ["slow"]}})
    {'price': ['too expensive'], 'waiting': ['slow']}
    """
    lines: dict[tuple, int] = {}
    where = "categories"
    if isinstance(spec, str | Path):
        path = Path(spec)
        data, lines = _yaml_with_lines(path)
        where = f"categories file {path}"
    else:
        data = spec

    def at(*key: object) -> str:
        line = lines.get(tuple(key)) or lines.get(tuple(key[:1]))
        return f" (line {line})" if line else ""

    if not isinstance(data, Mapping) or not data:
        raise ParameterError(
            f"{where}: expected a non-empty mapping of category name -> list of seed phrases "
            f"(or -> {{label: ..., seeds: [...]}}), got {type(data).__name__}"
        )
    out: dict[str, list[str]] = {}
    for name, value in data.items():
        if not isinstance(name, str) or not name.strip():
            raise ParameterError(
                f"{where}: category name {name!r}{at(name)} must be a non-empty string"
            )
        label, seeds, examples = name, value, None
        if isinstance(value, Mapping):
            unknown = sorted(set(map(str, value)) - {"label", "seeds", "examples"})
            if unknown:
                raise ParameterError(
                    f"{where}: category {name!r}{at(name)} has unknown key(s) {unknown}; "
                    "use 'label', 'seeds' and 'examples'"
                )
            label = value.get("label", name)
            seeds = value.get("seeds")
            examples = value.get("examples")
            if not isinstance(label, str) or not label.strip():
                raise ParameterError(
                    f"{where}: category {name!r}{at(name, 'label')} label must be a non-empty string"
                )
        if isinstance(seeds, str) or not isinstance(seeds, Sequence) or len(seeds) == 0:
            raise ParameterError(
                f"{where}: category {name!r}{at(name)} needs a non-empty list of seed phrases, "
                f"got {seeds!r}"
            )
        clean: list[str] = []
        for i, phrase in enumerate(seeds):
            if not isinstance(phrase, str) or not phrase.strip():
                raise ParameterError(
                    f"{where}: category {name!r}, seed {i + 1}{at(name, i)} must be a non-empty "
                    f"string, got {phrase!r}"
                )
            clean.append(phrase.strip())
        label = label.strip()
        if label in out:
            raise ParameterError(f"{where}: two categories are named {label!r}{at(name)}")
        out[label] = list(dict.fromkeys(clean))
        if examples is not None:
            if isinstance(examples, str) or not isinstance(examples, Sequence):
                raise ParameterError(
                    f"{where}: category {name!r}{at(name, 'examples')} examples must be a list "
                    f"of comments, got {examples!r}"
                )
            shown = []
            for i, ex in enumerate(examples):
                if not isinstance(ex, str) or not ex.strip():
                    raise ParameterError(
                        f"{where}: category {name!r}, example {i + 1}{at(name, 'examples')} "
                        f"must be a non-empty string, got {ex!r}"
                    )
                shown.append(ex.strip())
            if shown:
                out[label] = {"seeds": out[label], "examples": list(dict.fromkeys(shown))}
    return out


def seed_lists(categories: Mapping) -> dict[str, list[str]]:
    """Category -> seed phrases of a :func:`load_categories` result (examples left out).

    Parameters
    ----------
    categories : mapping
        :func:`load_categories`' result.

    Returns
    -------
    dict

    Examples
    --------
    >>> seed_lists({"price": ["expensive"], "staff": {"seeds": ["rude"], "examples": ["meh"]}})
    {'price': ['expensive'], 'staff': ['rude']}
    """
    return {
        name: list(v["seeds"]) if isinstance(v, Mapping) else list(v)
        for name, v in categories.items()
    }


def _encoder(encoder=None):
    if encoder is not None:
        return encoder
    from cxm_lab.text.sentiment import default_encoder

    return default_encoder()


def _texts(texts: Sequence[str] | pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The texts as a Series, and where each is a comment (a string that
    :func:`cxm_lab.text.analysis.has_text` keeps: not blank, not a non-answer)."""
    from cxm_lab.text.analysis import has_text

    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    usable = (s.map(lambda v: isinstance(v, str)).astype(bool) & has_text(s)).to_numpy()
    return s, usable


#: Topic-free comments ("ok", "thanks", "not happy at all") in every language of
#: :data:`SEED_LANGUAGES`: :func:`match_categories` calls a comment closer to these than to
#: every category "other" instead of forcing it into a theme.
DEFAULT_GENERIC: tuple[str, ...] = (
    "ok", "thanks", "great experience overall", "not happy at all", "everything was fine",
    "no comment",
    "خوب بود", "ممنون", "در کل راضی هستم", "اصلا راضی نیستم", "نظری ندارم",
    "جيد", "شكرا", "تجربة رائعة بشكل عام", "لست راضيا أبدا", "لا تعليق",
    "нормально", "спасибо", "в целом всё отлично", "совсем не доволен", "без комментариев",
    "还行", "谢谢", "总体体验很好", "很不满意", "没意见",
    "merci", "très bonne expérience dans l'ensemble", "pas du tout satisfait", "rien à dire",
    "bien", "gracias", "muy buena experiencia en general", "nada satisfecho", "sin comentarios",
    "passt", "danke", "insgesamt eine tolle Erfahrung", "gar nicht zufrieden", "kein Kommentar",
)  # fmt: skip


def _top_k_mean(sim: np.ndarray, k: int) -> np.ndarray:
    """Mean of the ``k`` largest values of each row (all of them when fewer)."""
    k = max(1, min(k, sim.shape[1]))
    return np.sort(sim, axis=1)[:, -k:].mean(axis=1)


def match_categories(
    texts: Sequence[str] | pd.Series,
    *,
    categories: Mapping | str | Path | None = None,
    threshold: float = 0.80,
    encoder=None,
    top_k: int = 3,
    generic: Sequence[str] | None = DEFAULT_GENERIC,
    generic_margin: float = 0.01,
) -> pd.DataFrame:
    """Assign each text to the known category it is most similar to.

    A category's score for a text is the mean cosine similarity (e5 "query:" embeddings) of the
    text to the category's ``top_k`` most similar seed phrases; the text gets the category with
    the highest score, or "other" when that score is below ``threshold`` or when the text is
    more similar (by more than ``generic_margin``) to the ``generic`` topic-free phrases than
    to any category.

    Parameters
    ----------
    texts : sequence of str or Series
        Comments in any language.
    categories : mapping or path to a YAML file, optional
        Category name -> seed phrases (any language), read and checked by
        :func:`load_categories`. Default :data:`DEFAULT_CATEGORIES`.
    threshold : float
        Minimum score of the best category; below it the category is "other". e5 similarities
        are compressed (topical and topic-free comments alike score about 0.83–0.95 against the
        default list), so the ``generic`` phrases, not this threshold, are what catch comments
        without a theme.
    encoder : Encoder, optional
        Default :func:`cxm_lab.text.sentiment.default_encoder`.
    top_k : int
        Seeds averaged per category (1: the single most similar seed).
    generic : sequence of str, optional
        Topic-free phrases (default :data:`DEFAULT_GENERIC`); None or empty: never "other" for
        that reason.
    generic_margin : float
        How much closer to the generic phrases than to the best category a text must be to
        be "other". On ``benchmarks/bench_themes.py`` 0.01 sent 0.9 % of the demo's topical
        comments and 76 % of 29 topic-free comments to "other".

    Returns
    -------
    DataFrame
        Aligned with the input: ``category``, ``similarity`` (score of the best category),
        ``runner_up`` (the best category other than the one assigned; for "other", the best
        category). Empty texts get category NA.

    Raises
    ------
    ParameterError
        Invalid ``categories`` (see :func:`load_categories`).

    Examples
    --------
    With a toy encoder (one dimension per word), "late" is closest to the delivery seeds:

    >>> class Words:
    ...     vocab = ["late", "parcel", "rude", "staff"]
    ...     def encode(self, texts):
    ...         v = np.array([[w in t.split() for w in self.vocab] for t in texts], float)
    ...         return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1)
    >>> cats = {"delivery": ["late parcel"], "staff": ["rude staff"]}
    >>> match_categories(["parcel late", ""], categories=cats, threshold=0.5, encoder=Words(),
    ...                  generic=None)["category"].tolist()
    ['delivery', <NA>]
    """
    cats = DEFAULT_CATEGORIES if categories is None else seed_lists(load_categories(categories))
    enc = _encoder(encoder)
    s, usable = _texts(texts)
    cat_names = np.array(list(cats), dtype=object)
    seeds = {name: enc.encode(list(phrases)) for name, phrases in cats.items()}
    out = pd.DataFrame(
        {
            "category": pd.array([pd.NA] * len(s), dtype="string"),
            "similarity": np.nan,
            "runner_up": pd.array([pd.NA] * len(s), dtype="string"),
        },
        index=s.index,
    )
    if usable.any():
        emb = enc.encode([str(v) for v in s[usable]])
        per_cat = np.column_stack([_top_k_mean(emb @ seeds[n].T, top_k) for n in cats])
        order = np.argsort(-per_cat, axis=1)
        rows = np.arange(len(per_cat))
        best = per_cat[rows, order[:, 0]]
        other = best < threshold
        if generic:
            g = _top_k_mean(emb @ enc.encode(list(generic)).T, top_k)
            other |= g > best + generic_margin
        label = np.where(other, "other", cat_names[order[:, 0]])
        if len(cat_names) > 1:
            runner = np.where(other, cat_names[order[:, 0]], cat_names[order[:, 1]])
        else:
            runner = np.where(other, cat_names[0], None)
        out.loc[usable, "category"] = label
        out.loc[usable, "similarity"] = best
        out.loc[usable, "runner_up"] = pd.array(runner, dtype="string")
    return out


#: Clause similarity (mean of the 3 nearest seeds, :func:`match_categories`) from which a
#: default theme "matches well". Measured with the default list on clauses
#: (:func:`cxm_lab.text.aspects.split_clauses`): a comment with at least one clause at 0.85 or
#: more is 99.2 % of 1,500 demo comments, 94.7 % of 300 Skytrax lounge reviews and 93.7 % of
#: 300 Digikala food reviews (real CX text), but 70 % of 1,298 answers to "What do you like
#: least about using R?", 41 % of 257 Qualtrics housing-survey comments.
FIT_SIMILARITY: float = 0.85

#: Share of comments (0–100) matching a default theme well (:data:`FIT_SIMILARITY`) below which
#: the default list is said to fit the survey badly: between the CX texts above (93.7–99.2 %)
#: and the off-topic surveys (41–78 %: R in English and Spanish, Qualtrics, Typeform).
FIT_SHARE: float = 85.0

#: Where the default list fits badly, a comment keeps a default theme only with a clause at
#: least this close: 0.88 is the median clause similarity of the demo's comments (0.881), so
#: only a match as close as a typical on-topic one is kept.
STRONG_SIMILARITY: float = 0.88


@dataclass(frozen=True)
class ThemeFit:
    """How well a theme list fits a survey's comments.

    Attributes
    ----------
    n_comments : int
        Comments considered.
    n_matched : int
        Comments with a theme match at least ``min_similarity``.
    share : float
        ``n_matched`` as a percentage of ``n_comments`` (0–100; NaN without comments).
    min_similarity : float
        The similarity that counts as a good match.
    fits : bool
        Whether ``share`` is at least the required share (True without comments: nothing says
        otherwise).
    """

    n_comments: int
    n_matched: int
    share: float
    min_similarity: float
    fits: bool


def theme_fit(
    similarity: Sequence[float] | pd.Series,
    *,
    min_similarity: float = FIT_SIMILARITY,
    min_share: float = FIT_SHARE,
) -> ThemeFit:
    """Share of comments that match a theme well, and whether the theme list fits the survey.

    Parameters
    ----------
    similarity : sequence of float or Series
        One value per comment: its best theme similarity (e.g. the highest ``similarity`` of
        its rows in :func:`cxm_lab.text.aspects.theme_mentions`); NaN for a comment with no
        theme at all (it counts, as not matched).
    min_similarity : float
        Similarity from which a match is good (default :data:`FIT_SIMILARITY`).
    min_share : float
        Percentage (0–100) of well-matched comments below which the list fits badly (default
        :data:`FIT_SHARE`).

    Returns
    -------
    ThemeFit

    Examples
    --------
    >>> f = theme_fit([0.9, 0.84, float("nan"), 0.86])   # 2 of 4 at 0.85 or more
    >>> f.n_matched, f.share, f.fits
    (2, 50.0, False)
    """
    x = np.asarray(pd.to_numeric(pd.Series(list(similarity), dtype=object)), dtype=float)
    n = len(x)
    k = int(np.sum(np.nan_to_num(x, nan=-np.inf) >= min_similarity))
    share = 100.0 * k / n if n else float("nan")
    return ThemeFit(
        n_comments=n,
        n_matched=k,
        share=share,
        min_similarity=float(min_similarity),
        fits=bool(n == 0 or share >= min_share),
    )


@fill
def find_themes(
    texts: Sequence[str] | pd.Series,
    *,
    k: int | None = None,
    k_range: Sequence[int] = range(4, 11),
    n_terms: int = 6,
    n_examples: int = 3,
    seed: int = 0,
    encoder=None,
    language: Sequence | pd.Series | None = None,
    min_language_docs: int = 10,
    mask_pii: bool = True,
    clean: bool = True,
    n_runs: int = 4,
    min_stability: float = 0.9,
    boilerplate_share: float = 0.01,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Discover themes by clustering comment embeddings (k-means; k by silhouette and stability).

    Steps:

    1. **Clean** (``clean``): :func:`cxm_lab.text.clean.clean_text` removes @-mentions, URLs,
       e-mail addresses, signatures and sentences repeated across many comments (templated
       boilerplate), so themes group what comments say, not whom they tag or how they are
       signed; near-duplicates (:func:`cxm_lab.text.clean.dedupe_key`) are clustered once,
       weighted by their count.
    2. **Centre per language** (``language`` given): multilingual embeddings place comments of
       one language near each other whatever they say, so each language's mean embedding is
       subtracted (languages with fewer than ``min_language_docs`` comments use the overall
       mean). On the demo's 2026Q3 comments this took the clusters' agreement with the language
       (adjusted Rand index) from 0.32 to 0.00.
    3. **Cluster without a random start**: k-means started from the centroids of Ward's
       agglomerative clustering, so the same comments give the same themes whatever the seed.
       **Choose k honestly** (``k`` not given): for each k of ``k_range``, *silhouette*
       (cosine; on all distinct comments up to 3,000, else a sample) and *stability* = mean
       adjusted Rand index between the clustering of all comments and that of ``n_runs − 1``
       random 80 % subsamples (on the comments they share). The chosen k has the best
       silhouette among the k whose stability is at least ``min_stability``; when none is that
       stable, the best silhouette of all (so the choice does not hang on the random
       subsamples), and the ``stability`` column says how stable it is.
    4. **Label** in readable words: ``label`` is the theme's key phrase (the one- to
       three-word phrase, or two- to four-character phrase in Chinese/Japanese, with the
       highest class-based TF-IDF that neither starts nor ends with a stop word of any language
       present, from :func:`cxm_lab.text.clean.stop_words`), ``terms`` its top words without
       stop words, ``example`` the most central short comment and, with ``language``,
       ``labels`` the most central short comment in each language that holds at least 10 % of
       the theme.

    With ``mask_pii`` (default) the texts go through :func:`cxm_lab.privacy.mask_pii` (e-mail
    addresses, phone, card, IBAN and identity numbers become ``[email]``, ``[phone]``, ...)
    before anything is computed, so neither the labels nor the examples can carry them; the
    placeholders themselves are not label terms.

    Parameters
    ----------
    texts : sequence of str or Series
        Comments in any language.
    k : int, optional
        Number of themes; default: chosen from ``k_range`` (step 3).
    k_range : sequence of int
        Numbers of themes tried when ``k`` is not given.
    n_terms : int
        Words in each theme's ``terms``.
    n_examples : int
        Most central comments kept per theme.
    {{seed}}
        Here: of the subsamples and the silhouette sample (the clustering itself has no
        random start).
    encoder : Encoder, optional
        Default :func:`cxm_lab.text.sentiment.default_encoder`.
    language : sequence or Series, optional
        One language code per text (centres each language's embeddings; labels per language).
    min_language_docs : int
        Languages with fewer comments are centred on the overall mean.
    mask_pii : bool
        Mask e-mail addresses, phone numbers... before anything is computed.
    clean : bool
        Clean the texts and cluster near-duplicates once (step 1).
    n_runs : int
        One plus the number of subsamples per k for the stability (1: no stability check).
    min_stability : float
        Lowest stability (mean adjusted Rand index) for a k to be chosen on silhouette.
    boilerplate_share : float
        With ``clean``: a sentence found verbatim in at least this fraction (0–1) of the
        comments (and in 5 or more) is removed from the comments that say something else
        (greetings, sign-offs, a survey tool's footer).

    Returns
    -------
    assignments : DataFrame
        Aligned with the input: ``theme`` (int, NA for empty texts) and ``distance`` to the
        theme centroid.
    themes : DataFrame
        One row per theme, largest first: ``theme``, ``size``, ``label`` (key phrase),
        ``terms``, ``example``, ``examples`` (the most central comments), ``silhouette`` and
        ``stability`` of the chosen k, and with ``language`` given, ``languages`` (the theme's
        three largest languages and their shares) and ``labels``.

    Raises
    ------
    ValueError
        When ``language`` is not the same length as ``texts``.
    ParameterError
        Too few different comments to cluster.

    Examples
    --------
    >>> class Words:
    ...     vocab = ["late", "parcel", "rude", "staff"]
    ...     def encode(self, texts):
    ...         v = np.array([[w in t.split() for w in self.vocab] for t in texts], float)
    ...         return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1)
    >>> texts = ["late parcel", "parcel late", "late", "rude staff", "staff rude", "rude"] * 2
    >>> assign, themes = find_themes(texts, k=2, encoder=Words())
    >>> sorted(themes["size"].tolist()), sorted(themes["label"])
    ([6, 6], ['late', 'rude'])
    """
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    from cxm_lab.text.clean import clean_text, dedupe_key, stop_words

    enc = _encoder(encoder)
    s, usable = _texts(texts)
    docs = [str(v) for v in s[usable]]
    if mask_pii:
        docs = [_mask_pii(d) for d in docs]
    if clean:
        cleaned = clean_text(docs, min_share=boilerplate_share).tolist()
        docs = [c if c else d for c, d in zip(cleaned, docs, strict=True)]
    langs = None
    if language is not None:
        lang_all = np.asarray(pd.Series(list(language), dtype=object).fillna("?"), dtype=object)
        if len(lang_all) != len(s):
            raise ValueError(
                f"find_themes: language has {len(lang_all)} values for {len(s)} texts; "
                "pass one language code per text"
            )
        langs = lang_all[usable]
    # near-duplicates (same key, same language) are clustered once, weighted by their count
    keys = dedupe_key(docs) if clean else docs
    group_keys = (
        [f"{lg}\x00{kk}" for lg, kk in zip(langs, keys, strict=True)] if langs is not None else keys
    )
    uniq, first, inverse, counts = np.unique(
        np.array(group_keys, dtype=object),
        return_index=True,
        return_inverse=True,
        return_counts=True,
    )
    emb_all = np.asarray(enc.encode(docs), dtype=float)
    if langs is not None:
        emb_all = _centre_by_language(emb_all, langs, min_language_docs)
    emb = emb_all[first]
    weight = counts.astype(float)
    n_distinct = len(np.unique(np.round(emb, 5), axis=0))
    ks = [k] if k else [x for x in k_range if 2 <= x < n_distinct]
    if not ks or n_distinct < 3:
        raise ParameterError(
            f"find_themes: {n_distinct} different comments are too few to cluster into "
            f"{k or min(k_range)} themes; pass a smaller k_range or more comments."
        )
    rng = np.random.default_rng(seed)
    rng_idx = (
        np.arange(len(emb))
        if len(emb) <= 3000
        else np.sort(rng.choice(len(emb), 3000, replace=False))
    )
    tried = []
    for kk in ks:
        km = _cluster(emb, weight, kk)
        lab = km.labels_
        sil = (
            float(silhouette_score(emb[rng_idx], lab[rng_idx], metric="cosine"))
            if len(np.unique(lab[rng_idx])) > 1
            else float("nan")
        )
        aris = []
        for _ in range(max(0, n_runs - 1) if not k else 0):
            sub = np.sort(rng.choice(len(emb), max(kk + 1, int(0.8 * len(emb))), replace=False))
            aris.append(adjusted_rand_score(lab[sub], _cluster(emb[sub], weight[sub], kk).labels_))
        tried.append((kk, sil, float(np.mean(aris)) if aris else float("nan"), km))
    pool = [t for t in tried if not (t[2] < min_stability)] or tried
    _, score, stability, km = max(pool, key=lambda t: (np.nan_to_num(t[1], nan=-1.0), -t[0]))
    labels = km.labels_[inverse]
    dist = np.linalg.norm(emb_all - km.cluster_centers_[labels], axis=1)
    assign = pd.DataFrame(
        {"theme": pd.array([pd.NA] * len(s), dtype="Int64"), "distance": np.nan}, index=s.index
    )
    assign.loc[usable, "theme"] = labels
    assign.loc[usable, "distance"] = dist
    present = sorted(set(langs)) if langs is not None else [None]
    stops = frozenset(STOP_WORDS).union(*(stop_words(lg) for lg in present))
    terms = _ctfidf_terms(docs, labels, n_terms, stops=stops)
    phrases = _ctfidf_terms(docs, labels, n_terms, stops=stops, ngrams=True)
    sizes = np.bincount(labels, minlength=km.n_clusters)
    order = sorted(np.flatnonzero(sizes), key=lambda t: (-sizes[t], t))  # largest theme first
    names = _distinct_labels(order, phrases, terms)
    rows = []
    for t in range(km.n_clusters):
        idx = np.flatnonzero(labels == t)
        if not len(idx):
            continue  # k-means can leave a cluster empty on repeated texts
        by_dist = idx[np.argsort(dist[idx], kind="stable")]
        central = list(dict.fromkeys(docs[i] for i in by_dist))[:n_examples]
        row = {
            "theme": t,
            "size": len(idx),
            "label": names[t],
            "terms": ", ".join(terms.get(t, [])),
            "example": _short_central(docs, by_dist),
            "examples": central,
            "silhouette": score,
            "stability": stability,
        }
        if langs is not None:
            mix = pd.Series(langs[idx]).value_counts(normalize=True)
            row["languages"] = ", ".join(f"{a} {v:.0%}" for a, v in mix.head(3).items())
            row["labels"] = "; ".join(
                f"{a}: {_short_central(docs, by_dist[langs[by_dist] == a])}"
                for a, v in mix.items()
                if v >= 0.10
            )
        rows.append(row)
    themes = pd.DataFrame(rows)
    return assign, themes.sort_values("size", ascending=False, kind="stable").reset_index(drop=True)


def _distinct_labels(
    order: Sequence[int], phrases: Mapping[int, list[str]], terms: Mapping[int, list[str]]
) -> dict[int, str]:
    """One label per theme, no two alike: in ``order`` (largest theme first), each theme takes
    its best key phrase, then its best top word, that no earlier theme has taken; a theme whose
    candidates are all taken gets its first candidate with a number ("comments (2)")."""
    used: set[str] = set()
    out: dict[int, str] = {}
    for t in order:
        candidates = [*phrases.get(t, []), *terms.get(t, [])]
        name = next((c for c in candidates if c.casefold() not in used), None)
        if name is None:
            base = candidates[0] if candidates else "theme"
            n = 2
            while f"{base} ({n})".casefold() in used:
                n += 1
            name = f"{base} ({n})"
        used.add(name.casefold())
        out[int(t)] = name
    return out


def _cluster(emb: np.ndarray, weight: np.ndarray, k: int):
    """k-means started from the centroids of Ward's agglomerative clustering: deterministic
    (no random start), so the themes do not change with the seed. Ward runs on at most 2,000
    evenly spaced points."""
    from sklearn.cluster import AgglomerativeClustering, KMeans

    step = max(1, int(np.ceil(len(emb) / 2000)))
    sample = emb[::step]
    ward = AgglomerativeClustering(n_clusters=k, linkage="ward").fit(sample).labels_
    centres = np.stack([sample[ward == j].mean(axis=0) for j in range(k)])
    return KMeans(n_clusters=k, init=centres, n_init=1).fit(emb, sample_weight=weight)


def _short_central(docs: list[str], by_dist: np.ndarray, max_chars: int = 120) -> str:
    """The most central comment of at most ``max_chars`` characters among the 20 most central
    (the most central one, shortened, when all are long)."""
    for i in by_dist[:20]:
        if len(docs[i]) <= max_chars:
            return docs[i]
    text = docs[by_dist[0]] if len(by_dist) else ""
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def _centre_by_language(emb: np.ndarray, langs: np.ndarray, min_docs: int) -> np.ndarray:
    """Subtract each language's mean embedding (the overall mean for rare languages), then
    L2-normalise again."""
    out = emb - emb.mean(axis=0)
    for lang in pd.unique(langs):
        m = langs == lang
        if m.sum() >= min_docs:
            out[m] = emb[m] - emb[m].mean(axis=0)
    norm = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norm > 0, norm, 1.0)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
_WORD = re.compile(r"[^\W\d_]{2,}")
#: Function words left out of theme labels (c-TF-IDF already discounts what every theme says).
STOP_WORDS = frozenset(
    "the a an and or but is are was were be been it its this that to of in on for with at by from as we our you "
    "your they them i me my not no so very too again also just all any can could would will has have had do does "
    "did than then there here what which who when how about into out up down more most other some such only own "
    "same still us".split()
    + "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от "
    "меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж "
    "вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтобы без "
    "будто чего раз тоже себе под будет ж тогда кто этот очень нас".split()
    + "و در به از که این را با است برای آن یک خود تا بر هم نیز شد می ما من هر اما یا شده بود کرد های دارد "
    "ولی".split()
    + "في من على إلى عن مع هذا هذه ذلك التي الذي أن إن كان لا ما لم لن قد و أو ثم كل هو هي نحن أنا".split()
)


#: Placeholders :func:`cxm_lab.privacy.mask_pii` leaves in masked text (not label terms).
_PLACEHOLDER = re.compile(r"\[(?:email|phone|iban|card|id|number)\]")


#: Chinese/Japanese function characters: a character n-gram that starts or ends with one is cut
#: across words ("们的", "经理很") and is not a label term.
_CJK_EDGE = frozenset("的了很也们是在和就都而及与着或吗呢吧啊把被让给这那个之其为有")


def _cjk_ok(gram: str, stops: frozenset[str]) -> bool:
    return (
        gram[0] not in _CJK_EDGE
        and gram[-1] not in _CJK_EDGE
        and gram not in stops
        and gram[:2] not in stops
        and gram[-2:] not in stops
    )


def _terms(doc: str, stops: frozenset[str] = STOP_WORDS, ngrams: bool = False) -> list[str]:
    """Words for space-separated scripts; character bigrams for Chinese/Japanese/Korean runs
    (the ``[email]``, ``[phone]``, ... placeholders of masked text are left out). With
    ``ngrams``: phrases of one to three words (two to four characters in CJK runs) that neither
    start nor end with a stop word, each counted once per text."""
    doc = _PLACEHOLDER.sub(" ", doc).lower()
    if not ngrams:
        out = [w for w in _WORD.findall(_CJK.sub(" ", doc)) if w not in stops]
        for run in _CJK.findall(doc):
            out.extend(
                b
                for b in (run[i : i + 2] for i in range(max(len(run) - 1, 1)))
                if _cjk_ok(b, stops)
            )
        return out
    found: set[str] = set()
    for chunk in re.split(r"[^\w\s'\u200c-]+", _CJK.sub(" | ", doc)):
        words = _WORD.findall(chunk)
        for n in (1, 2, 3):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                if gram[0] not in stops and gram[-1] not in stops:
                    found.add(" ".join(gram))
    for run in _CJK.findall(doc):
        for n in (2, 3, 4):
            for i in range(len(run) - n + 1):
                g = run[i : i + n]
                if _cjk_ok(g, stops):
                    found.add(g)
    return sorted(found)


def _ctfidf_terms(
    docs: list[str],
    labels: np.ndarray,
    n_terms: int,
    *,
    stops: frozenset[str] = STOP_WORDS,
    ngrams: bool = False,
) -> dict[int, list[str]]:
    """Class-based TF-IDF (Grootendorst 2022): tf of a term in a theme × log(1 + average
    terms per theme / frequency of the term over all themes). With ``ngrams`` a phrase scores
    by the texts it occurs in, and longer phrases gain (× n words, or n/2 CJK characters)."""
    from collections import Counter

    per: dict[int, Counter] = {}
    for d, lab in zip(docs, labels, strict=True):
        per.setdefault(int(lab), Counter()).update(_terms(d, stops, ngrams))
    total = Counter()
    for c in per.values():
        total.update(c)
    avg = sum(total.values()) / max(len(per), 1)
    out = {}
    for lab, c in per.items():
        n = sum(c.values()) or 1
        scores = {}
        for t, v in c.items():
            if v < 2:
                continue
            base = (v / n) * np.log(1 + avg / total[t])
            if ngrams:
                size = t.count(" ") + 1 if not _CJK.fullmatch(t) else len(t) / 2
                base *= 1 + 0.5 * (size - 1)
            scores[t] = base
        out[lab] = [t for t, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:n_terms]]
    return out


@fill
def theme_summary(
    df: pd.DataFrame,
    *,
    theme_col: str = "category",
    by: str | Sequence[str] = "nps_category",
    sentiment_col: str | None = "label",
    score: str = "ltr",
) -> pd.DataFrame:
    """Frequency and sentiment of each theme by group (default: NPS category).

    ``by=[]`` gives one overall table. Rows whose group value is missing (e.g. no score, so no
    NPS category) are not in any group.

    Parameters
    ----------
    {{df}}
        Here: one row per comment.
    {{theme_col}}
    by : str or list of str
        Group columns; ``"nps_category"`` is computed from ``score`` when it is not a column.
        ``[]``: one overall table.
    sentiment_col : str or None
        Column of sentiment labels (``"negative"``, ``"positive"``...); None: no sentiment.
    {{score}}

    Returns
    -------
    DataFrame
        ``by``, ``theme``, ``comments``, ``share`` (% of the group's comments with a theme,
        0–100), and ``pct_negative`` / ``pct_positive`` when ``sentiment_col`` is given.

    Examples
    --------
    >>> d = pd.DataFrame({"category": ["price", "price", "staff", "staff", None],
    ...                   "label": ["negative", "positive", "negative", "negative", "neutral"]})
    >>> theme_summary(d, by=[])[["theme", "comments", "share", "pct_negative"]].values.tolist()
    [['price', 2, 50.0, 50.0], ['staff', 2, 50.0, 100.0]]
    """
    by = [by] if isinstance(by, str) else list(by)
    d = df[df[theme_col].notna()].copy()
    if "nps_category" in by and "nps_category" not in d:
        d["nps_category"] = nps_category(d[score])
    if by:
        d = d.dropna(subset=by)
    keys = [*by, theme_col]
    d["_neg"] = (d[sentiment_col] == "negative").astype(float) if sentiment_col else 0.0
    d["_pos"] = (d[sentiment_col] == "positive").astype(float) if sentiment_col else 0.0
    g = d.groupby(keys, observed=True, sort=True)
    out = g.size().rename("comments").reset_index()
    total = (
        out.groupby(by, observed=True)["comments"].transform("sum") if by else out["comments"].sum()
    )
    out["share"] = 100 * out["comments"] / total
    if sentiment_col:
        out["pct_negative"] = 100 * g["_neg"].mean().to_numpy()
        out["pct_positive"] = 100 * g["_pos"].mean().to_numpy()
    return out.rename(columns={theme_col: "theme"})


@fill
def theme_impact(
    df: pd.DataFrame,
    *,
    theme_col: str = "category",
    score: str = "ltr",
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
    exclude: Sequence[str] = ("other",),
) -> pd.DataFrame:
    """NPS impact of each theme: NPS(all) − NPS(all responses without the theme).

    A negative impact means the theme drags NPS down. ``df`` holds all responses (with or
    without a comment); rows whose ``theme_col`` is missing count as "without the theme".
    Responses without a score are left out of every NPS (a missing score is missing, not a
    passive); categories are :func:`cxm_lab.stats.nps_codes`'. The interval is a percentile
    bootstrap over the scored responses (:func:`cxm_lab.stats.bootstrap_indices`,
    :func:`cxm_lab.stats.percentile_interval`).

    Parameters
    ----------
    {{df}}
    {{theme_col}}
    {{score}}
    {{n_boot}}
    {{ci}}
    {{seed}}
    exclude : sequence of str
        Themes not reported (default: "other").

    Returns
    -------
    DataFrame
        One row per theme, most negative impact first: ``theme``, ``mentions`` (responses with
        the theme, scored or not), ``nps_with`` (NPS of the scored responses with the theme),
        ``impact``, ``ci_low``, ``ci_high`` (NPS points).

    Raises
    ------
    ParameterError
        ``score`` or ``theme_col`` is not a column, a score is not a number from 0 to 10, or
        ``ci`` is outside (0, 1).

    Examples
    --------
    >>> d = pd.DataFrame({"ltr": [10, 10, 0, None, 8, 3], "t": ["a"] * 5 + [None]})
    >>> float(theme_impact(d, theme_col="t", n_boot=10)["nps_with"].iloc[0])   # (2 - 1) / 4
    25.0
    """
    func = "theme_impact"
    check_columns(df, [score], func, "score column")
    check_columns(df, [theme_col], func, "theme_col column")
    check_level(ci, func)
    y_all = _nps_codes(df, score, func)
    scored = ~np.isnan(y_all)
    theme_values = df[theme_col]
    themes = [t for t in theme_values.dropna().unique() if t not in set(exclude)]
    boot = _Boot(y_all[scored], n_boot, seed)
    rows = []
    for t in themes:
        has_all = (theme_values == t).fillna(False).to_numpy(bool)
        with_t, impact, lo, hi = boot.impact(has_all[scored], ci)
        rows.append(
            {
                "theme": t,
                "mentions": int(has_all.sum()),
                "nps_with": with_t,
                "impact": impact,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    columns = ["theme", "mentions", "nps_with", "impact", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns).sort_values("impact").reset_index(drop=True)


def _nps_codes(df: pd.DataFrame, score: str, func: str) -> np.ndarray:
    """NPS codes (+1 / 0 / −1, NaN for no score) of ``df[score]``; a value that is not a score
    from 0 to 10 fails with its row."""
    raw = df[score]
    x = pd.to_numeric(raw, errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    bad = (np.isnan(x) & raw.notna().to_numpy()) | (x < 0) | (x > 10)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        fail(
            func,
            f"column {score!r}",
            f"has {int(bad.sum())} value(s) that are not scores from 0 to 10, first at row "
            f"label {row_label(df.index[i])} (value {raw.iloc[i]!r})",
            "fix or drop them (cxm_lab.io.read_table rejects such rows with their reason)",
        )
    return stats.nps_codes(x)


class _Boot:
    """Bootstrap of NPS(all) − NPS(without a group of responses), shared by the themes."""

    def __init__(self, y: np.ndarray, n_boot: int, seed: int):
        self.y = y
        self.n = len(y)
        self.idx = stats.bootstrap_indices(self.n, n_boot, rng=np.random.default_rng(seed))
        self.yb = y[self.idx]
        self.all = self.yb.mean(axis=1) if self.n else np.full(n_boot, np.nan)

    def impact(self, has: np.ndarray, ci: float) -> tuple[float, float, float, float]:
        """(NPS of the group, impact, ci_low, ci_high) in NPS points."""
        y = self.y
        with np.errstate(invalid="ignore", divide="ignore"):
            with_t = y[has].mean() if has.any() else np.nan
            without_t = y[~has].mean() if (~has).any() else np.nan
            impact = 100 * (y.mean() - without_t) if self.n else np.nan
            hb = has[self.idx]
            kept = (~hb).sum(axis=1)
            without = np.where(~hb, self.yb, 0).sum(axis=1) / np.where(kept > 0, kept, np.nan)
            boots = 100 * (self.all - without)
        lo, hi = stats.percentile_interval(boots, ci=ci)
        return 100 * with_t, impact, float(lo), float(hi)


@fill
def theme_tone_impact(
    responses: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    score: str = "ltr",
    id_col: str = "response_id",
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
    exclude: Sequence[str] = ("other",),
) -> pd.DataFrame:
    """NPS impact of each theme, praise and complaint apart.

    The same theme can be praised by promoters and complained about by detractors (support,
    say): one impact figure for "mentions support" mixes the two and can look positive while
    support is the detractors' first complaint. Here, per theme, the responses that *complain*
    about it (sentiment toward the theme negative, :func:`cxm_lab.text.aspects.theme_mentions`)
    and those that *praise* it (positive) are two groups, each with its NPS and its impact =
    NPS(all) − NPS(all responses outside the group), the same definition as
    :func:`theme_impact`, with a percentile bootstrap interval over the scored responses
    (:func:`cxm_lab.stats.bootstrap_indices`, :func:`cxm_lab.stats.percentile_interval`). A
    complaint impact is normally negative (the complainers pull NPS down), a praise impact
    positive. Responses without a score are left out of every NPS.

    Parameters
    ----------
    responses : DataFrame
        All responses of the period (with or without a comment).
    mentions : DataFrame
        :func:`cxm_lab.text.aspects.theme_mentions`' table (``response_id``, ``theme``,
        ``label``); ids that are not in ``responses`` are ignored.
    {{score}}
    id_col : str
        The id column of ``responses`` that ``mentions["response_id"]`` refers to (the index
        labels when it is not a column).
    {{n_boot}}
    {{ci}}
    {{seed}}
    exclude : sequence of str
        Themes not reported (default: "other").

    Returns
    -------
    DataFrame
        One row per theme, most harmful complaint first: ``theme``, ``mentions`` (responses
        mentioning it), ``n_praise``, ``n_complaint``, ``nps_praise``, ``nps_complaint`` (NPS of
        the scored responses praising / complaining), ``impact_complaint`` with
        ``complaint_ci_low`` / ``complaint_ci_high``, ``impact_praise`` with ``praise_ci_low`` /
        ``praise_ci_high`` (NPS points).

    Raises
    ------
    ParameterError
        ``score`` is not a column or holds a value that is not a score from 0 to 10, a column
        of ``mentions`` is missing, or ``ci`` is outside (0, 1).

    Examples
    --------
    Four scored responses (NPS = (2 − 1)/4 = 25); response 1 praises support, 3 complains:

    >>> r = pd.DataFrame({"response_id": [1, 2, 3, 4], "ltr": [10, 9, 2, 7]})
    >>> m = pd.DataFrame({"response_id": [1, 3], "theme": ["support", "support"],
    ...                   "label": ["positive", "negative"]})
    >>> t = theme_tone_impact(r, m, n_boot=50).iloc[0]
    >>> round(float(t["impact_complaint"]), 2), round(float(t["impact_praise"]), 2)   # 25 − 2/3·100, 25 − 0
    (-41.67, 25.0)
    """
    func = "theme_tone_impact"
    check_columns(responses, [score], func, "score column")
    check_columns(mentions, ["response_id", "theme", "label"], func, "mentions")
    check_level(ci, func)
    y_all = _nps_codes(responses, score, func)
    ids = responses[id_col] if id_col in responses else pd.Series(responses.index)
    ids = ids.to_numpy()
    scored = ~np.isnan(y_all)
    boot = _Boot(y_all[scored], n_boot, seed)
    m = mentions[~mentions["theme"].isin(list(exclude))]
    rows = []
    for t, g in m.groupby("theme", sort=False):
        any_t = np.isin(ids, g["response_id"].to_numpy())
        neg = np.isin(ids, g.loc[g["label"] == "negative", "response_id"].to_numpy())
        pos = np.isin(ids, g.loc[g["label"] == "positive", "response_id"].to_numpy())
        nps_c, imp_c, lo_c, hi_c = boot.impact(neg[scored], ci)
        nps_p, imp_p, lo_p, hi_p = boot.impact(pos[scored], ci)
        rows.append(
            {
                "theme": t,
                "mentions": int(any_t.sum()),
                "n_praise": int(pos.sum()),
                "n_complaint": int(neg.sum()),
                "nps_praise": nps_p,
                "nps_complaint": nps_c,
                "impact_complaint": imp_c if neg[scored].any() else 0.0,
                "complaint_ci_low": lo_c if neg[scored].any() else 0.0,
                "complaint_ci_high": hi_c if neg[scored].any() else 0.0,
                "impact_praise": imp_p if pos[scored].any() else 0.0,
                "praise_ci_low": lo_p if pos[scored].any() else 0.0,
                "praise_ci_high": hi_p if pos[scored].any() else 0.0,
            }
        )
    columns = [
        "theme", "mentions", "n_praise", "n_complaint", "nps_praise", "nps_complaint",
        "impact_complaint", "complaint_ci_low", "complaint_ci_high",
        "impact_praise", "praise_ci_low", "praise_ci_high",
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["impact_complaint", "theme"], kind="stable").reset_index(drop=True)
