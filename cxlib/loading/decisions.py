"""What each column becomes, from how many of its values fit each reading (counted by ``inference``):
yes/no, number or date when nearly all values fit (at most 5 % misfits, outnumbered 19 to 1), else
text. Day/month order and decimal comma vs. thousands separator are decided by values that are
unambiguous (``25/03/2024`` decides day-first), else by another column of the same file that was
decided; when nothing decides, the column stays text and the report carries a ``Question``, which
``hints={'Column': 'DMY'}`` answers on reload (a hint also forces a type). Values with leading zeros
or more than 15 digits stay text: they are identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cxlib.loading.report import Question
from cxlib.loading.values import _bool_sql, _date_sql, _number_sql

_BAD_SHARE = 0.05                       # at most 5 % unparseable values still type a column
_FLAG_NAME = re.compile(r"^(is|has|was|did|can|should)([_\s-]|[A-Z])|\?\s*$|(^|[_\s])flag($|[_\s])|^flag", re.I)
_POINT_HINTS = {"decimal_point", "thousands_comma", "point"}
_COMMA_HINTS = {"decimal_comma", "thousands_dot", "comma"}
_NUMBER_HINTS = _POINT_HINTS | _COMMA_HINTS | {"double", "bigint", "number", "numeric", "integer", "float"}
_DATE_HINTS = {"dmy", "mdy", "date", "timestamp", "datetime"}
_TEXT_HINTS = {"varchar", "text", "string"}
_BOOL_HINTS = {"boolean", "bool"}


@dataclass
class _Decision:
    """What one column becomes: its type, how to convert, notes, and whether a hint forced it."""

    kind: str = "text"              # text | bool | number | date
    sql_type: str = "VARCHAR"
    convention: str | None = None   # point | comma (numbers), DMY | MDY (dates)
    percent: bool = False
    allow01: bool = False
    forced: bool = False
    notes: list[str] = field(default_factory=list)
    evidence: str | None = None     # the value that decided the convention, or 'hint'
    undecided: str | None = None    # 'date' | 'date-conflict' | 'dot' | 'comma' | 'both' | 'number-conflict'
    ambiguous_example: str | None = None
    other_example: str | None = None


def _hint_for(hints: dict[str, str], name: str) -> str | None:
    """The hint for a column (exact name first, then case-insensitive), lower-cased."""
    if name in hints:
        return str(hints[name]).strip().lower()
    lowered = {str(k).lower(): v for k, v in hints.items()}
    value = lowered.get(name.lower())
    return str(value).strip().lower() if value is not None else None


def _accept(ok: int, total: int) -> bool:
    """A column is typed when nearly all its values fit: ≤5 % misfits, outnumbered at least 19 to 1."""
    bad = total - ok
    return ok > 0 and bad <= _BAD_SHARE * total and bad * 19 <= ok


def _decide(name: str, s: dict, values: int, hint: str | None, native: bool) -> _Decision:
    """Pick bool / number / date / text for one column from its reading counts (and a hint)."""
    d = _Decision()
    flag = bool(_FLAG_NAME.search(name)) or hint in _BOOL_HINTS
    allow01 = flag or s["bool"] > 0
    bool_ok = s["bool"] + (s["b01"] if allow01 else 0)
    # Numbers: the separator convention the values decide.
    number_conv: str | None = "point"
    if native:
        pass
    elif hint in _POINT_HINTS or hint in _COMMA_HINTS:
        number_conv, d.evidence = ("point" if hint in _POINT_HINTS else "comma"), "hint"
    elif s["dpt"] and not s["dcm"]:
        number_conv, d.evidence = "point", s["dpt_ex"]
    elif s["dcm"] and not s["dpt"]:
        number_conv, d.evidence = "comma", s["dcm_ex"]
    elif s["dpt"] or s["dcm"] or s["ambd"] or s["ambc"]:
        number_conv = None
    number_ok = {"point": s["pt"], "comma": s["cm"], None: s["pt"] + s["dcm"]}[number_conv]
    # Dates: the day/month order the values decide.
    date_order: str | None = "DMY"
    date_evidence = None
    if hint in ("dmy", "mdy"):
        date_order, date_evidence = hint.upper(), "hint"
    elif s["dmy"] and not s["mdy"]:
        date_order, date_evidence = "DMY", s["dmy_ex"]
    elif s["mdy"] and not s["dmy"]:
        date_order, date_evidence = "MDY", s["mdy_ex"]
    elif s["dmy"] or s["mdy"] or s["xamb"]:
        date_order = None
    date_ok = s["dcommon"] + s["xamb"] + {"DMY": s["dmy"], "MDY": s["mdy"], None: s["dmy"] + s["mdy"]}[date_order]

    if hint in _BOOL_HINTS:
        wants = "bool"
    elif hint in _DATE_HINTS:
        wants = "date"
    elif hint in _NUMBER_HINTS:
        wants = "number"
    elif s["bool"] and _accept(bool_ok, values):
        wants = "bool"
    elif _accept(date_ok, values) and date_ok >= number_ok:
        wants = "date"
    elif _accept(number_ok, values):
        wants = "bool" if flag and s["b01"] == values else "number"
    else:
        return d
    d.forced = hint is not None
    if wants == "number" and not d.forced and not native:
        if s["lead0"]:
            d.notes.append(f"kept as text: values like '{s['lead0_ex']}' have leading zeros")
            return d
        if s["long"]:
            d.notes.append(f"kept as text: values like '{s['long_ex']}' have more than 15 digits")
            return d
    if wants == "bool":
        d.kind, d.sql_type, d.allow01 = "bool", "BOOLEAN", allow01
        return d
    if wants == "date":
        d.kind = "date"
        d.sql_type = "TIMESTAMP" if s["time"] or hint in ("timestamp", "datetime") else "DATE"
        d.convention, d.evidence = date_order, date_evidence
        if date_order is None:
            d.undecided = "date-conflict" if (s["dmy"] and s["mdy"]) else "date"
            d.ambiguous_example = s["xamb_ex"] if d.undecided == "date" else s["dmy_ex"]
            d.other_example = s["mdy_ex"]
        elif date_evidence:
            d.notes.append(_order_note(date_order, date_evidence))
        if s["tz"]:
            d.notes.append("time zone offsets converted to UTC")
        return d
    d.kind, d.sql_type, d.convention = "number", "DOUBLE", number_conv
    d.percent = s["pct"] > 0 and s["pct"] * 2 >= number_ok
    if number_conv is None:
        if s["dpt"] and s["dcm"]:
            d.undecided, d.ambiguous_example, d.other_example = "number-conflict", s["dpt_ex"], s["dcm_ex"]
        elif s["ambd"] and s["ambc"]:
            d.undecided, d.ambiguous_example, d.other_example = "both", s["ambd_ex"], s["ambc_ex"]
        elif s["ambd"]:
            d.undecided, d.ambiguous_example = "dot", s["ambd_ex"]
        else:
            d.undecided, d.ambiguous_example = "comma", s["ambc_ex"]
    elif d.evidence and not native:
        d.notes.append(_number_note(number_conv, d.evidence))
    if d.percent:
        d.notes.append(f"percentages: '{s['pct_ex']}' read as a fraction (45% → 0.45)")
    if s["cur"]:
        d.notes.append(f"currency sign '{s['cur_ex']}' dropped")
    return d


def _order_note(order: str, evidence: str) -> str:
    """The column note saying which day/month order was used and what decided it."""
    words = "day/month/year" if order == "DMY" else "month/day/year"
    if evidence == "hint":
        return f"dates read as {words} (from hint)"
    return (f"dates read as {words} (decided by {evidence})" if evidence.startswith("column ")
            else f"dates read as {words} (decided by '{evidence}')")


def _number_note(convention: str, evidence: str) -> str:
    """The column note saying which decimal separator was used and what decided it."""
    words = "decimal comma" if convention == "comma" else "decimal point"
    if evidence == "hint":
        return f"{words} (from hint)"
    return (f"{words} (decided by {evidence})" if evidence.startswith("column ")
            else f"{words} (decided by '{evidence}')")


def _apply_consensus(decisions: list[_Decision], cols: Sequence[int], names: list[str]) -> None:
    """An undecided column takes the convention every value-decided column of the same file agrees on."""
    for kind, undecided_kinds in (("date", {"date"}), ("number", {"dot", "comma", "both"})):
        decided = [(i, decisions[i]) for i in cols
                   if decisions[i].kind == kind and decisions[i].convention and decisions[i].evidence
                   and decisions[i].evidence != "hint"]
        if len({d.convention for _, d in decided}) != 1:
            continue
        i0, d0 = decided[0]
        for i in cols:
            d = decisions[i]
            if d.kind == kind and d.undecided in undecided_kinds:
                d.convention, d.undecided = d0.convention, None
                evidence = f"column '{names[i0]}': '{d0.evidence}'"
                d.notes.insert(0, _order_note(d.convention, evidence) if kind == "date"
                               else _number_note(d.convention, evidence))


def _question(name: str, d: _Decision) -> Question | None:
    """The question for a column the loader would not guess; the column stays text meanwhile."""
    if d.undecided is None:
        return None
    ex, other = d.ambiguous_example, d.other_example
    if d.undecided == "date":
        msg = (f"'{name}' has dates like '{ex}' that read as day/month/year or month/day/year, and no value "
               "decides which. Kept as text: answer DMY or MDY.")
        options = ["DMY", "MDY"]
    elif d.undecided == "date-conflict":
        msg = (f"'{name}' has both day-first ('{ex}') and month-first ('{other}') dates. Kept as text: "
               "answer DMY or MDY (values that do not fit are then rejected).")
        options = ["DMY", "MDY"]
    elif d.undecided == "dot":
        msg = (f"'{name}' has numbers like '{ex}' that read as a decimal or as thousands "
               "(a thousands dot), and no value decides which. Kept as text: answer decimal_point or "
               "thousands_dot.")
        options = ["decimal_point", "thousands_dot"]
    elif d.undecided == "comma":
        msg = (f"'{name}' has numbers like '{ex}' that read as thousands (a thousands comma) or as a "
               "decimal comma, and no value decides which. Kept as text: answer thousands_comma or "
               "decimal_comma.")
        options = ["thousands_comma", "decimal_comma"]
    elif d.undecided == "both":
        msg = (f"'{name}' has numbers like '{ex}' and '{other}' whose separators read either way. "
               "Kept as text: answer decimal_point or decimal_comma.")
        options = ["decimal_point", "decimal_comma"]
    else:
        msg = (f"'{name}' mixes a decimal point ('{ex}') and a decimal comma ('{other}'). Kept as text: "
               "answer decimal_point or decimal_comma (values that do not fit are then rejected).")
        options = ["decimal_point", "decimal_comma"]
    d.kind, d.sql_type = "text", "VARCHAR"
    d.notes = []
    return Question(column=name, message=msg, options=options)


def _value_sql(i: int, d: _Decision) -> str | None:
    """The SQL value of column i under its decision (None for text columns)."""
    if d.kind == "bool":
        return _bool_sql(f"x{i}", d.allow01)
    if d.kind == "date":
        return _date_sql(f"x{i}", d.convention or "DMY")
    if d.kind == "number":
        return _number_sql(f"x{i}", d.convention or "point", d.percent)
    return None
