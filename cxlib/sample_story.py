"""The sample company's story in numbers: segments, journey moves, names, survey means and comments.

cxlib.sample draws the company from these; changing one changes the committed files under
`data/` (run `make sample`, and the sample tests compare the files cell by cell).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from cxlib.stages import LOST_DEAL, exit_stages, funnel_stages

AS_OF = date(2026, 9, 30)
HISTORY_DAYS = 1095  # three years of journeys end at the as-of date
SNAPSHOT_DATES: tuple[date, ...] = (date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30))

# ---------------------------------------------------------------------------------------------
# Segments
TIERS = ("Enterprise", "Mid-Market", "SMB")
TIER_SHARE = (0.15, 0.35, 0.50)
REGIONS = ("North America", "EMEA", "APAC", "LATAM")
REGION_SHARE = (0.38, 0.34, 0.16, 0.12)
INDUSTRIES = ("Healthcare", "Financial Services", "Manufacturing", "Retail", "Logistics",
              "Professional Services", "Hospitality", "Telecommunications")
INDUSTRY_SHARE = (0.15, 0.14, 0.16, 0.13, 0.11, 0.14, 0.08, 0.09)
# Each CSM covers one region's book, as most CS teams are organised.
CSMS_BY_REGION: tuple[tuple[str, ...], ...] = (
    ("Jordan Lee", "Emily Carter", "Marcus Johnson"),
    ("Sophie Martin", "Lukas Weber", "Aoife Byrne"),
    ("Wei Chen", "Priya Nair", "Kenji Sato"),
    ("Camila Rocha", "Diego Fernández"),
)
CHURN_REASONS = ("Price", "Product fit", "Support experience", "Acquired", "Budget cuts", "Competitor")
# [ever disappointed][tier] → reason shares: disappointment pushes reasons toward fit and support.
CHURN_REASON_P = np.array([
    [[.10, .15, .10, .30, .10, .25], [.18, .15, .10, .15, .20, .22], [.30, .10, .07, .08, .30, .15]],
    [[.05, .30, .35, .05, .05, .20], [.10, .30, .30, .03, .10, .17], [.20, .25, .25, .02, .15, .13]],
])
ARR_MEDIAN = (180_000.0, 48_000.0, 9_500.0)
ARR_SIGMA = (0.55, 0.50, 0.60)

# The eight engagement factors as a CS tool exports them; offsets make some factors weaker than others.
FACTOR_COLUMNS = ("Customer Intent", "Anticipation of Needs", "Successful Product Adoption",
                  "Outcomes at Scale", "Relationships", "Communication and Engagement",
                  "Customer Education", "Optimal Customer Journey")
FACTOR_OFFSET = np.array([0.45, -0.35, 0.0, -0.2, 0.35, 0.1, -0.5, -0.3])
FACTOR_BLANK = np.array([0.03, 0.04, 0.03, 0.05, 0.03, 0.03, 0.10, 0.06])

# ---------------------------------------------------------------------------------------------
# Journey: stage indices, CRM labels for snapshots, transition probabilities and durations
STAGE_NAMES: tuple[str, ...] = (*funnel_stages(), *exit_stages())  # 7 funnel, 2 exits, lost deal
AW, CO, DE, DL, US, LO, AD, DI, CH, LOST = range(10)
STOP = 10  # no further event: a cold lead, a settled customer, a closed journey
assert STAGE_NAMES[DI] == "Disappointment" and STAGE_NAMES[CH] == "Churn" and STAGE_NAMES[LOST] == LOST_DEAL

CRM_LABELS: dict[str, str] = {
    "Awareness": "Lead", "Consideration": "Opportunity", "Decision": "Closed Won",
    "Delivery": "Onboarding", "Usage": "Live", "Loyalty": "Renewal", "Advocacy": "Referral",
    "Disappointment": "At Risk", "Churn": "Churned", LOST_DEAL: "Closed Lost",
}


@dataclass(frozen=True)
class Move:
    """One possible next stage: share per tier (E, MM, SMB), median days per tier, log-sd of days."""

    to: int
    p: tuple[float, float, float]
    days: tuple[float, float, float] = (0.0, 0.0, 0.0)
    sigma: float = 0.0


# From each stage, moves listed best first: a healthy account draws low uniforms and so the
# earlier moves. Shares differ by tier so segment comparisons show something real.
TRANSITIONS: dict[int, tuple[Move, ...]] = {
    AW: (Move(CO, (.86, .78, .70), (35, 24, 14), .7), Move(STOP, (.10, .16, .22)),
         Move(LOST, (.04, .06, .08), (60, 40, 25), .6)),
    CO: (Move(DE, (.68, .60, .52), (95, 55, 30), .55), Move(STOP, (.07, .08, .10)),
         Move(LOST, (.25, .32, .38), (80, 50, 30), .6)),
    DE: (Move(DL, (.96, .84, .70), (24, 14, 7), .5), Move(DI, (.03, .12, .22), (45, 30, 20), .6),
         Move(CH, (.01, .04, .08), (75, 50, 30), .5)),
    DL: (Move(US, (.93, .88, .83), (80, 45, 20), .5), Move(DI, (.06, .09, .13), (50, 35, 25), .6),
         Move(CH, (.01, .03, .04), (90, 60, 40), .5)),
    US: (Move(LO, (.62, .55, .45), (330, 310, 290), .25), Move(STOP, (.08, .07, .06)),
         Move(DI, (.20, .24, .29), (160, 130, 100), .7), Move(CH, (.10, .14, .20), (350, 330, 300), .3)),
    LO: (Move(AD, (.40, .30, .20), (160, 130, 110), .6), Move(STOP, (.36, .36, .35)),
         Move(DI, (.16, .20, .25), (220, 200, 180), .7), Move(CH, (.08, .14, .20), (365, 365, 365), .3)),
    AD: (Move(STOP, (.80, .76, .72)), Move(DI, (.12, .14, .16), (240, 220, 200), .7),
         Move(CH, (.08, .10, .12), (365, 365, 365), .3)),
    DI: (Move(LO, (.28, .22, .15), (70, 60, 50), .6), Move(US, (.16, .18, .18), (50, 45, 40), .6),
         Move(STOP, (.12, .12, .12)), Move(CH, (.44, .48, .55), (90, 75, 60), .6)),
    CH: (Move(DE, (.12, .10, .08), (300, 260, 220), .5), Move(STOP, (.88, .90, .92))),
    LOST: (Move(STOP, (1.0, 1.0, 1.0)),),
}
HEALTH_RHO = 0.5  # how strongly the latent health steers each step
MAX_STEPS = 40

# ---------------------------------------------------------------------------------------------
# Names
SYL_START = np.array(["Nor", "Vel", "Kal", "Tri", "Zen", "Ori", "Lum", "Bra", "Cor", "Del", "Fen",
                       "Gal", "Hal", "Iso", "Jun", "Kor", "Lex", "Mar", "Nex", "Pal", "Quin", "Ros",
                       "Sol", "Tav", "Ul", "Ver", "Wyn", "Xan", "Yor", "Zar", "Ast", "Bel"])
SYL_MID = np.array(["a", "e", "i", "o", "u", "ar", "en", "is", "on", ""])
SYL_END = np.array(["tek", "via", "ro", "nix", "lo", "ra", "dex", "mont", "ford", "gate", "line",
                     "path", "core", "well", "by", "sys"])
INDUSTRY_WORDS = np.array([
    ["Health", "Care", "Medical"], ["Capital", "Finance", "Bank"],
    ["Industries", "Manufacturing", "Works"], ["Retail", "Stores", "Market"],
    ["Logistics", "Freight", "Transport"], ["Partners", "Consulting", "Advisory"],
    ["Hotels", "Hospitality", "Resorts"], ["Telecom", "Networks", "Communications"],
])
LEGAL_BY_REGION = np.array([
    ["Inc.", "LLC", "Corp."], ["Ltd", "GmbH", "B.V."], ["Pty Ltd", "Pte. Ltd.", "K.K."],
    ["S.A.", "Ltda.", "S.A. de C.V."],
])
# Real exports carry accents, CJK and curly quotes; these names make sure loading keeps them.
UNICODE_NAMES: tuple[tuple[str, str, str], ...] = (
    ("Müller GmbH", "EMEA", "Manufacturing"),
    ("São Paulo Telecom", "LATAM", "Telecommunications"),
    ("Hôtel Lumière", "EMEA", "Hospitality"),
    ("客户科技", "APAC", "Professional Services"),
    ("Café Olé Distribución S.A.", "LATAM", "Retail"),
    ("Nørby Shipping ApS", "EMEA", "Logistics"),
    ("Ångström Diagnostics AB", "EMEA", "Healthcare"),
    ("Zürcher Präzisionswerke AG", "EMEA", "Manufacturing"),
    ("北京云桥物流有限公司", "APAC", "Logistics"),
    ("Banco Açores Digital", "EMEA", "Financial Services"),
    ("Łódź Medical Group", "EMEA", "Healthcare"),
    ("Clínica São Lucas", "LATAM", "Healthcare"),
    ("O’Brien & Sons Ltd", "EMEA", "Retail"),
)
# Contact names by region (North America, EMEA, APAC, LATAM), twelve first and twelve last names each.
CONTACT_FIRST_NAMES = np.array([row.split() for row in (
    "James Emily Michael Sarah David Jessica Daniel Ashley Kevin Megan Brian Rachel",
    "Anna Lukas Claire Thomas Sofia Pierre Emma Jan Chiara Lars Fatima Oliver",
    "Wei Yuki Arjun Mei Hiroshi Priya Jun Aiko Rahul Li Sakura Minh",
    "João María Carlos Ana Luis Fernanda Diego Camila Pedro Juliana Andrés Beatriz",
)])
CONTACT_LAST_NAMES = np.array([row.split() for row in (
    "Smith Johnson Brown Miller Davis Garcia Wilson Anderson Taylor Thomas Moore Clark",
    "Müller Dubois Rossi Jansen Nowak Schmidt Lefèvre Bianchi Andersson Kovács Fischer Byrne",
    "Wang Tanaka Sharma Chen Suzuki Patel Kim Nguyen Li Sato Gupta Zhang",
    "Silva González Santos Rodríguez Oliveira Pérez Souza López Costa Martínez Almeida Ramírez",
)])

# ---------------------------------------------------------------------------------------------
# Surveys: score means by stage (Delivery, Usage, Loyalty, Advocacy, Disappointment)
SURVEY_STAGES = np.array([DL, US, LO, AD, DI])
NPS_MEAN = {DL: 7.6, US: 7.9, LO: 8.6, AD: 9.3, DI: 4.2}
CSAT_MEAN = {DL: 4.0, US: 4.2, LO: 4.3, AD: 4.5, DI: 2.4}
CES_MEAN = {DL: 5.2, US: 5.5, LO: 5.7, AD: 6.0, DI: 3.0}  # 1–7, 7 = "very easy" (higher is better)
TICKETS_PER_MONTH = (0.8, 0.45, 0.25)  # answered ticket surveys per account-month, by tier
NPS_PER_WAVE = (3.0, 2.0, 1.3)          # answered relationship-survey responses per half-year
RATING_STAGE_EFFECT = {DL: -0.1, US: 0.0, LO: 0.3, AD: 0.6, DI: -1.2}
# An Enterprise account's first decision maker is an executive (a CIO or the managing director).
EXECUTIVE_ROLE = "Executive"

# Early warning (issue 12): a separate random stream (seed + EARLY_WARNING_SEED_OFFSET) picks who goes
# quiet and who has a bad support month, so the journeys and every other draw stay as they were.
EARLY_WARNING_SEED_OFFSET = 1000
SILENT_ACCOUNTS = 12          # settled customers nobody has heard from lately: no answer, rating or entry
SILENT_DAYS = 150             # … in the last 150 days before the as-of date (silent after 120)
FALLING_CSAT_ACCOUNTS = 8     # customers with a bad support month: five poor ticket answers
FALLING_CSAT_SCORES = (2, 3, 4, 2, 1)   # one satisfied of five: CSAT 20 %
FALLING_CSAT_DAYS = 85        # … within the last 85 days

# Comments by language (English, French, Portuguese) and sentiment (positive, neutral, negative).
COMMENTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "pos"): (
        "Great support, the engineer fixed it the same day.",
        "Onboarding was smooth and well organised.",
        "Our CSM really understands our goals.",
        "The QBR was useful, clear next steps.",
        "Reliable service, we barely notice it, which is the point.",
        "Training sessions helped the whole team get started.",
        "Fast response and friendly staff.",
        "We hit our uptime target every month this year.",
        "Happy to recommend you to our partners.",
        "Migration went better than we expected.",
    ),
    ("en", "neu"): (
        "Works fine, nothing special.",
        "Support is okay but response times vary.",
        "Good product, documentation could be better.",
        "It took a while but the issue is resolved.",
        "The ‘quick start’ guide was out of date.",
        "Reporting is fine, we would like more detail.",
        "Decent value for the price.",
    ),
    ("en", "neg"): (
        "Ticket was open for two weeks with no update.",
        "Migration caused downtime we were not warned about.",
        "Too expensive for what we actually use.",
        "We keep explaining the same problem to new people.",
        "Billed in € twice this quarter, still waiting for a credit note.",
        "The contract terms were not what sales promised.",
        "Nobody followed up after the QBR.",
        "Considering other providers at renewal.",
    ),
    ("fr", "pos"): ("Très bon accompagnement, merci à l'équipe.", "Service fiable et réactif.",
                    "Déploiement rapide et sans souci."),
    ("fr", "neu"): ("Correct, mais le support est parfois lent.", "Service convenable, sans plus."),
    ("fr", "neg"): ("Délai de réponse beaucoup trop long.", "Facturation incompréhensible, déçus."),
    ("pt", "pos"): ("Atendimento excelente, equipe muito atenciosa.", "Implantação rápida e sem problemas.",
                    "Serviço estável, estamos satisfeitos."),
    ("pt", "neu"): ("Funciona bem, mas o suporte poderia ser mais rápido.", "Razoável pelo preço."),
    ("pt", "neg"): ("Demoraram demais para resolver o chamado.", "Não era o que foi prometido na venda."),
}
