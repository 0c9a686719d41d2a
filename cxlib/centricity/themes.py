"""The want-vs-do theme list (keywords → theme), kept with the mapping JSON under "centricity".

Shipped in the app's six languages (English, French, Italian, Portuguese, Hungarian, Chinese).
Matching is case- and accent-insensitive on whole words: text and keyword are lower-cased and
stripped of accents (DuckDB `strip_accents`), and a keyword matches only where no letter or digit
touches it on either side, so "training" does not match "trainings" (the plural is its own
keyword). Chinese keywords match anywhere (the script puts no spaces between words).
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
    "response time": ["response time", "slow response", "support speed", "temps de réponse", "tempi di risposta",
                      "tempo di risposta", "tempo de resposta", "válaszidő", "响应时间"],
}

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
WORD_EDGE_BEFORE = r"(^|[^\pL\pN])"
WORD_EDGE_AFTER = r"($|[^\pL\pN])"


def normalize(text: str) -> str:
    """Lower case without accents, as DuckDB's lower(strip_accents(x)) gives it (for keywords)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def keyword_pattern(keyword: str) -> str:
    """The RE2 pattern of one keyword over normalised text: whole words, anywhere for Chinese."""
    word = re.sub(r"\s+", " ", normalize(keyword))
    body = re.escape(word).replace(r"\ ", r"\s+")
    return body if _CJK.search(word) else WORD_EDGE_BEFORE + body + WORD_EDGE_AFTER


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

    def patterns(self) -> tuple[list[str], list[str]]:
        """Parallel lists (theme, pattern) for the SQL parameters."""
        themes, patterns = [], []
        for theme, words in self.themes.items():
            for w in words:
                themes.append(str(theme).strip())
                patterns.append(keyword_pattern(w))
        return themes, patterns

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


__all__ = ["DEFAULT_THEMES", "ThemeConfig", "keyword_pattern", "normalize"]
