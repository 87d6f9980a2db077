"""Shared docstring text: the standard parameters described once, filled in by a decorator.

Public functions share parameter names (``score``, ``by``, ``weight``, ``ci``, ``n_boot``,
``seed``, ``min_n``...; see ``docs/ARCHITECTURE.md``). Their numpydoc text is written here once,
the way seaborn's ``DocstringComponents`` do it, and a line holding only ``{{name}}`` in a
docstring is replaced by that text at import time, indented like the marker line:

>>> @fill
... def f(df, *, ci=0.95):
...     '''Example.
...
...     Parameters
...     ----------
...     {{df}}
...     {{ci}}
...     '''
>>> print(f.__doc__.split("----------")[1].strip().splitlines()[0])
df : DataFrame

Doctests, ``help()`` and the API listing all see the filled text. An unknown name is an error
at import time, so a typo never reaches the reader.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import TypeVar

__all__ = ["PARAMS", "fill"]

F = TypeVar("F", bound=Callable[..., object])

#: numpydoc entries of the standard parameters, keyed by name.
PARAMS: dict[str, str] = {
    "df": """
        df : DataFrame
            Tidy table, one row per response (or per account, case... as the function says).
        """,
    "score": """
        score : str
            Column of answers on the metric's scale (0–10 for NPS and eNPS). Missing values
            are "not answered": excluded and not counted in ``n``.
        """,
    "by": """
        by : str, list of str or None
            Group columns; one result row per group (sorted, missing keys kept as a group).
            ``None`` gives one row for the whole table.
        """,
    "weight": """
        weight : str or None
            Column of survey weights (finite, >= 0 on every answered row). Weighted shares use
            Kish's effective sample size ``n_eff`` = (Σw)² / Σw² for their intervals.
        """,
    "ci": """
        ci : float
            Confidence level of the intervals, strictly between 0 and 1 (default 0.95).
        """,
    "n_boot": """
        n_boot : int
            Number of bootstrap resamples (0 skips the bootstrap where it is optional).
        """,
    "seed": """
        seed : int
            Seed of the random generator, so that a bootstrap gives the same interval twice.
        """,
    "min_n": """
        min_n : int
            Smallest group size reported without a ``small_n`` flag (default 30).
        """,
    "period": """
        period : str
            Column of reporting periods (e.g. ``"quarter"`` holding ``"2026Q2"``), in an order
            that sorts as text.
        """,
    "date": """
        date : str
            Column of response dates (``datetime64``).
        """,
    "theme_col": """
        theme_col : str
            Column holding each comment's theme (one per row; missing = no theme).
        """,
    "as_of": """
        as_of : str or Timestamp
            The day the status is judged on (cases due later are still open, not late).
        """,
}

_MARK = re.compile(r"^(?P<indent>[ \t]*)\{\{(?P<name>\w+)\}\}[ \t]*$", re.MULTILINE)


def _entry(name: str, indent: str) -> str:
    try:
        text = PARAMS[name]
    except KeyError:
        raise KeyError(
            f"docstring marker {{{{{name}}}}} is not a shared parameter; "
            f"use one of {sorted(PARAMS)} or write the entry out"
        ) from None
    return textwrap.indent(textwrap.dedent(text).strip("\n"), indent)


def fill(func: F) -> F:
    """Replace each ``{{name}}`` line of ``func.__doc__`` by the shared text of ``name``.

    Parameters
    ----------
    func : callable
        The function (used as a decorator).

    Returns
    -------
    callable
        The same function, its docstring filled.

    Raises
    ------
    KeyError
        When a marker names no shared parameter.

    Examples
    --------
    >>> @fill
    ... def g(df):
    ...     '''Parameters
    ...     ----------
    ...     {{df}}
    ...     '''
    >>> "one row per response" in g.__doc__
    True
    """
    if func.__doc__:
        func.__doc__ = _MARK.sub(lambda m: _entry(m["name"], m["indent"]), func.__doc__)
    return func
