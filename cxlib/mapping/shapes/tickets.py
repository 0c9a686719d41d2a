"""Help-desk tickets with a satisfaction rating: Zendesk, Intercom and Freshdesk exports → CSAT answers.

- Zendesk `Satisfaction Score`: Good (with comment) is satisfied, Bad (with comment) is not;
  Offered, Unoffered and blank are not answers. Account: `Organization`.
- Intercom `Conversation rating` 1–5 (top-two-box: 4–5 satisfied, README). Account: `Company name`.
  The zone written in a header ("Updated at (America/New_York)") is the table's time zone.
- Freshdesk `Survey results`: the survey's answer labels; the top two of the 7-point scale
  (Extremely Happy, Very Happy), of the 5-point (Very Happy, Happy) or the top one of the 3-point
  (Awesome; legacy "happy") are satisfied. Account: `Company Name`.
Labelled answers become 1 (satisfied) or 0 (not), the 0–1 scale of the surveys module. An answer is
dated when the ticket was solved (else last updated, else created). Ticket, requester and
conversation ids are never the account; a blank organisation leaves the answer without an account
(it still counts at response level).
"""

from __future__ import annotations

import re

from cxlib.mapping.roles import SURVEYS
from cxlib.mapping.shapes.headers import RawTable, fold, ids_ignored
from cxlib.mapping.shapes.model import Recognised, TableShape

_OPEN = frozenset({"respondent", "comment"})
_ZONE = re.compile(r"\(([A-Za-z]+(?:/[A-Za-z0-9_+\-]+)+|UTC|GMT)\)\s*$")

ZENDESK_ANSWERS: dict[str, float | None] = {
    "good": 1.0, "good with comment": 1.0, "bad": 0.0, "bad with comment": 0.0,
    "offered": None, "unoffered": None, "not offered": None}
_FRESHDESK_7 = ("extremely happy", "very happy", "happy", "neutral", "unhappy", "very unhappy", "extremely unhappy")
_FRESHDESK_5 = ("very happy", "happy", "neutral", "unhappy", "very unhappy")
_FRESHDESK_3 = ("awesome", "just okay", "not good")
_LEGACY_3 = ("happy", "neutral", "unhappy")


def header_zone(column: str) -> str | None:
    """The IANA zone a header writes in parentheses ("Updated at (America/New_York)"), or None."""
    m = _ZONE.search(column)
    return m[1] if m else None


def _roles(t: RawTable, account: str | None, score: str, when: str | None, respondent: str | None,
           comment: str | None) -> dict[str, str]:
    roles = {score: "score:CSAT"}
    for column, role in ((account, "account_id"), (when, "ts"), (respondent, "respondent"), (comment, "comment")):
        if column is not None:
            roles[column] = role
    return ids_ignored(t, roles)


def _label(tool: str, what: str, score: str, account: str | None) -> str:
    by = f" by {account}" if account else " (no organisation column: answers without an account)"
    return f"{tool} {what} — {score} → CSAT answers{by}"


def recognise_zendesk(t: RawTable) -> Recognised | None:
    """Zendesk tickets: Satisfaction Score Good/Bad/Offered/Unoffered."""
    score = t.find("Satisfaction Score", "Satisfaction Rating", "Satisfaction")
    if score is None or not (t.find("Organization", "Requester", "Solved at", "Ticket ID")
                             or "zendesk" in t.file):
        return None
    labelled = t.type_class(score) == "text"
    if labelled and not t.values(score) & set(ZENDESK_ANSWERS):
        return None
    account = t.find("Organization", "Organisation", "Organization name")
    when = t.find("Solved at", "Updated at", "Created at")
    shape = TableShape(
        id="zendesk.tickets", tool="Zendesk", name="tickets", label=_label("Zendesk", "tickets", score, account),
        answer_column=score if labelled else None, answers={"CSAT": dict(ZENDESK_ANSWERS)} if labelled else {},
        notes=["Good is satisfied, Bad is not; Offered, Unoffered and blank are not answers."])
    roles = _roles(t, account, score, when, t.find("Requester", "Requester email"),
                   t.find("Satisfaction Comment", "Satisfaction comment"))
    return Recognised(SURVEYS, roles, shape, open_roles=_OPEN)


def recognise_intercom(t: RawTable) -> Recognised | None:
    """Intercom's conversation-rating report: Conversation rating 1–5, the zone in the date headers."""
    score = t.find("Conversation rating", "Rating")
    if score is None or t.find("Conversation ID") is None or not t.is_number(score):
        return None
    zoned = [c for c in t.names if header_zone(c) and t.is_datetime(c)]
    when = next((c for c in zoned if fold(c).startswith("updated at")), None) \
        or next((c for c in zoned if fold(c).startswith("conversation started at")), None) \
        or (zoned[0] if zoned else t.find("Updated at", "Created at"))
    account = t.find("Company name", "Company")
    zone = header_zone(when) if when else None
    shape = TableShape(
        id="intercom.conversation_ratings", tool="Intercom", name="conversation ratings",
        label=_label("Intercom", "conversation ratings", score, account), timezone=zone,
        notes=["Ratings 1–5: 4 and 5 are satisfied (top-two-box)."]
              + ([f"Times are in {zone}, as the header says."] if zone else []))
    roles = _roles(t, account, score, when, t.find("User name", "User email"), t.find("Conversation rating remark"))
    return Recognised(SURVEYS, roles, shape, open_roles=_OPEN)


def freshdesk_answers(values: set[str]) -> dict[str, float | None]:
    """Satisfied (1) or not (0) for each answer label, on the scale the labels present reveal."""
    if values & {"extremely happy", "extremely unhappy"}:
        scale, top = _FRESHDESK_7, 2
    elif values & {"awesome", "just okay", "not good"}:
        scale, top = _FRESHDESK_3, 1
    elif values & {"very happy", "very unhappy"}:
        scale, top = _FRESHDESK_5, 2
    else:
        scale, top = _LEGACY_3, 1
    return {label: (1.0 if i < top else 0.0) for i, label in enumerate(scale)}


def recognise_freshdesk(t: RawTable) -> Recognised | None:
    """Freshdesk's ticket export: Survey results holds the satisfaction survey's answer labels."""
    score = t.find("Survey results", "Survey result", "Satisfaction Rating", "Customer Satisfaction")
    if score is None or not (t.find("Ticket ID", "Resolution status", "Agent interactions", "Group")
                             or "freshdesk" in t.file):
        return None
    labelled = t.type_class(score) == "text"
    account = t.find("Company Name", "Company")
    when = t.find("Resolved time", "Closed time", "Last update time", "Created time")
    answers = freshdesk_answers(t.values(score)) if labelled else {}
    satisfied = [k.title() for k, v in answers.items() if v]
    shape = TableShape(
        id="freshdesk.tickets", tool="Freshdesk", name="tickets", label=_label("Freshdesk", "tickets", score, account),
        answer_column=score if labelled else None, answers={"CSAT": answers} if labelled else {},
        notes=[f"Satisfied: {', '.join(satisfied)}; blank is not an answer."] if labelled else [])
    roles = _roles(t, account, score, when, t.find("Full name", "Requester", "Contact"), None)
    return Recognised(SURVEYS, roles, shape, open_roles=_OPEN)


def recognise_reviews(t: RawTable) -> Recognised | None:
    """Review exports (marketplaces, app stores, e.g. Olist's order reviews): a 1–5 star score per review.

    Recognised by a review score/rating/stars column with whole numbers 1–5 beside a review id, a
    review comment or "review" in the file name. Each review is a CSAT answer (top-two-box); the
    review and order ids are never the account, so without a customer or company column the answers
    load without an account (response-level numbers).
    """
    score = t.find("review_score", "Review Score", "Review rating", "Star rating", "Stars", "Rating")
    if score is None or t.type_class(score) != "integer":
        return None
    p = t.profile(score)
    if p.low is None or p.high is None or not (1 <= p.low and p.high <= 5):
        return None
    comment = t.find("review_comment_message", "Review comment", "Review text", "Review", "Comment")
    review_id = t.find("review_id", "Review ID")
    if not (review_id or comment or "review" in t.file):
        return None
    when = next((c for c in (t.find("review_creation_date", "Review date", "Created at", "Date", "Submitted at"),)
                 if c is not None and t.is_datetime(c)), None)
    account = t.find("Company", "Company name", "Customer", "customer_id", "Account", "Account ID")
    roles = _roles(t, account, score, when, None, comment)
    for other in (review_id, t.find("order_id", "Order ID")):
        if other is not None:
            roles.setdefault(other, "ignore")
    by = f" by {account}" if account else " (no customer column: answers without an account)"
    shape = TableShape(
        id="generic.reviews", tool="Reviews", name="1–5 star reviews",
        label=f"Reviews — {score} → CSAT answers{by}",
        notes=["Scores 1–5: 4 and 5 are satisfied (top-two-box). Review and order ids are never the account."])
    return Recognised(SURVEYS, roles, shape, open_roles=_OPEN)
