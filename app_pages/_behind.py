"""The accounts behind the numbers on a page: one popover per group of numbers, a list and its downloads.

Every number a page shows that counts accounts (a headline card, a table row) is offered here by
its label and count; picking one lists its accounts (id, name, segment columns, ARR, the value
behind the number), computed by `cxlib.behind` through the session cache, with the one CSV/XLSX
download row of `_tables`. Nothing runs until a number is picked. App layer only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from app_pages._session import cached, run_safely
from app_pages._tables import download_table, file_stem

POPOVER_LABEL = "Accounts behind these numbers"


@dataclass(frozen=True)
class Number:
    """One number the page shows that counts accounts, and how to list them.

    `count` is the number of accounts as shown (None when the number shown is not a count of
    accounts, e.g. ARR: the list then says how many accounts are behind it); `load` returns the
    list (a `cxlib.behind` call; see `number`).
    """

    label: str
    count: int | None
    load: Callable[[], pd.DataFrame]


def number(label: str, count: Any, fn: Callable[..., pd.DataFrame], *args: Any, **kwargs: Any) -> Number:
    """A Number whose list is `fn(ws.con, *args, **kwargs)` (a `cxlib.behind` function), cached per session."""
    shown = None if count is None or pd.isna(count) else int(count)
    return Number(label, shown, lambda: cached(f"behind.{fn.__name__}", fn, *args, **kwargs))


def _option(n: Number) -> str:
    return n.label if n.count is None else f"{n.label} ({n.count:,})"


def accounts_behind(numbers: Sequence[Number], key: str, *, label: str = POPOVER_LABEL) -> pd.DataFrame | None:
    """A popover listing the accounts behind one of `numbers`, picked by its label; returns the list shown.

    `key` names the picker (`key`) and its downloads (`key`_csv, `key`_xlsx): one per group of
    numbers on a page. Labels must be unique within a group.
    """
    numbers = [n for n in numbers if n.label]
    by_label = {_option(n): n for n in numbers}
    with st.popover(label, icon=":material/group:", key=f"{key}_popover"):
        if not numbers:
            st.caption("No number here counts accounts yet.")
            return None
        picked = st.selectbox("Number", list(by_label), index=None, key=key,
                              placeholder="Pick a number to list its accounts",
                              help="Every count of accounts on this part of the page; the list has each account's "
                                   "id, name, segment columns, ARR and the value behind the number.")
        if picked is None:
            st.caption("Pick a number above to see the accounts behind it, with CSV and XLSX downloads.")
            return None
        chosen = by_label[picked]
        frame = run_safely(chosen.load)
        if frame is None:
            return None
        value = frame.attrs.get("value_label", "value")
        st.caption(f"**{len(frame):,}** account{'' if len(frame) == 1 else 's'} behind {chosen.label}. "
                   f"**value**: {value}.")
        if chosen.count is not None and chosen.count != len(frame):   # by construction never; say so if it ever is
            st.warning(f"The number shown is {chosen.count:,} but {len(frame):,} accounts are listed: the data "
                       "changed between the two; reload the page.", icon=":material/warning:")
        if frame.empty:
            st.info(f"No account is behind {chosen.label}: the count is 0.", icon=":material/info:")
            return frame
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "account_id": st.column_config.TextColumn("Account"),
            "name": st.column_config.TextColumn("Name"),
            "arr": st.column_config.NumberColumn("ARR", format="%,.0f")})
        download_table(frame, file_stem(f"accounts_{chosen.label}"), key=f"{key}_dl", named=False)
        return frame
