"""The deterministic sample company: a managed-service provider's accounts, journeys, surveys, ratings.

`python -m cxlib.sample OUT_DIR` writes the files committed under `data/` and the prepared sample (the
same company loaded and mapped, `sample_prepared.py`) that the app opens at start.
Everything is drawn from one seeded numpy Generator and vectorised over accounts (loops run only
over journey steps, stages and snapshot dates), so one seed always yields the same company.

The story the numbers tell: Enterprise deals take longer but convert and stay better than SMB;
a latent per-account health drives both the path (healthy accounts renew, unhealthy ones fall
into Disappointment and churn) and every score (NPS, CSAT, CES, factor ratings, outcome flag).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtr

from cxlib.sample_activities import generate_activities
from cxlib.sample_story import (  # noqa: F401 - also importable from here, as before
    AS_OF, HISTORY_DAYS, SNAPSHOT_DATES, TIERS, TIER_SHARE, REGIONS, REGION_SHARE, INDUSTRIES,
    INDUSTRY_SHARE, CSMS_BY_REGION, CHURN_REASONS, CHURN_REASON_P, ARR_MEDIAN, ARR_SIGMA, FACTOR_COLUMNS,
    FACTOR_OFFSET, FACTOR_BLANK, STAGE_NAMES, AW, CO, DE, DL, US, LO, AD, DI, CH, LOST, STOP, CRM_LABELS,
    TRANSITIONS, HEALTH_RHO, MAX_STEPS, SYL_START, SYL_MID, SYL_END, INDUSTRY_WORDS, LEGAL_BY_REGION,
    UNICODE_NAMES, CONTACT_FIRST_NAMES, CONTACT_LAST_NAMES, SURVEY_STAGES, NPS_MEAN, CSAT_MEAN, CES_MEAN,
    TICKETS_PER_MONTH, NPS_PER_WAVE, RATING_STAGE_EFFECT, COMMENTS, EXECUTIVE_ROLE, EARLY_WARNING_SEED_OFFSET,
    SILENT_ACCOUNTS, SILENT_DAYS, FALLING_CSAT_ACCOUNTS, FALLING_CSAT_SCORES, FALLING_CSAT_DAYS,
)


@dataclass
class SampleCompany:
    """The generated company: one DataFrame per file, with the headers of the written files."""

    accounts: pd.DataFrame
    events: pd.DataFrame
    surveys: pd.DataFrame
    ratings: pd.DataFrame
    snapshots: dict[date, pd.DataFrame]
    activities: pd.DataFrame | None = None


# ---------------------------------------------------------------------------------------------
def generate(seed: int = 7, n_accounts: int = 2000, as_of: date = AS_OF) -> SampleCompany:
    """Generate the sample company for a seed: same seed, same frames, every time."""
    rng = np.random.default_rng(seed)
    origin = as_of - timedelta(days=HISTORY_DAYS)
    n = n_accounts

    # Accounts are numbered in the order they entered the CRM; later years bring more of them.
    t0 = np.sort(np.floor(rng.beta(1.3, 1.0, n) * (HISTORY_DAYS - 5)).astype(np.int64))
    tier = rng.choice(3, n, p=TIER_SHARE)
    region = rng.choice(4, n, p=REGION_SHARE)
    industry = rng.choice(len(INDUSTRIES), n, p=INDUSTRY_SHARE)
    health = rng.standard_normal(n)
    names = _company_names(rng, region, industry)
    _place_unicode_names(names, region, industry)
    csm = _csms(rng, region)

    ev_acc, ev_stage, ev_day = _simulate_journeys(rng, tier, health, t0, HISTORY_DAYS)
    reached = np.zeros((n, len(STAGE_NAMES)), dtype=bool)
    reached[ev_acc, ev_stage] = True
    last = np.r_[ev_acc[1:] != ev_acc[:-1], True]
    final = np.empty(n, dtype=np.int64)
    final[ev_acc[last]] = ev_stage[last]
    final_day = np.empty(n, dtype=np.int64)
    final_day[ev_acc[last]] = ev_day[last]

    ids = np.char.add("ACC-", np.char.zfill(np.arange(1, n + 1).astype(str), 5))
    accounts = _accounts_frame(rng, ids, names, tier, region, industry, csm, health, ev_acc, ev_stage,
                               ev_day, reached, final, final_day, origin)
    events = _events_frame(rng, ids, ev_acc, ev_stage, ev_day, origin)
    surveys = _surveys_frame(rng, ids, tier, region, health, ev_acc, ev_stage, ev_day, origin)
    ratings = _ratings_frame(rng, ids, tier, health, final, ev_acc, ev_stage, ev_day, origin, as_of)
    snapshots = _snapshots(ids, names, ev_acc, ev_stage, ev_day, origin)
    surveys, ratings, quiet = _early_warning_story(np.random.default_rng(seed + EARLY_WARNING_SEED_OFFSET), ids,
                                                   tier, final, final_day, surveys, ratings, as_of)
    activities = generate_activities(seed, accounts, events, surveys, as_of, quiet=set(quiet),
                                     quiet_since=pd.Timestamp(as_of) - pd.Timedelta(days=SILENT_DAYS))
    return SampleCompany(accounts, events, surveys, ratings, snapshots, activities)


def _early_warning_story(rng: np.random.Generator, ids: np.ndarray, tier: np.ndarray, final: np.ndarray,
                         final_day: np.ndarray, surveys: pd.DataFrame, ratings: pd.DataFrame,
                         as_of: date) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Who the early warning should find: settled customers gone quiet (their ids returned too), and a bad
    support month.

    Silent: customers settled in Usage, Loyalty or Advocacy for over `SILENT_DAYS` whose answers and
    ratings of those days are dropped (nobody asked, nobody rated). Falling CSAT: other settled SMB and
    Mid-Market customers get five poor ticket answers in the last `FALLING_CSAT_DAYS` days.
    """
    per_book = ids.size / 2000          # the counts are for the 2,000-account book; a small company gets its share
    settled = np.flatnonzero(np.isin(final, (US, LO, AD)) & (final_day < HISTORY_DAYS - SILENT_DAYS))
    silent = np.sort(rng.choice(settled, size=min(round(SILENT_ACCOUNTS * per_book), settled.size), replace=False))
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=SILENT_DAYS)
    quiet = ids[silent]
    surveys = surveys[~(surveys["Account ID"].isin(quiet) & (surveys["Survey Date"] > cutoff))]
    ratings = ratings[~(ratings["Account ID"].isin(quiet) & (ratings["Rating Date"] > cutoff))]

    others = np.setdiff1d(settled[tier[settled] > 0], silent)
    falling = np.sort(rng.choice(others, size=min(round(FALLING_CSAT_ACCOUNTS * per_book), others.size),
                                 replace=False))
    k = len(FALLING_CSAT_SCORES)
    days = np.sort(rng.choice(np.arange(1, FALLING_CSAT_DAYS + 1), size=(falling.size, k)), axis=1)
    users = surveys[surveys["Role"] == "User"].drop_duplicates("Account ID").set_index("Account ID")["Respondent"]
    complaints = COMMENTS[("en", "neg")]
    added = pd.DataFrame({
        "Account ID": np.repeat(ids[falling], k).astype(object),
        "Respondent": [users.get(a) for a in np.repeat(ids[falling], k)],
        "Role": "User",
        "Survey Date": pd.Timestamp(as_of) - pd.to_timedelta(days.ravel(), unit="D"),
        "Survey Type": "CSAT",
        "Score": np.tile(np.array(FALLING_CSAT_SCORES, dtype=np.int64), falling.size),
        "Comment": [complaints[i] if i < len(complaints) else None
                    for i in rng.integers(0, 2 * len(complaints), falling.size * k)],
        "Touchpoint": "Support ticket",
    })
    surveys = pd.concat([surveys, added], ignore_index=True)
    return (surveys.sort_values(["Account ID", "Survey Date"], kind="stable", ignore_index=True),
            ratings.reset_index(drop=True), quiet)


def small(seed: int = 7) -> SampleCompany:
    """A 60-account company for fast tests of code that needs realistic-looking data."""
    return generate(seed=seed, n_accounts=60)


def _simulate_journeys(rng: np.random.Generator, tier: np.ndarray, health: np.ndarray, t0: np.ndarray,
                       last_day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Walk every account through the stages at once; a move that would land after the as-of date
    leaves the account in progress where it is."""
    n = tier.size
    cur = np.full(n, AW)
    day = t0.copy()
    active = np.ones(n, dtype=bool)
    accs, stages, days, steps = [np.arange(n)], [cur.copy()], [t0.copy()], [np.zeros(n, dtype=np.int64)]
    for step in range(1, MAX_STEPS + 1):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        u = ndtr(-HEALTH_RHO * health[idx] + np.sqrt(1 - HEALTH_RHO ** 2) * rng.standard_normal(idx.size))
        noise = rng.standard_normal(idx.size)
        nxt = np.full(idx.size, STOP)
        dur = np.zeros(idx.size, dtype=np.int64)
        for frm, moves in TRANSITIONS.items():
            here = np.flatnonzero(cur[idx] == frm)
            if here.size == 0:
                continue
            t = tier[idx[here]]
            cum = np.cumsum(np.array([m.p for m in moves]), axis=0)[:, t]
            choice = (u[here][None, :] > cum[:-1]).sum(axis=0)
            median = np.array([m.days for m in moves])[choice, t]
            sigma = np.array([m.sigma for m in moves])[choice]
            nxt[here] = np.array([m.to for m in moves])[choice]
            dur[here] = np.maximum(1, np.ceil(median * np.exp(sigma * noise[here]))).astype(np.int64)
        new_day = day[idx] + dur
        moved = (nxt != STOP) & (new_day <= last_day)
        active[idx[~moved]] = False
        mi = idx[moved]
        cur[mi] = nxt[moved]
        day[mi] = new_day[moved]
        accs.append(mi)
        stages.append(nxt[moved])
        days.append(new_day[moved])
        steps.append(np.full(mi.size, step))
    acc, stage, d, st = (np.concatenate(a) for a in (accs, stages, days, steps))
    order = np.lexsort((st, acc))
    return acc[order], stage[order], d[order]


def _company_names(rng: np.random.Generator, region: np.ndarray, industry: np.ndarray) -> np.ndarray:
    """Unique company names from syllables, an industry word and the region's legal form."""
    n = region.size
    names = np.empty(n, dtype=object)
    todo = np.arange(n)
    for _ in range(50):  # redraw only the duplicates; a few rounds suffice
        k = todo.size
        base = (SYL_START[rng.integers(0, SYL_START.size, k)] + SYL_MID[rng.integers(0, SYL_MID.size, k)]
                + SYL_END[rng.integers(0, SYL_END.size, k)])
        word = INDUSTRY_WORDS[industry[todo], rng.integers(0, 3, k)]
        legal = LEGAL_BY_REGION[region[todo], rng.integers(0, 3, k)]
        with_word = rng.random(k) < 0.7
        with_legal = rng.random(k) < 0.6
        full = np.where(with_word, base + " " + word, base)
        names[todo] = np.where(with_legal, full + " " + legal, full)
        dup = pd.Series(names).duplicated().to_numpy()
        todo = np.flatnonzero(dup)
        if todo.size == 0:
            break
    return names


def _place_unicode_names(names: np.ndarray, region: np.ndarray, industry: np.ndarray) -> None:
    """Spread the accented/CJK names over the book, with the region and industry they imply."""
    n = names.size
    k = min(len(UNICODE_NAMES), n)
    at = np.unique(np.linspace(n // 20, n - 1 - n // 20, k).astype(int))
    for pos, (name, reg, ind) in zip(at, UNICODE_NAMES, strict=False):
        names[pos] = name
        region[pos] = REGIONS.index(reg)
        industry[pos] = INDUSTRIES.index(ind)


def _csms(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    """A CSM from the account's region."""
    sizes = np.array([len(c) for c in CSMS_BY_REGION])
    flat = np.array([name for team in CSMS_BY_REGION for name in team], dtype=object)
    offsets = np.r_[0, np.cumsum(sizes)[:-1]]
    return flat[offsets[region] + (rng.random(region.size) * sizes[region]).astype(int)]


def _accounts_frame(rng: np.random.Generator, ids: np.ndarray, names: np.ndarray, tier: np.ndarray,
                    region: np.ndarray, industry: np.ndarray, csm: np.ndarray, health: np.ndarray,
                    ev_acc: np.ndarray, ev_stage: np.ndarray, ev_day: np.ndarray, reached: np.ndarray,
                    final: np.ndarray, final_day: np.ndarray, origin: date) -> pd.DataFrame:
    """The CRM account table: segments, ARR and contract dates for customers, churn reason, outcome."""
    n = ids.size
    customer = reached[:, DE]
    arr = np.exp(np.log(np.array(ARR_MEDIAN)[tier]) + np.array(ARR_SIGMA)[tier] * rng.standard_normal(n))
    arr = np.round(arr, -2).astype(np.int64)

    # Contract start: the latest signature (a returning customer signs again).
    start_day = np.full(n, -1, dtype=np.int64)
    dec = ev_stage == DE
    np.maximum.at(start_day, ev_acc[dec], ev_day[dec])
    term_years = np.choose(tier, [rng.choice([1, 2, 3], n, p=[.4, .4, .2]),
                                  rng.choice([1, 2], n, p=[.7, .3]), np.ones(n, dtype=np.int64)])
    churned = final == CH
    until = np.where(churned, final_day, HISTORY_DAYS)
    start = pd.to_datetime(origin) + pd.to_timedelta(np.maximum(start_day, 0), unit="D")
    renewal = _next_anniversary(start, term_years, pd.to_datetime(origin) + pd.to_timedelta(until, unit="D"))

    ever_di = reached[:, DI]
    cum = np.cumsum(CHURN_REASON_P[ever_di.astype(int), tier], axis=1)
    reason = np.array(CHURN_REASONS, dtype=object)[(rng.random(n)[:, None] > cum[:, :-1]).sum(axis=1)]

    logit = (0.2 + 1.4 * health + 0.7 * reached[:, LO] + 0.5 * reached[:, AD] - 1.3 * churned
             - 0.5 * ever_di - 0.8 * (final == DL))
    achieved = rng.random(n) < 1 / (1 + np.exp(-logit))
    outcome = np.where(achieved, "Yes", "No").astype(object)

    frame = pd.DataFrame({
        "Account ID": ids.astype(object),
        "Account Name": names,
        "Tier": np.array(TIERS, dtype=object)[tier],
        "Region": np.array(REGIONS, dtype=object)[region],
        "Industry": np.array(INDUSTRIES, dtype=object)[industry],
        "CSM": csm,
        "ARR": pd.array(arr, dtype="Int64"),
        "Contract Start": start.normalize(),
        "Renewal Date": renewal,
        "Churn Reason": np.where(churned, reason, None),
        "Outcome Achieved": np.where(reached[:, DL], outcome, None),
    })
    frame.loc[~customer, ["ARR", "Contract Start", "Renewal Date"]] = pd.NA
    return frame


def _next_anniversary(start: pd.DatetimeIndex, term_years: np.ndarray, until: pd.DatetimeIndex) -> pd.Series:
    """The first contract anniversary (every `term_years`) on or after `until`, at least one term in."""
    years = np.maximum(1, np.ceil((until - start).days.to_numpy() / (365.25 * term_years))) * term_years
    for _ in range(2):  # the day-count estimate can be one term short
        ann = _add_years(start, years)
        years = np.where(ann < until, years + term_years, years)
    return pd.Series(_add_years(start, years))


def _add_years(start: pd.DatetimeIndex, years: np.ndarray) -> pd.DatetimeIndex:
    """Same month and day `years` later (29 February becomes the 28th)."""
    day = np.where((start.month == 2) & (start.day == 29), 28, start.day)
    return pd.DatetimeIndex(pd.to_datetime(pd.DataFrame({
        "year": start.year + years.astype(np.int64), "month": start.month, "day": day})))


def _events_frame(rng: np.random.Generator, ids: np.ndarray, ev_acc: np.ndarray, ev_stage: np.ndarray,
                  ev_day: np.ndarray, origin: date) -> pd.DataFrame:
    """Journey events with canonical stage names; deal closings carry the CRM's time of day."""
    seconds = np.where(np.isin(ev_stage, (DE, LOST)), rng.integers(8 * 3600, 19 * 3600, ev_stage.size), 0)
    ts = (np.datetime64(origin, "s") + ev_day.astype("timedelta64[D]").astype("timedelta64[s]")
          + seconds.astype("timedelta64[s]"))
    return pd.DataFrame({
        "Account ID": ids[ev_acc].astype(object),
        "Stage": np.array(STAGE_NAMES, dtype=object)[ev_stage],
        "Entered At": pd.to_datetime(ts),
    })


def _segments(ev_acc: np.ndarray, ev_stage: np.ndarray, ev_day: np.ndarray, keep: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Time spent in each kept stage: account, stage, first day, day after the last (as-of + 1 if open)."""
    same_next = np.r_[ev_acc[1:] == ev_acc[:-1], False]
    end = np.where(same_next, np.r_[ev_day[1:], 0], HISTORY_DAYS + 1)
    m = np.isin(ev_stage, keep)
    return ev_acc[m], ev_stage[m], ev_day[m], end[m]


def _surveys_frame(rng: np.random.Generator, ids: np.ndarray, tier: np.ndarray, region: np.ndarray,
                   health: np.ndarray, ev_acc: np.ndarray, ev_stage: np.ndarray, ev_day: np.ndarray,
                   origin: date) -> pd.DataFrame:
    """NPS waves while in Usage onwards, CSAT/CES after tickets from Delivery on, low in Disappointment."""
    s_acc, s_stage, s_start, s_end = _segments(ev_acc, ev_stage, ev_day, SURVEY_STAGES)
    months = (s_end - s_start) / 30.44
    t = tier[s_acc]
    ticket_boost = np.select([s_stage == DL, s_stage == DI], [2.0, 1.8], 1.0)
    n_tickets = rng.poisson(months * np.array(TICKETS_PER_MONTH)[t] * ticket_boost)
    n_nps = rng.poisson(np.where(s_stage == DL, 0.0, months / 6 * np.array(NPS_PER_WAVE)[t]))

    # One row per answer: ticket surveys first, then NPS, both drawn inside the stage's time span.
    seg = np.r_[np.repeat(np.arange(s_acc.size), n_tickets), np.repeat(np.arange(s_acc.size), n_nps)]
    is_nps = np.r_[np.zeros(n_tickets.sum(), bool), np.ones(n_nps.sum(), bool)]
    acc, stage = s_acc[seg], s_stage[seg]
    k = seg.size
    day = s_start[seg] + np.floor(rng.random(k) * (s_end[seg] - s_start[seg])).astype(np.int64)
    kind = np.where(is_nps, "NPS", np.where(rng.random(k) < 0.8, "CSAT", "CES"))

    h = health[acc]
    means = {kd: np.select([stage == s for s in SURVEY_STAGES], [tbl[s] for s in SURVEY_STAGES])
             for kd, tbl in (("NPS", NPS_MEAN), ("CSAT", CSAT_MEAN), ("CES", CES_MEAN))}
    z = rng.standard_normal(k)
    score = np.select(
        [kind == "NPS", kind == "CSAT"],
        [np.clip(np.round(means["NPS"] + 1.1 * h + 1.4 * z), 0, 10),
         np.clip(np.round(means["CSAT"] + 0.6 * h + 0.8 * z), 1, 5)],
        np.clip(np.round(means["CES"] + 0.7 * h + 1.0 * z), 1, 7)).astype(np.int64)

    touch_u = rng.random(k)
    touchpoint = np.select(
        [is_nps & (stage == LO) & (touch_u < 0.45), is_nps & (stage == AD) & (touch_u < 0.35),
         is_nps & (stage == US) & (touch_u < 0.2), is_nps & (stage == DI) & (touch_u < 0.3),
         is_nps & (stage == LO) & (touch_u > 0.9), is_nps,
         (stage == DL) & (touch_u < 0.5), (stage == US) & (touch_u < 0.1), stage == DI],
        ["QBR", "QBR", "QBR", "Escalation review", "Renewal call", "Relationship survey",
         "Onboarding", "Training", "Support ticket"],
        "Support ticket")

    role, respondent = _respondents(rng, tier, region, acc, is_nps)
    comment = _comments(rng, kind, score, region[acc])
    frame = pd.DataFrame({
        "Account ID": ids[acc].astype(object),
        "Respondent": respondent,
        "Role": role,
        "Survey Date": pd.to_datetime(origin) + pd.to_timedelta(day, unit="D"),
        "Survey Type": kind.astype(object),
        "Score": score,
        "Comment": comment,
        "Touchpoint": touchpoint.astype(object),
    })
    return frame.sort_values(["Account ID", "Survey Date"], kind="stable", ignore_index=True)


def _respondents(rng: np.random.Generator, tier: np.ndarray, region: np.ndarray, acc: np.ndarray,
                 is_nps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each account has a few contacts (decision makers first); NPS goes to them, tickets to users."""
    n = tier.size
    n_contacts = np.array([7, 4, 3])[tier]
    n_dm = np.array([2, 1, 1])[tier]
    first = CONTACT_FIRST_NAMES[region[:, None], rng.integers(0, CONTACT_FIRST_NAMES.shape[1], (n, 7))]
    last = CONTACT_LAST_NAMES[region[:, None], rng.integers(0, CONTACT_LAST_NAMES.shape[1], (n, 7))]
    contact_names = np.char.add(np.char.add(first, " "), last)
    want_dm = rng.random(acc.size) < np.where(is_nps, 0.45, 0.12)
    u = rng.random(acc.size)
    idx = np.where(want_dm, (u * n_dm[acc]).astype(int),
                   n_dm[acc] + (u * (n_contacts[acc] - n_dm[acc])).astype(int))
    executive = want_dm & (tier[acc] == 0) & (idx == 0)     # an Enterprise account's first decision maker
    role = np.where(executive, EXECUTIVE_ROLE, np.where(want_dm, "Decision maker", "User")).astype(object)
    return role, contact_names[acc, idx].astype(object)


def _comments(rng: np.random.Generator, kind: np.ndarray, score: np.ndarray,
              region: np.ndarray) -> np.ndarray:
    """A comment for a share of answers, in the sentiment of the score; some French and Portuguese."""
    k = kind.size
    sentiment = np.select(
        [(kind == "NPS") & (score >= 9), (kind == "NPS") & (score >= 7), kind == "NPS",
         (kind == "CSAT") & (score >= 4), (kind == "CSAT") & (score == 3), kind == "CSAT",
         score >= 6, score >= 4],
        [0, 1, 2, 0, 1, 2, 0, 1], 2)
    lang_u = rng.random(k)
    lang = np.select([(region == REGIONS.index("EMEA")) & (lang_u < 0.08),
                      (region == REGIONS.index("LATAM")) & (lang_u < 0.25)], [1, 2], 0)
    pools = [[COMMENTS[(lg, s)] for s in ("pos", "neu", "neg")] for lg in ("en", "fr", "pt")]
    flat = np.array([c for by_lang in pools for pool in by_lang for c in pool], dtype=object)
    sizes = np.array([[len(pool) for pool in by_lang] for by_lang in pools])
    offsets = np.r_[0, np.cumsum(sizes.ravel())[:-1]].reshape(sizes.shape)
    pick = offsets[lang, sentiment] + (rng.random(k) * sizes[lang, sentiment]).astype(int)
    has = rng.random(k) < np.where(sentiment == 2, 0.45, 0.25)
    return np.where(has, flat[pick], None)


def _ratings_frame(rng: np.random.Generator, ids: np.ndarray, tier: np.ndarray, health: np.ndarray,
                   final: np.ndarray, ev_acc: np.ndarray, ev_stage: np.ndarray, ev_day: np.ndarray,
                   origin: date, as_of: date) -> pd.DataFrame:
    """CSM ratings of the eight factors at each quarter end while a customer; some left blank."""
    s_acc, s_stage, s_start, s_end = _segments(ev_acc, ev_stage, ev_day, SURVEY_STAGES)
    quarter_ends = pd.date_range(origin, as_of, freq="QE")
    q_day = (quarter_ends - pd.to_datetime(origin)).days.to_numpy()
    i0 = np.searchsorted(q_day, s_start, side="left")
    count = np.searchsorted(q_day, s_end, side="left") - i0
    seg = np.repeat(np.arange(s_acc.size), count)
    within = np.arange(seg.size) - np.repeat(np.cumsum(count) - count, count)
    q = i0[seg] + within
    keep = rng.random(seg.size) < 0.9  # a CSM skips a quarter now and then
    seg, q = seg[keep], q[keep]
    acc, stage = s_acc[seg], s_stage[seg]

    level = (3.3 + 0.75 * health[acc] + np.array([0.15, 0.0, -0.15])[tier[acc]]
             - 0.3 * (final[acc] == CH)
             + np.select([stage == s for s in SURVEY_STAGES],
                         [RATING_STAGE_EFFECT[s] for s in SURVEY_STAGES]))
    noise = 0.7 * rng.standard_normal((acc.size, len(FACTOR_COLUMNS)))
    raw = level[:, None] + FACTOR_OFFSET[None, :] + noise
    scores = np.clip(np.round(raw), 1, 5)
    scores[rng.random(scores.shape) < FACTOR_BLANK[None, :]] = np.nan
    frame = pd.DataFrame({"Account ID": ids[acc].astype(object), "Rating Date": quarter_ends[q]})
    for j, col in enumerate(FACTOR_COLUMNS):
        frame[col] = pd.array(scores[:, j], dtype="Int64")
    return frame.sort_values(["Account ID", "Rating Date"], kind="stable", ignore_index=True)


def _snapshots(ids: np.ndarray, names: np.ndarray, ev_acc: np.ndarray, ev_stage: np.ndarray,
               ev_day: np.ndarray, origin: date) -> dict[date, pd.DataFrame]:
    """The CRM's month-end export: each known account's stage label on that day."""
    labels = np.array([CRM_LABELS[s] for s in STAGE_NAMES], dtype=object)
    out: dict[date, pd.DataFrame] = {}
    for snap in SNAPSHOT_DATES:
        upto = ev_day <= (snap - origin).days
        a, s = ev_acc[upto], ev_stage[upto]
        last = np.r_[a[1:] != a[:-1], True]  # events are sorted by account, then time
        out[snap] = pd.DataFrame({
            "Account ID": ids[a[last]].astype(object),
            "Account Name": names[a[last]],
            "Lifecycle Stage": labels[s[last]],
            "Snapshot Date": pd.to_datetime(np.full(last.sum(), np.datetime64(snap, "s"))),
        })
    return out


# ---------------------------------------------------------------------------------------------
def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text (date only unless a time of day is set), blanks as empty cells."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            s = out[col]
            text = s.dt.strftime("%Y-%m-%d")
            timed = s.notna() & (s != s.dt.normalize())
            out[col] = text.where(~timed, s.dt.strftime("%Y-%m-%d %H:%M:%S"))
    return out


def write(company: SampleCompany, out_dir: Path) -> list[Path]:
    """Write the company as CSV files, three monthly snapshots and one two-sheet workbook."""
    out_dir = Path(out_dir)
    (out_dir / "snapshots").mkdir(parents=True, exist_ok=True)
    tables = {"accounts.csv": company.accounts, "journey_events.csv": company.events,
              "surveys.csv": company.surveys, "factor_ratings.csv": company.ratings}
    if company.activities is not None:
        tables["activities.csv"] = company.activities
    tables |= {f"snapshots/stage_snapshot_{d.isoformat()}.csv": f for d, f in company.snapshots.items()}
    written = []
    for rel, frame in tables.items():
        path = out_dir / rel
        _csv_ready(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    written.append(_write_workbook(company, out_dir / "sample_company.xlsx"))
    return written


def _write_workbook(company: SampleCompany, path: Path) -> Path:
    """Accounts and Surveys as one workbook with real date cells, as a CRM's Excel export looks."""
    with pd.ExcelWriter(path, engine="xlsxwriter", date_format="yyyy-mm-dd",
                        datetime_format="yyyy-mm-dd") as writer:
        # A fixed creation date keeps the file byte-identical from run to run.
        writer.book.set_properties({"title": "Journey Lens sample company", "created": datetime(2026, 9, 30)})
        sheets = (("Accounts", company.accounts, (12, 30, 12, 14, 22, 16, 10, 14, 14, 18, 16)),
                  ("Surveys", company.surveys, (12, 22, 15, 12, 11, 7, 60, 20)))
        for sheet, frame, widths in sheets:
            frame.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes(1, 0)
            for col, width in enumerate(widths):
                ws.set_column(col, col, width)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m cxlib.sample OUT_DIR`: write the sample company's files and its prepared workspace."""
    parser = argparse.ArgumentParser(prog="python -m cxlib.sample",
                                     description="Write the deterministic sample company (CSV + XLSX).")
    parser.add_argument("out_dir", type=Path, help="directory to write into (e.g. data)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--accounts", type=int, default=2000)
    args = parser.parse_args(argv)
    for path in write(generate(seed=args.seed, n_accounts=args.accounts), args.out_dir):
        print(f"{path}  {path.stat().st_size:,} bytes")
    from cxlib import sample_prepared  # the prepared sample the app opens at start, from those files

    path = sample_prepared.write(args.out_dir)
    print(f"{path}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
