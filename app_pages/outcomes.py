"""Outcomes & voice: the desired outcome (outcome × experience), NPS/CSAT/CES with intervals, and churn.

Four lazy tabs: only the open one computes and draws, so a first visit costs the quadrant cards and
their scatter. The experience controls sit above the tabs because both outcome tabs read them.
"""

from __future__ import annotations

import streamlit as st

from app_pages._controls import lazy_tabs, settings_caption
from app_pages._outcomes_churn import churn
from app_pages._outcomes_desired import desired_outcome, outcome_controls
from app_pages._outcomes_over_time import over_time
from app_pages._outcomes_voice import what_customers_say
from app_pages._session import workspace

SECTIONS = ["Desired outcome", "Desired outcome over time", "What customers say", "Churn"]

st.title("Outcomes & voice")
ws = workspace()
settings_caption(ws)

spec = outcome_controls(ws)
desired_tab, over_time_tab, voice_tab, churn_tab = lazy_tabs(SECTIONS, key="oc_section")
if desired_tab is not None:
    with desired_tab:
        desired_outcome(ws, spec)
if over_time_tab is not None:
    with over_time_tab:
        over_time(ws, spec)
if voice_tab is not None:
    with voice_tab:
        what_customers_say(ws)
if churn_tab is not None:
    with churn_tab:
        churn(ws)
