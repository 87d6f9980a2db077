"""Loaders of public datasets used by the case-study reports (today: the IBM Telco churn
sample), each returning one tidy table in the package's column names.

The data are not shipped with the package; they live under ``../shared/data``
(:func:`cxm_lab.config.shared_data`) or wherever the caller points.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab.config import NOTEBOOK_DIR, ROOT
from cxm_lab.errors import SchemaError, check_money
from cxm_lab.metrics import NPS_CATEGORIES
from cxm_lab.revenue import NOTE

__all__ = ["TELCO_NOTE", "load_ibm_telco", "telco_category"]

#: The caveat of the IBM Telco case: observational, and the satisfaction score leaks churn.
TELCO_NOTE = (
    NOTE + " The satisfaction score leaks churn (1–2 always churned, 4–5 never): "
    "treat score–churn links here as descriptive only."
)
TELCO_TABLES: tuple[str, ...] = ("demographics", "location", "services", "status")


def telco_category(satisfaction: pd.Series | np.ndarray) -> pd.Categorical:
    """NPS-style category of the IBM Telco **1–5 satisfaction** score (a top-box mapping).

    This is not the NPS categorisation of a 0–10 score (that one is
    :func:`cxm_lab.metrics.nps_category`): on this 1–5 scale 5 is "promoter", 4 "passive" and
    1–3 "detractor", the top-box analogue of 9–10 / 7–8 / 0–6.

    Parameters
    ----------
    satisfaction : Series or ndarray
        Whole numbers 1–5.

    Returns
    -------
    Categorical
        Ordered categories detractor < passive < promoter.

    Examples
    --------
    >>> telco_category(np.array([1, 3, 4, 5])).tolist()
    ['detractor', 'detractor', 'passive', 'promoter']
    """
    sat = np.asarray(satisfaction)
    top, second = sat == 5, sat == 4
    return pd.Categorical(
        np.select([top, second], ["promoter", "passive"], "detractor"),
        categories=list(NPS_CATEGORIES),
        ordered=True,
    )


def _find_dir(directory: str | Path) -> Path:
    given = Path(directory)
    tried = [given] if given.is_absolute() else [given, ROOT / given, NOTEBOOK_DIR / given]
    found = [p for p in tried if p.is_dir()]
    if not found:
        raise SchemaError(
            f"IBM telco data not found at {given} (tried {[str(p.resolve()) for p in tried]}); "
            "set telco_dir to the folder holding Telco_customer_churn_*.xlsx, e.g. "
            "../shared/data/en_ibm_telco_churn_v11 from the project root"
        )
    return found[0]


def load_ibm_telco(directory: str | Path) -> pd.DataFrame:
    """Join the IBM Telco churn tables (v11) into one row per customer.

    Reads ``Telco_customer_churn_{demographics,location,services,status}.xlsx`` joined on
    ``Customer ID`` (population, keyed by zip code, is not needed here). A relative
    ``directory`` is tried from the working directory, then from the project root and from
    ``notebooks/`` (so the notebook default ``../../shared/...`` works in both).

    The satisfaction score leaks churn: scores 1–2 all churned and 4–5 never did, so it was
    evidently recorded with knowledge of the outcome. Any link between it and churn is
    near-deterministic and says nothing about prediction (:data:`TELCO_NOTE`).

    Parameters
    ----------
    directory : str or Path
        Folder holding the ``Telco_customer_churn_*.xlsx`` files.

    Returns
    -------
    DataFrame
        ``account_id``, ``satisfaction`` (1–5), ``churned``, ``customer_status``,
        ``churn_category``, ``churn_reason``, ``tenure_months``, ``contract``,
        ``monthly_charge``, ``arr`` (monthly charge × 12), ``total_revenue``, ``cltv``,
        ``referred_a_friend``, ``number_of_referrals``, ``age``, ``state``, ``city``,
        ``internet_type``, ``offer`` and ``category`` (:func:`telco_category` of the
        satisfaction score).

    Raises
    ------
    SchemaError
        When the directory or a table is missing, or the tables do not hold the same customers.
    DataError
        When a monthly charge is not a valid amount (row named).

    Examples
    --------
    >>> load_ibm_telco("no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cxm_lab.errors.SchemaError: IBM telco data not found at no/such/folder ...
    """
    directory = _find_dir(directory)
    tables = {}
    for name in TELCO_TABLES:
        path = directory / f"Telco_customer_churn_{name}.xlsx"
        if not path.is_file():
            raise SchemaError(f"{path}: file missing from the IBM telco folder")
        t = pd.read_excel(path, engine="openpyxl")  # today's default, named: pandas 4 changes it
        if t["Customer ID"].duplicated().any():
            raise SchemaError(f"{path.name}: column 'Customer ID' has duplicate customers")
        tables[name] = t.set_index("Customer ID")
    ids = tables["status"].index
    for name, t in tables.items():
        if len(t) != len(ids) or not t.index.isin(ids).all():
            raise SchemaError(
                f"Telco_customer_churn_{name}.xlsx: customers differ from the status table "
                f"({len(t)} vs {len(ids)} rows); the tables must describe the same customers"
            )
    st, sv, dm, lc = (
        tables[k].loc[ids] for k in ("status", "services", "demographics", "location")
    )
    monthly = check_money(
        sv.reset_index(), "Monthly Charge", currency=None, file="services"
    ).to_numpy()
    out = pd.DataFrame(
        {
            "account_id": ids.to_numpy(),
            "satisfaction": st["Satisfaction Score"].to_numpy(int),
            "churned": st["Churn Value"].to_numpy(int) == 1,
            "customer_status": st["Customer Status"].to_numpy(),
            "churn_category": st["Churn Category"].to_numpy(),
            "churn_reason": st["Churn Reason"].to_numpy(),
            "tenure_months": sv["Tenure in Months"].to_numpy(int),
            "contract": sv["Contract"].to_numpy(),
            "monthly_charge": monthly,
            "arr": monthly * 12,
            "total_revenue": sv["Total Revenue"].to_numpy(float),
            "cltv": st["CLTV"].to_numpy(float),
            "referred_a_friend": sv["Referred a Friend"].to_numpy() == "Yes",
            "number_of_referrals": sv["Number of Referrals"].to_numpy(int),
            "age": dm["Age"].to_numpy(int),
            "state": lc["State"].to_numpy(),
            "city": lc["City"].to_numpy(),
            "internet_type": sv["Internet Type"].fillna("None").to_numpy(),
            "offer": sv["Offer"].fillna("None").to_numpy(),
        }
    )
    out["category"] = telco_category(out["satisfaction"])
    return out
