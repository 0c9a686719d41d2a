"""What recognisers read of a raw table: header names (case-insensitive), values, file name, labels.

Also the two rules every tool shares: an id column (response, respondent, collector, record,
conversation or ticket id, IP address, network id) is never the account; the account is a company
column, else an email's domain, never a free-mail domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb

from cxlib.mapping.profiles import ColumnProfile, profile_column, profile_rows
from cxlib.mapping.raw_tables import raw_columns, type_class
from cxlib.mapping.vocabulary import header_concepts
from cxlib.stages import normalize_label

# Headers (folded) of columns that identify a response, respondent, collector or record: never an account.
_NEVER_ACCOUNT = frozenset(normalize_label(h) for h in (
    "Response ID", "ResponseId", "ResponseID", "Respondent ID", "Collector ID", "Record ID", "IP Address",
    "IPAddress", "Network ID", "Conversation ID", "Ticket ID", "Submission ID", "Survey ID", "Ingestion ID",
    "Reference Number", "Person ID", "Contact ID", "Requester id", "Assignee id", "Group id", "Organization id",
    "ExternalReference", "External Data Reference", "Token", "Response Token", "Company Id", "Gsid",
    "Context Id", "Relationship Id"))
_NEVER_ACCOUNT_PREFIX = ("record id ", "associated company ids", "associated contact ids", "associated deal ids")

# Webmail and ISP domains: an address there says nothing about the customer's company.
FREE_MAIL = frozenset((
    "gmail.com", "googlemail.com", "outlook.com", "outlook.fr", "outlook.de", "hotmail.com", "hotmail.co.uk",
    "hotmail.fr", "hotmail.it", "hotmail.de", "live.com", "live.fr", "live.it", "msn.com", "yahoo.com",
    "yahoo.co.uk", "yahoo.fr", "yahoo.it", "yahoo.de", "yahoo.com.br", "ymail.com", "rocketmail.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me", "tutanota.com",
    "fastmail.com", "hey.com", "mail.com", "gmx.de", "gmx.net", "gmx.com", "gmx.at", "web.de",
    "t-online.de", "freenet.de", "mail.ru", "yandex.ru", "yandex.com", "qq.com", "163.com", "126.com",
    "sina.com", "sina.cn", "sohu.com", "aliyun.com", "foxmail.com", "yeah.net", "libero.it", "virgilio.it",
    "tiscali.it", "alice.it", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "uol.com.br",
    "bol.com.br", "terra.com.br", "ig.com.br", "sapo.pt", "freemail.hu", "citromail.hu", "indamail.hu",
    "zoho.com", "naver.com", "hanmail.net", "rediffmail.com"))

_EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[^@\s]+)$")
# A column naming the customer's company: an embedded field, a person property or a question.
_COMPANY = re.compile(r"\b(company|companies|organi[sz]ation|organi[sz]ations|employer|account|account name|"
                      r"customer|client|business|firm|entreprise|societe|azienda|empresa|ceg|公司|企业)\b")
_NOT_COMPANY = re.compile(r"\b(ids|size|type|industry|owner|domain|revenue|employees|phone|city|country|"
                          r"address|email|website|url)\b")


def fold(header: str) -> str:
    """A header folded for matching: case, accents and punctuation ignored."""
    return normalize_label(header)


def never_account(header: str) -> bool:
    """Whether a header names a response, respondent, collector, record or network id (never the account)."""
    key = fold(header)
    return header.strip() == "#" or key in _NEVER_ACCOUNT or key.startswith(_NEVER_ACCOUNT_PREFIX)


def email_domain(value: object) -> str | None:
    """The company domain of an email address; None for a free-mail domain or a value that is no address."""
    m = _EMAIL.match(str(value or "").strip().lower())
    if not m:
        return None
    domain = m[1].rstrip(".")
    return None if domain in FREE_MAIL else domain


@dataclass
class RawTable:
    """One raw table as recognisers see it; value profiles are computed only for the columns asked about."""

    con: duckdb.DuckDBPyConnection
    table: str
    source: str
    types: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)
    _profiles: dict[str, ColumnProfile] = field(default_factory=dict)
    _rows: tuple[str, dict[str, int]] | None = None     # the rows profiles read (`profile_rows`), once

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, table: str, source: str, labels: dict[str, str] | None = None,
             profiles: Iterable[ColumnProfile] = ()) -> RawTable:
        """The table's columns and DuckDB types (without `_source_row`), header-row labels, known profiles."""
        return cls(con, table, source, raw_columns(con, table), {k: v for k, v in (labels or {}).items() if v},
                   {p.name: p for p in profiles})

    @property
    def names(self) -> list[str]:
        return list(self.types)

    @property
    def file(self) -> str:
        """The file name, folded (dates and numbers kept)."""
        return fold(self.source)

    def type_class(self, column: str) -> str:
        return type_class(self.types[column])

    def find(self, *headers: str) -> str | None:
        """The first column whose folded header is one of `headers` (tried in the order given)."""
        folded = {fold(c): c for c in reversed(self.names)}
        for header in headers:
            hit = folded.get(fold(header))
            if hit is not None:
                return hit
        return None

    def has(self, *headers: str) -> bool:
        """Whether every one of `headers` is a column (case-insensitive)."""
        return all(self.find(h) is not None for h in headers)

    def matching(self, pattern: re.Pattern[str]) -> list[str]:
        """Columns whose raw header matches a regular expression."""
        return [c for c in self.names if pattern.search(c)]

    def profile(self, column: str) -> ColumnProfile:
        """Counts, range and frequent values of one column (computed once)."""
        if column not in self._profiles:
            if self._rows is None:
                self._rows = profile_rows(self.con, self.table)
            self._profiles[column] = profile_column(self.con, self.table, column, self.types[column], self._rows)
        return self._profiles[column]

    def is_datetime(self, column: str) -> bool:
        """Whether a column holds dates or times (typed, or text that reads as timestamps)."""
        tc = self.type_class(column)
        if tc in ("date", "timestamp", "timestamptz"):
            return True
        return tc == "text" and self.profile(column).castable_ts >= 0.8

    def is_number(self, column: str) -> bool:
        return self.type_class(column) in ("integer", "number")

    def values(self, column: str) -> set[str]:
        """The folded frequent values of a column."""
        return {fold(v) for v, _ in self.profile(column).top}

    def text_of(self, column: str) -> str:
        """The header with its label (the question text of a survey tool's extra header row), folded."""
        return fold(f"{column} {self.labels.get(column, '')}")

    def company_column(self, exclude: Iterable[str] = ()) -> str | None:
        """A column naming the customer's company (embedded field, person property or question), if any."""
        skip = set(exclude)
        for column in self.names:
            if column in skip or never_account(column) or self.type_class(column) != "text":
                continue
            key = fold(column)
            if _COMPANY.search(key) and not _NOT_COMPANY.search(key):
                return column
        return None

    def email_column(self, exclude: Iterable[str] = ()) -> str | None:
        """A column of email addresses (by header, or by values when the header says nothing)."""
        skip = set(exclude)
        for column in self.names:
            if column in skip or self.type_class(column) != "text":
                continue
            p = self.profile(column)
            addresses = p.share(lambda v: bool(_EMAIL.match(v.strip()))) if p.nonnull else 0.0
            named = "email" in fold(column).replace(" ", "")
            if addresses >= 0.8 or (named and addresses >= 0.5):
                return column
        return None


def account_key_column(t: RawTable, skip: Iterable[str] = ()) -> str | None:
    """The column naming one account per row: an id header, else a name header, with unique values."""
    skipped = set(skip)
    best: tuple[int, int, str] | None = None
    for i, column in enumerate(t.names):
        if column in skipped or never_account(column) or t.type_class(column) not in ("text", "integer"):
            continue
        concepts = header_concepts(column)
        rank = 0 if "id" in concepts else 1 if "name" in concepts else None
        if rank is None:
            continue
        p = t.profile(column)
        if p.rows and p.nonnull == p.rows == p.distinct and (best is None or (rank, i) < best[:2]):
            best = (rank, i, column)
    return best[2] if best else None


def ids_ignored(t: RawTable, roles: dict[str, str]) -> dict[str, str]:
    """The roles with every id column not already pinned set to ignore (never the account)."""
    out = dict(roles)
    for column in t.names:
        if column not in out and never_account(column):
            out[column] = "ignore"
    return out
