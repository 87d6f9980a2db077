"""The embedded demo company: a SYNTHETIC B2B software vendor, generated from a seed.

Nothing here is real customer data. The generator makes numbers behave like real data so that
every part of the report has something true to find:

- a latent account *health* drives the six driver ratings (``ease``, ``speed``, ``support``,
  ``price``, ``reliability``, ``product``), which drive the 0–10 likelihood to recommend with
  different true weights (:data:`TRUE_DRIVER_WEIGHTS`: reliability and support strongest, price
  weakest);
- a 2025Q2 outage lowers reliability (and NPS) for one quarter; billing and support
  touchpoints score lower than QBRs;
- accounts whose contacts are detractors churn about three times as often as promoter
  accounts, stop paying and stop answering surveys after churning; promoters refer new accounts;
- some groups are small (Middle East Enterprise, the in-app channel).

Comments are written in the contact's language (English, Persian, Arabic, Russian, Chinese),
about the weakest or strongest driver, with a tone that matches the score. A few deliberate edge
cases are included: emoji-only, very short, long, mixed-script, and comments that carry a
synthetic e-mail address or phone number or an HTML ``<script>`` tag (for PII-masking and escaping
checks).

Examples
--------
>>> demo = load_demo()
>>> sorted(demo.tables())[:3]
['accounts', 'contacts', 'employees']
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab.demo_text import EDGE_CASE_COMMENTS, compose_comment

QUARTERS: list[str] = [f"{y}Q{q}" for y in (2024, 2025, 2026) for q in (1, 2, 3, 4)][:11]
REPORT_QUARTER = "2026Q3"
DRIVERS: list[str] = ["ease", "speed", "support", "price", "reliability", "product"]
#: True standardized weights of each driver in the latent LTR equation.
TRUE_DRIVER_WEIGHTS: dict[str, float] = {
    "reliability": 0.34,
    "support": 0.26,
    "ease": 0.16,
    "product": 0.12,
    "speed": 0.08,
    "price": 0.04,
}
SEGMENTS = {
    "Enterprise": (0.15, 13.0, 0.6),
    "Mid-Market": (0.35, 11.2, 0.5),
    "SMB": (0.50, 9.2, 0.6),
}
REGIONS = ["North America", "Europe", "Middle East", "CIS", "Asia Pacific"]
REGION_P = [0.34, 0.26, 0.14, 0.14, 0.12]
REGION_LANG = {
    "North America": ({"en": 1.0}),
    "Europe": ({"en": 0.85, "ru": 0.05, "ar": 0.05, "fa": 0.05}),
    "Middle East": ({"ar": 0.5, "fa": 0.4, "en": 0.1}),
    "CIS": ({"ru": 0.9, "en": 0.1}),
    "Asia Pacific": ({"zh": 0.8, "en": 0.2}),
}
INDUSTRIES = ["Retail", "Banking", "Telecom", "Manufacturing", "Healthcare", "Logistics"]
TOUCHPOINTS = ["onboarding", "billing", "support", "qbr", "renewal", "product"]
TOUCHPOINT_SHIFT = {
    "onboarding": 0.0,
    "billing": -0.9,
    "support": -0.6,
    "qbr": 0.5,
    "renewal": 0.1,
    "product": 0.2,
}
CHANNELS = {  # channel: (share of invitations, response rate)
    "email": (0.50, 0.18),
    "web": (0.20, 0.12),
    "sms": (0.15, 0.09),
    "phone": (0.12, 0.35),
    "in_app": (0.03, 0.07),
}
CHURN_REASONS = ["price", "product gaps", "support", "competitor", "budget cuts", "M&A"]
#: Deliberately bad rows appended to ``responses.csv`` by ``write_demo(inject_errors=True)``:
#: ltr = 11, ltr = "ten", an unparseable date, a duplicated response id, a missing ltr.
N_INJECTED_ERRORS = 5


@dataclass(frozen=True)
class DemoData:
    """The demo company's tables (column names as in docs/ARCHITECTURE.md)."""

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

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _quarter_start(q: str) -> pd.Timestamp:
    return pd.Period(q, freq="Q").start_time


def _make_accounts(rng: np.random.Generator, n: int) -> pd.DataFrame:
    seg_names = list(SEGMENTS)
    seg = rng.choice(seg_names, size=n, p=[SEGMENTS[s][0] for s in seg_names])
    mu = np.array([SEGMENTS[s][1] for s in seg])
    sd = np.array([SEGMENTS[s][2] for s in seg])
    arr = np.round(np.exp(rng.normal(mu, sd)), -2)
    region = rng.choice(REGIONS, size=n, p=REGION_P)
    # Few Enterprise accounts in the Middle East: a small group on purpose.
    me_ent = (region == "Middle East") & (seg == "Enterprise")
    region[me_ent & (rng.random(n) < 0.7)] = "Europe"
    start = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D")
    health = rng.normal(0, 1, n)
    return pd.DataFrame(
        {
            "account_id": [f"A{i:04d}" for i in range(1, n + 1)],
            "account_name": [f"Account {i:04d} Ltd" for i in range(1, n + 1)],
            "segment": seg,
            "region": region,
            "industry": rng.choice(INDUSTRIES, size=n),
            "csm_owner": rng.choice(
                ["Dana Ito", "Omid Rahimi", "Lena Petrova", "Sam Okafor", "Mei Chen"], size=n
            ),
            "contract_start": start.normalize(),
            "arr": arr,
            "_health": health,
        }
    )


def _make_contacts(rng: np.random.Generator, accounts: pd.DataFrame) -> pd.DataFrame:
    per = {"Enterprise": 8, "Mid-Market": 4, "SMB": 2}
    rows = []
    cid = 1
    for acc in accounts.itertuples(index=False):
        k = max(1, int(rng.poisson(per[acc.segment])))
        langs = REGION_LANG[acc.region]
        lang_main = rng.choice(list(langs), p=list(langs.values()))
        for j in range(k):
            role = "executive" if j == 0 else rng.choice(["technical", "user"], p=[0.4, 0.6])
            lang = (
                lang_main
                if rng.random() < 0.85
                else rng.choice(list(langs), p=list(langs.values()))
            )
            rows.append(
                (
                    f"C{cid:05d}",
                    acc.account_id,
                    f"Contact {cid:05d}",
                    role,
                    lang,
                    f"contact{cid:05d}@example.com",
                    f"+1-555-{cid % 10000:04d}",
                )
            )
            cid += 1
    return pd.DataFrame(
        rows, columns=["contact_id", "account_id", "name", "role", "language", "email", "phone"]
    )


def _churn_quarters(rng: np.random.Generator, accounts: pd.DataFrame) -> np.ndarray:
    """Quarter index (0..10) in which each account churns, or -1 if it stays.

    Hazard per quarter grows steeply as health falls: unhealthy (detractor-heavy) accounts churn
    roughly three times as often as healthy (promoter-heavy) ones.
    """
    h = accounts["_health"].to_numpy()
    hazard = 0.035 * np.exp(-0.75 * h)
    hazard = np.clip(hazard, 0.005, 0.25)
    out = np.full(len(h), -1)
    for q in range(2, len(QUARTERS)):  # nobody churns in the first two quarters
        alive = out == -1
        hit = alive & (rng.random(len(h)) < hazard)
        out[hit] = q
    return out


def load_demo(seed: int = 2026, n_accounts: int = 600) -> DemoData:
    """Generate the synthetic demo company.

    Parameters
    ----------
    seed : int
        Seed of the numpy random generator; the same seed gives identical tables.
    n_accounts : int
        Number of existing accounts (referred accounts are added on top).

    Returns
    -------
    DemoData
        Frozen dataclass of DataFrames.
    """
    rng = np.random.default_rng(seed)
    accounts = _make_accounts(rng, n_accounts)
    churn_q = _churn_quarters(rng, accounts)

    # Referrals: healthy accounts refer new ones; the referred accounts join the book.
    p_ref = 0.02 * np.exp(0.9 * accounts["_health"].to_numpy())
    ref_rows, new_acc = [], []
    next_id = n_accounts + 1
    for q in range(1, len(QUARTERS)):
        alive = (churn_q == -1) | (churn_q > q)
        hits = np.flatnonzero(alive & (rng.random(n_accounts) < np.clip(p_ref / 4, 0, 0.2)))
        for i in hits:
            if len(new_acc) >= 120:
                break
            start = _quarter_start(QUARTERS[q]) + pd.Timedelta(days=int(rng.integers(0, 80)))
            seg = rng.choice(["Mid-Market", "SMB"], p=[0.4, 0.6])
            arr = float(np.round(np.exp(rng.normal(SEGMENTS[seg][1], 0.4)), -2))
            new_acc.append(
                {
                    "account_id": f"A{next_id:04d}",
                    "account_name": f"Account {next_id:04d} Ltd",
                    "segment": seg,
                    "region": accounts.at[i, "region"],
                    "industry": accounts.at[i, "industry"],
                    "csm_owner": accounts.at[i, "csm_owner"],
                    "contract_start": start.normalize(),
                    "arr": arr,
                    "_health": float(rng.normal(0.4, 0.8)),
                    "referred_by": accounts.at[i, "account_id"],
                }
            )
            ref_rows.append(
                (accounts.at[i, "account_id"], f"A{next_id:04d}", start.normalize(), arr)
            )
            next_id += 1
    accounts["referred_by"] = pd.NA
    accounts = pd.concat([accounts, pd.DataFrame(new_acc)], ignore_index=True)
    churn_q = np.concatenate([churn_q, np.full(len(new_acc), -1)])
    accounts["_start_q"] = [
        max(0, QUARTERS.index(str(pd.Period(d, "Q")))) if str(pd.Period(d, "Q")) in QUARTERS else 0
        for d in accounts["contract_start"]
    ]
    churn_date = [
        (_quarter_start(QUARTERS[q]) + pd.Timedelta(days=int(rng.integers(5, 85)))).normalize()
        if q >= 0
        else pd.NaT
        for q in churn_q
    ]
    accounts["churn_date"] = pd.to_datetime(churn_date)
    h = accounts["_health"].to_numpy()
    reason_p = np.where(
        h[:, None] < -0.5,
        [[0.3, 0.2, 0.25, 0.15, 0.07, 0.03]],
        [[0.15, 0.15, 0.1, 0.2, 0.25, 0.15]],
    )
    accounts["churn_reason"] = [
        rng.choice(CHURN_REASONS, p=p) if q >= 0 else pd.NA
        for q, p in zip(churn_q, reason_p, strict=True)
    ]
    accounts["_churn_q"] = churn_q

    contacts = _make_contacts(rng, accounts)
    responses, invitations = _make_responses(rng, accounts, contacts)
    revenue = _make_revenue(rng, accounts)
    referrals = pd.DataFrame(
        ref_rows,
        columns=[
            "referrer_account_id",
            "referred_account_id",
            "referral_date",
            "first_year_revenue",
        ],
    )
    referrals.insert(0, "referral_id", [f"F{i:04d}" for i in range(1, len(referrals) + 1)])
    referrals["first_year_revenue"] = referrals["first_year_revenue"].astype(float)

    public_accounts = accounts.drop(columns=[c for c in accounts if c.startswith("_")])
    public_accounts = public_accounts[
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
    ]
    return DemoData(
        accounts=public_accounts,
        contacts=contacts,
        responses=responses,
        invitations=invitations,
        revenue=revenue,
        referrals=referrals,
        employees=_make_employees(rng),
        touchpoint_owners=pd.DataFrame(
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
                "owner_email": [f"{t}-owner@example.com" for t in TOUCHPOINTS],
            }
        ),
        targets=pd.DataFrame(
            [
                (m, q, t)
                for q_i, q in enumerate(QUARTERS)
                for m, t in (("nps", -5.0 + 2 * q_i), ("csat", 80.0), ("ces", 4.8), ("enps", 10.0))
            ],
            columns=["metric", "quarter", "target"],
        ),
        case_closures=_make_closures(rng, responses),
    )


def _make_responses(
    rng: np.random.Generator, accounts: pd.DataFrame, contacts: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    acc = accounts.set_index("account_id")
    con = contacts.merge(
        accounts[["account_id", "segment", "region", "_health", "_churn_q", "_start_q"]],
        on="account_id",
    )
    n_con = len(con)
    ch_names = list(CHANNELS)
    ch_share = np.array([CHANNELS[c][0] for c in ch_names])
    ch_rate = np.array([CHANNELS[c][1] for c in ch_names])
    rows = []
    inv_counts: dict[tuple[str, str, str, str], int] = {}
    contact_health = con["_health"].to_numpy() + rng.normal(0, 0.5, n_con)
    role_shift = con["role"].map({"executive": 0.3, "technical": -0.1, "user": 0.0}).to_numpy()
    for qi, q in enumerate(QUARTERS):
        q0 = _quarter_start(q)
        alive = ((con["_churn_q"].to_numpy() == -1) | (con["_churn_q"].to_numpy() > qi)) & (
            con["_start_q"].to_numpy() <= qi
        )
        idx = np.flatnonzero(alive)
        # Relationship survey: every live contact invited by e-mail or web; transactional ones at touchpoints.
        for survey_type, n_inv_per, tps in (
            ("relationship", 1.0, ["qbr"]),
            ("transactional", 1.6, ["onboarding", "billing", "support", "renewal", "product"]),
            ("in_the_moment", 0.5, ["support"]),
        ):
            n_inv = rng.poisson(n_inv_per, len(idx))
            inv_contact = np.repeat(idx, n_inv)
            chan = rng.choice(ch_names, size=len(inv_contact), p=ch_share)
            if survey_type == "in_the_moment":
                chan = rng.choice(
                    ["phone", "sms", "in_app"], size=len(inv_contact), p=[0.6, 0.3, 0.1]
                )
            tp = rng.choice(tps, size=len(inv_contact))
            answered = (
                rng.random(len(inv_contact)) < ch_rate[[ch_names.index(c) for c in chan]] * 1.25
            )
            for c, t in zip(chan, tp, strict=True):
                key = (q, c, t, survey_type)
                inv_counts[key] = inv_counts.get(key, 0) + 1
            for ci, c, t in zip(inv_contact[answered], chan[answered], tp[answered], strict=True):
                day = int(rng.integers(0, 90))
                rows.append((qi, q, q0 + pd.Timedelta(days=day), survey_type, t, c, ci))
    raw = pd.DataFrame(
        rows,
        columns=["qi", "quarter", "response_date", "survey_type", "touchpoint", "channel", "ci"],
    )
    # A churned account stops answering from its churn date on.
    churn_dates = con["account_id"].map(acc["churn_date"]).to_numpy()
    cd = pd.to_datetime(churn_dates[raw["ci"].to_numpy()])
    raw = raw[~(cd.notna() & (raw["response_date"].to_numpy() >= cd))].reset_index(drop=True)
    n = len(raw)
    ci = raw["ci"].to_numpy()
    health = contact_health[ci] + role_shift[ci]
    outage = (raw["quarter"] == "2025Q2").to_numpy()
    trend = (raw["qi"].to_numpy() - 5) * 0.03
    # Drivers: latent health + driver-specific noise, on a 0-10 scale.
    drv = {}
    for d in DRIVERS:
        x = 6.8 + 1.3 * health + rng.normal(0, 1.3, n) + trend
        if d == "reliability":
            x = x - 2.2 * outage
        if d == "support":
            x = x - 0.6 * (raw["touchpoint"] == "support").to_numpy()
        if d == "price":
            x = x - 0.8
        drv[d] = np.clip(np.rint(x), 0, 10)
    z = sum(TRUE_DRIVER_WEIGHTS[d] * (drv[d] - 6.8) / 1.85 for d in DRIVERS)
    tp_shift = raw["touchpoint"].map(TOUCHPOINT_SHIFT).to_numpy()
    ltr = np.clip(np.rint(7.3 + 2.6 * z + 0.35 * tp_shift + rng.normal(0, 1.0, n)), 0, 10).astype(
        int
    )
    csat = np.clip(np.rint(3.75 + 0.45 * (ltr - 6) / 1.5 + rng.normal(0, 0.6, n)), 1, 5)
    ces = np.clip(np.rint(4.6 + 0.55 * (drv["ease"] - 6.8) / 1.3 + rng.normal(0, 0.9, n)), 1, 7)
    df = pd.DataFrame(
        {
            "response_id": [f"R{i:06d}" for i in range(1, n + 1)],
            "survey_type": raw["survey_type"],
            "touchpoint": raw["touchpoint"],
            "channel": raw["channel"],
            "account_id": con["account_id"].to_numpy()[ci],
            "contact_id": con["contact_id"].to_numpy()[ci],
            "role": con["role"].to_numpy()[ci],
            "segment": con["segment"].to_numpy()[ci],
            "region": con["region"].to_numpy()[ci],
            "language": con["language"].to_numpy()[ci],
            "response_date": raw["response_date"].dt.normalize(),
            "quarter": raw["quarter"],
            "ltr": ltr,
        }
    )
    df["csat"] = pd.array(np.where(rng.random(n) < 0.1, np.nan, csat), dtype="Float64").astype(
        "Int64"
    )
    df["ces"] = pd.array(np.where(rng.random(n) < 0.2, np.nan, ces), dtype="Float64").astype(
        "Int64"
    )
    for d in DRIVERS:
        df[d] = pd.array(np.where(rng.random(n) < 0.04, np.nan, drv[d]), dtype="Float64").astype(
            "Int64"
        )
    # Comments in the contact's language about the weakest (or strongest) driver.
    has_comment = rng.random(n) < 0.4
    comments = np.full(n, None, dtype=object)
    dmat = np.column_stack([drv[d] for d in DRIVERS])
    for i in np.flatnonzero(has_comment):
        cat = "promoter" if ltr[i] >= 9 else "passive" if ltr[i] >= 7 else "detractor"
        j = int(np.argmax(dmat[i])) if cat == "promoter" else int(np.argmin(dmat[i]))
        theme = DRIVERS[j]
        if theme == "support" and df.at[i, "touchpoint"] == "billing":
            theme = "billing"
        if df.at[i, "touchpoint"] == "onboarding" and rng.random() < 0.5:
            theme = "onboarding"
        comments[i] = compose_comment(rng, df.at[i, "language"], theme, cat)
    # Edge cases, placed on fixed rows so they are always present.
    for k, (lang, text) in enumerate(EDGE_CASE_COMMENTS):
        i = (k * 997 + 13) % n
        comments[i] = text
        df.at[i, "language"] = lang if lang else df.at[i, "language"]
    df["comment"] = pd.array(comments, dtype="string")
    # Survey weights: rake respondent role mix to the contact base (executives over-respond).
    base = contacts["role"].value_counts(normalize=True)
    resp = df["role"].value_counts(normalize=True)
    df["weight"] = df["role"].map(base / resp).astype(float).round(4)
    inv = pd.DataFrame(
        [(*k, v) for k, v in inv_counts.items()],
        columns=["quarter", "channel", "touchpoint", "survey_type", "invited"],
    )
    inv = inv.sort_values(["quarter", "survey_type", "touchpoint", "channel"]).reset_index(
        drop=True
    )
    return df, inv


def _make_revenue(rng: np.random.Generator, accounts: pd.DataFrame) -> pd.DataFrame:
    months = pd.date_range(
        _quarter_start(QUARTERS[0]), pd.Period(QUARTERS[-1], "Q").end_time.normalize(), freq="MS"
    )
    rows = []
    for a in accounts.rename(columns={"_health": "health"}).itertuples(index=False):
        growth = 0.006 * a.health + 0.002  # healthy accounts expand, unhealthy ones contract
        for m_i, m in enumerate(months):
            if m < a.contract_start.to_period("M").start_time:
                continue
            if pd.notna(a.churn_date) and m >= a.churn_date.to_period("M").start_time:
                break
            rows.append(
                (
                    a.account_id,
                    m,
                    round(a.arr / 12 * (1 + growth) ** m_i * (1 + rng.normal(0, 0.02)), 2),
                )
            )
    return pd.DataFrame(rows, columns=["account_id", "month", "revenue"])


def _make_closures(rng: np.random.Generator, responses: pd.DataFrame) -> pd.DataFrame:
    """Close-the-loop follow-ups of detractor responses: most are closed, a median of ~9 days
    after the response, some late; the support team is slower; recent ones are still open."""
    det = responses[responses["ltr"] <= 6]
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
    depts = rng.choice(
        ["Support", "Engineering", "Sales", "Customer Success", "Finance"],
        size=n,
        p=[0.3, 0.3, 0.15, 0.15, 0.1],
    )
    base = {
        "Support": -0.8,
        "Engineering": 0.4,
        "Sales": 0.2,
        "Customer Success": 0.3,
        "Finance": 0.0,
    }
    mood = rng.normal(0, 1, n) + np.array([base[d] for d in depts])
    rows = []
    rid = 1
    for qi, q in enumerate(QUARTERS):
        answered = rng.random(n) < 0.6
        for e in np.flatnonzero(answered):
            score = int(
                np.clip(np.rint(7.2 + 1.6 * mood[e] + 0.05 * qi + rng.normal(0, 1.1)), 0, 10)
            )
            rows.append((f"E{rid:05d}", f"EMP{e + 1:04d}", depts[e], q, score))
            rid += 1
    return pd.DataFrame(
        rows, columns=["response_id", "employee_id", "department", "quarter", "enps"]
    )


def write_demo(
    directory: str | Path, seed: int = 2026, inject_errors: bool = True
) -> dict[str, Path]:
    """Write the demo tables as ``<name>.csv`` files (UTF-8, ISO dates, empty cells for missing).

    With ``inject_errors`` the responses file gets :data:`N_INJECTED_ERRORS` deliberately bad
    rows at its end (ltr 11, ltr "ten", date "31/02/2026", a duplicated response id, a missing
    ltr), so a report can show its reject table.

    Returns
    -------
    dict
        Table name to written path.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, frame in load_demo(seed).tables().items():
        out = frame.copy()
        if name == "responses" and inject_errors:
            bad = out.iloc[:N_INJECTED_ERRORS].copy().astype(object)
            bad["response_id"] = [f"RBAD{i}" for i in range(1, N_INJECTED_ERRORS + 1)]
            bad.iloc[0, bad.columns.get_loc("ltr")] = 11
            bad.iloc[1, bad.columns.get_loc("ltr")] = "ten"
            bad.iloc[2, bad.columns.get_loc("response_date")] = "31/02/2026"
            bad.iloc[3, bad.columns.get_loc("response_id")] = out["response_id"].iloc[10]
            bad.iloc[4, bad.columns.get_loc("ltr")] = None
            for c in ("response_date",):
                out[c] = out[c].dt.strftime("%Y-%m-%d")
            bad["response_date"] = [
                v if isinstance(v, str) else pd.Timestamp(v).strftime("%Y-%m-%d")
                for v in bad["response_date"]
            ]
            out = pd.concat([out.astype(object), bad], ignore_index=True)
        path = directory / f"{name}.csv"
        out.to_csv(path, index=False, date_format="%Y-%m-%d")
        paths[name] = path
    return paths
