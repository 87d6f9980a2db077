"""Run parameters: one YAML file per report run, validated with clear errors.

Example ``params/demo.yaml``::

    name: demo
    title: "Customer experience report"
    report_quarter: 2026Q3
    data_dir: null            # null: the embedded synthetic demo company
    notebooks: [00_summary.ipynb, 01_metrics.ipynb]
    formats: [html, pdf]

Unknown keys are errors (a typo must not silently fall back to a default); the message names
the file, the key and the closest valid key.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cxm_lab.errors import ParameterError

QUARTER = re.compile(r"^\d{4}Q[1-4]$")


class NotebookSpec(BaseModel):
    """One notebook of a run and its own parameters."""

    model_config = ConfigDict(extra="forbid")
    path: str
    parameters: dict[str, Any] = Field(default_factory=dict)


class RunParams(BaseModel):
    """Parameters of one report run."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str = "Customer experience report"
    report_quarter: str
    data_dir: str | None = None
    notebooks: list[NotebookSpec]
    parameters: dict[str, Any] = Field(default_factory=dict)
    formats: list[Literal["html", "pdf"]] = Field(default_factory=lambda: ["html", "pdf"])
    output_dir: str = "reports"
    mask_pii: bool = True
    min_n: int = Field(default=30, ge=1)
    renderer: Literal["auto", "quarto", "pandoc-typst"] = "auto"
    timeout_per_cell: int = Field(default=600, ge=1)
    seed: int = 2026

    @field_validator("report_quarter")
    @classmethod
    def _quarter(cls, v: str) -> str:
        if not QUARTER.match(str(v)):
            raise ValueError(f"must look like 2026Q3, got {v!r}")
        return str(v)

    @field_validator("notebooks", mode="before")
    @classmethod
    def _notebooks(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"path": x} if isinstance(x, str) else x for x in v]
        return v


def _closest(key: str, model: type[BaseModel]) -> str:
    match = difflib.get_close_matches(key, list(model.model_fields), n=1)
    return (
        f" Did you mean '{match[0]}'?" if match else f" Valid keys: {sorted(model.model_fields)}."
    )


def load_params(path: str | Path, **overrides: Any) -> RunParams:
    """Read and validate a run-parameter YAML file.

    Raises
    ------
    ParameterError
        Naming the file and each unknown, missing or invalid key.
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{path}: parameter file not found.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: expected a mapping of keys to values at the top level.")
    raw.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return RunParams.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"])
            if err["type"] == "extra_forbidden":
                model = NotebookSpec if len(err["loc"]) > 1 else RunParams
                problems.append(f"unknown key '{loc}'.{_closest(str(err['loc'][-1]), model)}")
            elif err["type"] == "missing":
                problems.append(f"missing required key '{loc}'")
            else:
                problems.append(f"'{loc}': {err['msg']}")
        raise ParameterError(f"{path}: " + "; ".join(problems)) from None
