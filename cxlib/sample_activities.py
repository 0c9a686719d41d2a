"""The sample company's activity history: what its CSMs and customers did, drawn from a fixed seed.

Per customer account (from its first Decision until Churn or the as-of date): QBRs/EBRs roughly
quarterly (some accounts stop holding them, some hold them rarely, so the QBR discipline finds
missed QBRs), follow-up tasks created within 14 days after each QBR with due dates (most done, some
late, some still open), calls, e-mails and meetings by the CSM, onboarding trainings and webinars,
customer tickets (some followed by a CSM call within 14 days), reference calls by promoters and a
few planned meetings after the as-of date. Subjects name the themes customers ask about
(training, integration, reporting, response time) now and then. The history draws from its own
generator (`ACTIVITY_SEED_OFFSET`), so the other files' numbers do not change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

ACTIVITY_SEED_OFFSET = 2000
# How often the CSMs act on a theme a customer asked for in a survey comment (within 60 days): the
# sample's want-vs-do story — training and reporting requests are followed up, response time rarely.
ANSWERED_THEMES = {"training": 0.85, "reporting": 0.8, "integration": 0.8, "response time": 0.2}
COLUMNS = ("Account ID", "Activity Date", "Activity Type", "Initiated By", "Subject", "Theme/Tag", "Status",
           "Due Date", "Completed Date", "Owner")
THEMES = ("training", "integration", "reporting", "response time")
THEME_SUBJECTS = {   # each found by its theme's shipped keywords (centricity.themes; tested)
    "training": ("Training plan for new users", "Admin training follow-up", "Refresher training session"),
    "integration": ("Integration with the CRM", "API integration check-in", "SSO integration questions"),
    "reporting": ("Reporting dashboard review", "Custom reporting request", "Monthly reporting walkthrough"),
    "response time": ("Support response time review", "Escalation and response time", "SLA response time check"),
}
_TOUCH_SUBJECTS = {"Call": ("Check-in call", "Renewal planning call", "Adoption call"),
                   "Email": ("Release notes", "Usage summary", "Invitation to the user group"),
                   "Meeting": ("Roadmap session", "Stakeholder meeting", "Success plan meeting")}
_TICKET_SUBJECTS = ("Login fails", "Export is slow", "Invoice question", "Sync error", "Permission issue",
                    "Report shows wrong totals")


def _day(origin: pd.Timestamp, d: float) -> pd.Timestamp:
    return origin + pd.Timedelta(days=int(d))


def _answer_requests(rng: np.random.Generator, surveys: pd.DataFrame, end: pd.Timestamp, add: Any) -> None:
    """Provider activities on the theme a survey comment asked about, 1–60 days later, as often as
    `ANSWERED_THEMES` says (its own random stream: the rest of the history is unchanged)."""
    from cxlib.centricity.themes import DEFAULT_THEMES, keyword_needle, words

    needles = {theme: [keyword_needle(k) for k in keywords] for theme, keywords in DEFAULT_THEMES.items()}
    asked = surveys[surveys["Comment"].notna()].sort_values(["Account ID", "Survey Date"], kind="stable")
    for acc, when, comment in zip(asked["Account ID"], pd.to_datetime(asked["Survey Date"]), asked["Comment"]):
        text = f" {words(comment)} "   # as centricity's SQL reads a comment (sql.words_sql)
        for theme, theme_needles in needles.items():
            if any(n in text for n in theme_needles) and rng.random() < ANSWERED_THEMES.get(theme, 0.0):
                day = when.normalize() + pd.Timedelta(days=int(rng.integers(1, 61)))
                if day <= end:
                    add(acc, day, "Meeting", "Provider", THEME_SUBJECTS[theme][rng.integers(3)], None, theme=theme)


def generate_activities(seed: int, accounts: pd.DataFrame, events: pd.DataFrame, surveys: pd.DataFrame,
                        as_of: date, quiet: set[str] = frozenset(), quiet_since: pd.Timestamp | None = None,
                        ) -> pd.DataFrame:
    """The activities file for a generated company (same seed, same rows).

    The `quiet` accounts (the early-warning story's silent customers) have no activity after
    `quiet_since`: nobody called, met or wrote, so they stay silent. Their later rows are drawn and
    then dropped, so every other account's history is the same with or without them.
    """
    rng = np.random.default_rng(seed + ACTIVITY_SEED_OFFSET)
    end = pd.Timestamp(as_of)
    entered = pd.to_datetime(events["Entered At"])
    first_decision = entered[events["Stage"] == "Decision"].groupby(events["Account ID"]).min()
    churned = entered[events["Stage"] == "Churn"].groupby(events["Account ID"]).min().dt.normalize()
    nps = surveys[surveys["Survey Type"] == "NPS"]
    promoters = set(nps[nps["Score"] >= 9]["Account ID"])
    owner = accounts.set_index("Account ID")["CSM"]
    tier = accounts.set_index("Account ID")["Tier"]
    rows: list[tuple] = []

    def add(acc: str, when: pd.Timestamp, kind: str, who: str, subject: str, status: str | None,
            due: pd.Timestamp | None = None, completed: pd.Timestamp | None = None, theme: str | None = None) -> None:
        rows.append((acc, when, kind, who, subject, theme, status, due, completed, owner.get(acc)))

    def themed(kind: str) -> tuple[str, str | None]:
        if rng.random() < 0.3:
            theme = THEMES[rng.integers(len(THEMES))]
            return THEME_SUBJECTS[theme][rng.integers(3)], theme
        return _TOUCH_SUBJECTS[kind][rng.integers(3)], None

    for acc, start in first_decision.dt.normalize().sort_index().items():
        stop = min(churned.get(acc, end), end)
        if stop <= start:
            continue
        span = (stop - start).days
        # QBRs: regular (quarterly), rare, or stopped after the first year.
        mode = rng.choice(3, p=(0.7, 0.15, 0.15))
        gap = (75, 105) if mode == 0 else (150, 260)
        t = float(rng.integers(20, 60))
        stop_qbr = 365 if mode == 2 else span
        quarter = 0
        while t < min(span, stop_qbr):
            when = _day(start, t)
            quarter += 1
            kind = "EBR" if tier.get(acc) == "Enterprise" and quarter % 4 == 0 else "QBR"
            add(acc, when, kind, "Provider", f"{kind} {when.year} Q{(when.month - 1) // 3 + 1}", "Completed",
                completed=when)
            for _ in range(int(rng.integers(0, 4))):          # follow-up tasks within 14 days
                created = when + pd.Timedelta(days=int(rng.integers(0, 15)))
                if created > end:
                    continue
                due = created + pd.Timedelta(days=int(rng.integers(7, 31)))
                subject, theme = themed("Email")
                subject = f"QBR follow-up: {subject.lower()}"
                r = rng.random()
                if r < 0.6:
                    done_at = created + pd.Timedelta(days=int(rng.integers(1, max(2, (due - created).days + 1))))
                elif r < 0.8:
                    done_at = due + pd.Timedelta(days=int(rng.integers(1, 21)))      # late
                else:
                    done_at = None                                                     # still open
                if done_at is not None and done_at > end:
                    done_at = None
                add(acc, created, "Task", "Provider", subject, "Completed" if done_at is not None else "Not Started",
                    due=due, completed=done_at, theme=theme)
            t += float(rng.integers(*gap))
        # Calls, e-mails and meetings by the CSM.
        n_touch = rng.poisson(span / 30)
        for d in np.sort(rng.integers(0, span, n_touch)):
            kind = ("Call", "Email", "Meeting")[rng.choice(3, p=(0.4, 0.35, 0.25))]
            subject, theme = themed(kind)
            add(acc, _day(start, d), kind, "Provider", subject, None, theme=theme)
        # Onboarding trainings and webinars.
        for d in np.sort(rng.integers(5, min(span, 120) + 6, int(rng.integers(1, 4)))):
            if d < span:
                add(acc, _day(start, d), "Training", "Provider", "Onboarding training", None, theme="training")
        if rng.random() < 0.4:
            for d in np.sort(rng.integers(0, span, int(rng.integers(1, 3)))):
                add(acc, _day(start, d), "Webinar", "Provider", "Webinar: reporting best practices", None,
                    theme="reporting")
        # Customer tickets; some followed by a CSM call within 14 days.
        for d in np.sort(rng.integers(0, span, rng.poisson(span / 90))):
            subject = _TICKET_SUBJECTS[rng.integers(len(_TICKET_SUBJECTS))]
            add(acc, _day(start, d), "Ticket", "Customer", subject, "Solved")
            if rng.random() < 0.4:
                follow = d + int(rng.integers(1, 15))
                if follow < span:
                    add(acc, _day(start, follow), "Call", "Provider", f"Follow-up on ticket: {subject.lower()}", None)
        # Reference calls by promoters in their last year.
        if acc in promoters and rng.random() < 0.25:
            for d in rng.integers(max(0, span - 365), span, int(rng.integers(1, 3))):
                add(acc, _day(start, d), "Reference call", "Provider", "Reference call with a prospect", "Completed")
        # A few planned meetings after the as-of date (never moving it).
        if stop == end and rng.random() < 0.1:
            add(acc, end + pd.Timedelta(days=int(rng.integers(3, 30))), "Meeting", "Provider", "Planned QBR prep",
                "Planned")
    _answer_requests(np.random.default_rng(seed + ACTIVITY_SEED_OFFSET + 1), surveys, end, add)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    if quiet and quiet_since is not None:
        frame = frame[~(frame["Account ID"].isin(quiet) & (frame["Activity Date"] > quiet_since))]
    return frame.sort_values(["Account ID", "Activity Date"], kind="stable", ignore_index=True)
