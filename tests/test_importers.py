"""Tests of cxm_lab.importers: real survey-tool exports, documented-format fixtures, value parsing,
encodings, delimiters, headers and a property test that no input bytes raise anything but
SchemaError.

Expected values were read independently: row counts with Python's csv module on the decoded
text (and the figures of ../shared/data/exports/README.md), cells by eye from the files.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxm_lab.errors import ParameterError, SchemaError
from cxm_lab.importers import (
    DEFAULT_NA_VALUES,
    IMPORTERS,
    Export,
    Header,
    Importer,
    RawTable,
    detect_source,
    expand_paths,
    jalali_to_gregorian,
    parse_dates,
    parse_numbers,
    read_export,
    register,
)

FIXTURES = Path(__file__).parent / "fixtures" / "exports"


def reconciles(ex: Export) -> bool:
    return ex.n_read == len(ex.data) + ex.rejects["row"].nunique()


def data_records(path: Path, encoding: str, delimiter: str, header_rows: int) -> int:
    """Independent count: non-blank csv records after the header rows."""
    text = path.read_bytes().decode(encoding)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return sum(1 for r in records[header_rows:] if any(c.strip() for c in r))


def check_frame(ex: Export) -> None:
    """The Export contract every read must keep."""
    assert reconciles(ex)
    assert isinstance(ex.data.index, pd.RangeIndex)
    assert ex.data.columns.is_unique
    assert all(isinstance(c, str) and c for c in ex.data.columns)
    assert len(ex.rows) == len(ex.data)
    assert list(ex.rejects.columns) == ["file", "row", "column", "value", "reason"]
    assert set(ex.questions) == set(ex.data.columns)
    assert set(ex.roles.values()) <= set(ex.data.columns)
    for col in ex.data.columns:
        values = ex.data[col].to_numpy(dtype=object)
        assert all(v is pd.NA or (isinstance(v, str) and v == v.strip()) for v in values)


# --------------------------------------------------------------------------------------------
# Real exports (../shared/data/exports)

REAL = {
    # path: (source, rows, columns, encoding, delimiter, header rows)
    "qualtrics/qualtRics_sample.csv": ("qualtrics", 1, 20, "utf-8", ",", 3),
    "qualtrics/qualtRics_sample_legacy.csv": ("qualtrics", 1, 15, "utf-8-sig", ",", 2),
    "qualtrics/CHKKK Housing developments W1 (Prolific - June 2021)_June 15, 2023_11.20.csv": (
        "qualtrics", 1038, 182, "utf-8", ",", 3,
    ),
    "surveymonkey/StarWars.csv": ("surveymonkey", 1186, 38, "cp1252", ",", 2),
    "google_forms/2019 English R Community Survey Responses.csv": (
        "google_forms", 1838, 52, "utf-8", ",", 1,
    ),
    "google_forms/Learning R Internet Survey (Spanish Version) - Form Responses 1.tsv": (
        "google_forms", 295, 44, "utf-8", "\t", 1,
    ),
    "typeform/res_YvBfAdHB.csv": ("typeform", 44, 91, "utf-8", ",", 1),
    "limesurvey/results-survey945827-202004302207.csv": (
        "limesurvey", 65, 646, "utf-8-sig", ",", 1,
    ),
    "limesurvey/results-survey945827-202004302207-codes.csv": (
        "limesurvey", 65, 646, "utf-8-sig", ",", 1,
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def exports(shared_data: Path) -> Path:
    return shared_data / "exports"


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(REAL))
def test_real_export_shape(exports: Path, name: str) -> None:
    source, n_rows, n_cols, encoding, delimiter, header_rows = REAL[name]
    path = exports / name
    ex = read_export(path, keep_incomplete=True)  # LimeSurvey: default rejects incomplete rows
    check_frame(ex)
    assert (ex.source, ex.encoding, ex.delimiter, ex.header_rows) == (
        source,
        encoding,
        delimiter,
        header_rows,
    )
    assert ex.data.shape == (n_rows, n_cols)
    assert ex.n_read == n_rows and ex.rejects.empty
    assert ex.n_read == data_records(path, encoding, delimiter, header_rows)
    assert detect_source(path)[0] == source


@pytest.mark.shared_data
def test_qualtrics_modern_sample(exports: Path) -> None:
    ex = read_export(exports / "qualtrics/qualtRics_sample.csv")
    row = ex.data.iloc[0]
    assert row["ResponseId"] == "R_2YPOQ602ER1jkf1"
    assert row["Q2"] == "Hello World!"
    assert row["UserLanguage"] == "DE"
    assert row["StartDate"] == "2017-07-18 08:28:09"
    assert row["Q2 - Topics"] is pd.NA and row["RecipientEmail"] is pd.NA
    assert ex.questions["Q1"] == "This is a multiple choice question."
    assert ex.questions["ResponseId"] == "Antwort-ID"
    assert ex.roles == {
        "response_id": "ResponseId",
        "response_date": "RecordedDate",
        "start_date": "StartDate",
        "language": "UserLanguage",
        "email": "RecipientEmail",
        "ip_address": "IPAddress",
        "status": "Status",
        "duration": "Duration (in seconds)",
    }
    assert ex.timezone is None  # this sample's ImportId row declares no timeZone
    assert ex.date_format == "%Y-%m-%d %H:%M:%S"
    assert list(ex.rows) == [1]


@pytest.mark.shared_data
def test_qualtrics_legacy_sample(exports: Path) -> None:
    ex = read_export(exports / "qualtrics/qualtRics_sample_legacy.csv")
    assert list(ex.data.columns[:3]) == ["ResponseID", "ResponseSet", "Name"]
    assert list(ex.data.columns[-5:]) == [
        "Q1",
        "Q2",
        "LocationLatitude",
        "LocationLongitude",
        "LocationAccuracy",
    ]
    row = ex.data.iloc[0]
    assert (row["ResponseID"], row["Q1"], row["Q2"]) == ("R_2YPOQ602ER1jkf1", "2", "Hello World!")
    assert row["EndDate"] == "2017-07-18 08:28:48" and row["LocationAccuracy"] == "-1"
    assert ex.questions["Q2"] == "This is a free text question."
    assert ex.roles["response_id"] == "ResponseID" and ex.roles["response_date"] == "EndDate"
    assert any("trailing column" in n for n in ex.notes)
    assert any("byte-order mark" in n for n in ex.notes)


@pytest.mark.shared_data
def test_qualtrics_chkkk(exports: Path) -> None:
    ex = read_export(
        exports
        / "qualtrics/CHKKK Housing developments W1 (Prolific - June 2021)_June 15, 2023_11.20.csv"
    )
    assert ex.timezone == "America/New_York"
    first = ex.data.iloc[0]
    assert first["ResponseId"] == "R_A5O878p6R9875wR"
    assert first["StartDate"] == "2021-06-30 13:57:56"
    assert first["Q1.2"] == "Yes" and first["Q2.2"] == "Man" and first["Q2.3"] == "25-34"
    assert ex.questions["Q1.2"] == "Do you consent to participate in the survey?"
    assert ex.questions["Q2.4_1"].startswith("We would like to get a sense of your consumption")
    assert "\n" in ex.questions["Q2.4_1"]
    # A multi-line answer is one row: the 49th response, as numbered below the 3 header rows.
    cell = ex.data.loc[48, "Q36.3"]
    assert cell.startswith("I leave humorous comments in a section like this")
    assert "\n" in cell and ex.rows[48] == 49
    assert ex.data.loc[48, "ResponseId"] == "R_3IaQTuUe8Isw0yy"
    dates, reasons = parse_dates(
        ex.data[ex.roles["response_date"]],
        date_format=ex.date_format,
        source_timezone=ex.timezone,
        timezone="UTC",
    )
    assert not any(reasons)
    assert dates.iloc[0] == pd.Timestamp("2021-06-30 18:00:28")  # 14:00:28 EDT = 18:00:28 UTC


@pytest.mark.shared_data
def test_qualtrics_chkkk_unfinished_responses_are_rejected(exports: Path) -> None:
    """Qualtrics' Finished column, counted by pandas on the raw file (3 header rows)."""
    path = (
        exports
        / "qualtrics/CHKKK Housing developments W1 (Prolific - June 2021)_June 15, 2023_11.20.csv"
    )
    raw = pd.read_csv(path, skiprows=[1, 2], dtype=str, keep_default_na=False)
    unfinished = raw[raw["Finished"] == "False"]
    assert len(unfinished) == 7 and (raw["Finished"] == "True").sum() == 1031
    ex = read_export(path)
    assert ex.n_read == len(raw) and len(ex.data) == len(raw) - len(unfinished)
    assert ex.rejects["row"].tolist() == (unfinished.index + 1).tolist()  # 1-based data rows
    assert ex.rejects["column"].eq("Finished").all() and ex.rejects["value"].eq("False").all()
    assert ex.rejects["reason"].tolist() == [
        f"incomplete response (Qualtrics Finished = False; Progress {p}%)"
        for p in unfinished["Progress"]
    ]
    assert "incomplete response (Qualtrics Finished = False; Progress 43%)" in set(
        ex.rejects["reason"]
    )
    assert not ex.data["ResponseId"].isin(unfinished["ResponseId"]).any()
    assert any(n.startswith("7 incomplete responses rejected (Finished = False") for n in ex.notes)
    kept = read_export(path, keep_incomplete=True)
    assert kept.rejects.empty and len(kept.data) == len(raw)
    assert any(n.startswith("7 incomplete responses kept") for n in kept.notes)


def test_qualtrics_finished_zero_is_incomplete(tmp_path: Path) -> None:
    """Numeric-value exports write Finished as 1/0; an export without Progress says less."""
    path = tmp_path / "q.csv"
    path.write_text(
        "StartDate,Finished,ResponseId,Q1\n"
        "Start Date,Finished,Response ID,Q one\n"
        "2021-06-30 13:57:56,1,R_a,5\n"
        "2021-06-30 13:58:56,0,R_b,3\n"
        "2021-06-30 13:59:56,,R_c,4\n",
        encoding="utf-8",
    )
    ex = read_export(path)
    assert ex.data["ResponseId"].tolist() == ["R_a", "R_c"]  # no flag: not marked incomplete
    assert ex.rejects[["row", "reason"]].values.tolist() == [
        [2, "incomplete response (Qualtrics Finished = 0)"]
    ]


@pytest.mark.shared_data
def test_surveymonkey_starwars(exports: Path) -> None:
    ex = read_export(exports / "surveymonkey/StarWars.csv")
    # The only non-ASCII bytes of the file, 0x8C 0xE6, are "Œæ" in cp1252 ("åÊ" in mac-roman).
    assert "Do you consider yourself to be a fan of the Expanded Universe?Œæ" in ex.data.columns
    assert any("cp1252" in n for n in ex.notes)
    seen = "Which of the following Star Wars films have you seen? Please select all that apply."
    favour = (
        "Please state whether you view the following characters favorably, unfavorably, "
        "or are unfamiliar with him/her."
    )
    assert f"{seen} | Star Wars: Episode I  The Phantom Menace" in ex.data.columns
    # "Response" sub-headers give the question alone.
    assert "Have you seen any of the 6 films in the Star Wars franchise?" in ex.data.columns
    first = ex.data.iloc[0]
    assert first["RespondentID"] == "3292879998"
    assert first[f"{favour} | Han Solo"] == "Very favorably"
    assert first[f"{favour} | Lando Calrissian"] == "Unfamiliar (N/A)"
    second = ex.data.iloc[1]
    assert second["Household Income"] == "$0 - $24,999"
    assert second[f"{seen} | Star Wars: Episode I  The Phantom Menace"] is pd.NA
    assert ex.roles == {"response_id": "RespondentID"}
    values, bad = parse_numbers(ex.data[f"{favour} | Lando Calrissian"])
    assert not bad[0] and values.iloc[0] is pd.NA  # "Unfamiliar (N/A)" is a non-answer
    ranks, bad = parse_numbers(ex.data["Please rank the Star Wars films in order of preference "
                                       "with 1 being your favorite film in the franchise and 6 "
                                       "being your least favorite film. | Star Wars: Episode I  "
                                       "The Phantom Menace"])  # fmt: skip
    assert ranks.iloc[0] == 3 and not bad.any()


@pytest.mark.shared_data
def test_google_forms_2019(exports: Path) -> None:
    ex = read_export(exports / "google_forms/2019 English R Community Survey Responses.csv")
    nps = "How likely are you to recommend R to a colleague, friend, or family member?"
    first = ex.data.iloc[0]
    assert first["Timestamp"] == "12/13/2019 9:50:30"
    assert first["How would you rate your level of experience using R?"] == "Expert"
    assert first[nps] == "10"
    assert first["What year were you born?"] == "1987"
    assert ex.roles == {"response_date": "Timestamp"}
    assert (ex.date_format, ex.dayfirst) == ("%m/%d/%Y %H:%M:%S", False)
    cell = ex.data.loc[317, "What do you like best about using R?"]
    assert cell == (
        "The facility it offers to wrangle data. \nData visualization quality\n"
        "The facility to diffuse the analysis through web dashboards and apps"
    )
    assert ex.rows[317] == 318
    dates, reasons = parse_dates(ex.data["Timestamp"], date_format=ex.date_format)
    assert not any(reasons) and dates.iloc[0] == pd.Timestamp("2019-12-13 09:50:30")
    scores, bad = parse_numbers(ex.data[nps])
    assert not bad.any() and scores.between(0, 10).all()


@pytest.mark.shared_data
def test_google_forms_spanish_tsv(exports: Path) -> None:
    ex = read_export(
        exports / "google_forms/Learning R Internet Survey (Spanish Version) - Form Responses 1.tsv"
    )
    reason = "¿Qué opción refleja mejor la razón principal por la que aprendiste R?"
    assert ex.data.columns[27] == "column 28"  # blank header, 1-based position
    assert reason in ex.data.columns and f"{reason} (2)" in ex.data.columns
    first = ex.data.iloc[0]
    assert first["Timestamp"] == "12/13/2018 11:06:09"
    assert first["¿En qué industria trabajas o participas?"] == "Tecnologías de la Información"
    assert first["¿En qué país resides actualmente?"] == "Argentina"
    assert (
        first["¿Qué tan probable es que recomiendes R a un colega, amiga/o o un familiar?"] == "10"
    )
    assert ex.roles == {"response_date": "Timestamp", "email": "Email Address"}
    assert any("duplicate" in n for n in ex.notes) and any("column 28" in n for n in ex.notes)


@pytest.mark.shared_data
def test_typeform_french(exports: Path) -> None:
    ex = read_export(exports / "typeform/res_YvBfAdHB.csv")
    first = ex.data.iloc[0]
    assert first["#"] == "9q4cmc734bfa8wxo359q4cmcbt0t91qn"
    assert first["Vous êtes..."] == "Une femme"
    assert first["Submit Date (UTC)"] == "2021-04-14 09:40:03"
    assert first["Network ID"] == "d26f2807f8"
    assert {"Other", "Other (2)", "Other (7)", "Other (8)"} <= set(ex.data.columns)
    assert ex.timezone == "UTC"
    assert ex.roles == {
        "response_id": "#",
        "response_date": "Submit Date (UTC)",
        "start_date": "Start Date (UTC)",
    }
    cell = ex.data.loc[9, "Pourquoi ?"]
    assert cell.startswith("Pour pouvoir répondre à la question sur le nombre binaire")
    assert "\n" in cell and ex.rows[9] == 10


@pytest.mark.shared_data
def test_one_bad_byte_keeps_a_utf8_export_utf8(exports: Path, tmp_path: Path) -> None:
    """A single 0xFF on line 6 of the French Typeform export made the whole file cp1252
    ("A l'Ã©cole"), with a note claiming "undecodable bytes shown as U+FFFD". Now it is read
    as UTF-8, the bad byte alone is U+FFFD and the note says where it is."""
    original = (exports / "typeform/res_YvBfAdHB.csv").read_bytes()
    lines = original.split(b"\n")
    # Independent position: the byte goes right after the first comma of line 6, so it is
    # character (index of that comma + 2) of the line, counted from 1.
    column = lines[5].decode("utf-8").index(",") + 2
    lines[5] = lines[5].replace(b",", b",\xff", 1)
    path = tmp_path / "typeform_badutf8.csv"
    path.write_bytes(b"\n".join(lines))
    reference = read_export(exports / "typeform/res_YvBfAdHB.csv")
    ex = read_export(path)
    assert ex.encoding == "utf-8"
    assert "A l'école, vous a-t-on enseigné l'informatique ?" in ex.data.columns
    assert (
        f"{path}: UTF-8 with 1 invalid byte, shown as U+FFFD: 0xff at line 6, column {column}"
        in ex.notes
    )
    assert not any("cp1252" in n for n in ex.notes)
    # Everything but the one cell reads as in the clean file; that cell starts with U+FFFD.
    differ = ex.data.astype(object).ne(reference.data.astype(object)) & ~(
        ex.data.isna() & reference.data.isna()
    )
    assert differ.to_numpy().sum() == 1
    row, col = np.argwhere(differ.to_numpy())[0]
    assert ex.data.iat[row, col] == "\ufffd" + reference.data.iat[row, col]


def test_bad_bytes_in_utf8_versus_a_real_code_page(tmp_path: Path) -> None:
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes("id,comment\n1,très bien à l'école\n2,".encode() + b"caf\xe9\x80 ok\n")
    ex = read_export(utf8)
    assert ex.encoding == "utf-8" and ex.data["comment"].tolist() == [
        "très bien à l'école",
        "caf\ufffd\ufffd ok",
    ]
    note = next(n for n in ex.notes if "invalid byte" in n)
    # "2,caf" is 5 characters: the bad bytes are columns 6 and 7 of line 3.
    assert note.endswith("2 invalid bytes, shown as U+FFFD: 0xe9 at line 3, column 6; "
                         "0x80 at line 3, column 7")  # fmt: skip
    many = tmp_path / "many.csv"
    many.write_bytes("id,c\n1,é\n".encode() + b"".join(b"%d,\xff\n" % i for i in range(2, 10)))
    assert read_export(many).encoding != "utf-8"  # 8 bad bytes, 1 UTF-8 letter: not UTF-8
    cp = tmp_path / "cp1252.csv"
    cp.write_bytes("id,comment\n1,très bien à l'école\n2,café crème\n".encode("cp1252"))
    ex = read_export(cp)
    assert ex.encoding == "cp1252" and ex.data["comment"].tolist() == [
        "très bien à l'école",
        "café crème",
    ]


@pytest.mark.shared_data
def test_limesurvey_both_headings(exports: Path) -> None:
    # keep_incomplete: row 5 (id 11) below is an incomplete response, rejected by default.
    full = read_export(
        exports / "limesurvey/results-survey945827-202004302207.csv", keep_incomplete=True
    )
    codes = read_export(
        exports / "limesurvey/results-survey945827-202004302207-codes.csv", keep_incomplete=True
    )
    assert list(full.data.columns) == list(codes.data.columns)
    assert full.questions["submitdate"] == "Date submitted"
    assert full.questions["Page2Grid1[Y1_X1]"] == (
        "1.\tThis class is too stressful. [No disagreement at all][No agreement at all]"
    )
    assert codes.questions["submitdate"] == "submitdate"
    for ex in (full, codes):
        assert ex.roles["response_id"] == "id" and ex.roles["language"] == "startlanguage"
        # submitdate holds only the anonymised placeholder 1980-01-01: no response_date role.
        assert "response_date" not in ex.roles and ex.data["submitdate"].isna().all()
    # The 5th response (id 11): answer texts in one file, codes in the other.
    assert full.data.loc[4, "id"] == codes.data.loc[4, "id"] == "11"
    assert full.data.loc[4, "ConsentParticipate"] == "Yes: I agree to participate"
    assert codes.data.loc[4, "ConsentParticipate"] == "A1"
    assert full.data.loc[4, "ScreeningAge"] == "I am 18 years old or younger."
    # The one free-text "N/A" is an NA token; answers like "9. Completely agree" read as 9.
    assert not full.data.isin(["N/A"]).any().any()
    labels = full.data["LikertTypePage1[1]"]
    values, bad = parse_numbers(labels)
    assert not bad.any()
    assert values[labels == "9. Completely agree"].eq(9).all()


QUALTRICS_CHKKK = (
    "qualtrics/CHKKK Housing developments W1 (Prolific - June 2021)_June 15, 2023_11.20.csv"
)


def _quarter_counts(dates: pd.Series) -> dict[str, int]:
    return {str(q): int(n) for q, n in dates.dt.to_period("Q").value_counts().sort_index().items()}


@pytest.mark.shared_data
def test_qualtrics_chkkk_quarters_in_the_declared_zone(exports: Path) -> None:
    """The run reports RecordedDate in the zone the export declares (America/New_York), not UTC.

    Independent check: pandas reads the CSV (header rows 2 and 3 skipped) and takes the
    RecordedDate text as New York wall time; UTC is that time localised and converted.
    """
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.params import RunParams

    path = exports / QUALTRICS_CHKKK
    raw = pd.read_csv(path, dtype=str, skiprows=[1, 2])
    new_york = pd.to_datetime(raw["RecordedDate"], format="%Y-%m-%d %H:%M:%S")
    utc = new_york.dt.tz_localize("America/New_York").dt.tz_convert("UTC").dt.tz_localize(None)
    assert _quarter_counts(new_york) == {"2021Q2": 116, "2021Q3": 922}  # as pandas counts them

    # keep_incomplete: all 1,038 rows, the 7 with Finished = False too (rejected by default)
    ds = prepare_dataset(
        RunParams(name="chkkk", data_dir=str(path), dimensions=[], keep_incomplete=True)
    )
    r = ds.tables["responses"]
    assert r["response_date"].iloc[0] == pd.Timestamp("2021-06-30 14:00:28")  # as written
    assert r["quarter"].value_counts().sort_index().to_dict() == _quarter_counts(new_york)
    assert ds.report_quarter == "2021Q3"
    # `timezone: UTC` in the params converts them: 14:00:28 EDT = 18:00:28 UTC.
    ds = prepare_dataset(
        RunParams(
            name="chkkk", data_dir=str(path), dimensions=[], timezone="UTC", keep_incomplete=True
        )
    )
    r = ds.tables["responses"]
    assert r["response_date"].iloc[0] == pd.Timestamp("2021-06-30 18:00:28")
    assert r["quarter"].value_counts().sort_index().to_dict() == _quarter_counts(utc)


def _limesurvey_rows(path: Path) -> tuple[list[int], list[int]]:
    """Independent: data rows (1-based, blank rows counted) with an empty submitdate and with
    the 1980-01-01 placeholder, read with the csv module."""
    text = path.read_bytes().decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline="")))
    col = [c.split(".")[0] for c in records[0]].index("submitdate")
    empty, placeholder = [], []
    for k, rec in enumerate(records[1:], start=1):
        if not any(c.strip() for c in rec):
            continue
        if not rec[col].strip():
            empty.append(k)
        elif rec[col] == "1980-01-01 00:00:00":
            placeholder.append(k)
    return empty, placeholder


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["results-survey945827-202004302207.csv",
                                  "results-survey945827-202004302207-codes.csv"])  # fmt: skip
def test_limesurvey_incomplete_rejected_and_anonymised_date_is_no_date(
    exports: Path, name: str
) -> None:
    path = exports / "limesurvey" / name
    incomplete, anonymised = _limesurvey_rows(path)
    assert (len(incomplete), len(anonymised)) == (40, 25)  # every submitted row is 1980-01-01
    ex = read_export(path)
    check_frame(ex)
    assert (ex.n_read, len(ex.data), ex.rejects["row"].nunique()) == (65, 25, 40)
    assert sorted(ex.rejects["row"]) == incomplete and list(ex.rows) == anonymised
    assert (
        ex.rejects["reason"]
        .str.startswith("incomplete response (LimeSurvey submitdate empty")
        .all()
    )
    # Row 3 (id 9) reached page 3 before leaving.
    assert ex.rejects.set_index("row").loc[3, "reason"] == (
        "incomplete response (LimeSurvey submitdate empty; lastpage 3)"
    )
    assert ex.data["submitdate"].isna().all() and "response_date" not in ex.roles
    assert any("1980-01-01 00:00:00" in n and "anonymised" in n for n in ex.notes)
    kept = read_export(path, keep_incomplete=True)
    assert (len(kept.data), len(kept.rejects)) == (65, 0)
    assert kept.data["submitdate"].isna().all()


@pytest.mark.shared_data
def test_limesurvey_run_has_no_quarter_and_reconciles(exports: Path) -> None:
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.params import RunParams

    path = exports / "limesurvey/results-survey945827-202004302207.csv"
    ds = prepare_dataset(RunParams(name="lime", data_dir=str(path), dimensions=[]))
    (read,) = ds.reads
    assert (read.n_read, len(read.data), read.rejects["row"].nunique()) == (65, 25, 40)
    assert ds.report_quarter is None and ds.config["quarters"] == []
    assert read.rejects["reason"].str.startswith("incomplete response").all()


@pytest.mark.shared_data
def test_limesurvey_keep_incomplete_and_an_empty_date_mapping(exports: Path) -> None:
    from cxm_lab.errors import ParameterError
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.params import RunParams

    path = exports / "limesurvey/results-survey945827-202004302207.csv"
    # keep_incomplete: the 40 rows with an empty submitdate are used, none rejected
    ds = prepare_dataset(
        RunParams(name="lime", data_dir=str(path), dimensions=[], keep_incomplete=True)
    )
    (read,) = ds.reads
    assert (read.n_read, len(read.data), len(read.rejects)) == (65, 65, 0)
    # a params file (written before the placeholder was known) that maps submitdate to
    # response_date: one line naming the file, the column and why, not 25 empty-date rejects
    with pytest.raises(ParameterError) as err:
        prepare_dataset(
            RunParams(
                name="lime",
                data_dir=str(path),
                dimensions=[],
                rename={"submitdate": "response_date"},
            )
        )
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg
    assert "'submitdate' holds no date in any of the 25 rows" in msg
    assert "1980-01-01" in msg and "remove 'submitdate' from rename" in msg


@pytest.mark.shared_data
def test_typeform_yes_no_answers_read_as_yes_no(exports: Path) -> None:
    path = exports / "typeform/res_YvBfAdHB.csv"
    ex = read_export(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)  # pandas: independent of us
    raw = raw.apply(lambda c: c.str.strip())
    raw.columns = ex.data.columns  # pandas names repeats "Other.1", we "Other (2)"
    assert ex.data["Vivez-vous en France ?"].value_counts().to_dict() == {"Yes": 42, "No": 2}
    public = "Travaillez-vous dans le secteur public ?"
    assert (ex.data[public] == "Yes").sum() == (raw[public] == "1").sum() == 12
    assert (ex.data[public] == "No").sum() == (raw[public] == "0").sum() == 32
    culture = "Travaillez-vous dans le secteur culturel ?"
    assert ex.data[culture].isna().sum() == (raw[culture] == "").sum() == 32
    # Numbers stay numbers: the quiz answer (5, 10) and the 0-10 scales that include 0 and 1.
    quiz = "Et bien prouvez le ! Que vaut 0101 ?"
    assert ex.data[quiz].dropna().tolist() == [v for v in raw[quiz] if v]
    scale = next(c for c in raw.columns if c.startswith("Les sujets de transformation"))
    assert {"0", "10"} <= set(ex.data[scale].dropna())
    converted = [c for c in raw.columns if set(raw[c]) - {""} == {"0", "1"}]
    assert len(converted) == 10
    for col in raw.columns:
        expected = raw[col].replace({"1": "Yes", "0": "No"}) if col in converted else raw[col]
        assert ex.data[col].fillna("").tolist() == expected.tolist(), col
    assert any("10 yes/no questions answered 1/0 read as Yes/No" in n for n in ex.notes)


# --------------------------------------------------------------------------------------------
# Documented-format fixtures (tests/fixtures/exports; see its README for the sources)


def test_medallia_agent_connect_fixture() -> None:
    path = FIXTURES / "medallia/agent_connect_feedback_export.csv"
    ex = read_export(path)
    check_frame(ex)
    assert (ex.source, ex.n_read, ex.data.shape[1]) == ("medallia", 4, 24)
    assert ex.n_read == data_records(path, "utf-8", ",", 1)
    assert ex.timezone == "UTC"
    assert ex.roles == {
        "response_id": "request_id",
        "response_date": "response_received_at",
        "status": "request_delivery_status",
        "email": "request_sent_to",
    }
    assert ex.data.loc[0, "customer_name"] == "Jansen, Pieter"
    assert ex.data.loc[1, "additional_question_response"] == (
        "Had to call three times.\nNobody called back as promised."
    )
    assert list(ex.rows) == [1, 2, 3, 4]
    unsent = ex.data.loc[2]
    assert unsent["request_delivery_status"] == "Not sent: suppression period"
    assert unsent["response_received_at"] is pd.NA and unsent["star_rating"] is pd.NA
    stars, bad = parse_numbers(ex.data["star_rating"])
    assert stars.tolist() == [5, 2, pd.NA, 4] and not bad.any()


def test_questionpro_csv_fixture() -> None:
    path = FIXTURES / "questionpro/QuestionPro-SR-RawData-10234567.csv"
    ex = read_export(path)
    check_frame(ex)
    assert (ex.source, ex.n_read, ex.header_rows) == ("questionpro", 4, 1)
    assert ex.n_read == data_records(path, "utf-8", ",", 4)  # 3 report lines + header
    assert any("3 report lines" in n for n in ex.notes)
    assert ex.timezone == "America/Los_Angeles" and ex.dayfirst is False
    assert ex.roles["response_id"] == "Response ID"
    assert ex.roles["response_date"] == "Timestamp (mm/dd/yyyy)"
    assert ex.roles["duration"] == "Time Taken to Complete (Seconds)"
    assert ex.data.loc[0, "Response ID"] == "112233401"
    assert ex.data.loc[2, "Response Status"] == "Started"
    # "NA" (North America) is a default NA token ...
    assert ex.data.loc[1, "Custom Variable 1"] is pd.NA
    # ... unless the caller's list replaces the defaults.
    kept = read_export(path, na_values=[])
    assert kept.data.loc[1, "Custom Variable 1"] == "NA"
    dates, reasons = parse_dates(ex.data["Timestamp (mm/dd/yyyy)"], dayfirst=ex.dayfirst)
    assert dates.iloc[0] == pd.Timestamp("2026-07-14 09:15:02") and not any(reasons)
    sat, bad = parse_numbers(ex.data["Overall, how satisfied are you with our support?"])
    assert sat.tolist() == [4, 2, pd.NA, 5] and not bad.any()


def test_alchemer_fixture() -> None:
    path = FIXTURES / "alchemer/alchemer_responses_export.csv"
    ex = read_export(path, keep_incomplete=True)  # rows 3 (Partial), 4 (Disqualified) kept
    check_frame(ex)
    assert (ex.source, ex.n_read, ex.data.shape[1]) == ("alchemer", 4, 22)
    assert ex.n_read == data_records(path, "utf-8", ",", 1)
    assert ex.timezone == "America/New_York"
    assert ex.roles == {
        "response_id": "Response ID",
        "response_date": "Date Submitted",
        "start_date": "Time Started",
        "status": "Status",
        "language": "Language",
        "ip_address": "IP Address",
    }
    assert ex.data.loc[2, "Status"] == "Partial" and ex.data.loc[2, "Date Submitted"] is pd.NA
    nps = "How likely are you to recommend Acme to a friend or colleague?"
    assert ex.data[nps].tolist() == ["10", "7", pd.NA, pd.NA]  # the last is "N/A"
    dates, _ = parse_dates(ex.data["Date Submitted"], source_timezone=ex.timezone, timezone="UTC")
    assert dates.iloc[0] == pd.Timestamp("2026-07-01 13:16:02")  # EDT = UTC-4


def test_alchemer_partial_and_disqualified_are_rejected() -> None:
    """The fixture's Status column: Complete, Complete, Partial, Disqualified (rows 1-4)."""
    path = FIXTURES / "alchemer/alchemer_responses_export.csv"
    ex = read_export(path)
    assert ex.n_read == 4 and ex.data["Response ID"].tolist() == ["1", "2"]
    assert ex.rejects[["row", "column", "value", "reason"]].values.tolist() == [
        [3, "Status", "Partial", "incomplete response (Alchemer Status = Partial)"],
        [4, "Status", "Disqualified", "incomplete response (Alchemer Status = Disqualified)"],
    ]
    assert "2 incomplete responses rejected (Status Partial or Disqualified: not completed)" in (
        ex.notes
    )
    kept = read_export(path, keep_incomplete=True)
    assert kept.rejects.empty and len(kept.data) == 4
    assert any(n.startswith("2 incomplete responses kept") for n in kept.notes)


def test_porsline_fixture() -> None:
    path = FIXTURES / "porsline/porsline_responses.csv"
    ex = read_export(path)
    check_frame(ex)
    assert (ex.source, ex.n_read, ex.data.shape[1]) == ("porsline", 4, 7)
    assert ex.n_read == data_records(path, "utf-8-sig", ",", 1)
    assert ex.calendar == "jalali" and ex.encoding == "utf-8-sig"
    assert ex.roles == {
        "response_id": "شناسه پاسخ",
        "start_date": "تاریخ شروع",
        "response_date": "تاریخ ثبت پاسخ",
        "duration": "مدت زمان پاسخگویی (ثانیه)",
    }
    assert (
        ex.data.loc[1, "دلیل اصلی امتیاز شما چیست؟"] == "قیمت بالا رفته است.\nکیفیت تغییری نکرده."
    )
    dates, reasons = parse_dates(ex.data["تاریخ ثبت پاسخ"], calendar=ex.calendar)
    assert dates.tolist()[:3] == [
        pd.Timestamp("2024-08-02 10:30"),  # 1403/05/12
        pd.Timestamp("2024-08-03 21:08"),  # 1403/05/13
        pd.Timestamp("2025-03-20 23:59"),  # 1403/12/30 (1403 is a leap year)
    ]
    assert dates.isna().iloc[3] and reasons[3] is None
    nps, bad = parse_numbers(ex.data["چقدر احتمال دارد ما را به دوستان یا همکاران خود توصیه کنید؟"])
    assert nps.tolist() == [9, 4, 10, pd.NA] and not bad.any()  # ۹, ۴, ١٠ (Arabic-Indic)
    seconds, _ = parse_numbers(ex.data["مدت زمان پاسخگویی (ثانیه)"])
    assert seconds.tolist() == [300, 360, 1140, pd.NA]  # ۱٬۱۴۰
    sat, _ = parse_numbers(ex.data["میزان رضایت شما از پشتیبانی"])
    assert sat.tolist() == [5, 2, 5, pd.NA]


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_microsoft_forms_xlsx(tmp_path: Path) -> None:
    # Microsoft Forms "Open results in Excel": sheet Form1, ID / Start time / Completion time /
    # Email / Name / Last modified time, then the questions; times are Excel date cells, choices
    # with several answers are joined with ";" and end with ";".
    nps = "How likely are you to recommend Contoso to a friend or colleague?"
    rows = [
        ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time", nps,
         "Which features do you use?", "Anything else you would like to tell us?"],
        [1, datetime(2026, 7, 1, 9, 58, 3), datetime(2026, 7, 1, 10, 0, 41), "anonymous", None,
         None, 9, "Reports;Dashboards;", "Great product.\nKeep the exports coming."],
        [2, datetime(2026, 7, 1, 11, 2, 0), datetime(2026, 7, 1, 11, 3, 30), "anonymous", None,
         None, 6, "Reports;", None],
        [None] * 9,
        [3, datetime(2026, 7, 2, 8, 0, 0), datetime(2026, 7, 2, 8, 4, 12),
         "ana@contoso.example", "Ana Silva", None, 10.0, "Alerts;", "N/A"],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "Customer feedback(1-3).xlsx", {"Form1": rows})
    ex = read_export(path)
    check_frame(ex)
    assert (ex.source, ex.n_read, ex.encoding, ex.delimiter) == (
        "microsoft_forms",
        3,
        "spreadsheet",
        None,
    )
    assert ex.roles == {
        "response_id": "ID",
        "response_date": "Completion time",
        "start_date": "Start time",
        "email": "Email",
    }
    assert ex.data["ID"].tolist() == ["1", "2", "3"]  # integral floats lose ".0"
    assert ex.data.loc[0, "Completion time"] == "2026-07-01 10:00:41"
    assert ex.data[nps].tolist() == ["9", "6", "10"]
    assert ex.data.loc[0, "Anything else you would like to tell us?"] == (
        "Great product.\nKeep the exports coming."
    )
    assert list(ex.rows) == [1, 2, 4]  # the empty sheet row keeps its number
    dates, reasons = parse_dates(ex.data["Completion time"], date_format=ex.date_format)
    assert dates.iloc[2] == pd.Timestamp("2026-07-02 08:04:12") and not any(reasons)


def test_questionpro_workbook_two_header_rows(tmp_path: Path) -> None:
    # A QuestionPro "Raw Data" sheet with a title line, a question row over the option columns
    # of a multiple-select question, then the system-variable row.
    products = "Which of our products do you use?"
    nps = "How likely is it that you would recommend Acme to a friend or colleague?"
    rows = [
        ["Customer Pulse Q3 2026"],
        [None] * 7 + [products, None, nps],
        ["Response ID", "IP Address", "Timestamp (mm/dd/yyyy)", "Duplicate",
         "Time Taken to Complete (Seconds)", "Response Status", "Seq. Number",
         "Analytics", "Billing", None],
        [5001, "203.0.113.5", "07/14/2026 09:15:02", None, 245, "Completed", 1, "Analytics",
         None, 9],
        [5002, "203.0.113.6", "07/15/2026 10:00:00", None, 120, "Completed", 1, "Analytics",
         "Billing", 7],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "QuestionPro-SR-RawData-5000.xlsx", {"Raw Data": rows})
    ex = read_export(path)
    check_frame(ex)
    assert (ex.source, ex.header_rows, ex.n_read) == ("questionpro", 2, 2)
    assert list(ex.data.columns[7:]) == [f"{products} | Analytics", f"{products} | Billing", nps]
    assert ex.data.loc[1, f"{products} | Billing"] == "Billing"
    assert ex.data.loc[0, nps] == "9" and ex.data.loc[0, "Response ID"] == "5001"
    assert any("1 report line" in n for n in ex.notes)


def test_surveymonkey_current_layout(tmp_path: Path) -> None:
    # Newer "All responses data" CSV: spaced meta names with blank sub-headers, then questions
    # with "Response" / "Open-Ended Response" / option sub-headers; dates with AM/PM.
    rows = [
        ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
         "Email Address", "First Name", "Last Name", "Custom Data 1",
         "How likely is it that you would recommend us to a friend or colleague?",
         "Which channels do you use?", "", "Comments"],
        ["", "", "", "", "", "", "", "", "", "Response", "Email", "Phone",
         "Open-Ended Response"],
        ["114236588410", "431558771", "07/15/2026 10:41:02 AM", "07/15/2026 10:43:12 AM",
         "198.51.100.4", "", "", "", "", "9", "Email", "", "Fast answers"],
    ]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "Sheet_1.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    ex = read_export(path)
    check_frame(ex)
    assert (ex.source, ex.header_rows, ex.n_read) == ("surveymonkey", 2, 1)
    assert list(ex.data.columns[9:]) == [
        "How likely is it that you would recommend us to a friend or colleague?",
        "Which channels do you use? | Email",
        "Which channels do you use? | Phone",
        "Comments",
    ]
    assert ex.roles == {
        "response_id": "Respondent ID",
        "response_date": "End Date",
        "start_date": "Start Date",
        "email": "Email Address",
        "ip_address": "IP Address",
    }
    dates, reasons = parse_dates(ex.data["End Date"])
    assert dates.iloc[0] == pd.Timestamp("2026-07-15 10:43:12") and not any(reasons)


def test_qualtrics_two_header_rows_without_import_ids(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "StartDate,EndDate,Finished,RecordedDate,ResponseId,Q1\n"
        "Start Date,End Date,Finished,Recorded Date,Response ID,How likely ...?\n"
        "2026-07-01 10:00:00,2026-07-01 10:02:00,1,2026-07-01 10:02:00,R_1a,10\n"
    )
    ex = read_export(path)
    assert (ex.source, ex.header_rows, ex.timezone) == ("qualtrics", 2, None)
    assert ex.questions["Q1"] == "How likely ...?" and ex.data.loc[0, "Q1"] == "10"


def test_porsline_workbook(tmp_path: Path) -> None:
    text = (FIXTURES / "porsline/porsline_responses.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    path = write_xlsx(tmp_path / "porsline.xlsx", {"پاسخ‌ها": rows})
    ex = read_export(path)
    from_csv = read_export(FIXTURES / "porsline/porsline_responses.csv")
    assert ex.source == "porsline" and ex.calendar == "jalali"
    pd.testing.assert_frame_equal(ex.data, from_csv.data)


# --------------------------------------------------------------------------------------------
# parse_numbers


def test_parse_numbers_known_values() -> None:
    cells = ["9", " 9 ", "9.0", "+3", "-2", "-2.5", "1,234.5", "1e3", "50%",
             "10 - Extremely likely", "9. Completely agree", "0 = Not at all likely",
             "10 (Extremely likely)", "۹", "٣٫٥", "۱٬۲۰۰", "\u22122",
             "Unfamiliar (N/A)", "N/A", "Don't know", "99 - Don't know", "Prefer not to say",
             "", None, "NA", "-",
             "Yes", "Extremely likely", "2019-12-13", "7,5", "inf", "1,5"]  # fmt: skip
    values, bad = parse_numbers(pd.Series(cells, dtype=object))
    expected = [9, 9, 9, 3, -2, -2.5, 1234.5, 1000, 50, 10, 9, 0, 10, 9, 3.5, 1200, -2]
    assert values.iloc[: len(expected)].tolist() == expected
    assert values.iloc[len(expected) :].isna().all()
    assert bad.tolist() == [False] * 26 + [True] * 6
    assert str(values.dtype) == "Float64"


def test_parse_numbers_decimal_comma() -> None:
    cells = pd.Series(["7,5", "1.234,5", "1 234,5", "۱۲٫۵", "10", "7.5", "0,25"])
    values, bad = parse_numbers(cells, decimal=",")
    assert values.iloc[:5].tolist() == [7.5, 1234.5, 1234.5, 12.5, 10]
    assert values.iloc[6] == 0.25
    assert bad.tolist() == [False, False, False, False, False, True, False]
    with pytest.raises(ParameterError):
        parse_numbers(cells, decimal=";")


def test_parse_numbers_keeps_index_and_numeric_input() -> None:
    s = pd.Series(["1", "x"], index=[10, 20])
    values, bad = parse_numbers(s)
    assert list(values.index) == [10, 20] and bad.tolist() == [False, True]
    values, bad = parse_numbers(pd.Series([1.5, np.nan]))
    assert values.tolist() == [1.5, pd.NA] and not bad.any()


def test_parse_numbers_one_million_cells_is_fast() -> None:
    import time

    rng = np.random.default_rng(0)
    cells = pd.Series(rng.integers(0, 11, 1_000_000).astype(str), dtype=object)
    cells[::5] = "10 - Extremely likely"
    cells[::7] = "Don't know"
    start = time.perf_counter()
    values, bad = parse_numbers(cells)
    assert time.perf_counter() - start < 5
    assert not bad.any() and values.iloc[5] == 10 and values.iloc[7] is pd.NA


# --------------------------------------------------------------------------------------------
# parse_dates


def test_parse_dates_vendor_formats() -> None:
    cells = [
        "2017-07-18 08:28:09",  # Qualtrics, LimeSurvey, Typeform
        "12/13/2018 11:06:09",  # Google Forms (US)
        "11/24/2026 10:43:12 AM",  # SurveyMonkey
        "11/24/2026 12:05:00 PM",
        "24.11.2026",  # dotted: day first
        "2026-07-01T10:00:00Z",
        "2026-07-01T10:00:00+03:30",
        "2026/07/01",
        "Dec 13, 2019",
    ]
    dates, reasons = parse_dates(pd.Series(cells))
    assert dates.tolist() == [
        pd.Timestamp("2017-07-18 08:28:09"),
        pd.Timestamp("2018-12-13 11:06:09"),
        pd.Timestamp("2026-11-24 10:43:12"),
        pd.Timestamp("2026-11-24 12:05:00"),
        pd.Timestamp("2026-11-24"),
        pd.Timestamp("2026-07-01 10:00:00"),
        pd.Timestamp("2026-07-01 06:30:00"),  # converted to UTC
        pd.Timestamp("2026-07-01"),
        pd.Timestamp("2019-12-13"),
    ]
    assert not any(reasons)
    assert str(dates.dtype) == "datetime64[ns]"


def test_parse_dates_reasons() -> None:
    cells = ["2026-02-30", "13/45/2026", "2026-07", "2026", "45000", "soon", "", None,
             "12/31/2026 13:00 PM", "0202-01-01", "July 2026"]  # fmt: skip
    dates, reasons = parse_dates(pd.Series(cells, dtype=object))
    assert dates.isna().all()
    assert reasons.tolist() == [
        "not a valid date",
        "not a valid date",
        "partial date, need year, month and day",
        "partial date, need year, month and day",
        "a number, not a date (Excel serial day numbers are not read from text)",
        "not a date",
        None,
        None,
        "not a valid date",
        "not a valid date (year outside 1678-2261)",
        "partial date, need year, month and day",
    ]


def test_parse_dates_day_month_order_is_decided_per_column() -> None:
    both_ways = pd.Series(["03/04/2026", "04/05/2026"])
    assert parse_dates(both_ways)[0].tolist() == [
        pd.Timestamp("2026-03-04"),
        pd.Timestamp("2026-04-05"),
    ]
    assert parse_dates(both_ways, dayfirst=True)[0].tolist() == [
        pd.Timestamp("2026-04-03"),
        pd.Timestamp("2026-05-04"),
    ]
    day_first = pd.Series(["03/04/2026", "25/04/2026"])  # 25 can only be a day
    assert parse_dates(day_first)[0].tolist() == [
        pd.Timestamp("2026-04-03"),
        pd.Timestamp("2026-04-25"),
    ]
    conflicting = pd.Series(["25/04/2026", "04/25/2026"])
    dates, reasons = parse_dates(conflicting)  # one order for the column: month first
    assert dates.iloc[1] == pd.Timestamp("2026-04-25") and reasons[0] == "not a valid date"


def test_parse_dates_strict_format() -> None:
    cells = pd.Series(["12/13/2019 9:50:30", "13/12/2019 9:50:30", "2019-12-13", "12/2019"])
    dates, reasons = parse_dates(cells, date_format="%m/%d/%Y %H:%M:%S")
    assert dates.iloc[0] == pd.Timestamp("2019-12-13 09:50:30") and dates.iloc[1:].isna().all()
    assert reasons.tolist() == [
        None,
        "not a valid date",
        "does not match the date format %m/%d/%Y %H:%M:%S",
        "partial date, need year, month and day",
    ]


def test_parse_dates_time_zones() -> None:
    cells = pd.Series(["2026-07-01T10:00:00+03:30", "2026-07-01T10:00:00Z", "2026-07-01 10:00"])
    dates, _ = parse_dates(cells)  # offsets to UTC, naive left as written
    assert dates.tolist() == [
        pd.Timestamp("2026-07-01 06:30"),
        pd.Timestamp("2026-07-01 10:00"),
        pd.Timestamp("2026-07-01 10:00"),
    ]
    dates, _ = parse_dates(cells, timezone="Asia/Tehran", source_timezone="America/New_York")
    assert dates.tolist() == [
        pd.Timestamp("2026-07-01 10:00"),
        pd.Timestamp("2026-07-01 13:30"),
        pd.Timestamp("2026-07-01 17:30"),  # 10:00 EDT = 14:00 UTC = 17:30 Tehran
    ]
    with pytest.raises(ParameterError, match="Mars/Olympus"):
        parse_dates(cells, timezone="Mars/Olympus")
    with pytest.raises(ParameterError):
        parse_dates(cells, source_timezone="not a zone")
    with pytest.raises(ParameterError):
        parse_dates(cells, calendar="julian")


def test_jalali_known_pairs() -> None:
    assert jalali_to_gregorian(1403, 1, 1) == date(2024, 3, 20)
    assert jalali_to_gregorian(1399, 12, 30) == date(2021, 3, 20)  # leap year
    assert jalali_to_gregorian(1400, 1, 1) == date(2021, 3, 21)
    assert jalali_to_gregorian(1402, 12, 29) == date(2024, 3, 19)
    assert jalali_to_gregorian(1404, 1, 1) == date(2025, 3, 21)
    assert jalali_to_gregorian(1403, 5, 12) == date(2024, 8, 2)
    assert jalali_to_gregorian(1357, 11, 22) == date(1979, 2, 11)
    with pytest.raises(ValueError):
        jalali_to_gregorian(1402, 12, 30)  # 1402 is not a leap year
    with pytest.raises(ValueError):
        jalali_to_gregorian(1403, 7, 31)  # Mehr has 30 days


def test_parse_dates_jalali() -> None:
    cells = pd.Series(["1403/05/12", "۱۴۰۳/۰۵/۱۲ ۱۰:۳۰", "۱۰:۳۰ ۱۴۰۳/۰۵/۱۲", "1403-01-01",
                       "1402/12/30", "1403/05", "hello"])  # fmt: skip
    dates, reasons = parse_dates(cells, calendar="jalali")
    assert dates.iloc[:4].tolist() == [
        pd.Timestamp("2024-08-02"),
        pd.Timestamp("2024-08-02 10:30"),
        pd.Timestamp("2024-08-02 10:30"),
        pd.Timestamp("2024-03-20"),
    ]
    assert reasons.tolist()[4:] == [
        "not a valid date",
        "partial date, need year, month and day",
        "not a date",
    ]


def test_parse_dates_many_values_is_fast() -> None:
    import time

    stamps = pd.date_range("2020-01-01", periods=300_000, freq="min")
    cells = pd.Series(stamps.strftime("%m/%d/%Y %H:%M:%S"))
    start = time.perf_counter()
    dates, reasons = parse_dates(cells, source_timezone="America/New_York")
    assert time.perf_counter() - start < 10
    assert not any(reasons) and dates.iloc[0] == pd.Timestamp("2020-01-01 05:00")


# --------------------------------------------------------------------------------------------
# Encodings, delimiters, headers, NA tokens, ragged rows


WESTERN = (
    "id,comment,score\n1,Très bon service – merci,9\n2,Œuvre façade naïve Größe 10€,4\n3,,10\n"
)
RUSSIAN = (
    "id,комментарий,оценка\n1,Очень быстрая поддержка и понятные ответы,9\n"
    "2,Цена слишком высокая,4\n"
)
ARABIC = "id,تعليق,تقييم\n1,الدعم سريع جدا والإجابات واضحة,9\n2,السعر مرتفع جدا للشركات الصغيرة,4\n"


@pytest.mark.parametrize(
    ("text", "encodings"),
    [
        (WESTERN, ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]),
        (RUSSIAN, ["utf-8-sig", "utf-16", "utf-16-le", "cp1251"]),
        (ARABIC, ["utf-8-sig", "utf-16-be", "cp1256"]),
        (WESTERN.replace("–", "-").replace("€", "E").replace("Œ", "O"), ["mac-roman"]),
    ],
)
def test_same_content_in_each_encoding_reads_the_same(
    tmp_path: Path, text: str, encodings: list[str]
) -> None:
    (tmp_path / "utf8.csv").write_bytes(text.encode("utf-8"))
    reference = read_export(tmp_path / "utf8.csv")
    assert reference.encoding == "utf-8"
    for enc in encodings:
        path = tmp_path / f"{enc}.csv"
        path.write_bytes(text.encode(enc))
        ex = read_export(path)
        pd.testing.assert_frame_equal(ex.data, reference.data, obj=enc)
        assert ex.encoding.replace("_", "-") in {enc, "utf-16", "utf-16-le", "utf-16-be"}, enc


def test_encoding_override_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("a,b\nÉté,1\n".encode("latin-1"))
    assert read_export(path, encoding="latin-1").data.loc[0, "a"] == "Été"
    with pytest.raises(SchemaError, match="cannot be decoded as utf-8"):
        read_export(path, encoding="utf-8")
    with pytest.raises(ParameterError, match="not a known codec"):
        read_export(path, encoding="klingon")


def test_qualtrics_tsv_is_utf16(tmp_path: Path) -> None:
    # Qualtrics' TSV download is UTF-16 (LE with a mark) with the same three header rows.
    rows = [
        ["StartDate", "EndDate", "Status", "RecordedDate", "ResponseId", "UserLanguage", "Q1"],
        ["Start Date", "End Date", "Response Type", "Recorded Date", "Response ID",
         "User Language", "Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?"],
        ['{"ImportId":"startDate","timeZone":"Europe/Berlin"}', '{"ImportId":"endDate"}',
         '{"ImportId":"status"}', '{"ImportId":"recordedDate","timeZone":"Europe/Berlin"}',
         '{"ImportId":"_recordId"}', '{"ImportId":"userLanguage"}', '{"ImportId":"QID1"}'],
        ["2026-07-01 10:00:00", "2026-07-01 10:03:00", "0", "2026-07-01 10:03:01",
         "R_abc123", "DE", "9"],
    ]  # fmt: skip
    text = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
    path = tmp_path / "survey.tsv"
    path.write_bytes(text.encode("utf-16"))
    ex = read_export(path)
    assert (ex.source, ex.encoding, ex.delimiter, ex.timezone) == (
        "qualtrics",
        "utf-16",
        "\t",
        "Europe/Berlin",
    )
    assert ex.data.loc[0, "Q1"] == "9" and ex.questions["Q1"].startswith("Wie wahrscheinlich")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_quotes_and_crlf(tmp_path: Path, delimiter: str) -> None:
    rows = [
        ["id", "comment", "score", "when"],
        ["1", "plain", "9", "2026-07-01"],
        ["2", f'has {delimiter} and "quotes"', "7", "2026-07-02"],
        ["3", "two\r\nlines", "10", "2026-07-03"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "export.txt"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    ex = read_export(path)
    assert ex.delimiter == delimiter
    assert ex.data["comment"].tolist() == ["plain", f'has {delimiter} and "quotes"', "two\r\nlines"]
    assert list(ex.rows) == [1, 2, 3]
    assert read_export(path, delimiter=delimiter).data.equals(ex.data)


def test_bad_delimiter_argument(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ParameterError):
        read_export(path, delimiter=";;")


def test_decimal_comma_detected(tmp_path: Path) -> None:
    path = tmp_path / "de.csv"
    path.write_text(
        "id;zufriedenheit;umsatz\n1;7,5;1.234,50\n2;8;99,90\n3;6,25;12\n", encoding="utf-8"
    )
    ex = read_export(path)
    assert (ex.delimiter, ex.decimal) == (";", ",")
    values, bad = parse_numbers(ex.data["umsatz"], decimal=ex.decimal)
    assert values.tolist() == [1234.5, 99.9, 12] and not bad.any()
    assert ex.parse_options().decimal == ","
    dot = tmp_path / "us.csv"
    dot.write_text("id,score\n1,7.5\n2,8.25\n")
    assert read_export(dot).decimal == "."


def test_na_tokens(tmp_path: Path) -> None:
    tokens = ["", "NA", "N/A", "n/a", "#N/A", "NIL", "nil", "-", "--", "null", "NULL", "NaN", "nan"]
    assert set(tokens) <= set(DEFAULT_NA_VALUES)
    assert "None" not in DEFAULT_NA_VALUES and "0" not in DEFAULT_NA_VALUES
    lines = ["id,answer"] + [f"{i},{t}" for i, t in enumerate(tokens + [" NA ", "None", "N/A!"])]
    path = tmp_path / "na.csv"
    path.write_text("\n".join(lines) + "\n")
    ex = read_export(path)
    answers = ex.data["answer"].tolist()
    assert all(a is pd.NA for a in answers[: len(tokens) + 1])
    assert answers[-2:] == ["None", "N/A!"]
    custom = read_export(path, na_values=["None"])
    assert custom.data["answer"].iloc[0] is pd.NA  # empty cells are always NA
    assert custom.data["answer"].tolist()[1] == "NA" and custom.data["answer"].iloc[-2] is pd.NA
    with pytest.raises(ParameterError):
        read_export(path, na_values=[1, 2])


def test_duplicate_and_blank_headers(tmp_path: Path) -> None:
    path = tmp_path / "dupes.csv"
    path.write_text("Other,q, ,Other,Other (2),Other,\n1,2,3,4,5,6,7\n")
    ex = read_export(path)
    assert list(ex.data.columns) == [
        "Other", "q", "column 3", "Other (3)", "Other (2)", "Other (4)", "column 7",
    ]  # fmt: skip
    assert ex.data.loc[0, "column 7"] == "7"
    assert "2 duplicate headers renamed: Other (3), Other (4)" in ex.notes


def test_ragged_rows_are_rejected_or_padded(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8,9,10\n11,12,13,,\n\n14,15,16\n")
    ex = read_export(path)
    assert ex.n_read == 5 and len(ex.data) == 4 and reconciles(ex)
    assert ex.data["c"].tolist() == ["3", pd.NA, "13", "16"]
    assert list(ex.rows) == [1, 2, 4, 6]  # the blank line (row 5) keeps its number
    reject = ex.rejects.iloc[0]
    assert (reject["row"], reject["column"], reject["value"]) == (3, "column 4", "9")
    assert reject["reason"] == "row has 5 fields, header has 3"
    assert reject["file"] == str(path)


def test_trailing_empty_column_only_dropped_when_empty(tmp_path: Path) -> None:
    path = tmp_path / "trail.csv"
    path.write_text("a,b,\n1,2,\n3,4,\n")
    assert list(read_export(path).data.columns) == ["a", "b"]
    path.write_text("a,b,\n1,2,x\n3,4,\n")
    assert list(read_export(path).data.columns) == ["a", "b", "column 3"]


# --------------------------------------------------------------------------------------------
# Spreadsheets and Parquet


def test_xlsx_cells_become_text_and_sheet_selects(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Empty": [],
            "Data": [["id", "score", "when", "ok", "ratio"],
                     [1, 9.0, datetime(2026, 7, 1, 10, 0), True, 0.25],
                     [2, 10, date(2026, 7, 2), False, 1.5]],
            "Other": [["x"], ["only"]],
        },
    )  # fmt: skip
    ex = read_export(path)  # the first sheet with data
    assert ex.data.to_dict("list") == {
        "id": ["1", "2"],
        "score": ["9", "10"],
        "when": ["2026-07-01 10:00:00", "2026-07-02"],  # a date cell stays a date
        "ok": ["TRUE", "FALSE"],
        "ratio": ["0.25", "1.5"],
    }
    assert any("sheet 'Data'" in n for n in ex.notes)
    assert read_export(path, sheet="Other").data["x"].tolist() == ["only"]
    assert read_export(path, sheet=2).data["x"].tolist() == ["only"]
    with pytest.raises(ParameterError, match="Missing"):
        read_export(path, sheet="Missing")
    with pytest.raises(ParameterError):
        read_export(path, sheet=7)
    csv_path = tmp_path / "a.csv"
    csv_path.write_text("a\n1\n")
    with pytest.raises(ParameterError):
        read_export(csv_path, sheet="Data")


def _save_results(path: Path, results: dict[str, str]) -> None:
    """Store a saved result for formulas, as Excel does on save (openpyxl cannot): each
    ``<f>FORMULA</f><v />`` in the sheet XML gets ``<v>RESULT</v>``."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    for formula, result in results.items():
        old = f"<f>{formula}</f><v />"
        assert old in xml
        xml = xml.replace(old, f"<f>{formula}</f><v>{result}</v>")
    parts["xl/worksheets/sheet1.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_xlsx_formula_cells_are_noted_not_silently_empty(tmp_path: Path) -> None:
    """Hostile review N2: a formula saved without a result (openpyxl, pandas, never opened in
    Excel) was read as an empty cell with no note; the file read as clean."""
    rows = [
        ["id", "Recommend", "Comment"],
        ["A", "=5+5", "=1+1"],
        ["B", 7, "fine"],
        ["C", 8, '="x"&"y"'],
    ]
    path = write_xlsx(tmp_path / "formulas.xlsx", {"Answers": rows})
    ex = read_export(path)
    # Nothing is calculated: without a saved result the cells are empty (NA).
    assert ex.data["Recommend"].tolist() == [pd.NA, "7", "8"]
    assert ex.data["Comment"].tolist() == [pd.NA, "fine", pd.NA]
    note = next(n for n in ex.notes if "formula" in n)
    # Excel names: row 2 is the first data row; B = Recommend, C = Comment.
    assert note.startswith("sheet 'Answers': 3 formula cells without a saved result read as empty")
    assert "B2 ('Recommend'); C2, C4 ('Comment')" in note
    assert "open the file in Excel and save it" in note and "export CSV" in note
    # The same cells with saved results (as after a save in Excel): the results are read.
    _save_results(path, {"5+5": "10", "1+1": "2"})
    ex = read_export(path)
    assert ex.data["Recommend"].tolist() == ["10", "7", "8"]
    assert ex.data["Comment"].tolist() == ["2", "fine", pd.NA]
    notes = [n for n in ex.notes if "formula" in n]
    assert len(notes) == 2
    assert notes[0].startswith("sheet 'Answers': 1 formula cell without a saved result")
    assert "C4 ('Comment')" in notes[0]
    assert notes[1].startswith("sheet 'Answers': 2 formula cells read as the result saved")
    assert "B2 ('Recommend'); C2 ('Comment')" in notes[1]


def test_xlsx_merged_cells_are_noted(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    for row in [["id", "Team"], ["A", "North"], ["B", None], ["C", None], ["D", "South"]]:
        sheet.append(row)
    sheet.merge_cells("B2:B4")
    book.save(tmp_path / "merged.xlsx")
    ex = read_export(tmp_path / "merged.xlsx")
    assert ex.data["Team"].tolist() == ["North", pd.NA, pd.NA, "South"]
    note = next(n for n in ex.notes if "merged" in n)
    assert "1 merged cell range" in note and "B2:B4 ('Team')" in note
    # A workbook without formulas or merges gets neither note.
    plain = write_xlsx(tmp_path / "plain.xlsx", {"S": [["id", "Team"], ["A", "North"]]})
    assert not any("formula" in n or "merged" in n for n in read_export(plain).notes)


def write_ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal OpenDocument spreadsheet (no writer library needed)."""
    from xml.sax.saxutils import escape

    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p>'
            "</table:table-cell>"
            for c in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Responses">'
        f"{cells}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return path


def test_ods_via_calamine(tmp_path: Path) -> None:
    path = write_ods(
        tmp_path / "responses.ods",
        [["Timestamp", "Score"], ["12/13/2019 9:50:30", "9"], ["12/14/2019 10:00:00", "7"]],
    )
    ex = read_export(path)
    assert ex.source == "google_forms" and ex.data["Score"].tolist() == ["9", "7"]


def test_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "ResponseId": ["R_1", "R_2"],
            "score": [9.0, np.nan],
            "when": pd.to_datetime(["2026-07-01 10:00", "2026-07-02 11:30"]),
        }
    )
    path = tmp_path / "responses.parquet"
    frame.to_parquet(path)
    ex = read_export(path)
    check_frame(ex)
    assert ex.encoding == "parquet" and ex.delimiter is None
    assert ex.data.values.tolist() == [
        ["R_1", "9", "2026-07-01 10:00:00"],
        ["R_2", pd.NA, "2026-07-02 11:30:00"],
    ]


# --------------------------------------------------------------------------------------------
# File-level errors, sources, registry, paths


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="file not found"):
        read_export(tmp_path / "missing.csv")
    (tmp_path / "a.json").write_text("{}")
    with pytest.raises(SchemaError, match="unknown file type"):
        read_export(tmp_path / "a.json")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(SchemaError, match="empty"):
        read_export(tmp_path / "empty.csv")
    (tmp_path / "blank.csv").write_text(",,\n , \n")
    with pytest.raises(SchemaError, match="no header row"):
        read_export(tmp_path / "blank.csv")
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 20)
    with pytest.raises(SchemaError, match="binary"):
        read_export(tmp_path / "binary.csv")
    (tmp_path / "fake.xlsx").write_text("not a workbook")
    with pytest.raises(SchemaError, match="spreadsheet"):
        read_export(tmp_path / "fake.xlsx")
    (tmp_path / "ok.csv").write_text("a,b\n1,2\n")
    with pytest.raises(SchemaError, match="qualtrics"):
        read_export(tmp_path / "ok.csv", source="qualtrix")
    with pytest.raises(SchemaError, match="Qualtrics"):
        read_export(tmp_path / "ok.csv", source="qualtrics")
    with pytest.raises(SchemaError) as info:
        read_export(tmp_path / "missing.csv")
    message = str(info.value)  # one line, names the file, says what to do
    assert str(tmp_path / "missing.csv") in message and "\n" not in message and "check" in message


def test_forced_source_and_generic(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("account_id,arr\nA1,1000\n")
    ex = read_export(path)
    assert ex.source == "generic" and ex.roles == {} and ex.questions["arr"] == "arr"
    assert detect_source(path) == ("generic", 1.0)
    assert read_export(path, source="generic").data.equals(ex.data)


def test_all_vendors_registered_and_detected_on_fixtures() -> None:
    assert set(IMPORTERS) == {
        "qualtrics", "surveymonkey", "google_forms", "typeform", "limesurvey", "medallia",
        "questionpro", "alchemer", "microsoft_forms", "porsline", "generic",
    }  # fmt: skip
    expected = {
        "medallia/agent_connect_feedback_export.csv": "medallia",
        "questionpro/QuestionPro-SR-RawData-10234567.csv": "questionpro",
        "alchemer/alchemer_responses_export.csv": "alchemer",
        "porsline/porsline_responses.csv": "porsline",
    }
    for name, source in expected.items():
        found, confidence = detect_source(FIXTURES / name)
        assert found == source and confidence >= 0.8


def test_register_a_new_tool(tmp_path: Path) -> None:
    class PipeSurvey(Importer):
        name, title = "pipe_survey", "Pipe Survey"

        def detect(self, raw: RawTable) -> float:
            return 0.99 if raw.row(0)[:1] == ["PS-ID"] else 0.0

        def header(self, raw: RawTable) -> Header:
            return Header(start=0, rows=1, names=raw.row(0), roles={"response_id": "PS-ID"})

    register(PipeSurvey)
    try:
        path = tmp_path / "p.csv"
        path.write_text("PS-ID|score\nx1|9\n")
        ex = read_export(path)
        assert (ex.source, ex.roles, ex.delimiter) == ("pipe_survey", {"response_id": "PS-ID"}, "|")
    finally:
        IMPORTERS.pop("pipe_survey")


def test_expand_paths(tmp_path: Path) -> None:
    for name in ("b.csv", "a.xlsx", "c.tsv", ".hidden.csv", "~$a.xlsx", "notes.md", "rejects.csv"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.csv").write_text("x")
    assert [p.name for p in expand_paths(tmp_path)] == ["a.xlsx", "b.csv", "c.tsv"]
    assert [p.name for p in expand_paths("*.csv", base=tmp_path)] == ["b.csv"]
    assert [p.name for p in expand_paths("**/*.csv", base=tmp_path)] == ["b.csv", "d.csv"]
    assert expand_paths("sub/d.csv", base=tmp_path) == [tmp_path / "sub" / "d.csv"]
    with pytest.raises(SchemaError, match=r"\*\.parquet"):
        expand_paths("*.parquet", base=tmp_path)
    with pytest.raises(SchemaError, match="nothing-here"):
        expand_paths("nothing-here", base=tmp_path)


def test_expand_paths_takes_an_existing_name_literally(tmp_path: Path) -> None:
    """`init 'glob/survey[1].csv'` silently read glob/survey1.csv ("[1]" is a glob class), and
    a file named "... [a](javascript:b) ....csv" gave "no export files matched"."""
    (tmp_path / "survey[1].csv").write_text("x")
    (tmp_path / "survey1.csv").write_text("y")
    assert expand_paths("survey[1].csv", base=tmp_path) == [tmp_path / "survey[1].csv"]
    odd = "R survey [a](javascript:b) *x* ?.csv"
    (tmp_path / odd).write_text("z")
    assert expand_paths(odd, base=tmp_path) == [tmp_path / odd]
    assert expand_paths(tmp_path / odd) == [tmp_path / odd]
    # A folder whose name holds "[" is listed, and globs still match below it.
    sub = tmp_path / "Q3 [final]"
    sub.mkdir()
    (sub / "a.csv").write_text("x")
    (sub / "b.tsv").write_text("x")
    assert [p.name for p in expand_paths("Q3 [final]", base=tmp_path)] == ["a.csv", "b.tsv"]
    assert expand_paths("*.csv", base=sub) == [sub / "a.csv"]
    # A path that does not exist is still a glob: "survey[1].csv" gone, "survey[12].csv"
    # matches survey1.csv.
    assert expand_paths("survey[12].csv", base=tmp_path) == [tmp_path / "survey1.csv"]


def test_parse_options_for_schema() -> None:
    ex = read_export(FIXTURES / "porsline/porsline_responses.csv")
    options = ex.parse_options(timezone="Asia/Tehran")
    assert (options.calendar, options.timezone, options.decimal) == ("jalali", "Asia/Tehran", ".")


def _qualtrics_export(path: Path, zone: str, recorded: list[str]) -> Path:
    rows = [
        ["StartDate", "RecordedDate", "ResponseId", "Q1"],
        ["Start Date", "Recorded Date", "Response ID", "How was your stay?"],
        [f'{{"ImportId":"startDate","timeZone":"{zone}"}}',
         f'{{"ImportId":"recordedDate","timeZone":"{zone}"}}',
         '{"ImportId":"_recordId"}', '{"ImportId":"QID1"}'],
    ] + [[d, d, f"R_{k}", "Fine"] for k, d in enumerate(recorded)]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_dates_stay_in_the_declared_zone_unless_the_run_names_one(tmp_path: Path) -> None:
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.params import RunParams

    path = _qualtrics_export(
        tmp_path / "survey.csv", "America/New_York", ["2021-06-30 22:00:00", "2021-07-01 01:30:00"]
    )
    ex = read_export(path)
    assert ex.timezone == "America/New_York"
    options = ex.parse_options()
    assert (options.source_timezone, options.timezone) == ("America/New_York", "America/New_York")
    # A value with an offset goes to the declared zone: 02:00 UTC = 22:00 EDT (UTC-4) the day before.
    dates, _ = parse_dates(
        pd.Series(["2021-07-01T02:00:00Z"]),
        timezone=options.timezone,
        source_timezone=options.source_timezone,
    )
    assert dates.iloc[0] == pd.Timestamp("2021-06-30 22:00:00")

    def quarters(**kw: str) -> tuple[list[pd.Timestamp], list[str]]:
        ds = prepare_dataset(RunParams(name="s", data_dir=str(path), dimensions=[], **kw))
        r = ds.tables["responses"]
        return r["response_date"].tolist(), r["quarter"].astype(str).tolist()

    # No `timezone:`: New York wall time as written; 22:00 on 30 June is still 2021Q2.
    assert quarters() == (
        [pd.Timestamp("2021-06-30 22:00"), pd.Timestamp("2021-07-01 01:30")],
        ["2021Q2", "2021Q3"],
    )
    # `timezone: UTC`: +4 h (EDT), both on 1 July.
    assert quarters(timezone="UTC") == (
        [pd.Timestamp("2021-07-01 02:00"), pd.Timestamp("2021-07-01 05:30")],
        ["2021Q3", "2021Q3"],
    )
    # `timezone: Asia/Tehran`: UTC +4:30 (Iran kept summer time until 2022).
    assert quarters(timezone="Asia/Tehran")[0] == [
        pd.Timestamp("2021-07-01 06:30"),
        pd.Timestamp("2021-07-01 10:00"),
    ]


def _limesurvey_export(path: Path, rows: list[str]) -> Path:
    head = "id,submitdate,lastpage,startlanguage,startdate,datestamp,Q1"
    path.write_text("\ufeff" + "\n".join([head, *rows]) + "\n", encoding="utf-8")
    return path


def test_limesurvey_anonymised_placeholder_and_incomplete_rows(tmp_path: Path) -> None:
    anon = "1980-01-01 00:00:00"
    path = _limesurvey_export(
        tmp_path / "results-survey1.csv",
        [
            f"1,{anon},2,en,{anon},{anon},5",
            f"2,,1,en,{anon},{anon},3",  # left on page 1: not completed
            f"3,{anon},2,en,{anon},{anon},4",
            f"4,,,en,{anon},{anon},",  # opened, answered nothing
        ],
    )
    ex = read_export(path)
    check_frame(ex)
    assert ex.source == "limesurvey" and ex.n_read == 4
    assert ex.data["id"].tolist() == ["1", "3"] and list(ex.rows) == [1, 3]
    assert ex.rejects[["row", "column", "reason"]].values.tolist() == [
        [2, "submitdate", "incomplete response (LimeSurvey submitdate empty; lastpage 1)"],
        [4, "submitdate", "incomplete response (LimeSurvey submitdate empty)"],
    ]
    for col in ("submitdate", "startdate", "datestamp"):
        assert ex.data[col].isna().all(), col
        assert any(n.startswith(f"{col}: 2 cells hold 1980-01-01 00:00:00") for n in ex.notes)
    assert "response_date" not in ex.roles and ex.roles["start_date"] == "startdate"
    assert any("the responses have no dates" in n for n in ex.notes)

    kept = read_export(path, keep_incomplete=True)
    check_frame(kept)
    assert kept.data["id"].tolist() == ["1", "2", "3", "4"] and kept.rejects.empty
    assert any("2 incomplete responses kept" in n for n in kept.notes)


def test_limesurvey_codes_only_export_is_named_in_one_note(tmp_path: Path) -> None:
    """Review 3 #3: a codes-only export (answer codes under question codes) holds neither the
    answer labels nor the order of a rating scale; the importer says what to export instead."""
    from cxm_lab.importers.limesurvey import CODES_ONLY, coded_columns

    date = "2020-04-30 22:07:00"
    codes = tmp_path / "results-survey2-codes.csv"
    codes.write_text(
        "id,submitdate,lastpage,startlanguage,Grid[1],Grid[2],Age,Note\n"
        f"1,{date},2,en,A1,D4,A2,fine\n2,{date},2,en,N0,A4,A1,good\n",
        encoding="utf-8",
    )
    ex = read_export(codes)
    assert coded_columns(ex) == ["Grid[1]", "Grid[2]", "Age"]
    assert ex.notes.count(CODES_ONLY) == 1
    assert "Full answers" in CODES_ONLY and "Question code & question text" in CODES_ONLY
    # the same survey with question texts in the headings: not a codes-only export
    full = tmp_path / "results-survey2.csv"
    full.write_text(
        "id. Response ID,submitdate. Date submitted,lastpage. Last page,"
        "startlanguage. Start language,Grid[1]. Worry [I worry],Age. Your age?\n"
        f"1,{date},2,en,9. Completely agree,18-25\n",
        encoding="utf-8",
    )
    ex = read_export(full)
    assert coded_columns(ex) == [] and CODES_ONLY not in ex.notes


def test_limesurvey_real_dates_are_kept(tmp_path: Path) -> None:
    path = _limesurvey_export(
        tmp_path / "results-survey2.csv",
        [
            "1,2020-04-30 22:07:00,2,en,2020-04-30 21:50:00,2020-04-30 22:07:00,5",
            "2,,1,en,2020-04-29 10:00:00,2020-04-29 10:05:00,3",
        ],
    )
    ex = read_export(path)
    check_frame(ex)
    assert ex.roles["response_date"] == "submitdate"
    assert ex.data.loc[0, "submitdate"] == "2020-04-30 22:07:00"
    assert ex.rejects["reason"].tolist() == [
        "incomplete response (LimeSurvey submitdate empty; lastpage 1)"
    ]
    assert not any("1980" in n for n in ex.notes)


def test_typeform_yes_no_codes_become_labels_numbers_stay(tmp_path: Path) -> None:
    path = tmp_path / "res_abc.csv"
    path.write_text(
        "#,Do you live in France?,Accept terms,How many cars?,Rate us (0-10),Stars,"
        "Submit Date (UTC),Network ID\n"
        "a,1,1,1,0,1,2021-04-14 09:40:03,n1\n"
        "b,0,1,2,1,1,2021-04-14 09:41:03,n2\n"
        "c,,1,0,10,1,2021-04-14 09:42:03,n3\n",
        encoding="utf-8",
    )
    ex = read_export(path)
    check_frame(ex)
    assert ex.data["Do you live in France?"].tolist() == ["Yes", "No", pd.NA]
    assert ex.data["How many cars?"].tolist() == ["1", "2", "0"]  # a 2: numbers
    assert ex.data["Rate us (0-10)"].tolist() == ["0", "1", "10"]
    # Only "1" (a 1-5 rating, or a legal field all accepted): cannot tell, left as written.
    assert ex.data["Stars"].tolist() == ex.data["Accept terms"].tolist() == ["1", "1", "1"]
    assert ex.notes[-1] == "1 yes/no question answered 1/0 read as Yes/No: Do you live in France?"


# --------------------------------------------------------------------------------------------
# Property: any bytes -> an Export that reconciles, or a SchemaError; nothing else


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=600),
    suffix=st.sampled_from([".csv", ".tsv", ".txt", ".xlsx", ".parquet"]),
)
def test_random_bytes_never_crash(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        ex = read_export(path)
    except SchemaError:
        return
    check_frame(ex)


CELL = st.one_of(
    st.text(alphabet="ab Z09,;|\t\"'\n\r-/:.éüß€ЖжشیŒ", max_size=12),
    st.sampled_from(["N/A", "NA", " - ", "10 - Extremely likely"]),
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "cp1251",
             "cp1256", "mac-roman", "latin-1"]  # fmt: skip


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(
        st.text(alphabet="abcxyz#ÉЖش ", min_size=1, max_size=8), min_size=1, max_size=5
    ),
    body=st.lists(st.lists(CELL, min_size=0, max_size=7), max_size=8),
    encoding=st.sampled_from(ENCODINGS),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    give_delimiter=st.booleans(),
)
def test_random_tables_in_random_encodings(
    tmp_path: Path,
    header: list[str],
    body: list[list[str]],
    encoding: str,
    delimiter: str,
    give_delimiter: bool,
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *body])
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode(encoding, errors="replace")
    path = tmp_path / "table.csv"
    path.write_bytes(data)
    try:
        ex = read_export(path, delimiter=delimiter if give_delimiter else None)
    except SchemaError:
        return
    check_frame(ex)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    width=st.integers(1, 5),
    body=st.lists(st.lists(CELL, min_size=5, max_size=5), min_size=1, max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_written_tables_read_back_exactly(
    tmp_path: Path, width: int, body: list[list[str]], encoding: str, delimiter: str
) -> None:
    header = [f"col{j}" for j in range(width)]
    rows = [r[:width] for r in body]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    path = tmp_path / "table.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    ex = read_export(path, source="generic", delimiter=delimiter)
    expected = [
        [None if c.strip() in DEFAULT_NA_VALUES else c.strip() for c in r]
        for r in rows
        if any(c.strip() for c in r)
    ]
    got = [[None if v is pd.NA else v for v in row] for row in ex.data.to_numpy().tolist()]
    assert got == expected
    assert list(ex.data.columns) == header and reconciles(ex) and ex.rejects.empty


def test_legacy_xls_reads_like_xlsx(tmp_path: Path) -> None:
    """An Excel 97-2003 .xls (written with xlwt, a test-only dependency), read by calamine:
    numbers, dates stored as Excel serials with a date format, and text come out as in .xlsx."""
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Responses")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")
    for j, name in enumerate(["Response ID", "Submitted", "How likely to recommend?", "Why"]):
        sheet.write(0, j, name)
    rows = [
        ("R1", datetime(2026, 7, 1, 10, 0), 9, "Fast delivery"),
        ("R2", datetime(2026, 7, 2, 11, 30), 3, "Rude staff, late"),
    ]
    for i, (rid, when, score, why) in enumerate(rows, start=1):
        sheet.write(i, 0, rid)
        sheet.write(i, 1, when, date_style)
        sheet.write(i, 2, score)
        sheet.write(i, 3, why)
    path = tmp_path / "legacy.xls"
    book.save(str(path))
    ex = read_export(path)
    assert ex.encoding == "spreadsheet" and ex.n_read == 2
    assert ex.data.to_dict("list") == {
        "Response ID": ["R1", "R2"],
        "Submitted": ["2026-07-01 10:00:00", "2026-07-02 11:30:00"],
        "How likely to recommend?": ["9", "3"],
        "Why": ["Fast delivery", "Rude staff, late"],
    }
