"""Python values of the RDF terms a query answers with, for notebooks and data frames.

A literal becomes the Python value of its XSD datatype: integers `int`, decimals `Decimal`, doubles and
floats `float`, booleans `bool`, `xsd:date` a `datetime.date`, `xsd:dateTime` a `datetime.datetime`, and
the partial dates reviews give (`xsd:gYearMonth`, `xsd:gYear`) a `PartialDate` that keeps its
precision (a month is not its first day). An IRI becomes an `IRI`: the IRI as a string, with the label
the graph gives it (skos:prefLabel or rdfs:label) where one was looked up. Anything else stays its text.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                              "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
                              "unsignedShort", "unsignedByte")}
_TZ = re.compile(r"(Z|[+-]\d\d:\d\d)$")


class IRI(str):
    """An IRI, compared and hashed as its string, with the label the graph gives it (or None)."""

    label: str | None

    def __new__(cls, value: str, label: str | None = None):
        self = super().__new__(cls, value)
        self.label = label
        return self

    def __repr__(self) -> str:
        return f"IRI({str(self)!r}{', label=' + repr(self.label) if self.label else ''})"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A year or a month (xsd:gYear, xsd:gYearMonth): sorted by time, printed as the source gave it."""

    year: int
    month: int = 0  # 0: the year alone

    @property
    def precision(self) -> str:
        return "month" if self.month else "year"

    @property
    def start(self) -> dt.date:
        """The first day of the period (for plotting on a time axis)."""
        return dt.date(self.year, self.month or 1, 1)

    @property
    def end(self) -> dt.date:
        """The first day after the period (an exclusive end, for drawing it as a span)."""
        if not self.month:
            return dt.date(self.year + 1, 1, 1)
        return dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"


def python_value(term, labels: dict[str, str] | None = None) -> Any:
    """The Python value of an RDF term (pyoxigraph's), None for an unbound one."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value, (labels or {}).get(term.value))
    if not isinstance(term, ox.Literal):
        return term.value  # a blank node: its label
    value, datatype = term.value, term.datatype.value if term.datatype else ""
    try:
        if datatype in INTEGERS:
            return int(value)
        if datatype == XSD + "decimal":
            return Decimal(value)
        if datatype in (XSD + "double", XSD + "float"):
            return float(value)
        if datatype == XSD + "boolean":
            return value.strip() in ("true", "1")
        if datatype == XSD + "date":
            return dt.date.fromisoformat(_TZ.sub("", value.strip()))
        if datatype == XSD + "dateTime":
            return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if datatype == XSD + "gYearMonth":
            y, m = _TZ.sub("", value.strip()).split("-")[-2:]
            return PartialDate(int(y), int(m))
        if datatype == XSD + "gYear":
            return PartialDate(int(_TZ.sub("", value.strip())))
    except (ValueError, InvalidOperation):
        return value  # an ill-typed literal stays its text
    return value


def dataframe_column(values: list):
    """A pandas Series of one column with the dtype its values share: Int64, Float64, boolean,
    datetime64 for days, a period dtype for months or years of one precision, else object."""
    import pandas as pd

    present = [v for v in values if v is not None]
    kinds = {type(v) for v in present}
    if not present:
        return pd.Series(values, dtype="object")
    if kinds <= {int} and bool not in kinds:
        return pd.Series(values, dtype="Int64")
    if kinds <= {float, int, Decimal} and bool not in kinds:
        return pd.Series([None if v is None else float(v) for v in values], dtype="Float64")
    if kinds == {bool}:
        return pd.Series(values, dtype="boolean")
    if kinds == {dt.date}:
        return pd.Series(pd.to_datetime(values))
    if kinds == {PartialDate} and len({v.precision for v in present}) == 1:
        freq = "M" if present[0].precision == "month" else "Y"
        return pd.Series([None if v is None else pd.Period(str(v), freq=freq) for v in values],
                         dtype=f"period[{freq}]")
    if kinds <= {IRI, str}:
        return pd.Series([None if v is None else str(v) for v in values], dtype="string")
    return pd.Series(values, dtype="object")
