"""The meeting-pack button: one click makes the PPTX and the PDF, then both download."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import streamlit as st

from app_pages._charts import PNG_HINT
from app_pages._session import run_safely
from app_pages._tables import file_stem


def meeting_pack_buttons(build: Callable[[], Any], name: str, key: str, stamp: Any) -> None:
    """One click makes the meeting pack (PPTX and PDF of `build()`'s PackContent), then both download.

    `stamp` names what the pack was made from (e.g. the data version and the account id): a pack made
    for anything else is never offered.
    """
    from cxlib import images
    from cxlib.pack import write_pdf, write_pptx

    state_key = f"_jl_pack_{key}"
    stem = file_stem(name)
    slot = st.empty()   # the button, replaced by the two downloads once the pack is made
    made = st.session_state.get(state_key)
    if made is None or made[0] != repr(stamp):
        if not slot.button("Meeting pack (PPTX and PDF)", key=f"{key}_make", icon=":material/slideshow:",
                           help="Title slide, funnel, journey map, scores against the desired state, voice of "
                                "the customer and the meeting summary, as a PowerPoint deck and a PDF"):
            return
        if not images.chromium_available():
            st.info(PNG_HINT + ": the pack's charts are images.", icon=":material/info:")
            return

        def make() -> tuple[bytes, bytes]:
            content = build()
            pptx, pdf = io.BytesIO(), io.BytesIO()
            write_pptx(content, pptx)
            write_pdf(content, pdf)
            return pptx.getvalue(), pdf.getvalue()

        with st.spinner("Drawing the charts and writing the pack…"):
            files = run_safely(make)
        if files is None:
            return
        made = (repr(stamp), *files)
        st.session_state[state_key] = made
    row = slot.container(horizontal=True, gap="small")
    row.download_button("Download pack (PPTX)", made[1], file_name=f"{stem}.pptx", key=f"{key}_pptx",
                        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                        on_click="ignore", icon=":material/download:", type="primary")
    row.download_button("Download pack (PDF)", made[2], file_name=f"{stem}.pdf", key=f"{key}_pdf",
                        mime="application/pdf", on_click="ignore", icon=":material/download:")


_EXTRA_SLIDES_KEY = "_jl_pack_extra_slides"


def add_pack_slide(ws: Any, account_id: str, slide: Any) -> None:
    """Put a slide (the Stories page's story slide) into this account's meeting pack, for this data version."""
    st.session_state.setdefault(_EXTRA_SLIDES_KEY, {})[str(account_id)] = (ws.stamp, slide)


def pack_slides(ws: Any, account_id: str) -> list[Any]:
    """The extra slides added to this account's pack from the data it is shown with (none from older data)."""
    entry = st.session_state.get(_EXTRA_SLIDES_KEY, {}).get(str(account_id))
    return [entry[1]] if entry is not None and entry[0] == ws.stamp else []
