"""How a cell's text reads as a value, as DuckDB SQL expressions: placeholders (``N/A``, ``null``, ``-``
…) are NULL; yes/no words in six languages (``1``/``0`` only when allowed); numbers with thousands
separators, a decimal point or comma, currency signs or ISO codes before or after (``USD 47,000``),
``45%`` → 0.45 and ``(12)`` → -12; dates and timestamps (ISO, D/M/Y, M/D/Y, Y.M.D, ``3 Mar 2024``, with
or without a time; a UTC offset makes an instant, TIMESTAMPTZ, or is converted to UTC in a column
where only some values carry one). Only constants of this package are written into the SQL as literals, never a
value from a file.
"""

from __future__ import annotations

from collections.abc import Sequence

NULL_TOKENS = ("n/a", "na", "#n/a", "null", "none", "nan", "nil", "-", "--", "—", "–", "#null!", "(blank)")
TRUE_WORDS = ("yes", "true", "oui", "vrai", "sì", "si", "vero", "sim", "verdadeiro", "igen", "igaz", "是")
FALSE_WORDS = ("no", "false", "non", "faux", "falso", "não", "nao", "nem", "hamis", "否")
# ISO 4217 codes written next to amounts (Salesforce multi-currency orgs write "USD 47,000").
_CODES = ("usd|eur|gbp|chf|jpy|cny|rmb|brl|huf|cad|aud|nzd|inr|mxn|sek|nok|dkk|pln|czk|ron|zar|sgd|hkd|krw|"
          "rub|try|ils|aed|sar|ars|clp|cop|thb|idr|myr|php|twd")
_CUR = rf"(?:R\$|US\$|C\$|A\$|[€$£¥₹₩₽₺₪]|Ft|(?i:{_CODES}))"
# What a currency marker means, for the column note (a bare "$" or "¥" names no single currency).
CURRENCY_CODES = {"€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "₪": "ILS",
                  "R$": "BRL", "US$": "USD", "C$": "CAD", "A$": "AUD", "FT": "HUF", "RMB": "CNY"}
_TH = r"[ '\x{00A0}\x{202F}]"
# Digits of a number under each convention: thousands groups (comma/dot, or space/apostrophe) and decimals.
_PT_DIGITS = (rf"(?:(?:\d+|[1-9]\d{{0,2}}(?:,\d{{3}})+|[1-9]\d{{0,2}}(?:{_TH}\d{{3}})+)(?:\.\d+)?|\.\d+)"
              r"(?:[eE][+-]?\d+)?")
_CM_DIGITS = rf"(?:(?:\d+|[1-9]\d{{0,2}}(?:\.\d{{3}})+|[1-9]\d{{0,2}}(?:{_TH}\d{{3}})+)(?:,\d+)?|,\d+)"


def _number_re(digits: str) -> str:
    """A whole cell holding one number: optional parentheses, sign, currency before or after, percent."""
    return (rf"^\(?\s*([+-])?\s*(?:{_CUR})?\s*([+-])?\s*({digits})\s*%?\s*(?:{_CUR})?\s*\)?$")


_PT_RE = _number_re(_PT_DIGITS)
_CM_RE = _number_re(_CM_DIGITS)
# An ISO date and time with a UTC offset, ``Z`` or ``UTC``: ``2026-09-01 13:44:10 -0700`` (Delighted),
# ``2026-09-01T13:44:10-07:00``, ``2026-09-01T13:44:10Z``.
_TZ_SUFFIX = (r"(?i)^\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
              r"\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$")
_MON = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_SHORT_YEAR = r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?:\D|$)"
_TOKEN = (rf"(?:[\d\s.,:/'+\-%()€$£¥₹₩₽₺₪\x{{00A0}}\x{{202F}}]|"
          rf"(?:{_MON}|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|[ap]\.?m\.?|t|z|utc|gmt|{_CODES}|ft|[rca]\$|us\$|"
          r"st|nd|rd|th)")
# A cell that could be a number or a date: digits, separators and a few known words only.
_BROAD = rf"(?i)^{_TOKEN}*\d{_TOKEN}*$"
# Times after a date; Salesforce's en_US datetimes put a comma before it ("3/14/2025, 10:22 AM").
_TIMES = ["", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", " %I:%M %p", " %I:%M:%S %p", " %I:%M%p",
          ", %I:%M %p", ", %I:%M:%S %p", ", %H:%M", ", %H:%M:%S"]


def _date_formats(order: str, short_year: bool) -> list[str]:
    """strptime formats tried for day-first or month-first text dates (with 2- or 4-digit years)."""
    dm = "%d{s}%m" if order == "DMY" else "%m{s}%d"
    out = []
    for sep in ("/", ".", "-"):
        out += [dm.format(s=sep) + sep + ("%y" if short_year else "%Y") + t for t in _TIMES]
    if short_year:
        return out
    for sep in ("/", "."):
        out += [f"%Y{sep}%m{sep}%d" + t for t in _TIMES]
    out += ["%Y. %m. %d.", "%Y.%m.%d.", "%Y. %m. %d. %H:%M", "%Y. %m. %d. %H:%M:%S"]
    for fmt in ("%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%B-%Y", "%d-%b-%y", "%b %d, %Y", "%B %d, %Y",
                "%b %d %Y", "%B %d %Y", "%a, %d %b %Y", "%A, %B %d, %Y", "%a %b %d %Y"):
        out += [fmt, fmt + " %H:%M", fmt + " %H:%M:%S", fmt + " %I:%M %p"]
    return out


def _sql_literal(text: str) -> str:
    """A constant of this package (never a value from a file) as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _sql_list(values: Sequence[str]) -> str:
    """Constants of this package as a SQL list literal."""
    return "(" + ", ".join(_sql_literal(v) for v in values) + ")"


def _x(i: int) -> str:
    """The trimmed cell of column i, NULL when empty or a placeholder such as N/A."""
    t = f"nullif(trim(c{i}), '')"
    return f"CASE WHEN length({t}) <= 7 AND lower({t}) IN {_sql_list(NULL_TOKENS)} THEN NULL ELSE {t} END"


def _tok(i: int) -> str:
    """SQL: is the cell of column i a placeholder such as N/A?"""
    t = f"nullif(trim(c{i}), '')"
    return f"(length({t}) <= 7 AND lower({t}) IN {_sql_list(NULL_TOKENS)})"


def _number_sql(x: str, convention: str, percent: bool | None) -> str:
    """SQL: the number in text x under a separator convention; percent True/False requires/forbids '%'.

    The whole cell is validated by one regular expression; then everything but digits, separators and
    the minus sign is dropped and the separators are translated. Parentheses mean negative and must pair.
    """
    pattern = _CM_RE if convention == "comma" else _PT_RE
    core = f"regexp_replace({x}, '[^0-9.,-]', '', 'g')"
    plain = f"translate({core}, ',.', '.')" if convention == "comma" else f"translate({core}, ',', '')"
    exponent = f"try_cast(regexp_replace({x}, '[^0-9.eE+-]', '', 'g') AS DOUBLE)"
    value = (f"(CASE WHEN regexp_matches({x}, '[0-9][eE][+-]?[0-9]') THEN {exponent} "
             f"ELSE try_cast({plain} AS DOUBLE) END) * (CASE WHEN starts_with({x}, '(') THEN -1 ELSE 1 END)")
    ok = f"regexp_full_match({x}, {_sql_literal(pattern)}) AND starts_with({x}, '(') = ends_with({x}, ')')"
    if percent is True:
        ok += f" AND contains({x}, '%')"
        value = f"({value}) / 100.0"
    elif percent is False:
        ok += f" AND NOT contains({x}, '%')"
    return f"(CASE WHEN {ok} THEN {value} END)"


def _instant_sql(x: str) -> str:
    """SQL: the TIMESTAMPTZ of ISO text x with an offset (``-0700``, ``-07:00``, ``Z``, ``UTC``), else NULL.

    DuckDB reads ``…10-0700`` but not ``…10 -0700`` nor ``… UTC``: the space goes and a zone word
    becomes ``+00``. The offset is in the text, so the result never depends on the session's zone.
    """
    utc_word = f"regexp_replace({x}, '(?i)\\s*(z|utc|gmt)$', '+00')"
    joined = f"regexp_replace({utc_word}, '\\s+([+-][0-9]{{2}}(:?[0-9]{{2}})?)$', '\\1')"
    return (f"(CASE WHEN contains({x}, ':') AND regexp_full_match({x}, {_sql_literal(_TZ_SUFFIX)}) "
            f"THEN try_cast({joined} AS TIMESTAMPTZ) END)")


def _date_sql(x: str, order: str, zoned: bool = False) -> str:
    """SQL: the TIMESTAMP in text x (ISO; offsets → UTC; day-first or month-first text; '3 Mar 2024').

    With ``zoned`` (a column whose every date carries an offset) the value is the TIMESTAMPTZ instant
    and text without an offset is NULL (a value the column cannot take).
    """
    if zoned:
        return _instant_sql(x)
    long_formats = "[" + ", ".join(_sql_literal(f) for f in _date_formats(order, False)) + "]"
    short_formats = "[" + ", ".join(_sql_literal(f) for f in _date_formats(order, True)) + "]"
    return (f"(CASE WHEN contains({x}, ':') AND regexp_full_match({x}, {_sql_literal(_TZ_SUFFIX)}) "
            f"THEN timezone('UTC', {_instant_sql(x)}) "
            f"WHEN substr({x}, 5, 1) = '-' THEN coalesce(try_cast({x} AS TIMESTAMP), "
            f"try_strptime({x}, {long_formats})) "
            f"WHEN regexp_matches({x}, {_sql_literal(_SHORT_YEAR)}) THEN try_strptime({x}, {short_formats}) "
            f"ELSE try_strptime({x}, {long_formats}) END)")


def _bool_sql(x: str, allow01: bool) -> str:
    """SQL: the boolean of text x (yes/no words in six languages; 1/0 only when allowed)."""
    one, zero = (f" OR {x} = '1'", f" OR {x} = '0'") if allow01 else ("", "")
    return (f"(CASE WHEN lower({x}) IN {_sql_list(TRUE_WORDS)}{one} THEN true "
            f"WHEN lower({x}) IN {_sql_list(FALSE_WORDS)}{zero} THEN false END)")
