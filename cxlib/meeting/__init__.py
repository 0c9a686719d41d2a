"""Meeting packs for an account or a segment: the numbers of the review meeting as slides.

A pack is a title slide and five slides, always in this order: the funnel (the segment's funnel,
or an account's pace against its segment), the journey map (the segment's step-numbered Sankey
with its commonest paths, or the account's own timeline), the engagement scores against the
desired state, the voice of the customer (NPS and CSAT with their n, and a few recent comments),
and the meeting summary. An account's pack may carry extra slides before the summary (the Stories
page's "Add to meeting pack" adds a `story_slide`). A segment's pack adds, before the summary, its desired outcome
over time (`outcome_slide`: quadrant shares per fiscal quarter and churn within the next two quarters by quadrant,
`cxlib.outcome_history`'s numbers for the segment) and its flagged accounts with
their evidence (`cxlib.early_warning`, the Early warning page's list and order). An account's
flags are its early-warning signals (the story's `flags`): each is in the summary and on its topic's
slide (stalled: funnel; entered Disappointment: journey; score drop: engagement; NPS, CSAT and
decision-maker signals: voice), chosen by signal name. An account's summary is
`account.meeting_summary`; a segment's is `segment_summary`, built the same way from the numbers,
without any language model.

A segment is the accounts whose segment column, as text without surrounding blanks, equals the
value given (the funnel's and the scores' own reading of a segment value).
"""

from __future__ import annotations

from cxlib.meeting.account_pack import STORY_TITLE, account_pack, story_slide
from cxlib.meeting.common import (ALL_ACCOUNTS, FUNNEL_TITLE, JOURNEY_TITLE, SCORES_TITLE, SUMMARY_TITLE, TOP_DRIVERS,
                                  VOICE_TITLE, WARNING_TITLE, funnel_figure, settings_line, write_pack)
from cxlib.meeting.outcome_slide import OUTCOME_TITLE, SegmentOutcome, segment_outcome
from cxlib.meeting.segment_pack import SegmentStory, segment_pack, segment_story, segment_summary, top_churn_drivers

__all__ = ["ALL_ACCOUNTS", "FUNNEL_TITLE", "JOURNEY_TITLE", "OUTCOME_TITLE", "SCORES_TITLE", "STORY_TITLE",
           "SUMMARY_TITLE", "SegmentOutcome", "SegmentStory", "TOP_DRIVERS",
           "VOICE_TITLE", "WARNING_TITLE", "account_pack", "funnel_figure", "segment_outcome", "segment_pack",
           "segment_story",
           "segment_summary", "settings_line", "story_slide", "top_churn_drivers", "write_pack"]
