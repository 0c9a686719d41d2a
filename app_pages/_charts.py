"""Plotly charts with their downloads: PNG (drawn on click, needs Chromium) and interactive HTML."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages._session import run_safely
from app_pages._tables import file_stem

PNG_HINT = "PNG export needs Chromium: apt-get install chromium"
_PNG_KEY = "_jl_png"  # chart key → (figure fingerprint, PNG bytes)


def show_chart(fig: Any, name: str, key: str) -> None:
    """A Plotly chart with a row of downloads under it: PNG (drawn on click) and interactive HTML.

    The PNG is drawn only when asked for (one click on "PNG", then "Download PNG"), and kept for
    this figure until it changes; without Chromium the PNG button says what to install.
    """
    import hashlib

    from cxlib import images

    st.plotly_chart(fig, key=key, width="stretch")
    stem = file_stem(name)
    row = st.container(horizontal=True, gap="small")
    slot = row.empty()
    if not images.chromium_available():
        if slot.button("PNG", key=f"{key}_png", icon=":material/image:", help=PNG_HINT):
            st.info(PNG_HINT + " — then reload this page. The HTML download works without it.",
                    icon=":material/info:")
    else:
        drawn: dict = st.session_state.setdefault(_PNG_KEY, {})
        ready = drawn.get(key)
        # The figure's fingerprint costs a second JSON encoding: only when a PNG was drawn or is asked for.
        stamp = hashlib.sha256(fig.to_json().encode("utf-8")).hexdigest() if ready is not None else None
        if (ready is None or ready[0] != stamp) and slot.button(
                "PNG", key=f"{key}_png", icon=":material/image:", help="Draw this chart as a PNG image"):
            stamp = stamp or hashlib.sha256(fig.to_json().encode("utf-8")).hexdigest()
            with st.spinner("Drawing the chart as PNG…"):
                png = run_safely(lambda: images.figure_png(fig))
            if png is not None:
                drawn[key] = ready = (stamp, png)
        if ready is not None and ready[0] == stamp:
            slot.download_button("Download PNG", ready[1], file_name=f"{stem}.png", mime="image/png",
                                 key=f"{key}_png_file", on_click="ignore", icon=":material/download:",
                                 type="primary")
    row.download_button("HTML", lambda: images.figure_html(fig), file_name=f"{stem}.html", mime="text/html",
                        key=f"{key}_html", on_click="ignore", icon=":material/code:",
                        help="The interactive chart as one HTML file (works offline)")
