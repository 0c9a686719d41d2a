"""The journey's stages: the default list, funnel vs exit, colours, ordering and value synonyms.

This is the only place stage knowledge lives; mapping, metrics and figures all read it from here.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any, Literal

StageKind = Literal["funnel", "exit", "lost"]


@dataclass(frozen=True)
class Stage:
    """One stage of the configured journey: its name, whether it is a funnel step or an exit, colour."""

    name: str
    kind: StageKind = "funnel"
    color: str = "#7f7f7f"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Stage:
        return cls(name=str(d["name"]), kind=d.get("kind", "funnel"), color=d.get("color", "#7f7f7f"))


# A lost deal ("Closed Lost") ends an account's funnel but is never churn: that account was never
# a customer. It is a reserved mapping target rather than one of the nine stages.
LOST_DEAL = "Lost deal"

# Colour-blind-safe sequence for the funnel (blue → green), warm colours for the exits.
DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage("Awareness", "funnel", "#9ecae1"),
    Stage("Consideration", "funnel", "#6baed6"),
    Stage("Decision", "funnel", "#3182bd"),
    Stage("Delivery", "funnel", "#08519c"),
    Stage("Usage", "funnel", "#41ab5d"),
    Stage("Loyalty", "funnel", "#238b45"),
    Stage("Advocacy", "funnel", "#005a32"),
    Stage("Disappointment", "exit", "#f16913"),
    Stage("Churn", "exit", "#cb181d"),
)
LOST_STAGE = Stage(LOST_DEAL, "lost", "#969696")
EXIT_COLOR = "#cb181d"
NEUTRAL_COLOR = "#7f7f7f"


def default_stages() -> list[Stage]:
    """The nine stages of the subscription journey, funnel stages first.

    README: "What you see" → Funnel (the seven funnel stages) and "How each number is defined" →
    "Journey map" (the exits Disappointment and Churn; a lost deal is `LOST_STAGE`, not in this list).
    """
    return list(DEFAULT_STAGES)


def funnel_stages(stages: list[Stage] | None = None) -> list[str]:
    """Names of the funnel stages, in journey order."""
    return [s.name for s in (stages or default_stages()) if s.kind == "funnel"]


def exit_stages(stages: list[Stage] | None = None) -> list[str]:
    """Names of the stages that end a journey (exits and the lost-deal marker)."""
    names = [s.name for s in (stages or default_stages()) if s.kind != "funnel"]
    if LOST_DEAL not in names:
        names.append(LOST_DEAL)
    return names


def stage_order(stages: list[Stage] | None = None) -> dict[str, int]:
    """Stage name → 1-based position, used to break ties between entries at the same time."""
    order = {s.name: i + 1 for i, s in enumerate(stages or default_stages())}
    order.setdefault(LOST_DEAL, len(order) + 1)
    return order


def stage_colors(stages: list[Stage] | None = None) -> dict[str, str]:
    """Stage name → fixed colour, identical on every chart of the app."""
    colors = {s.name: s.color for s in (stages or default_stages())}
    colors.setdefault(LOST_DEAL, LOST_STAGE.color)
    return colors


def normalize_label(value: object) -> str:
    """Fold a header or stage value for matching: accents off, case folded, punctuation to spaces."""
    return _normalize_text(str(value))


@functools.lru_cache(maxsize=65536)
def _normalize_text(value: str) -> str:
    """`normalize_label` of a string, cached: suggestion folds the same few hundred values many times."""
    text = unicodedata.normalize("NFKD", value)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[\W_]+", " ", text, flags=re.UNICODE)
    return text.strip()


# Raw stage values seen in CRM/CS exports, in English, French, Italian, Portuguese, Hungarian and
# Chinese, mapped onto the default stages. Keys are compared after `normalize_label`. HubSpot's
# lifecycle stages (README table): Subscriber, Lead and Marketing Qualified Lead are Awareness; Sales
# Qualified Lead and Opportunity are Consideration; Customer is Decision (the contract is signed;
# delivery has not started); Evangelist is Advocacy; "Other" names no stage and stays unmapped.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Awareness": (
        "awareness", "subscriber", "lead", "new lead", "mql", "marketing qualified lead",
        "marketingqualifiedlead", "prospect", "prospecting", "aware", "visitor",
        "sensibilisation", "notoriete", "prise de conscience", "decouverte",
        "consapevolezza", "conoscenza", "notorieta",
        "consciencia", "conscientizacao", "reconhecimento", "descoberta",
        "tudatossag", "ismertseg", "figyelemfelkeltes",
        "意识", "認知", "认知", "意識", "知晓", "潜在客户", "线索",
    ),
    "Consideration": (
        "consideration", "sql", "sales qualified lead", "salesqualifiedlead", "opportunity",
        "qualification", "needs analysis", "value proposition", "id decision makers",
        "perception analysis", "proposal", "proposal price quote", "negotiation",
        "negotiation review", "evaluation", "trial", "demo",
        # HubSpot's default deal pipeline before the close
        "appointment scheduled", "qualified to buy", "presentation scheduled", "decision maker bought in",
        "contract sent",
        "consideration", "evaluation", "proposition", "negociation",
        "considerazione", "valutazione", "trattativa", "proposta",
        "consideracao", "avaliacao", "negociacao", "oportunidade",
        "merlegeles", "megfontolas", "ertekeles", "ajanlat",
        "考虑", "考慮", "评估", "商机", "谈判",
    ),
    "Decision": (
        "decision", "closed won", "won", "contract signed", "signed", "customer", "purchase",
        "new customer",
        "decision", "contrat signe", "signe", "gagne", "client",
        "decisione", "contratto firmato", "firmato", "vinto", "cliente",
        "decisao", "contrato assinado", "assinado", "ganho",
        "dontes", "szerzodeskotes", "alairva", "megnyert", "ugyfel",
        "决策", "決策", "决定", "签约", "成交", "赢单", "客户",
    ),
    "Delivery": (
        "delivery", "onboarding", "implementation", "deployment", "migration", "kickoff",
        "kick off", "setup", "provisioning",
        "livraison", "deploiement", "integration", "mise en place", "mise en service",
        "consegna", "implementazione", "attivazione", "avvio",
        "entrega", "implantacao", "implementacao", "integracao",
        "atadas", "bevezetes", "szallitas", "telepites", "beuzemeles",
        "交付", "实施", "實施", "部署", "入职", "上线",
    ),
    "Usage": (
        "usage", "live", "adoption", "active", "in use", "production", "go live", "adopting",
        "utilisation", "actif", "en production",
        "utilizzo", "uso", "adozione", "attivo",
        "utilizacao", "adocao", "ativo", "em uso",
        "hasznalat", "aktiv", "eles",
        "使用", "采用", "活跃", "运营",
    ),
    "Loyalty": (
        "loyalty", "renewal", "renewed", "expansion", "upsell", "cross sell", "retained",
        "fidelite", "fidelisation", "renouvellement", "renouvele",
        "fedelta", "fidelizzazione", "rinnovo", "rinnovato",
        "lealdade", "fidelidade", "fidelizacao", "renovacao", "renovado",
        "huseg", "lojalitas", "megujitas", "megujitott",
        "忠诚", "忠誠", "续约", "续订", "续费", "扩展",
    ),
    "Advocacy": (
        "advocacy", "advocate", "referral", "reference", "referenceable", "evangelist",
        "champion", "ambassador", "testimonial",
        "recommandation", "ambassadeur", "prescripteur", "parrainage",
        "promozione", "passaparola", "ambasciatore", "referenza", "raccomandazione",
        "defesa", "advocacia", "recomendacao", "indicacao", "embaixador", "promotor",
        "ajanlas", "ajanlo", "nagykovet", "referencia",
        "推荐", "推薦", "拥护", "倡导", "口碑",
    ),
    "Disappointment": (
        "disappointment", "at risk", "risk", "unhappy", "escalated", "escalation", "detractor",
        "deception", "a risque", "en risque", "insatisfait",
        "delusione", "a rischio", "insoddisfatto",
        "decepcao", "desapontamento", "em risco", "insatisfeito",
        "csalodas", "veszelyben", "kockazatos", "elegedetlen",
        "失望", "风险", "風險", "不满",
    ),
    "Churn": (
        "churn", "churned", "cancelled", "canceled", "cancellation", "terminated",
        "lost customer", "former customer", "attrition", "closed churned", "not renewed",
        "desabonnement", "resiliation", "resilie", "perte client", "attrition",
        "abbandono", "disdetta", "cancellato", "disdetto",
        "cancelamento", "cancelado", "rotatividade", "perda de cliente",
        "lemorzsolodas", "lemondas", "lemondott", "felmondott",
        "流失", "取消", "解约", "退订",
    ),
    LOST_DEAL: (
        "closed lost", "lost", "lost deal", "disqualified", "unqualified",
        "perdu", "affaire perdue", "perso", "persa", "trattativa persa",
        "perdido", "negocio perdido", "elveszett", "elvesztett",
        "输单", "丢单", "失单",
    ),
}

STAGE_SYNONYMS: dict[str, str] = {
    normalize_label(raw): stage for stage, raws in _SYNONYMS.items() for raw in raws
}


def suggest_stage(value: object, stages: list[Stage] | None = None) -> str | None:
    """The configured stage a raw stage value most likely means, or None when nothing matches."""
    names = {normalize_label(s.name): s.name for s in (stages or default_stages())}
    key = normalize_label(value)
    if not key:
        return None
    if key in names:
        return names[key]
    target = STAGE_SYNONYMS.get(key)
    if target is not None and (target == LOST_DEAL or normalize_label(target) in names):
        return names.get(normalize_label(target), target)
    # "1 - Awareness", "Stage 3: Decision": strip numbering and try again.
    stripped = re.sub(r"^(stage\s*)?\d+\s*", "", key).strip()
    if stripped and stripped != key:
        return suggest_stage(stripped, stages)
    return None
