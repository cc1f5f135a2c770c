"""Writing results: tables (CSV for Excel, XLSX) and, later, graphs and layers.

Everything that leaves the program goes through here, so private columns
(:data:`partnermap.schema.PRIVATE_COLUMNS`) are dropped in one place unless the caller
names them in ``include_private``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ._errors import PartnermapError
from .schema import PRIVATE_COLUMNS, PRIVATE_PATTERN

__all__ = ["write_table", "shareable"]


def shareable(df: pd.DataFrame, *, include_private: Iterable[str] = ()) -> pd.DataFrame:
    """``df`` without private columns and with lists as ``a;b`` text.

    Private: e-mail, phone and contact name (:data:`~partnermap.schema.PRIVATE_COLUMNS`),
    and any column whose heading looks like contact details (``Mobile``, ``E-mail 2``,
    ``الجوال`` …), unless named in ``include_private``.
    """
    keep_private = set(include_private)
    drop = [c for c in df.columns if (c in PRIVATE_COLUMNS or PRIVATE_PATTERN.search(str(c)))
            and c not in keep_private]
    out = df.drop(columns=drop)
    for c in out.columns:
        if out[c].dtype == object and out[c].map(lambda v: isinstance(v, (list, tuple))).any():
            out[c] = out[c].map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    if "geometry" in out.columns:
        out = pd.DataFrame(out.drop(columns="geometry"))
    return out


def write_table(df: pd.DataFrame, path: str | Path, *, include_private: Iterable[str] = ()) -> Path:
    """Write ``df`` by file suffix: ``.csv`` (UTF-8 with BOM, so Excel shows Arabic) or ``.xlsx``.

    Private columns are left out unless named in ``include_private``.
    """
    path = Path(path)
    table = shareable(df, include_private=include_private).copy()
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise PartnermapError(f"{path}: cannot write '{suffix or 'no suffix'}'; use .csv or .xlsx.")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    index = table.index.name is not None or not isinstance(table.index, pd.RangeIndex)
    # 12 decimals: the same data gives the same file (multi-threaded sums differ in the 17th digit)
    floats = table.select_dtypes("float").columns
    table[floats] = table[floats].round(12)
    if suffix == ".csv":
        table.to_csv(path, encoding="utf-8-sig", index=index, lineterminator="\n")
    else:
        for c in table.columns:
            if pd.api.types.is_datetime64_any_dtype(table[c]) and getattr(table[c].dt, "tz", None) is not None:
                table[c] = table[c].dt.tz_localize(None)
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            table.to_excel(xl, sheet_name="table", index=index)
            about = {k: v for k, v in df.attrs.items() if isinstance(v, (str, int, float, bool, type(None)))}
            if about:  # how the table was made (e.g. sampled betweenness), beside it
                pd.Series(about, name="value").rename_axis("about").to_frame().to_excel(xl, sheet_name="about")
    return path
