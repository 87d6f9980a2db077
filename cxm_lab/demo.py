"""The embedded demo company: a SYNTHETIC B2B software vendor, generated from a seed.

Nothing here is real customer data: every account, contact, name, e-mail address, phone number,
score and comment is invented by a seeded :class:`numpy.random.Generator`. The generator makes
the numbers behave like real B2B data so that every part of the report has something true to
find, and the truths it plants are documented here so that tests can check they are recovered.

What is planted
---------------
- **Book of business.** About 600 accounts in three segments with very different lognormal
  annual contract values (Enterprise ~ $200k–2M, Mid-Market ~ $30k–200k, SMB ~ $3k–30k; see
  :data:`SEGMENTS`), five regions (few Enterprise accounts in the Middle East: a small group on
  purpose), ~ 2,500 contacts (executive / technical / user) whose language follows the region
  (:data:`REGION_LANGUAGES`; overall about en 45 %, ru 15 %, fa 15 %, ar 15 %, zh 10 %). About
  one account in ten is a new logo that starts during the period, plus the referred accounts.
- **Latent health.** Each account has a latent health ``h ~ N(segment shift, 1)`` (SMB lowest,
  Enterprise highest); a contact's health adds a role shift and personal noise, and each response
  a quarter effect (:data:`QUARTER_SHIFT`) and transient noise. The six driver ratings (``ease``,
  ``speed``, ``support``, ``price``, ``reliability``, ``product``, 0–10) load on that health
  (so they correlate with it and with each other) plus driver-specific noise; about 4–9 % of
  each are missing.
- **Likelihood to recommend.** ``ltr = round(clip(a + b * sum_d w_d * z_d + touchpoint shift +
  noise, 0, 10))`` where ``z_d`` is the standardised driver rating and ``w_d`` the true weights
  :data:`TRUE_DRIVER_WEIGHTS` (reliability and support strongest, price weakest), so a
  key-driver analysis recovers that order. CSAT (1–5) follows LTR; CES (1–7, asked in
  transactional and in-the-moment surveys only) follows ease.
- **Where NPS differs.** Billing and support touchpoints score lower than QBRs
  (:data:`TOUCHPOINT_SHIFT`); a 2025Q2 outage knocks reliability (and NPS) down for one quarter,
  then scores recover; 2026Q3 moves a little against 2026Q2 (within sampling noise).
- **Surveys.** Each quarter a relationship survey (touchpoint ``qbr``) goes to live contacts,
  transactional surveys follow onboarding, billing, support, renewal and product events, and
  in-the-moment surveys follow support calls. Channels have their own response rates
  (:data:`CHANNELS`; phone highest, in-app rare and low), executives and SMB contacts answer less
  often; the ``invitations`` table counts every invitation, so invited >= responses in each
  (quarter, channel, touchpoint, survey_type) cell. ``weight`` rakes each quarter's respondents
  to the live contact base on role and segment (:func:`cxm_lab.weighting.rake`), mean 1.
- **Money.** Monthly revenue is ARR / 12, growing for healthy (promoter-heavy) accounts and
  shrinking for unhealthy (detractor-heavy) ones. The quarterly churn hazard falls steeply with
  health, so accounts whose contacts are detractors churn about three times as often as promoter
  accounts; churned accounts have ``churn_date`` and ``churn_reason`` and neither pay nor answer
  surveys from the churn date on. Healthy accounts refer new ones: a referred account appears in
  ``accounts`` with ``referred_by`` set and its ``first_year_revenue`` in ``referrals`` is the
  sum of its own ``revenue`` rows over its first twelve months (months after the end of the data,
  2026-09, are not counted, so referrals from the last year carry a partial year).
- **Other tables.** ``employees``: ~ 300 employees answering a quarterly eNPS pulse (0–10; Support
  lowest); ``targets``: NPS 35 rising to 40, CSAT 80 % top-2 box, CES mean 5.0, eNPS 15;
  ``touchpoint_owners``: the team and a synthetic mailbox per touchpoint; ``case_closures``:
  close-the-loop follow-ups of detractor responses that were closed.
- **Operations** (``operations``, :mod:`cxm_lab.demo_ops`): per quarter and owner team, a few
  operational KPIs derived from the realised transactional NPS of their touchpoint plus seeded
  noise (their own generator, so no other table changes). Support ``wait time (minutes)`` is
  strongly negatively linked to support NPS; ``first-contact resolution %``, ``invoice error
  rate %`` and ``days to go-live`` are linked too; billing's ``days sales outstanding`` is a
  decoy, unrelated; product ``incidents`` peak in the 2025Q2 outage quarter.

Comments
--------
About 40 % of responses carry a comment in the contact's language about the respondent's weakest
driver (detractors: negative), strongest driver (promoters: positive) or both (passives: mixed),
with touchpoint themes (billing, onboarding, account manager) where they fit; see
:mod:`cxm_lab.demo_text`. Deliberate edge cases (:data:`cxm_lab.demo_text.EDGE_CASE_COMMENTS`)
are placed on responses of the matching language and NPS category: emoji-only (``"👍"``), very
short (``"ok"``), a long English comment, mixed-script Persian/English and Chinese/English
comments, comments with a synthetic e-mail address or phone number (Latin and Persian digits, for
PII-masking checks) and one containing ``<script>alert(1)</script>`` (for HTML-escaping checks).

Bad rows
--------
``write_demo(..., inject_errors=True)`` appends :data:`N_INJECTED_ERRORS` deliberately bad rows
to ``responses.csv``, described in :data:`INJECTED_ERRORS`, so that a reader can show its reject
table and ``read == used + rejected`` can be reconciled.

Examples
--------
>>> demo = load_demo()
>>> sorted(demo.tables())[:3]
['accounts', 'case_closures', 'contacts']
>>> demo.responses["quarter"].max()
'2026Q3'
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab.demo_ops import make_operations
from cxm_lab.demo_text import EDGE_CASE_COMMENTS, compose_comment, person_name
from cxm_lab.errors import ParameterError
from cxm_lab.stats import nps_codes
from cxm_lab.weighting import rake

__all__ = [
    "CHANNELS",
    "CHURN_REASONS",
    "CSM_OWNERS",
    "DRIVERS",
    "INDUSTRIES",
    "INDUSTRY_WORD",
    "INJECTED_ERRORS",
    "NAME_STEMS",
    "N_INJECTED_ERRORS",
    "OUTAGE",
    "QUARTERS",
    "QUARTER_SHIFT",
    "REGIONS",
    "REGION_LANGUAGES",
    "REGION_PHONE",
    "REGION_SHARE",
    "REGION_SUFFIX",
    "REPORT_QUARTER",
    "ROLE_RESPONSE",
    "SEGMENTS",
    "SEGMENT_RESPONSE",
    "TOUCHPOINTS",
    "TOUCHPOINT_SHIFT",
    "TRUE_DRIVER_WEIGHTS",
    "DemoData",
    "load_demo",
    "write_demo",
]

QUARTERS: list[str] = [f"{y}Q{q}" for y in (2024, 2025, 2026) for q in (1, 2, 3, 4)][:11]
REPORT_QUARTER = "2026Q3"
DRIVERS: list[str] = ["ease", "speed", "support", "price", "reliability", "product"]
#: True weights of the standardised driver ratings in the latent LTR equation.
TRUE_DRIVER_WEIGHTS: dict[str, float] = {
    "reliability": 0.34,
    "support": 0.26,
    "ease": 0.16,
    "product": 0.12,
    "speed": 0.08,
    "price": 0.04,
}
#: segment: (share of accounts, mean of log ARR, sd of log ARR, health shift, contacts per account)
SEGMENTS: dict[str, tuple[float, float, float, float, int]] = {
    "Enterprise": (0.15, 13.3, 0.55, 0.25, 9),
    "Mid-Market": (0.35, 11.3, 0.45, 0.0, 4),
    "SMB": (0.50, 9.2, 0.55, -0.3, 2),
}
REGIONS: list[str] = ["North America", "Europe", "Middle East", "CIS", "Asia Pacific"]
REGION_SHARE: list[float] = [0.25, 0.19, 0.31, 0.14, 0.11]
#: Language mix of contacts per region.
REGION_LANGUAGES: dict[str, dict[str, float]] = {
    "North America": {"en": 0.95, "fa": 0.03, "zh": 0.02},
    "Europe": {"en": 0.75, "ru": 0.10, "ar": 0.08, "fa": 0.07},
    "Middle East": {"ar": 0.48, "fa": 0.45, "en": 0.07},
    "CIS": {"ru": 0.88, "en": 0.07, "fa": 0.05},
    "Asia Pacific": {"zh": 0.85, "en": 0.15},
}
REGION_PHONE: dict[str, str] = {
    "North America": "+1 555 01{:02d} {:02d}",
    "Europe": "+44 20 7946 0{:01d}{:02d}",
    "Middle East": "+971 50 5{:02d} 0{:02d}",
    "CIS": "+7 495 0{:02d}-{:02d}-00",
    "Asia Pacific": "+86 10 5{:02d}0 00{:02d}",
}
REGION_SUFFIX: dict[str, list[str]] = {
    "North America": ["Inc.", "LLC", "Corp."],
    "Europe": ["Ltd", "GmbH", "B.V.", "S.A."],
    "Middle East": ["FZ-LLC", "LLC", "Holding"],
    "CIS": ["OOO", "JSC", "LLP"],
    "Asia Pacific": ["Pte Ltd", "Co., Ltd", "Limited"],
}
NAME_STEMS: list[str] = [
    "Northwind", "Bluepeak", "Cedar", "Silverline", "Harbor", "Quantix", "Orion", "Meridian",
    "Redwood", "Atlas", "Nimbus", "Vertex", "Granite", "Solace", "Brightway", "Kestrel",
    "Lumen", "Pioneer", "Summit", "Tidewater", "Aurora", "Falcon", "Evergreen", "Crescent",
]  # fmt: skip
INDUSTRY_WORD: list[str] = ["Systems", "Group", "Partners", "Networks", "Labs", "Trading", "Works"]
INDUSTRIES: list[str] = ["Retail", "Banking", "Telecom", "Manufacturing", "Healthcare", "Logistics"]
CSM_OWNERS: list[str] = ["Dana Ito", "Omid Rahimi", "Lena Petrova", "Sam Okafor", "Mei Chen"]
TOUCHPOINTS: list[str] = ["onboarding", "billing", "support", "qbr", "renewal", "product"]
#: Shift of the LTR equation by touchpoint (billing and support lower, QBRs higher).
TOUCHPOINT_SHIFT: dict[str, float] = {
    "onboarding": 0.0,
    "billing": -0.7,
    "support": -0.45,
    "qbr": 0.35,
    "renewal": 0.05,
    "product": 0.15,
}
#: Shift of latent health by quarter. It declines slowly because churn of unhealthy accounts and
#: healthy referred accounts already lift NPS over time; the net is a gentle rise and a small dip
#: in 2026Q3. The 2025Q2 outage is applied to reliability only, see :data:`OUTAGE`.
QUARTER_SHIFT: dict[str, float] = dict(
    zip(QUARTERS, [0.11, 0.1, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.02, -0.06], strict=True)
)
#: The 2025Q2 outage: (quarter, points taken off the reliability rating).
OUTAGE: tuple[str, float] = ("2025Q2", 1.2)
#: channel: (share of invitations, response rate)
CHANNELS: dict[str, tuple[float, float]] = {
    "email": (0.50, 0.22),
    "web": (0.20, 0.15),
    "sms": (0.15, 0.11),
    "phone": (0.12, 0.42),
    "in_app": (0.03, 0.08),
}
ROLE_RESPONSE: dict[str, float] = {"executive": 0.7, "technical": 1.0, "user": 1.1}
SEGMENT_RESPONSE: dict[str, float] = {"Enterprise": 1.0, "Mid-Market": 1.0, "SMB": 0.75}
CHURN_REASONS: list[str] = ["price", "product gaps", "support", "competitor", "budget", "M&A"]
#: Deliberately bad rows appended to ``responses.csv`` by ``write_demo(inject_errors=True)``,
#: in file order. Each is a copy of a valid response with one defect.
INJECTED_ERRORS: tuple[str, ...] = (
    "ltr = 11 (outside 0-10)",
    'ltr = "ten" (not a number)',
    'response_date = "31/02/2026" (no such date, not ISO)',
    "response_id duplicates the 11th response",
    "csat = 9 (outside 1-5)",
)
#: Number of rows in :data:`INJECTED_ERRORS`.
N_INJECTED_ERRORS: int = len(INJECTED_ERRORS)


@dataclass(frozen=True)
class DemoData:
    """The demo company's tables (column names as in docs/ARCHITECTURE.md).

    Attributes
    ----------
    accounts, contacts, responses, invitations, revenue, referrals, employees,
    touchpoint_owners, targets, case_closures, operations : pandas.DataFrame
        One tidy table each; see the module docstring for what they hold.
    """

    accounts: pd.DataFrame
    contacts: pd.DataFrame
    responses: pd.DataFrame
    invitations: pd.DataFrame
    revenue: pd.DataFrame
    referrals: pd.DataFrame
    employees: pd.DataFrame
    touchpoint_owners: pd.DataFrame
    targets: pd.DataFrame
    case_closures: pd.DataFrame
    operations: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name, in declaration order.

        Returns
        -------
        dict of str to DataFrame
        """
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _quarter_start(q: str) -> pd.Timestamp:
    return pd.Period(q, freq="Q").start_time


def _quarter_index(dates: pd.Series) -> np.ndarray:
    """Index into :data:`QUARTERS` of each date; dates before the period give 0, after it 11."""
    q = dates.dt.to_period("Q").astype(str)
    pos = {name: i for i, name in enumerate(QUARTERS)}
    return np.array([pos.get(v, 0 if v < QUARTERS[0] else len(QUARTERS)) for v in q])


def _account_names(rng: np.random.Generator, region: np.ndarray, ids: list[int]) -> list[str]:
    stems = rng.choice(NAME_STEMS, size=len(ids))
    return [
        f"{stem} {INDUSTRY_WORD[k % len(INDUSTRY_WORD)]} {rng.choice(REGION_SUFFIX[r])}"
        for stem, r, k in zip(stems, region, ids, strict=True)
    ]


def _make_accounts(rng: np.random.Generator, n: int) -> pd.DataFrame:
    seg_names = list(SEGMENTS)
    seg = rng.choice(seg_names, size=n, p=[SEGMENTS[s][0] for s in seg_names])
    mu = np.array([SEGMENTS[s][1] for s in seg])
    sd = np.array([SEGMENTS[s][2] for s in seg])
    arr = np.round(np.exp(rng.normal(mu, sd)), -2)
    region = rng.choice(REGIONS, size=n, p=REGION_SHARE)
    # Few Enterprise accounts in the Middle East: a small group on purpose.
    me_ent = (region == "Middle East") & (seg == "Enterprise")
    region[me_ent & (rng.random(n) < 0.85)] = "Europe"
    # Most accounts signed before the period; about one in ten is a new logo during it.
    start = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 4 * 365, n), unit="D")
    new_logo = rng.random(n) < 0.1
    start_new = _quarter_start(QUARTERS[1]) + pd.to_timedelta(rng.integers(0, 6 * 91, n), unit="D")
    start = start.where(~new_logo, start_new)
    health = rng.normal(0, 1, n) + np.array([SEGMENTS[s][3] for s in seg])
    ids = list(range(1, n + 1))
    return pd.DataFrame(
        {
            "account_id": [f"A{i:04d}" for i in ids],
            "account_name": _account_names(rng, region, ids),
            "segment": seg,
            "region": region,
            "industry": rng.choice(INDUSTRIES, size=n),
            "csm_owner": rng.choice(CSM_OWNERS, size=n),
            "contract_start": start.normalize(),
            "arr": arr,
            "_health": health,
        }
    )


def _make_contacts(rng: np.random.Generator, accounts: pd.DataFrame) -> pd.DataFrame:
    rows = []
    cid = 1
    for acc in accounts.itertuples(index=False):
        k = max(1, int(rng.poisson(SEGMENTS[acc.segment][4])))
        langs = REGION_LANGUAGES[acc.region]
        lang_main = str(rng.choice(list(langs), p=list(langs.values())))
        domain = acc.account_name.split()[0].lower() + ".example"
        for j in range(k):
            role = "executive" if j == 0 else str(rng.choice(["technical", "user"], p=[0.4, 0.6]))
            lang = (
                lang_main
                if rng.random() < 0.85
                else str(rng.choice(list(langs), p=list(langs.values())))
            )
            first, last = person_name(rng, lang)
            rows.append(
                (
                    f"C{cid:05d}",
                    acc.account_id,
                    f"{first} {last}",
                    role,
                    lang,
                    f"{first.lower()}.{last.lower()}{cid}@{domain}".replace(" ", "").replace(
                        "'", ""
                    ),
                    REGION_PHONE[acc.region].format(cid % 100, (cid // 100) % 100),
                )
            )
            cid += 1
    return pd.DataFrame(
        rows, columns=["contact_id", "account_id", "name", "role", "language", "email", "phone"]
    )


def _churn_quarters(
    rng: np.random.Generator, health: np.ndarray, start_q: np.ndarray
) -> np.ndarray:
    """Quarter index (0..10) in which each account churns, or -1 if it stays.

    The quarterly hazard is ``clip(0.028 * exp(-0.65 * h), 0.004, 0.25)``: an account one
    standard deviation below average churns about 3.7 times as often as one a standard deviation
    above.
    Nobody churns in the first two quarters or in the quarter after signing.
    """
    hazard = np.clip(0.028 * np.exp(-0.65 * health), 0.004, 0.25)
    out = np.full(len(health), -1)
    for q in range(2, len(QUARTERS)):
        at_risk = (out == -1) & (start_q < q)
        out[at_risk & (rng.random(len(health)) < hazard)] = q
    return out


def load_demo(*, seed: int = 2026, n_accounts: int = 600) -> DemoData:
    """Generate the SYNTHETIC demo company (see the module docstring for what is planted).

    Parameters
    ----------
    seed : int, default 2026
        Seed of the :func:`numpy.random.default_rng` generator; the same seed gives identical
        tables, another seed a different company with the same planted structure.
    n_accounts : int, default 600
        Number of accounts before referrals (referred accounts are added on top).

    Returns
    -------
    DemoData
        Frozen dataclass of tidy DataFrames with the column names of docs/ARCHITECTURE.md.

    Raises
    ------
    ParameterError
        When ``seed`` is not a non-negative integer or ``n_accounts`` is outside 50..9000.

    Examples
    --------
    >>> d = load_demo(seed=7, n_accounts=60)
    >>> bool(d.responses["ltr"].between(0, 10).all())
    True
    >>> bool((d.responses["weight"] > 0).all())
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"load_demo: seed must be a non-negative integer, got {seed!r}.")
    if isinstance(n_accounts, bool) or not isinstance(n_accounts, (int, np.integer)):
        raise ParameterError(f"load_demo: n_accounts must be an integer, got {n_accounts!r}.")
    if not 50 <= n_accounts <= 9_000:
        raise ParameterError(
            f"load_demo: n_accounts={n_accounts} is outside 50..9000; the demo needs at least 50 "
            "accounts to place its edge-case comments and ids have four digits."
        )
    rng = np.random.default_rng(seed)
    accounts = _make_accounts(rng, n_accounts)
    start_q = _quarter_index(accounts["contract_start"])
    churn_q = _churn_quarters(rng, accounts["_health"].to_numpy(), start_q)
    accounts, churn_q, ref_rows = _add_referrals(rng, accounts, churn_q)
    accounts["_start_q"] = _quarter_index(accounts["contract_start"])
    accounts["churn_date"] = pd.to_datetime(
        [
            (_quarter_start(QUARTERS[q]) + pd.Timedelta(days=int(rng.integers(5, 85)))).normalize()
            if q >= 0
            else pd.NaT
            for q in churn_q
        ]
    )
    # Unhealthy accounts leave over price, support and product gaps; healthy ones over budget
    # and M&A.
    unhealthy = accounts["_health"].to_numpy() < -0.5
    p_bad = [0.30, 0.22, 0.25, 0.15, 0.06, 0.02]
    p_good = [0.12, 0.13, 0.08, 0.22, 0.28, 0.17]
    accounts["churn_reason"] = pd.array(
        [
            str(rng.choice(CHURN_REASONS, p=p_bad if u else p_good)) if q >= 0 else None
            for q, u in zip(churn_q, unhealthy, strict=True)
        ],
        dtype="string",
    )
    accounts["_churn_q"] = churn_q

    contacts = _make_contacts(rng, accounts)
    responses, invitations = _make_responses(rng, accounts, contacts)
    revenue = _make_revenue(rng, accounts)
    referrals = _make_referrals(ref_rows, revenue)
    public_accounts = accounts[
        [
            "account_id",
            "account_name",
            "segment",
            "region",
            "industry",
            "csm_owner",
            "contract_start",
            "arr",
            "churn_date",
            "churn_reason",
            "referred_by",
        ]
    ].copy()
    targets = pd.DataFrame(
        [
            (m, q, t)
            for q_i, q in enumerate(QUARTERS)
            for m, t in (("nps", 35.0 + 0.5 * q_i), ("csat", 80.0), ("ces", 5.0), ("enps", 15.0))
        ],
        columns=["metric", "quarter", "target"],
    )
    owners = pd.DataFrame(
        {
            "touchpoint": TOUCHPOINTS,
            "owner_team": [
                "Onboarding",
                "Finance Ops",
                "Support",
                "Customer Success",
                "Sales",
                "Product",
            ],
            "owner_email": [f"{t}-owner@vendor.example" for t in TOUCHPOINTS],
        }
    )
    return DemoData(
        accounts=public_accounts,
        contacts=contacts,
        responses=responses,
        invitations=invitations,
        revenue=revenue,
        referrals=referrals,
        employees=_make_employees(rng),
        touchpoint_owners=owners,
        targets=targets,
        case_closures=_make_closures(rng, responses),
        operations=make_operations(responses, owners, seed=seed, outage=OUTAGE[0]),
    )


def _add_referrals(
    rng: np.random.Generator, accounts: pd.DataFrame, churn_q: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, list[tuple[str, str, pd.Timestamp]]]:
    """Healthy live accounts refer new ones, which join the book (and may churn later)."""
    n = len(accounts)
    p_ref = np.clip(0.006 * np.exp(1.2 * accounts["_health"].to_numpy()), 0, 0.15)
    start_q = _quarter_index(accounts["contract_start"])
    new_acc, ref_rows = [], []
    next_id = n + 1
    for q in range(1, len(QUARTERS)):
        alive = ((churn_q == -1) | (churn_q > q)) & (start_q < q)
        for i in np.flatnonzero(alive & (rng.random(n) < p_ref)):
            start = (
                _quarter_start(QUARTERS[q]) + pd.Timedelta(days=int(rng.integers(0, 80)))
            ).normalize()
            seg = str(rng.choice(["Mid-Market", "SMB"], p=[0.45, 0.55]))
            region = accounts.at[i, "region"]
            aid = f"A{next_id:04d}"
            new_acc.append(
                {
                    "account_id": aid,
                    "account_name": _account_names(rng, np.array([region]), [next_id])[0],
                    "segment": seg,
                    "region": region,
                    "industry": accounts.at[i, "industry"],
                    "csm_owner": accounts.at[i, "csm_owner"],
                    "contract_start": start,
                    "arr": float(np.round(np.exp(rng.normal(SEGMENTS[seg][1], 0.4)), -2)),
                    "_health": float(rng.normal(0.4, 0.8)),
                    "referred_by": accounts.at[i, "account_id"],
                }
            )
            ref_rows.append((accounts.at[i, "account_id"], aid, start))
            next_id += 1
    accounts = accounts.assign(referred_by=pd.Series([None] * n, dtype="string"))
    new = pd.DataFrame(new_acc).astype({"referred_by": "string"})
    accounts = pd.concat([accounts, new], ignore_index=True)
    new_churn = _churn_quarters(
        rng, new["_health"].to_numpy(), _quarter_index(new["contract_start"])
    )
    return accounts, np.concatenate([churn_q, new_churn]), ref_rows


def _make_referrals(
    ref_rows: list[tuple[str, str, pd.Timestamp]], revenue: pd.DataFrame
) -> pd.DataFrame:
    """Referral table; ``first_year_revenue`` sums the referred account's first 12 months."""
    referrals = pd.DataFrame(
        ref_rows, columns=["referrer_account_id", "referred_account_id", "referral_date"]
    )
    first = revenue.groupby("account_id")["month"].transform("min")
    in_year = revenue[revenue["month"] < first + pd.DateOffset(months=12)]
    fyr = in_year.groupby("account_id")["revenue"].sum()
    referrals["first_year_revenue"] = (
        referrals["referred_account_id"].map(fyr).fillna(0.0).astype(float).round(2)
    )
    referrals.insert(0, "referral_id", [f"F{i:04d}" for i in range(1, len(referrals) + 1)])
    return referrals


def _make_responses(
    rng: np.random.Generator, accounts: pd.DataFrame, contacts: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    con = contacts.merge(
        accounts[
            [
                "account_id",
                "segment",
                "region",
                "_health",
                "_churn_q",
                "_start_q",
                "contract_start",
                "churn_date",
            ]
        ],
        on="account_id",
    )
    n_con = len(con)
    ch_names = list(CHANNELS)
    ch_share = np.array([CHANNELS[c][0] for c in ch_names])
    ch_rate = dict(zip(ch_names, (CHANNELS[c][1] for c in ch_names), strict=True))
    propensity = (
        con["role"].map(ROLE_RESPONSE).to_numpy() * con["segment"].map(SEGMENT_RESPONSE).to_numpy()
    )
    churn_q = con["_churn_q"].to_numpy()
    start_q = con["_start_q"].to_numpy()
    plan = (
        ("relationship", 1.0, ["qbr"], None),
        ("transactional", 1.5, ["onboarding", "billing", "support", "renewal", "product"], None),
        ("in_the_moment", 0.45, ["support"], (["phone", "sms", "in_app"], [0.62, 0.3, 0.08])),
    )
    parts, inv_parts = [], []
    for qi, q in enumerate(QUARTERS):
        idx = np.flatnonzero(((churn_q == -1) | (churn_q >= qi)) & (start_q <= qi))
        for survey_type, per_contact, tps, channels in plan:
            inv_contact = np.repeat(idx, rng.poisson(per_contact, len(idx)))
            k = len(inv_contact)
            if channels is None:
                chan = rng.choice(ch_names, size=k, p=ch_share)
            else:
                chan = rng.choice(channels[0], size=k, p=channels[1])
            tp = rng.choice(tps, size=k)
            if survey_type == "transactional":  # onboarding happens mostly in the first year
                tp = np.where(
                    (tp == "onboarding") & (qi - start_q[inv_contact] > 3) & (rng.random(k) < 0.8),
                    "product",
                    tp,
                )
            day = rng.integers(0, 90, k)
            rate = pd.Series(chan).map(ch_rate).to_numpy() * propensity[inv_contact]
            answered = rng.random(k) < rate
            block = pd.DataFrame(
                {
                    "qi": qi,
                    "quarter": q,
                    "response_date": _quarter_start(q) + pd.to_timedelta(day, unit="D"),
                    "survey_type": survey_type,
                    "touchpoint": tp,
                    "channel": chan,
                    "ci": inv_contact,
                    "answered": answered,
                }
            )
            # Nobody is invited before the contract starts or from the account's churn date on.
            cd = con["churn_date"].to_numpy()[inv_contact]
            when = block["response_date"].to_numpy()
            live = (when >= con["contract_start"].to_numpy()[inv_contact]) & ~(
                pd.notna(cd) & (when >= cd)
            )
            block = block[live]
            inv_parts.append(block[["quarter", "channel", "touchpoint", "survey_type"]])
            parts.append(block[block["answered"]])
    raw = pd.concat(parts, ignore_index=True)
    n = len(raw)
    ci = raw["ci"].to_numpy()
    seg = con["segment"].to_numpy()[ci]
    role_shift = {"executive": 0.25, "technical": -0.15, "user": 0.0}
    contact_health = (
        con["_health"].to_numpy()
        + con["role"].map(role_shift).to_numpy()
        + rng.normal(0, 0.5, n_con)
    )
    health = (
        contact_health[ci] + raw["quarter"].map(QUARTER_SHIFT).to_numpy() + rng.normal(0, 0.35, n)
    )
    tp_arr = raw["touchpoint"].to_numpy()
    # Driver ratings: common latent health plus driver-specific noise, on the 0-10 scale.
    means = {"ease": 7.4, "speed": 7.1, "support": 7.2, "price": 6.2, "reliability": 7.7}
    means["product"] = 7.3
    drv: dict[str, np.ndarray] = {}
    for d in DRIVERS:
        x = means[d] + 1.25 * health + rng.normal(0, 1.25, n)
        if d == "reliability":
            x = x - OUTAGE[1] * (raw["quarter"] == OUTAGE[0]).to_numpy()
        if d == "support":
            x = x - 0.5 * (tp_arr == "support")
        if d == "price":
            x = x - 0.5 * (seg == "SMB")
        drv[d] = np.clip(np.rint(x), 0, 10)
    z = sum(TRUE_DRIVER_WEIGHTS[d] * (drv[d] - means[d]) / 1.8 for d in DRIVERS)
    tp_shift = pd.Series(tp_arr).map(TOUCHPOINT_SHIFT).to_numpy()
    ltr = np.clip(np.rint(8.2 + 2.7 * z + tp_shift + rng.normal(0, 1.0, n)), 0, 10).astype(int)
    csat = np.clip(np.rint(4.0 + 0.5 * (ltr - 7.5) / 1.5 + rng.normal(0, 0.6, n)), 1, 5)
    ces = np.clip(np.rint(5.2 + 0.6 * (drv["ease"] - 7.4) / 1.3 + rng.normal(0, 0.9, n)), 1, 7)
    df = pd.DataFrame(
        {
            "response_id": [f"R{i:06d}" for i in range(1, n + 1)],
            "survey_type": raw["survey_type"].to_numpy(),
            "touchpoint": tp_arr,
            "channel": raw["channel"].to_numpy(),
            "account_id": con["account_id"].to_numpy()[ci],
            "contact_id": con["contact_id"].to_numpy()[ci],
            "role": con["role"].to_numpy()[ci],
            "segment": seg,
            "region": con["region"].to_numpy()[ci],
            "language": con["language"].to_numpy()[ci],
            "response_date": raw["response_date"].dt.normalize().to_numpy(),
            "quarter": raw["quarter"].to_numpy(),
            "ltr": ltr,
        }
    )
    # CSAT is skipped by ~8 %; CES is asked after interactions only (not in relationship surveys).
    relationship = (df["survey_type"] == "relationship").to_numpy()
    df["csat"] = _optional_int(np.where(rng.random(n) < 0.08, np.nan, csat))
    df["ces"] = _optional_int(np.where(relationship | (rng.random(n) < 0.06), np.nan, ces))
    skip = {"ease": 0.04, "speed": 0.05, "support": 0.09, "price": 0.06, "reliability": 0.04}
    skip["product"] = 0.05
    for d in DRIVERS:
        df[d] = _optional_int(np.where(rng.random(n) < skip[d], np.nan, drv[d]))
    df["comment"] = _comments(rng, df, drv)
    # Survey weights: rake each quarter's respondents to the live contact base (role, segment).
    weight = np.empty(n)
    for qi, q in enumerate(QUARTERS):
        live = con[((churn_q == -1) | (churn_q >= qi)) & (start_q <= qi)]
        rows = np.flatnonzero(df["quarter"].to_numpy() == q)
        margins = {c: live[c].value_counts(normalize=True) for c in ("role", "segment")}
        weight[rows] = rake(df.iloc[rows], margins=margins, tol=1e-10).to_numpy()
    df["weight"] = weight.round(4)
    inv = pd.concat(inv_parts, ignore_index=True)
    inv = (
        inv.groupby(["quarter", "channel", "touchpoint", "survey_type"])
        .size()
        .rename("invited")
        .reset_index()
        .astype({"invited": "int64"})
        .sort_values(["quarter", "survey_type", "touchpoint", "channel"])
        .reset_index(drop=True)
    )
    return df, inv


def _optional_int(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Float array with NaN for missing -> nullable Int64 (empty cell in the CSV)."""
    return pd.array(values, dtype="Float64").astype("Int64")


def _comments(rng: np.random.Generator, df: pd.DataFrame, drv: dict[str, np.ndarray]) -> pd.Series:
    """About 40 % of responses get a comment about their weakest / strongest driver."""
    n = len(df)
    ltr = df["ltr"].to_numpy()
    lang = df["language"].to_numpy()
    tp = df["touchpoint"].to_numpy()
    codes = nps_codes(ltr)
    cat = np.where(codes > 0, "promoter", np.where(codes == 0, "passive", "detractor"))
    # Ties between equally rated drivers are broken at random by a tiny jitter.
    dmat = np.column_stack([drv[d] for d in DRIVERS]) + rng.uniform(0, 0.01, (n, len(DRIVERS)))
    weakest = np.array(DRIVERS)[np.argmin(dmat, axis=1)]
    strongest = np.array(DRIVERS)[np.argmax(dmat, axis=1)]
    comments = np.full(n, None, dtype=object)
    touchpoint_theme = {"billing": "billing", "onboarding": "onboarding"}
    for i in np.flatnonzero(rng.random(n) < 0.4):
        weak, strong = str(weakest[i]), str(strongest[i])
        if tp[i] in touchpoint_theme and rng.random() < 0.55:
            weak = strong = touchpoint_theme[tp[i]]
        elif tp[i] in ("qbr", "renewal") and rng.random() < 0.25:
            weak = strong = "account_manager"
        comments[i] = compose_comment(rng, str(lang[i]), weak, strong, str(cat[i]))
    # Edge cases on responses of the matching language and NPS category (fixed by the seed).
    order = rng.permutation(n)
    used: set[int] = set()
    for language, category, text in EDGE_CASE_COMMENTS:
        # Preferably a response of the same language and category, else of the same language.
        same_lang = order[lang[order] == language]
        candidates = [*same_lang[cat[same_lang] == category], *same_lang]
        i = next((int(j) for j in candidates if int(j) not in used), None)
        if i is None:
            raise ParameterError(
                f"load_demo: no {language!r} response left for the edge-case comment {text!r}; "
                "use more accounts (n_accounts)."
            )
        used.add(i)
        comments[i] = text
    return pd.Series(pd.array(comments, dtype="string"), index=df.index)


def _make_revenue(rng: np.random.Generator, accounts: pd.DataFrame) -> pd.DataFrame:
    """Monthly revenue: ``arr / 12 * (1 + g) ** months_billed * (1 + e)``, ``e ~ N(0, 0.02)``,
    with monthly growth ``g = 0.006 * health + 0.002``, from the contract start (or 2024-01) to
    the month before churn."""
    months = pd.date_range(
        _quarter_start(QUARTERS[0]), pd.Period(QUARTERS[-1], "Q").end_time.normalize(), freq="MS"
    )
    month_no = months.year * 12 + months.month
    start = accounts["contract_start"].dt.to_period("M").dt.start_time
    end = accounts["churn_date"].dt.to_period("M").dt.start_time
    growth = 0.006 * accounts["_health"].to_numpy() + 0.002
    parts = []
    for aid, arr, g, s, e in zip(
        accounts["account_id"], accounts["arr"], growth, start, end, strict=True
    ):
        live = (months >= s) & ((months < e) if pd.notna(e) else True)
        if not live.any():
            continue
        billed = month_no[live] - month_no[live][0]
        rev = arr / 12 * (1 + g) ** billed * (1 + rng.normal(0, 0.02, int(live.sum())))
        parts.append(pd.DataFrame({"account_id": aid, "month": months[live], "revenue": rev}))
    out = pd.concat(parts, ignore_index=True)
    out["revenue"] = out["revenue"].clip(lower=0).round(2)
    return out


def _make_closures(rng: np.random.Generator, responses: pd.DataFrame) -> pd.DataFrame:
    """Close-the-loop follow-ups of detractor responses: most are closed, a median of ~9 days
    after the response, some late; the support team is slower; recent ones are still open."""
    det = responses[nps_codes(responses["ltr"].to_numpy(dtype=float)) == -1]
    slow = (det["touchpoint"] == "support").to_numpy()
    days = np.rint(rng.gamma(3.0, np.where(slow, 4.5, 3.0))).astype(int)
    closed_date = det["response_date"].to_numpy() + pd.to_timedelta(days, unit="D")
    done = rng.random(len(det)) < 0.92
    end = pd.Period(QUARTERS[-1], "Q").end_time.normalize()
    keep = done & (closed_date <= end)
    return pd.DataFrame(
        {
            "response_id": det["response_id"].to_numpy()[keep],
            "closed_date": pd.to_datetime(closed_date[keep]),
        }
    )


def _make_employees(rng: np.random.Generator, n: int = 300) -> pd.DataFrame:
    """Quarterly eNPS pulse: ~60 % of ~300 employees answer each quarter; Support lowest."""
    depts = rng.choice(
        ["Support", "Engineering", "Sales", "Customer Success", "Finance"],
        size=n,
        p=[0.3, 0.3, 0.15, 0.15, 0.1],
    )
    base = {
        "Support": -0.7,
        "Engineering": 0.4,
        "Sales": 0.2,
        "Customer Success": 0.3,
        "Finance": 0.0,
    }
    mood = rng.normal(0, 1, n) + np.array([base[d] for d in depts])
    rows = []
    rid = 1
    for qi, q in enumerate(QUARTERS):
        for e in np.flatnonzero(rng.random(n) < 0.6):
            score = int(
                np.clip(np.rint(7.5 + 1.5 * mood[e] + 0.05 * qi + rng.normal(0, 1.1)), 0, 10)
            )
            rows.append((f"E{rid:05d}", f"EMP{e + 1:04d}", str(depts[e]), q, score))
            rid += 1
    return pd.DataFrame(
        rows, columns=["response_id", "employee_id", "department", "quarter", "enps"]
    )


def _bad_rows(responses: pd.DataFrame) -> pd.DataFrame:
    """The :data:`INJECTED_ERRORS` rows: copies of the first responses with one defect each."""
    bad = responses.iloc[:N_INJECTED_ERRORS].copy().astype(object)
    bad["response_id"] = [f"RBAD{i}" for i in range(1, N_INJECTED_ERRORS + 1)]
    bad["response_date"] = [pd.Timestamp(v).strftime("%Y-%m-%d") for v in bad["response_date"]]
    bad.iloc[0, bad.columns.get_loc("ltr")] = 11
    bad.iloc[1, bad.columns.get_loc("ltr")] = "ten"
    bad.iloc[2, bad.columns.get_loc("response_date")] = "31/02/2026"
    bad.iloc[3, bad.columns.get_loc("response_id")] = responses["response_id"].iloc[10]
    bad.iloc[4, bad.columns.get_loc("csat")] = 9
    return bad


def write_demo(
    directory: str | Path, *, seed: int = 2026, inject_errors: bool = True
) -> dict[str, Path]:
    """Write the demo tables as ``<name>.csv`` files (UTF-8, ISO dates, empty cells for missing).

    With ``inject_errors`` the responses file gets :data:`N_INJECTED_ERRORS` deliberately bad
    rows at its end, in the order of :data:`INJECTED_ERRORS`: ltr 11, ltr "ten", date
    "31/02/2026", a duplicated response id (of the 11th response), csat 9; so a reader
    finds ``len(load_demo(seed=seed).responses)`` good rows and exactly that many rejects.

    Parameters
    ----------
    directory : str or Path
        Created when missing; existing files of the same names are overwritten.
    seed : int, default 2026
        Seed passed to :func:`load_demo`.
    inject_errors : bool, default True
        Append the bad rows to ``responses.csv``; False writes clean data.

    Returns
    -------
    dict of str to Path
        Table name to written path.

    Raises
    ------
    ParameterError
        When ``directory`` is an existing file, or ``seed`` is invalid (see :func:`load_demo`).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_demo(tmp)
    ...     sorted(paths)[:2], paths["responses"].name
    (['accounts', 'case_closures'], 'responses.csv')
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ParameterError(
            f"write_demo: {directory} is a file, not a directory; give a directory to write "
            "the demo CSV files into."
        )
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, frame in load_demo(seed=seed).tables().items():
        out = frame
        if name == "responses" and inject_errors:
            out = frame.astype(object).assign(
                response_date=frame["response_date"].dt.strftime("%Y-%m-%d")
            )
            out = pd.concat([out, _bad_rows(frame)], ignore_index=True)
        path = directory / f"{name}.csv"
        out.to_csv(path, index=False, date_format="%Y-%m-%d", encoding="utf-8")
        paths[name] = path
    return paths
