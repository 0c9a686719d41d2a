"""The want-vs-do theme list (keywords → theme), kept with the mapping JSON under "centricity".

Shipped in the app's six languages (English, French, Italian, Portuguese, Hungarian, Chinese).
Matching is case- and accent-insensitive on whole words: text and keyword are lower-cased,
stripped of accents (DuckDB `strip_accents`) and every run of characters that are not letters or
digits becomes one space; a keyword matches where its words appear with a space (or the text's
start or end) on both sides, so "training" does not match "trainings" (the plural is its own
keyword) and "response time" matches "Response-time". Chinese keywords match anywhere (the script
puts no spaces between words). Plain substring tests, so no per-row regular expression is compiled.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from cxlib.errors import MetricError

DEFAULT_THEMES: dict[str, list[str]] = {
    "training": ["training", "trainings", "onboarding training", "formation", "formations", "formazione",
                 "formação", "treinamento", "treinamentos", "képzés", "oktatás", "培训"],
    "integration": ["integration", "integrations", "api", "connector", "intégration", "integrazione", "integração",
                    "integráció", "集成", "对接"],
    "reporting": ["reporting", "report", "reports", "dashboard", "dashboards", "rapport", "rapports", "reportistica",
                  "relatório", "relatórios", "riport", "jelentés", "报表", "报告"],
    "response time": ["response time", "response times", "slow response", "support speed", "temps de réponse", "tempi di risposta",
                      "tempo di risposta", "tempo de resposta", "válaszidő", "响应时间"],
}

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def normalize(text: str) -> str:
    """Lower case without accents, as DuckDB's lower(strip_accents(x)) gives it (for keywords)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def words(text: str) -> str:
    """Text as `sql.words_sql` normalises it, unpadded: `normalize`d, every non-letter/digit run one space."""
    return " ".join("".join(c if c.isalnum() else " " for c in normalize(text)).split())


def keyword_needle(keyword: str) -> str:
    """What one keyword looks for in text normalised by `sql.words_sql`: ' word word ', or the bare Chinese."""
    text = words(keyword)
    return text if _CJK.search(text) else f" {text} "


@dataclass
class ThemeConfig:
    """The editable theme list: theme → keywords (any language)."""

    themes: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_THEMES.items()})

    def validate(self) -> None:
        """Raise MetricError naming the first empty theme name or keyword."""
        for theme, words in self.themes.items():
            if not str(theme).strip():
                raise MetricError("A want-vs-do theme has no name: name it or delete its row.")
            if not words or any(not str(w).strip() for w in words):
                raise MetricError(f"Theme '{theme}' has an empty keyword: give it at least one word.")

    def needles(self) -> tuple[list[str], list[str]]:
        """Parallel lists (theme, needle) for the SQL parameters (keywords with no letter or digit are dropped)."""
        themes, needles = [], []
        for theme, words in self.themes.items():
            for w in words:
                needle = keyword_needle(w)
                if needle.strip():
                    themes.append(str(theme).strip())
                    needles.append(needle)
        return themes, needles

    def to_dict(self) -> dict[str, Any]:
        return {"themes": {k: list(v) for k, v in self.themes.items()}}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> ThemeConfig:
        """The list read back from the mapping's "centricity" entry (missing: the shipped list)."""
        d = dict(d or {})
        if not d.get("themes"):
            return cls()
        raw = d["themes"]
        if not isinstance(raw, dict):
            raise MetricError('The mapping\'s "centricity" → "themes" must map each theme to a list of keywords.')
        config = cls({str(k): [str(w) for w in (v if isinstance(v, list) else [v])] for k, v in raw.items()})
        config.validate()
        return config

    @classmethod
    def from_text(cls, text: str) -> ThemeConfig:
        """One theme per line as `theme: keyword, keyword, …` (the page's editor); MetricError names the line."""
        themes: dict[str, list[str]] = {}
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if ":" not in line:
                raise MetricError(f"Theme list line {i} ('{line.strip()}') needs 'theme: keyword, keyword'.")
            name, words = line.split(":", 1)
            themes[name.strip()] = [w.strip() for w in words.split(",") if w.strip()]
        config = cls(themes)
        config.validate()
        return config

    def to_text(self) -> str:
        return "\n".join(f"{k}: {', '.join(v)}" for k, v in self.themes.items())


__all__ = ["DEFAULT_THEMES", "ThemeConfig", "keyword_needle", "normalize", "words"]
