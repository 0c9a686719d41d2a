"""Story finder (issue 13): the customer stories worth telling — a challenge overcome, in time, celebrated.

One module per concern: `config` (weights kept with the mapping, intent keywords), `sql` (the CTE
chain), `finder` (parameters, the ranked list), `evidence` (dated sentences, the CLI table).
"""

from __future__ import annotations

from cxlib.stories.config import DEFAULT_TOP, INTENT_KEYWORDS, REFERENCE_DAYS, StoryConfig
from cxlib.stories.evidence import (CLI_COLUMNS, celebration_sentence, challenge_sentence, cli_table, evidence,
                                    reference_text, timing_sentence)
from cxlib.stories.finder import (StoryRun, activities_count, eligible_count, find_stories, find_with_summary,
                                  stories_sql, story_accounts, story_run, story_summary, summary_of)

__all__ = ["CLI_COLUMNS", "DEFAULT_TOP", "INTENT_KEYWORDS", "REFERENCE_DAYS", "StoryConfig", "StoryRun",
           "activities_count", "celebration_sentence", "challenge_sentence", "cli_table", "eligible_count",
           "evidence", "find_stories", "find_with_summary", "reference_text", "stories_sql", "story_accounts",
           "story_run", "story_summary", "summary_of", "timing_sentence"]
