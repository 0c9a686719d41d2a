"""What each column becomes, from how many of its values fit each reading (counted by ``inference``):
yes/no, number or date when nearly all values fit (at most 5 % misfits, outnumbered 19 to 1), else
text. Day/month order and decimal comma vs. thousands separator are decided by values that are
unambiguous (``25/03/2024`` decides day-first; an amount in a currency never has three decimals, so
``USD 47,000`` decides a thousands comma), else by another column of the same file that was
decided; when nothing decides, the column stays text and the report carries a ``Question``, which
``hints={'Column': 'DMY'}`` answers on reload (a hint also forces a type). Values with leading zeros
or more than 15 digits stay text: they are identifiers. A date column whose every value carries a
UTC offset holds instants (TIMESTAMPTZ); a number column's note names the currency of its amounts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cxlib.loading.report import Question
from cxlib.loading.values import _CUR, CURRENCY_CODES, _bool_sql, _date_sql, _number_sql

_BAD_SHARE = 0.05                       # at most 5 % unparseable values still type a column
ZONED = "TIMESTAMP WITH TIME ZONE"      # a date column whose every value carries a UTC offset
# A column name saying it is a flag (is_…, has_…, "…?", flag): then 1 and 0 read as yes and no.
_FLAG_NAME = re.compile(r"^(is|has|was|did|can|should)([_\s-]|[A-Z])|\?\s*$|(^|[_\s])flag($|[_\s])|^flag", re.I)
# Hints a user may give for a column (lower-cased), by what they ask for.
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
    currencies: list[str] = field(default_factory=list)    # of a number column's amounts ('USD', '$')
    failures: int | None = None     # values validation found it cannot convert (None: not validated)


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


def _decide(name: str, fits: dict, values: int, hint: str | None, native: bool) -> _Decision:
    """Pick bool / number / date / text for one column from how many values fit each reading (and a hint)."""
    d = _Decision()
    flag = bool(_FLAG_NAME.search(name)) or hint in _BOOL_HINTS
    allow01 = flag or fits["yes_no_words"] > 0
    bool_ok = fits["yes_no_words"] + (fits["zeros_and_ones"] if allow01 else 0)
    # Numbers: the separator convention the values decide.
    number_conv: str | None = "point"
    if native:
        pass
    elif hint in _POINT_HINTS or hint in _COMMA_HINTS:
        number_conv, d.evidence = ("point" if hint in _POINT_HINTS else "comma"), "hint"
    elif fits["only_decimal_point"] and not fits["only_decimal_comma"]:
        number_conv, d.evidence = "point", fits["only_decimal_point_example"]
    elif fits["only_decimal_comma"] and not fits["only_decimal_point"]:
        number_conv, d.evidence = "comma", fits["only_decimal_comma_example"]
    elif fits["only_decimal_point"] or fits["only_decimal_comma"] or fits["dot_either_way"] or fits["comma_either_way"]:
        number_conv = None
    number_ok = {"point": fits["point_numbers"], "comma": fits["comma_numbers"],
                 None: fits["point_numbers"] + fits["only_decimal_comma"]}[number_conv]
    # Dates: the day/month order the values decide.
    date_order: str | None = "DMY"
    date_evidence = None
    if hint in ("dmy", "mdy"):
        date_order, date_evidence = hint.upper(), "hint"
    elif fits["only_day_first"] and not fits["only_month_first"]:
        date_order, date_evidence = "DMY", fits["only_day_first_example"]
    elif fits["only_month_first"] and not fits["only_day_first"]:
        date_order, date_evidence = "MDY", fits["only_month_first_example"]
    elif fits["only_day_first"] or fits["only_month_first"] or fits["ambiguous_dates"]:
        date_order = None
    date_ok = fits["same_date_either_way"] + fits["ambiguous_dates"] + {
        "DMY": fits["only_day_first"], "MDY": fits["only_month_first"],
        None: fits["only_day_first"] + fits["only_month_first"]}[date_order]

    if hint in _BOOL_HINTS:
        wants = "bool"
    elif hint in _DATE_HINTS:
        wants = "date"
    elif hint in _NUMBER_HINTS:
        wants = "number"
    elif fits["yes_no_words"] and _accept(bool_ok, values):
        wants = "bool"
    elif _accept(date_ok, values) and date_ok >= number_ok:
        wants = "date"
    elif _accept(number_ok, values):
        wants = "bool" if flag and fits["zeros_and_ones"] == values else "number"
    else:
        return d
    d.forced = hint is not None
    if wants == "number" and not d.forced and not native:
        if fits["leading_zero_numbers"]:
            d.notes.append(f"kept as text: values like '{fits['leading_zero_numbers_example']}' have leading zeros")
            return d
        if fits["long_numbers"]:
            d.notes.append(f"kept as text: values like '{fits['long_numbers_example']}' have more than 15 digits")
            return d
    if wants == "bool":
        d.kind, d.sql_type, d.allow01 = "bool", "BOOLEAN", allow01
        return d
    if wants == "date":
        d.kind = "date"
        d.sql_type = "TIMESTAMP" if fits["dates_with_time"] or hint in ("timestamp", "datetime") else "DATE"
        # Every date carries a UTC offset: the column holds instants (the mapping shows them in the
        # table's time zone). Offsets on only some values: all become UTC wall-clock, as before.
        zoned = fits["dates_with_offset"] > 0 and fits["dates_with_offset"] == date_ok \
            and hint in (None, "date", "dmy", "mdy")
        if zoned:
            d.sql_type = ZONED
        d.convention, d.evidence = date_order, date_evidence
        if date_order is None:
            d.undecided = "date-conflict" if (fits["only_day_first"] and fits["only_month_first"]) else "date"
            d.ambiguous_example = (fits["ambiguous_dates_example"] if d.undecided == "date"
                                   else fits["only_day_first_example"])
            d.other_example = fits["only_month_first_example"]
        elif date_evidence:
            d.notes.append(_order_note(date_order, date_evidence))
        if d.sql_type == ZONED:
            d.notes.append(f"UTC offsets kept (e.g. '{fits['dates_with_offset_example']}'): instants, shown in "
                           "UTC and, once mapped, in the table's time zone")
        elif fits["dates_with_offset"]:
            d.notes.append("time zone offsets converted to UTC")
        return d
    d.kind, d.sql_type, d.convention = "number", "DOUBLE", number_conv
    d.percent = fits["percentages"] > 0 and fits["percentages"] * 2 >= number_ok
    if number_conv is None:
        if fits["only_decimal_point"] and fits["only_decimal_comma"]:
            d.undecided = "number-conflict"
            d.ambiguous_example = fits["only_decimal_point_example"]
            d.other_example = fits["only_decimal_comma_example"]
        elif fits["dot_either_way"] and fits["comma_either_way"]:
            d.undecided = "both"
            d.ambiguous_example, d.other_example = fits["dot_either_way_example"], fits["comma_either_way_example"]
        elif fits["dot_either_way"]:
            d.undecided, d.ambiguous_example = "dot", fits["dot_either_way_example"]
        else:
            d.undecided, d.ambiguous_example = "comma", fits["comma_either_way_example"]
    elif d.evidence and not native:
        d.notes.append(_number_note(number_conv, d.evidence))
    if d.percent:
        d.notes.append(f"percentages: '{fits['percentages_example']}' read as a fraction (45% → 0.45)")
    if fits["currency_numbers"]:
        d.currencies = _currencies(fits["currencies"])
        shown = ", ".join(f"'{m}'" for m in fits["currencies"])
        d.notes.append(f"amounts in {d.currencies[0]} ({shown} dropped)" if len(d.currencies) == 1 else
                       f"amounts in several currencies ({', '.join(d.currencies)}): not converted, {shown} dropped")
    return d


_SIGN_OF = {"$": {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "ARS", "CLP", "COP", "TWD"}, "¥": {"JPY", "CNY"}}


def _currencies(markers: Sequence[str]) -> list[str]:
    """The currencies markers name: '€' and 'EUR' are one; a bare '$' beside 'USD' (or '¥' beside 'JPY') too."""
    codes = {CURRENCY_CODES.get(m.upper(), m.upper()) for m in markers}
    return sorted(c for c in codes if not (c in _SIGN_OF and codes & _SIGN_OF[c]))


def _currency_decided(evidence: str) -> bool:
    """Whether a number's separator was decided by its currency: one separator, then exactly three digits."""
    return bool(re.search(_CUR, evidence)) and bool(re.fullmatch(r"[^.,]*\d[.,]\d{3}[^.,\d]*", evidence))


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
    if _currency_decided(evidence):
        words = "thousands dot" if convention == "comma" else "thousands comma"
        return f"{words} (decided by '{evidence}': an amount in a currency has at most two decimals)"
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
        return _date_sql(f"x{i}", d.convention or "DMY", zoned=d.sql_type == ZONED)
    if d.kind == "number":
        return _number_sql(f"x{i}", d.convention or "point", d.percent)
    return None
