"""Run parameters: one YAML file per report run, validated with clear errors.

A run needs little: ``name`` and where the data is. Everything else has a default, so the file
that ``cxm-lab init EXPORT`` writes is enough to run a report from a survey-tool export::

    name: r_community_2019
    data_dir: ../exports/r-survey/      # a folder, one file, or a glob of files of one kind
    rename:                              # export column -> project column
      Timestamp: response_date
      "How likely are you to recommend R to a colleague, friend, or family member?": ltr
    drivers: {Q7_1: Ease of use, Q7_2: Speed}
    scales: {Q7_1: [1, 5], Q7_2: [1, 5]}  # each rating's lowest and highest possible answer
    reverse_scored: [Q7_2]               # drivers whose lowest answer is the best (see below)
    dimensions: [Region, Plan]
    themes: themes.yaml                  # or an inline mapping; default: neutral CX themes
    journey:                             # stages in order; default: from the touchpoints
      - {stage: Onboard, touchpoints: [onboarding]}
      - {stage: Use, touchpoints: [product, support]}
      - {stage: Pay, touchpoints: [billing]}
    pool_survey_types: false             # true: one NPS over relationship and transactional
    owners: {Price: Head of Pricing, SMB: SMB sales lead}   # who owns a driver, theme or group
    cluster:                             # score the comments on a Dask cluster first
      scheduler: tcp://10.0.0.5:8786     # default $CXM_LAB_DASK_SCHEDULER, else a local cluster
      cache: /mnt/shared/cxm-cache       # storage every worker reaches

``reverse_scored`` lists driver columns whose lowest answer is the best: negatively worded
ratings such as "How difficult has it been to learn R?" (5 = most difficult) or "This class is
too stressful" (agreement is bad). Each is reverse-coded once when the data is read (answer →
lowest + highest − answer, :func:`cxm_lab.scales.reverse_code`) on its scale from ``scales:``,
or, when it has none there, the scale its answers across the whole export fit
(:func:`cxm_lab.scales.fit_scale`); its label then says "(reversed: 5 = least difficult)". So
every table, chart, driver analysis and the brief read higher = better. ``cxm-lab init``
proposes the key from the question wording; check it. A column that is not a driver, or whose
scale is unknown, is an error.

The embedded demo company is ``data_dir: null``. Unknown keys are errors (a typo must not
silently fall back to a default); the message names the file, the key and the closest valid key.
"""

from __future__ import annotations

import difflib
import math
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from cxm_lab.errors import ParameterError

__all__ = [
    "PROJECT_COLUMNS",
    "QUARTER",
    "ClusterSpec",
    "JourneyStage",
    "NotebookSpec",
    "RunParams",
    "load_params",
]

#: What a ``report_quarter`` looks like.
QUARTER = re.compile(r"^\d{4}Q[1-4]$")
#: The project's own column names an export column can be renamed to.
PROJECT_COLUMNS = (
    "response_id",
    "response_date",
    "ltr",
    "csat",
    "ces",
    "comment",
    "language",
    "weight",
    "quarter",
    "survey_type",
    "touchpoint",
    "channel",
    "segment",
    "region",
    "role",
    "account_id",
    "contact_id",
)


class NotebookSpec(BaseModel):
    """One notebook of a run and its own parameters."""

    model_config = ConfigDict(extra="forbid")
    path: str
    parameters: dict[str, Any] = Field(default_factory=dict)


class JourneyStage(BaseModel):
    """One stage of the customer journey: a name and the touchpoints it groups."""

    model_config = ConfigDict(extra="forbid")
    stage: str = Field(min_length=1)
    touchpoints: list[str] = Field(min_length=1)


class ClusterSpec(BaseModel):
    """Where the comments' model work runs before the notebooks
    (:func:`cxm_lab.text.cluster.warm_caches`).

    ``scheduler`` is a Dask scheduler address (default ``$CXM_LAB_DASK_SCHEDULER``; neither:
    a local cluster of one worker process per core, or ``workers``). ``cache`` is the shared
    result cache every worker reaches (default ``<cache_dir>/shared``); ``model_path`` and
    ``encoder_path`` are the sentiment model and similarity encoder as the workers see them
    (default: this machine's paths).
    """

    model_config = ConfigDict(extra="forbid")
    scheduler: str | None = None
    cache: str | None = None
    model_path: str | None = None
    encoder_path: str | None = None
    workers: int | None = Field(default=None, ge=1)
    partition_size: int = Field(default=2048, ge=1)

    @field_validator("scheduler")
    @classmethod
    def _address(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[a-z][a-z0-9+.-]*://\S+", v):
            raise ValueError(
                f"a Dask scheduler address looks like tcp://10.0.0.5:8786; got {v!r} (leave "
                "the key out for $CXM_LAB_DASK_SCHEDULER or a local cluster)"
            )
        return v


class RunParams(BaseModel):
    """Parameters of one report run (see the module docstring and README)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str = "Customer experience report"
    # --- the data -------------------------------------------------------------------------
    data_dir: str | None = None
    source: str = "auto"
    tables: dict[str, str] = Field(default_factory=dict)
    rename: dict[str, str] = Field(default_factory=dict)
    drivers: list[str] | dict[str, str] = Field(default_factory=list)
    scales: dict[str, list[float]] = Field(default_factory=dict)
    reverse_scored: list[str] = Field(default_factory=list)
    dimensions: list[str] | None = None
    themes: str | dict[str, Any] | None = None
    encoding: str | None = None
    na_values: list[str] | None = None
    dayfirst: bool | None = None
    date_format: str | None = None
    timezone: str | None = None
    sheet: str | int | None = None
    keep_incomplete: bool = False
    currency: str | None = None
    journey: list[JourneyStage] | None = None
    pool_survey_types: bool = False
    owners: dict[str, str] = Field(default_factory=dict)
    cluster: ClusterSpec | None = None
    # --- the report -----------------------------------------------------------------------
    report_quarter: str | None = None
    notebooks: list[NotebookSpec] | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    formats: list[Literal["html", "pdf"]] = Field(default_factory=lambda: ["html", "pdf"])
    output_dir: str = "reports"
    mask_pii: bool = True
    min_n: int = Field(default=30, ge=1)
    renderer: Literal["auto", "quarto", "pandoc-typst"] = "auto"
    timeout_per_cell: int = Field(default=600, ge=1)
    seed: int = 2026
    #: The file the parameters were read from (:func:`load_params`), for error messages.
    _file: Path | None = PrivateAttr(default=None)

    @field_validator("report_quarter")
    @classmethod
    def _quarter(cls, v: str | None) -> str | None:
        if v is None:
            return None
        if not QUARTER.match(str(v)):
            raise ValueError(f"must look like 2026Q3, got {v!r}")
        return str(v)

    @field_validator("notebooks", mode="before")
    @classmethod
    def _notebooks(cls, v: Any) -> Any:
        if isinstance(v, list):
            if not v:
                raise ValueError(
                    "is an empty list: a run needs at least one notebook (leave the key out to "
                    "run every notebook the data supports)"
                )
            return [{"path": x} if isinstance(x, str) else x for x in v]
        return v

    @field_validator("journey")
    @classmethod
    def _journey(cls, v: list[JourneyStage] | None) -> list[JourneyStage] | None:
        if v is None:
            return v
        if not v:
            raise ValueError("is an empty list: declare stages, or leave the key out")
        stage_of: dict[str, str] = {}
        names: set[str] = set()
        for s in v:
            if s.stage in names:
                raise ValueError(f"stage '{s.stage}' is declared twice")
            names.add(s.stage)
            for t in s.touchpoints:
                if t in stage_of:
                    raise ValueError(
                        f"touchpoint '{t}' is in two stages ('{stage_of[t]}' and '{s.stage}'); "
                        "put each touchpoint in one stage only"
                    )
                stage_of[t] = s.stage
        return v

    @field_validator("rename")
    @classmethod
    def _rename(cls, v: dict[str, str]) -> dict[str, str]:
        targets: dict[str, str] = {}
        for old, new in v.items():
            if not str(old).strip() or not str(new).strip():
                raise ValueError("column names must not be empty")
            if new in targets:
                raise ValueError(f"'{targets[new]}' and '{old}' are both renamed to '{new}'")
            targets[new] = old
        return v

    @field_validator("scales")
    @classmethod
    def _scales(cls, v: dict[str, list[float]]) -> dict[str, list[float]]:
        for col, scale in v.items():
            if len(scale) != 2 or not (math.isfinite(scale[0]) and math.isfinite(scale[1])):
                raise ValueError(
                    f"'{col}': a scale is two numbers, [lowest, highest] possible answer "
                    f"(e.g. [1, 9]); got {list(scale)}"
                )
            if not scale[0] < scale[1]:
                raise ValueError(
                    f"'{col}': a scale is [lowest, highest] possible answer, the lowest first "
                    f"(e.g. [1, 9]); got {list(scale)}"
                )
        return v

    @field_validator("reverse_scored")
    @classmethod
    def _reverse_scored(cls, v: list[str]) -> list[str]:
        seen: set[str] = set()
        for col in v:
            if not str(col).strip():
                raise ValueError("column names must not be empty")
            if col in seen:
                raise ValueError(f"'{col}' is listed twice")
            seen.add(col)
        return v

    @model_validator(mode="after")
    def _reverse_scored_are_drivers(self) -> RunParams:
        drivers = self.driver_labels
        for col in self.reverse_scored:
            if drivers and col not in drivers:
                near = difflib.get_close_matches(col, list(drivers), n=1)
                hint = f" Did you mean '{near[0]}'?" if near else ""
                raise ValueError(
                    f"reverse_scored: '{col}' is not one of the drivers; list driver columns "
                    f"whose lowest answer is the best.{hint}"
                )
        return self

    @property
    def file(self) -> Path | None:
        """The params file these parameters were read from (None when built in code)."""
        return self._file

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {v!r}; use an IANA name such as UTC, Europe/Berlin, Asia/Tehran"
            ) from None
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[A-Z]{3}", v):
            raise ValueError(f"use a three-letter ISO 4217 code such as USD, EUR, IRR; got {v!r}")
        return v

    @property
    def driver_labels(self) -> dict[str, str]:
        """Driver column → display label (the column name when no label was given)."""
        if isinstance(self.drivers, dict):
            return {k: (v or k) for k, v in self.drivers.items()}
        return {d: d for d in self.drivers}


#: The model of each nested key, for the "did you mean" of an unknown key inside it.
_NESTED: dict[str, type[BaseModel]] = {
    "notebooks": NotebookSpec,
    "journey": JourneyStage,
    "cluster": ClusterSpec,
}


def _closest(key: str, model: type[BaseModel]) -> str:
    match = difflib.get_close_matches(key, list(model.model_fields), n=1)
    return (
        f" Did you mean '{match[0]}'?" if match else f" Valid keys: {sorted(model.model_fields)}."
    )


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses a key given twice in one mapping (PyYAML keeps the
    last one silently: ``min_n: 30`` then ``min_n: 1`` would run with 1)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":  # ``<<: *base`` may override
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    seen = first.setdefault(key, key_node)
                except TypeError:  # an unhashable key: PyYAML's own error follows
                    continue
                if seen is not key_node:
                    raise _DuplicateKey(key, seen.start_mark, key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


class _DuplicateKey(yaml.YAMLError):
    """A key given twice in one mapping of a params file."""

    def __init__(self, key: Any, first: yaml.Mark, again: yaml.Mark) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key, self.first, self.again = key, first, again


def _where(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` of ``text``, lines ending at a line
    feed as an editor counts them (PyYAML also ends lines at U+0085, U+2028 and U+2029)."""
    index = max(0, min(index, len(text)))
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _short_key(key: Any, n: int = 80) -> str:
    text = repr(key)
    return text if len(text) <= n else text[: n - 1] + "…"


def _yaml_problem(path: Path, text: str, exc: yaml.YAMLError) -> str:
    """The one-line message for a params file that is not valid YAML, naming the line and
    column (not PyYAML's character position)."""
    if isinstance(exc, _DuplicateKey):
        line, col = _where(text, exc.again.index)
        first, _ = _where(text, exc.first.index)
        return (
            f"{path}: line {line}, column {col}: key {_short_key(exc.key)} is given twice "
            f"(first on line {first}); keep one of them."
        )
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = _where(text, exc.position)
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return (
            f"{path}: line {line}, column {col}: not valid YAML: character U+{char:04X} is not "
            f"allowed in a YAML file; remove it, or write it as an escape (\\u{char:04x}) "
            "inside double quotes."
        )
    mark = getattr(exc, "problem_mark", None)
    problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
    context = " ".join(str(getattr(exc, "context", None) or "").split())
    if mark is None:
        return f"{path}: not valid YAML: {problem}."
    line, col = _where(text, mark.index)
    detail = f"{context}, {problem}" if context else problem
    return f"{path}: line {line}, column {col}: not valid YAML: {detail}; fix that line."


def load_params(path: str | Path, **overrides: Any) -> RunParams:
    """Read and validate a run-parameter YAML file.

    Parameters
    ----------
    path : str or Path
        The YAML file.
    **overrides
        Keys that replace the file's values (``None`` values are ignored).

    Returns
    -------
    RunParams
        The validated parameters, defaults filled in.

    Raises
    ------
    ParameterError
        Naming the file and each unknown, missing or invalid key; for a file that is not
        valid YAML, or gives a key twice in one mapping, the line and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "run.yaml"
    >>> _ = p.write_text("name: q3\\ndata_dir: exports/\\n")
    >>> run = load_params(p, min_n=20)
    >>> run.data_dir, run.min_n, run.mask_pii
    ('exports/', 20, True)
    >>> _ = p.write_text("name: q3\\nmin_m: 5\\n")
    >>> load_params(p)
    Traceback (most recent call last):
    ...
    cxm_lab.errors.ParameterError: ...: unknown key 'min_m'. Did you mean 'min_n'?
    >>> _ = p.write_text("name: q3\\nmin_n: 30\\nmin_n: 1\\n")
    >>> load_params(p)
    Traceback (most recent call last):
    ...
    cxm_lab.errors.ParameterError: ...: line 3, column 1: key 'min_n' is given twice (first on line 2); keep one of them.
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{path}: parameter file not found.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line, col = _where(exc.object.decode("utf-8", "replace"), exc.start)
        raise ParameterError(
            f"{path}: line {line}: not valid UTF-8 (byte 0x{exc.object[exc.start]:02x}); "
            "save the file as UTF-8."
        ) from None
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader) or {}  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise ParameterError(_yaml_problem(path, text, exc)) from None
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: expected a mapping of keys to values at the top level.")
    raw.update({k: v for k, v in overrides.items() if v is not None})
    try:
        run = RunParams.model_validate(raw)
        run._file = path
        return run
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"])
            if err["type"] == "extra_forbidden":
                model = (
                    _NESTED.get(str(err["loc"][0]), RunParams) if len(err["loc"]) > 1 else RunParams
                )
                problems.append(f"unknown key '{loc}'.{_closest(str(err['loc'][-1]), model)}")
            elif err["type"] == "missing":
                problems.append(f"missing required key '{loc}'")
            else:
                msg = err["msg"].removeprefix("Value error, ")
                problems.append(f"'{loc}': {msg}" if loc else msg)
        raise ParameterError(f"{path}: " + "; ".join(dict.fromkeys(problems))) from None
