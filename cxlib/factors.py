"""The eight engagement factors of the desired state: keys, names, header synonyms.

README, "How each number is defined" → "Engagement against the desired state" lists them in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from cxlib.stages import normalize_label


@dataclass(frozen=True)
class Factor:
    """An engagement factor: a stable snake_case key (CLI/JSON contract) and a display name."""

    key: str
    name: str


DEFAULT_FACTORS: tuple[Factor, ...] = (
    Factor("customer_intent", "Customer intent"),
    Factor("anticipation_of_needs", "Anticipation of needs and behaviours"),
    Factor("successful_product_adoption", "Successful product adoption"),
    Factor("outcomes_at_scale", "Outcomes at scale"),
    Factor("relationships", "Relationships"),
    Factor("communication_and_engagement", "Communication and engagement"),
    Factor("customer_education", "Customer education"),
    Factor("optimal_customer_journey", "Optimal customer journey"),
)

# Column headers (six languages, common abbreviations) that name a factor, compared normalised.
_HEADERS: dict[str, tuple[str, ...]] = {
    "customer_intent": ("customer intent", "intent", "intention client", "intention",
                        "intento del cliente", "intenzione", "intencao do cliente", "intencao",
                        "ugyfelszandek", "ugyfel szandek", "szandek", "客户意图", "意图"),
    "anticipation_of_needs": ("anticipation of needs", "anticipation of needs and behaviours",
                              "anticipation of needs and behaviors", "anticipation",
                              "anticipation des besoins", "anticipazione dei bisogni", "anticipazione",
                              "antecipacao das necessidades", "antecipacao",
                              "igenyek elorejelzese", "elorejelzes", "需求预判", "预判需求"),
    "successful_product_adoption": ("successful product adoption", "product adoption", "spa",
                                    "adoption", "adoption du produit", "adozione del prodotto",
                                    "adocao do produto", "termekhasznalat", "termek bevezetes",
                                    "产品采用", "成功采用"),
    "outcomes_at_scale": ("outcomes at scale", "outcomes", "resultats a grande echelle", "resultats",
                          "risultati su scala", "risultati", "resultados em escala", "resultados",
                          "eredmenyek", "规模化成果", "成果"),
    "relationships": ("relationships", "relationship", "relations", "relazioni", "relacionamento",
                      "relacoes", "kapcsolatok", "kapcsolat", "关系"),
    "communication_and_engagement": ("communication and engagement", "communication", "engagement",
                                     "communication et engagement", "comunicazione e coinvolgimento",
                                     "comunicazione", "comunicacao e engajamento", "comunicacao",
                                     "kommunikacio es elkotelezodes", "kommunikacio", "沟通与互动", "沟通"),
    "customer_education": ("customer education", "education", "training", "formation des clients",
                           "formation", "formazione dei clienti", "formazione", "educacao do cliente",
                           "treinamento", "ugyfeloktatas", "oktatas", "客户教育", "培训"),
    "optimal_customer_journey": ("optimal customer journey", "customer journey", "journey",
                                 "parcours client optimal", "parcours client", "percorso cliente ottimale",
                                 "percorso cliente", "jornada do cliente ideal", "jornada do cliente",
                                 "optimalis ugyfelut", "ugyfelut", "最佳客户旅程", "客户旅程"),
}

FACTOR_HEADERS: dict[str, str] = {
    normalize_label(h): key for key, headers in _HEADERS.items() for h in headers
}


def default_factors() -> list[Factor]:
    """The eight factors in the README's order (the order also breaks ties for 'weakest factor')."""
    return list(DEFAULT_FACTORS)


def factor_key(label: object, factors: list[Factor] | None = None) -> str | None:
    """The factor key a column header or factor label names, or None."""
    norm = normalize_label(label)
    for f in factors or default_factors():
        if norm in (normalize_label(f.key), normalize_label(f.name)):
            return f.key
    key = FACTOR_HEADERS.get(norm)
    if key and any(f.key == key for f in factors or default_factors()):
        return key
    return None


def factor_name(key: str, factors: list[Factor] | None = None) -> str:
    """Display name of a factor key (the key itself for unknown factors)."""
    return next((f.name for f in factors or default_factors() if f.key == key), key)
