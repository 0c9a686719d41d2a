"""Mapping: table kinds, column roles (six languages), stage map, JSON round trip, canonical views.

Raw tables (typed DuckDB tables with a `_source_row` column, written by `loading`) are renamed
once, here, into the five canonical views of `cxlib.canonical`; every metric reads only those.

Conventions this module fixes:
- A mapping is one JSON document (version 1): per table its kind and each column's role, the
  stage map (raw value → configured stage, or null for "not mapped"), the settings, and the
  scores module's opaque `scores` dict.
- All user strings (sources, as-of dates, stage map, survey types, factor labels) reach SQL
  through small helper tables (`_stage_map`, `_cx_tables`, `_cx_value_map`, …), never as text.
- Every raw row lands in a `_cx_<view>_rows` view with a `reason` (NULL when used): the canonical
  view is its used rows, `excluded_rows` the rest, so rows in = rows used + rows excluded.
- Segment columns of accounts are VARCHAR, named snake_case from the header.
- A survey's stage/touchpoint that names no stage leaves `stage` NULL; the answer is kept.
- Only NPS is range-checked here (0–10, never clipped); CSAT/CES scales vary and the surveys
  module detects them.
- Salesforce 18-character ids whose last three characters are the checksum become their 15-char
  form, so both spellings of one account meet.
- A snapshot dated by a file name with only a month ("export 2026-09.xlsx") is dated at the
  month's last day; the user can edit it in TableMapping.as_of.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from cxlib import canonical
from cxlib.canonical import quote
from cxlib.errors import MappingError, MetricError
from cxlib.factors import default_factors, factor_key
from cxlib.settings import Settings
from cxlib.stages import LOST_DEAL, Stage, normalize_label, suggest_stage

MAPPING_VERSION = 1

# ---- kinds and roles ----------------------------------------------------------------------------

ACCOUNTS = canonical.ACCOUNTS
STAGE_SNAPSHOTS = canonical.STAGE_SNAPSHOTS
JOURNEY_EVENTS = canonical.JOURNEY_EVENTS
SURVEYS = canonical.SURVEYS
FACTOR_RATINGS = canonical.FACTOR_RATINGS
IGNORE = "ignore"
SEGMENT = "segment"
KINDS: tuple[str, ...] = (ACCOUNTS, STAGE_SNAPSHOTS, JOURNEY_EVENTS, SURVEYS, FACTOR_RATINGS, IGNORE)

SURVEY_TYPES: tuple[str, ...] = ("NPS", "CSAT", "CES")
# Only NPS has one scale everywhere; CSAT/CES scales vary and the surveys module detects them.
SCORE_RANGES: dict[str, tuple[float, float]] = {"NPS": (0.0, 10.0)}
FACTOR_ROLES: tuple[str, ...] = tuple(f"factor:{f.key}" for f in default_factors())
SCORE_ROLES: tuple[str, ...] = tuple(f"score:{t}" for t in SURVEY_TYPES)

_BASE_ROLES: dict[str, tuple[str, ...]] = {
    ACCOUNTS: ("account_id", "name", "stage", "arr", "start_date", "renewal_date", "churn_reason",
               "outcome", SEGMENT),
    STAGE_SNAPSHOTS: ("account_id", "stage", "as_of", "last_funnel_stage", SEGMENT),
    JOURNEY_EVENTS: ("account_id", "stage", "ts"),
    SURVEYS: ("account_id", "respondent", "respondent_role", "ts", "survey_type", "score", *SCORE_ROLES,
              "comment", "stage"),
    FACTOR_RATINGS: ("account_id", "ts", "factor", "score"),
    IGNORE: (),
}
# Every role a column of each kind may take (the page's dropdown), `ignore` last.
ROLES: dict[str, tuple[str, ...]] = {
    kind: (*roles, *(FACTOR_ROLES if kind != IGNORE else ()), IGNORE) for kind, roles in _BASE_ROLES.items()
}
_MULTI_ROLES = {SEGMENT, IGNORE}
_REQUIRED: dict[str, tuple[str, ...]] = {
    ACCOUNTS: ("account_id",),
    STAGE_SNAPSHOTS: ("account_id", "stage"),
    JOURNEY_EVENTS: ("account_id", "stage", "ts"),
    SURVEYS: ("account_id",),
    FACTOR_RATINGS: ("account_id",),
    IGNORE: (),
}

# Reasons a row is excluded from a canonical view (shown to users, downloadable).
R_ACCOUNT_MISSING = "account id missing"
R_ACCOUNT_UNKNOWN = "account id not in the accounts table"
R_ACCOUNT_ROW = "account row excluded"
R_STAGE_MISSING = "stage missing"
R_STAGE_UNMAPPED = "stage not mapped"
R_TS_MISSING = "timestamp missing"
R_TS_BAD = "timestamp unparseable"
R_TYPE_UNKNOWN = "survey type unknown"
R_SCORE_MISSING = "score missing"
R_SCORE_NAN = "score not a number"
R_SCORE_RANGE = "score out of range"
R_FACTOR_UNKNOWN = "factor not recognised"
R_DUP_ACCOUNT = "duplicate account id"
R_DUP_SNAPSHOT = "duplicate account id in snapshot"


# ---- the mapping document -----------------------------------------------------------------------

@dataclass
class TableMapping:
    """One raw table's kind and its columns' roles; as_of/survey_type when no column gives them."""

    table: str
    source: str
    kind: str
    roles: dict[str, str]
    as_of: str | None = None
    survey_type: str | None = None

    def columns_with(self, role: str) -> list[str]:
        """The columns mapped to a role, in table order."""
        return [c for c, r in self.roles.items() if r == role]

    def column(self, role: str) -> str | None:
        """The (first) column mapped to a role, or None."""
        cols = self.columns_with(role)
        return cols[0] if cols else None

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "source": self.source, "kind": self.kind, "roles": dict(self.roles),
                "as_of": self.as_of, "survey_type": self.survey_type}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TableMapping:
        return cls(table=str(d["table"]), source=str(d.get("source") or d["table"]), kind=str(d["kind"]),
                   roles={str(k): str(v) for k, v in (d.get("roles") or {}).items()},
                   as_of=d.get("as_of"), survey_type=d.get("survey_type"))


@dataclass
class Mapping:
    """The whole mapping: tables, stage map, settings, and the scores module's own dict."""

    tables: list[TableMapping]
    stage_map: dict[str, str | None]
    settings: Settings = field(default_factory=Settings)
    scores: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": MAPPING_VERSION,
            "tables": [t.to_dict() for t in self.tables],
            "stage_map": {k: self.stage_map[k] for k in sorted(self.stage_map)},
            "settings": self.settings.to_dict(),
            "scores": self.scores,
        }

    def to_json(self) -> str:
        """The mapping as a stable, human-readable JSON document (download, reuse next month)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mapping:
        if not isinstance(d, dict):
            raise MappingError("The mapping file is not a JSON object.")
        version = d.get("version")
        if version != MAPPING_VERSION:
            raise MappingError(f"Mapping file version {version!r} is not supported (expected {MAPPING_VERSION}).")
        try:
            return cls(tables=[TableMapping.from_dict(t) for t in d.get("tables") or []],
                       stage_map={str(k): (None if v is None else str(v))
                                  for k, v in (d.get("stage_map") or {}).items()},
                       settings=Settings.from_dict(d.get("settings") or {}),
                       scores=dict(d.get("scores") or {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise MappingError(f"The mapping file is incomplete or malformed ({exc}).") from exc

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        """Read a mapping saved by `to_json`; a broken or foreign file raises MappingError."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingError(f"The mapping file is not valid JSON (line {exc.lineno}: {exc.msg}).") from exc
        return cls.from_dict(data)


@dataclass
class ValidationReport:
    """One canonical view's reconciliation: rows in = rows used + rows excluded, by reason."""

    view: str
    rows_in: int
    rows_used: int
    rows_excluded: int
    reasons: pd.DataFrame
    rows_derived: int = 0   # journey events derived from stacked snapshots (not raw rows)


@dataclass
class KeyMatch:
    """How many of a view's account ids are found in the accounts table, and the top misses."""

    view: str
    rows: int
    matched: int
    share: float
    top_unmatched: pd.DataFrame


# ---- header vocabulary (six languages + CRM exports), compared after normalisation --------------

def _words(*groups: str) -> frozenset[str]:
    return frozenset(normalize_label(w) for g in groups for w in g.split("|") if w.strip())


# concept → (exact headers, regex on the normalised header or None)
_CONCEPTS: dict[str, tuple[frozenset[str], str | None]] = {
    "id": (_words(
        "account id|accountid|account 18 digit id|account id 18|account 18 id|account id 15|account 15 digit id|"
        "account number|account no|account code|account key|customer id|customerid|customer number|customer no|"
        "customer code|customer key|client id|client number|company id|company number|organization id|"
        "organisation id|org id|record id|id|sfdc id|salesforce id|salesforce account id|sf account id|crm id|"
        "hubspot company id|company record id|gainsight id|gsid|company gsid",
        "identifiant client|id client|numero client|n client|no client|code client|identifiant du client|"
        "identifiant compte|id compte|numero de compte|reference client|ref client",
        "id cliente|codice cliente|identificativo cliente|numero cliente|id del cliente|id account",
        "id do cliente|codigo do cliente|codigo cliente|identificador do cliente|numero do cliente|id da conta|"
        "id conta",
        "ugyfel azonosito|ugyfelazonosito|ugyfel id|ugyfelszam|ugyfel szam|ugyfelkod|ugyfel kod|"
        "partner azonosito|partnerkod",
        "客户编号|客户id|客户代码|客户号|客户编码|账户id|账户编号|客户标识|公司id|公司编号"),
        r"^(account|customer|client|company|organi[sz]ation|org|cliente|conta|compte|ugyfel|societe|azienda|"
        r"empresa)\b.*\b(id|identifier|identifiant|number|no|nr|num|code|codigo|codice|numero|azonosito|szam|"
        r"kod|key|identificativo|identificador)$|^(id|identifiant|identificativo|identificador|codigo|codice|"
        r"numero) (du |de |do |da |del )?(client|cliente|compte|conta)\b|^(客户|账户|公司).*(编号|id|代码|编码)"),
    "name": (_words(
        "account name|customer name|company|company name|name|account|customer|client|client name|organization|"
        "organisation|organization name|associated company|account display name",
        "nom du client|nom client|nom|raison sociale|societe|entreprise|nom de l entreprise|nom du compte|compte",
        "nome cliente|nome del cliente|ragione sociale|azienda|cliente|nome azienda|societa|nome",
        "nome do cliente|empresa|razao social|nome da empresa|conta",
        "ugyfel neve|ugyfelnev|ugyfel nev|cegnev|ceg neve|ceg|ugyfel|nev|partner neve",
        "客户名称|客户名|公司名称|公司|客户|名称|企业名称|账户名称"), None),
    "stage": (_words(
        "stage|lifecycle stage|life cycle stage|lifecyclestage|opportunity stage|deal stage|journey stage|"
        "customer stage|current stage|stage name|account stage|company stage|customer journey stage|phase|"
        "lifecycle|lifecycle phase",
        "etape|etape du cycle de vie|stade|etape du parcours|cycle de vie|etape client|etape actuelle",
        "fase|stadio|fase del ciclo di vita|fase cliente|tappa|fase del percorso|fase attuale",
        "etapa|estagio|etapa do ciclo de vida|estagio do cliente|etapa da jornada|etapa atual",
        "szakasz|fazis|eletciklus szakasz|ugyfel szakasz|stadium|eletciklus|aktualis szakasz",
        "阶段|客户阶段|生命周期阶段|当前阶段|旅程阶段|销售阶段"),
        r"\b(stage|etape|etapa|fase|szakasz|estagio|stadio|phase|status|statut|stato|allapot|statusz|situacao)\b"
        r"|阶段|状态"),
    "arr": (_words(
        "arr|annual recurring revenue|current arr|total arr|annual contract value|acv|annual value|"
        "annualized revenue|annualised revenue|arr amount",
        "revenu annuel recurrent|revenus annuels recurrents|chiffre d affaires annuel recurrent|"
        "valeur annuelle du contrat",
        "ricavi ricorrenti annui|ricavo ricorrente annuo|fatturato ricorrente annuo|valore annuo del contratto",
        "receita recorrente anual|receita anual recorrente|valor anual do contrato",
        "eves ismetlodo bevetel|eves visszatero bevetel|eves szerzodeses ertek",
        "年度经常性收入|年经常性收入|年度合同价值"),
        r"^arr\b|\barr$|annual recurring|annuel(s)? recurrent|ricorrent[ei] annu|recorrente anual|"
        r"eves ismetlodo|年度经常性"),
    "mrr": (_words("mrr|monthly recurring revenue|revenu mensuel recurrent|ricavi ricorrenti mensili|"
                   "receita recorrente mensal|havi ismetlodo bevetel|月度经常性收入|月经常性收入"),
            r"^mrr\b|\bmrr$|monthly recurring|mensuel recurrent|ricorrent[ei] mensil|recorrente mensal|月度经常性"),
    "start": (_words(
        "start date|customer since|contract start|contract start date|created date|create date|created|"
        "created at|signup date|sign up date|subscription start date|onboarding date|close date|closed date|"
        "won date|date created|customer start date|first contract date|became a customer date|"
        "original contract date",
        "date de debut|date debut|debut du contrat|date de creation|client depuis|date de signature|date d entree",
        "data inizio|data di inizio|inizio contratto|data creazione|data di creazione|cliente dal|data firma",
        "data de inicio|data inicio|inicio do contrato|data de criacao|cliente desde|data de assinatura",
        "kezdo datum|kezdodatum|kezdes|kezdes datuma|szerzodes kezdete|letrehozas datuma|letrehozva|ugyfel ota",
        "开始日期|创建日期|签约日期|合同开始日期|客户起始日期"), None),
    "renewal": (_words(
        "renewal date|next renewal|next renewal date|contract end|contract end date|renewal|expiry date|"
        "expiration date|contract renewal date|subscription end date|term end date",
        "date de renouvellement|renouvellement|date d echeance|echeance|fin du contrat",
        "data di rinnovo|data rinnovo|rinnovo|scadenza|data scadenza|data di scadenza|fine contratto",
        "data de renovacao|renovacao|data de vencimento|vencimento|fim do contrato",
        "megujitas datuma|megujitasi datum|megujitas|lejarat|lejarat datuma|szerzodes vege",
        "续约日期|到期日期|续费日期|合同结束日期|到期日"),
        r"renewal|renouvel|rinnov|renova|megujit|续约|续费"),
    "snapshot": (_words(
        "snapshot date|snapshot|as of|as of date|asof|report date|export date|extract date|extraction date|"
        "snapshot month|reporting date|period end|month end|reporting period",
        "date du releve|date d extraction|date de l instantane|date de reference|date du rapport|arrete au|"
        "date d arrete",
        "data snapshot|data estrazione|data di estrazione|data di riferimento|data del report",
        "data do snapshot|data de referencia|data da extracao|data do relatorio|data base",
        "pillanatkep datuma|allapot datuma|fordulonap|lekerdezes datuma|riport datuma|kimutatas datuma",
        "快照日期|统计日期|报表日期|截止日期|导出日期|数据日期"),
        r"snapshot|\bas of\b|instantane|快照"),
    "date": (_words(
        "date|timestamp|time|datetime|event date|event time|changed at|change date|stage date|stage change date|"
        "stage changed|date entered|entered at|entered stage|date entered stage|last modified date|modified date|"
        "updated at|occurred at|response date|submitted at|submission date|submitted|completed at|"
        "completion date|survey date|recorded date|end date|rating date|assessment date|review date|period|"
        "month|quarter|close date",
        "horodatage|date de l evenement|date de changement|date de reponse|date de l enquete|date d evaluation",
        "data|data evento|data dell evento|data cambio fase|data risposta|data della risposta|data valutazione|"
        "orario",
        "data do evento|data da mudanca|data da resposta|data da avaliacao|carimbo de data hora",
        "datum|idopont|esemeny datuma|valasz datuma|ertekeles datuma|valtozas datuma|idobelyeg",
        "日期|时间|事件日期|事件时间|变更日期|回复日期|提交时间|评分日期|填写时间"),
        r"\b(date|time|timestamp|datetime|datum|data|idopont|horodatage|at|quand|quando|mikor)\b|日期|时间"),
    "churn_reason": (_words(
        "churn reason|churn reasons|reason for churn|cancellation reason|reason for cancellation|churn cause|"
        "cancel reason|termination reason",
        "raison du churn|motif de churn|motif de resiliation|raison de la resiliation|raison du depart|"
        "cause de resiliation",
        "motivo abbandono|motivo dell abbandono|motivo disdetta|causa abbandono|motivo churn",
        "motivo do cancelamento|motivo de cancelamento|motivo do churn|razao do cancelamento",
        "lemorzsolodas oka|lemondas oka|felmondas oka|churn oka",
        "流失原因|取消原因|解约原因|退订原因"),
        r"churn.*(reason|cause)|cancel\w*.*reason|(reason|motif|motivo|raison|causa|razao)\b.*"
        r"(churn|cancel|resiliation|abbandono|disdetta|cancelamento|depart)|lemorzsolodas|流失原因"),
    "outcome": (_words(
        "outcome achieved|outcome|required outcome|required outcome achieved|outcome met|goal achieved|"
        "goals achieved|goal met|goals met|desired outcome|desired outcome achieved|success achieved|"
        "achieved outcome|ro achieved",
        "objectif atteint|resultat atteint|resultat obtenu|objectifs atteints|resultat requis atteint",
        "obiettivo raggiunto|risultato raggiunto|obiettivi raggiunti|esito raggiunto",
        "objetivo alcancado|resultado alcancado|objetivo atingido|resultado atingido|meta atingida",
        "cel elerve|eredmeny elerve|celt elerte|elert eredmeny|cel teljesult",
        "目标达成|成果达成|是否达成目标|达成目标|结果达成"),
        r"outcome (achieved|met)|goals? (achieved|met)|objectifs? atteints?|obiettiv[oi] raggiunt|"
        r"objetivo (alcancado|atingido)|cel elerve|目标达成"),
    "segment": (_words(
        "tier|segment|region|industry|csm|customer success manager|cs manager|success manager|account owner|"
        "company owner|owner|account manager|plan|country|country region|size|company size|vertical|market|"
        "territory|geo|geography|sector|type|account type|customer type|company type|product|edition|package|"
        "customer tier|account tier|service tier|industry vertical|sub region|cohort|language|billing country|"
        "billing state|state|city|currency|employee range",
        "niveau|palier|region|secteur|secteur d activite|industrie|pays|responsable|responsable du compte|"
        "charge de compte|taille|offre|gestionnaire|responsable succes client|type de client",
        "livello|segmento|regione|settore|industria|paese|responsabile|responsabile cliente|dimensione|piano|"
        "tipo cliente",
        "nivel|regiao|setor|pais|responsavel|gerente de sucesso|gerente de sucesso do cliente|porte|plano|"
        "gerente da conta|tipo de cliente",
        "szint|szegmens|regio|iparag|orszag|felelos|ugyfelsiker menedzser|ugyfelmenedzser|meret|csomag|terulet|"
        "ugyfeltipus",
        "等级|层级|级别|细分|客户细分|区域|地区|行业|客户成功经理|负责人|国家|规模|套餐|客户经理|客户等级|客户类型"),
        r"\b(tier|segment|region|industry|owner|csm|territory|vertical|segmento|regione|regiao|settore|setor|"
        r"secteur|szegmens|iparag)\b|细分|行业|区域"),
    "respondent": (_words(
        "respondent|respondent name|respondent email|contact|contact name|contact email|email|email address|"
        "e mail|name|full name|recipient|recipient email|user|user email|responder|participant|surveyed contact",
        "repondant|nom du repondant|courriel|adresse e mail|nom|participant",
        "intervistato|rispondente|contatto|nome|nome contatto|partecipante",
        "respondente|contato|nome do contato|participante|entrevistado",
        "valaszado|kitolto|kapcsolattarto|nev|e mail cim|email cim",
        "受访者|联系人|回答者|答卷人|姓名|邮箱|电子邮件"),
        r"respondent|repondant|rispondente|respondente|valaszado|受访者"),
    "role": (_words(
        "role|respondent role|contact role|job title|title|persona|position|job role|function|department|"
        "seniority|role type|buyer role",
        "fonction|poste|intitule du poste|role du repondant|titre",
        "ruolo|funzione|posizione|mansione|qualifica",
        "funcao|cargo|papel|perfil",
        "szerepkor|szerep|beosztas|munkakor|pozicio",
        "角色|职位|职务|岗位|身份"),
        r"\brole\b|\bruolo\b|\bfuncao\b|\bcargo\b|szerepkor|角色"),
    "survey_type": (_words(
        "survey type|type|survey|survey name|metric|kind|question type|survey kind|questionnaire",
        "type d enquete|type de sondage|enquete|sondage|type de questionnaire",
        "tipo sondaggio|tipo di sondaggio|tipo indagine|sondaggio|indagine|tipo",
        "tipo de pesquisa|tipo pesquisa|pesquisa",
        "felmeres tipusa|kerdoiv tipusa|tipus|felmeres",
        "调查类型|类型|问卷类型|调查"),
        r"survey type|type d enquete|tipo (di )?sondaggio|tipo de pesquisa|felmeres tipus|调查类型"),
    "score": (_words(
        "score|rating|answer|value|response|result|points|grade",
        "note|valeur|reponse|evaluation",
        "punteggio|voto|valore|risposta|valutazione",
        "pontuacao|nota|valor|resposta|avaliacao",
        "pontszam|ertek|ertekeles|valasz|pont",
        "评分|分数|得分|分值|打分"), None),
    "NPS": (_words("nps|nps score|net promoter score|net promoter|likelihood to recommend|ltr|nps rating|"
                   "nps answer|nps response|nps value|tnps|rnps|净推荐值|推荐值|推荐可能性"),
            r"\bnps\b|net promoter|recommend|recommand|raccomand|consiglier|recomend|ajanlan|ajanlas|推荐"),
    "CSAT": (_words("csat|csat score|customer satisfaction|customer satisfaction score|satisfaction|"
                    "satisfaction client|soddisfazione|satisfacao|elegedettseg|满意度|客户满意度"),
             r"\bcsat\b|satisfaction|satisfait|soddisf|satisfac|elegedett|满意"),
    "CES": (_words("ces|ces score|customer effort|customer effort score|effort score|effort|sforzo|esforco|"
                   "erofeszites|费力度|客户费力度"),
            r"\bces\b|customer effort|\beffort\b|sforzo|esforco|erofesz|费力|省力"),
    "comment": (_words(
        "comment|comments|feedback|verbatim|open text|open feedback|remarks|notes|note|reason|why|free text|text|"
        "additional comments|nps comment|nps reason|response text",
        "commentaire|commentaires|remarque|remarques|avis|retour",
        "commento|commenti|osservazioni|motivazione",
        "comentario|comentarios|observacao|observacoes|motivo",
        "megjegyzes|velemeny|szoveges valasz|indoklas|hozzaszolas",
        "评论|备注|意见|反馈|留言|原因"),
        r"comment|feedback|verbatim|\bwhy\b|\breason\b|pourquoi|perche|por que|miert|remark|observa|"
        r"为什么|原因|评论|意见"),
    "touchpoint": (_words(
        "touchpoint|touch point|channel|interaction|trigger|event",
        "point de contact|canal|declencheur",
        "punto di contatto|canale|interazione",
        "ponto de contato|ponto de contacto|interacao",
        "kapcsolodasi pont|erintkezesi pont|csatorna|interakcio",
        "触点|接触点|渠道|交互"), r"touch ?point|point de contact|punto di contatto|ponto de conta|触点"),
    "factor": (_words(
        "factor|engagement factor|dimension|factor name|factor key|driver|category|criterion|criteria|area",
        "facteur|critere|axe",
        "fattore|dimensione|criterio|ambito",
        "fator|dimensao",
        "tenyezo|dimenzio|szempont|kriterium",
        "因素|维度|因子|指标"), None),
    "last_stage": (_words(
        "last funnel stage|previous stage|prior stage|last stage|stage before exit|last active stage|from stage|"
        "previous lifecycle stage",
        "etape precedente|derniere etape|etape avant sortie",
        "fase precedente|ultima fase",
        "etapa anterior|ultima etapa|estagio anterior",
        "elozo szakasz|utolso szakasz",
        "上一阶段|之前阶段|最后阶段"), None),
}

# Numeric metric columns that rate an engagement factor, beyond the factor names of factors.py.
_METRIC_HEADERS: dict[str, frozenset[str]] = {
    "successful_product_adoption": _words(
        "licences active|licenses active|active licences|active licenses|licence utilisation|"
        "license utilization|licence utilization|seat utilization|seat utilisation|active users|"
        "active user rate|adoption rate|adoption score|usage score|product usage|feature adoption|dau mau|"
        "licences actives|licenze attive|licencas ativas|aktiv licencek|活跃许可证|活跃用户"),
    "outcomes_at_scale": _words(
        "health score|customer health|health|customer health score|goal attainment|goals attained|"
        "outcome score|score de sante|punteggio di salute|pontuacao de saude|egeszseg pontszam|健康分|健康度"),
    "relationships": _words("qbrs held|qbr held|relationship score|relationship strength|executive sponsor score"),
    "communication_and_engagement": _words("engagement score|meetings held|response rate|emails answered"),
    "customer_education": _words("training completion|trainings completed|courses completed|certified users|"
                                 "academy completions|education score"),
    "anticipation_of_needs": _words("proactive touches|proactive outreach|anticipation score"),
    "customer_intent": _words("intent score|use case clarity"),
    "optimal_customer_journey": _words("journey score"),
}

_COMPILED = {c: (ex, re.compile(p) if p else None) for c, (ex, p) in _CONCEPTS.items()}

# Survey-type values (and file names) in six languages.
_SURVEY_TYPE_VALUES: dict[str, str] = {
    **{w: "NPS" for w in _words("nps|net promoter score|net promoter|promoter score|relationship nps|"
                                "transactional nps|tnps|rnps|indice de recommandation|净推荐值|净推荐分|推荐值")},
    **{w: "CSAT" for w in _words("csat|customer satisfaction|customer satisfaction score|satisfaction|"
                                 "satisfaction client|soddisfazione|soddisfazione del cliente|satisfacao|"
                                 "satisfacao do cliente|elegedettseg|ugyfelelegedettseg|满意度|客户满意度")},
    **{w: "CES" for w in _words("ces|customer effort score|customer effort|effort|effort client|score d effort|"
                                "sforzo|sforzo del cliente|esforco|esforco do cliente|erofeszites|"
                                "ugyfel erofeszites|费力度|客户费力度|客户努力度")},
}
_YES = _words("yes|y|true|t|1|oui|vrai|si|sim|verdadeiro|igen|是|对|达成|achieved|met|done")
_NO = _words("no|n|false|f|0|non|faux|nao|falso|nem|否|不|未达成|not achieved|not met")

_NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                  "UBIGINT", "UHUGEINT", "FLOAT", "REAL", "DOUBLE", "DECIMAL")
_INTEGER_TYPES = _NUMERIC_TYPES[:10]


def _type_class(duck_type: str) -> str:
    """Coarse class of a DuckDB type: number, integer, date, timestamp, timestamptz, boolean, text."""
    t = duck_type.upper()
    if t.startswith("TIMESTAMP WITH TIME ZONE") or t == "TIMESTAMPTZ":
        return "timestamptz"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t == "DATE":
        return "date"
    if t == "BOOLEAN":
        return "boolean"
    if t.split("(")[0] in _INTEGER_TYPES:
        return "integer"
    if t.split("(")[0] in _NUMERIC_TYPES:
        return "number"
    return "text"


def _header_forms(header: str) -> tuple[str, str]:
    """(key, full): the header folded for matching, without and with bracketed hints."""
    text = re.sub(r"__c$", "", str(header))                 # Salesforce custom-field suffix
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)          # CamelCase API names: RecordedDate
    full = normalize_label(text)
    key = normalize_label(re.sub(r"\(.*?\)|\[.*?\]|（.*?）", " ", text)) or full
    return key, full


def _concepts(header: str) -> dict[str, float]:
    """Concepts a header names, with strength 3 (exact) or 2 (pattern)."""
    key, full = _header_forms(header)
    found: dict[str, float] = {}
    for concept, (exact, pattern) in _COMPILED.items():
        if key in exact:
            found[concept] = 3.0
        elif pattern is not None and (pattern.search(key) or pattern.search(full)):
            found[concept] = 2.0
    # A question about the score ("NPS reason", "Why this score?") is a comment, not a score.
    if "comment" in found:
        for t in SURVEY_TYPES:
            if found.get(t, 0) < 3:
                found.pop(t, None)
    if "date" in found or "start" in found or "renewal" in found or "snapshot" in found:
        if found.get("stage", 0) < 3:
            found.pop("stage", None)      # "Stage change date" is a date
    if found.get("last_stage", 0) >= 3 and found.get("stage", 0) < 3:
        found.pop("stage", None)
    if found.get("mrr"):
        found.pop("arr", None)
    if "churn_reason" in found:
        found.pop("stage", None)
    if "renewal" in found and found["renewal"] < 3 and "date" not in found:
        found.pop("renewal")              # "Renewal" alone is a stage value, not a date header
    return found


def _metric_factor(header: str) -> str | None:
    """The engagement factor a numeric column's header rates ("Relationships (1-5)", "% licences active")."""
    key, _ = _header_forms(header)
    key = re.sub(r"\b\d+\s*(to|a|-)?\s*\d+\b", " ", key)
    key = re.sub(r"\b(score|rating|note|punteggio|pontuacao|pontszam|ertekeles|out of|sur|su|de)\b|评分|分数",
                 " ", key)
    key = normalize_label(key)
    if not key:
        return None
    found = factor_key(key)
    if found:
        return found
    return next((k for k, words in _METRIC_HEADERS.items() if key in words), None)


def survey_type_of(text: object) -> str | None:
    """'NPS', 'CSAT' or 'CES' when a value, header or file name names a survey type, else None."""
    if text is None:
        return None
    key, full = _header_forms(str(text))
    if key in _SURVEY_TYPE_VALUES:
        return _SURVEY_TYPE_VALUES[key]
    hits = [t for t in SURVEY_TYPES if _COMPILED[t][1].search(full)]  # type: ignore[union-attr]
    return hits[0] if len(hits) == 1 else None


def _flag(value: object) -> float | None:
    """Yes/no words of six languages as 1.0/0.0, else None."""
    key = normalize_label(value)
    if key in _YES:
        return 1.0
    if key in _NO:
        return 0.0
    return None


def segment_column_name(header: str) -> str:
    """The snake_case name a segment column gets in the accounts view ("Customer Tier" → customer_tier)."""
    name = normalize_label(header).replace(" ", "_") or "segment"
    if name in canonical.columns(ACCOUNTS) or name in _INTERNAL_COLUMNS:
        name = f"{name}_segment"
    return name


_INTERNAL_COLUMNS = {"table_idx", "reason", "stage_raw", "pre_reason", "dup_rank"}


# ---- file-name dates --------------------------------------------------------------------------

def as_of_from_source(source: str) -> str | None:
    """The as-of date a file name carries (ISO date), e.g. 'stage_snapshot_2026-08-31.csv'.

    A month alone ('export 2026-09.xlsx') means its last day; a quarter ('2026-Q3') its last day.
    """
    text = str(source)
    candidates: list[tuple[int, int, int | None]] = []
    for m in re.finditer(r"(?<!\d)(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)", text):
        candidates.append((int(m[1]), int(m[2]), int(m[3])))
    if not candidates:
        for m in re.finditer(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)", text):
            candidates.append((int(m[1]), int(m[2]), int(m[3])))
    if not candidates:
        for m in re.finditer(r"(?<!\d)(\d{4})[-_. ]?[Qq]([1-4])(?!\d)|(?<![A-Za-z])[Qq]([1-4])[-_. ]?(\d{4})(?!\d)",
                             text):
            year, quarter = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
            candidates.append((year, quarter * 3, None))
    if not candidates:
        for m in re.finditer(r"(?<!\d)(\d{4})[-_.](\d{1,2})(?![\d])", text):
            candidates.append((int(m[1]), int(m[2]), None))
    for year, month, day in reversed(candidates):
        if not (1990 <= year <= 2100 and 1 <= month <= 12):
            continue
        day = day if day is not None else calendar.monthrange(year, month)[1]
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def _source_pattern(source: str) -> str:
    """A file name with its dates and numbers removed: next month's export has the same pattern."""
    text = re.sub(r"\d+", " ", str(source))
    text = re.sub(r"\b(q[1-4]|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\b",
                  " ", text, flags=re.IGNORECASE)
    return normalize_label(text)


# ---- profiling raw tables -----------------------------------------------------------------------

@dataclass
class _Profile:
    """What suggestion needs to know about one raw column (computed in SQL, values aggregated)."""

    name: str
    type_class: str
    rows: int
    nonnull: int
    distinct: int
    top: list[tuple[str, int]]          # most frequent values (as text) with counts
    low: float | None = None
    high: float | None = None
    integral: bool = False
    avg_len: float = 0.0
    castable_ts: float = 0.0            # share of text values that read as timestamps

    def share(self, predicate: Any) -> float:
        """Share of the counted top values (weighted by rows) for which predicate holds."""
        total = sum(n for _, n in self.top)
        return sum(n for v, n in self.top if predicate(v)) / total if total else 0.0


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column → DuckDB type of a raw table, in table order (without `_source_row`)."""
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position", [table]).fetchall()
    return {c: t for c, t in rows if c != "_source_row"}


def _table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
                            "AND table_schema = current_schema()", [table]).fetchone()[0])


def _profile(con: duckdb.DuckDBPyConnection, table: str, column: str, duck_type: str) -> _Profile:
    """Counts, range and the most frequent values of one column."""
    col, tab = quote(column), quote(table)
    tc = _type_class(duck_type)
    text = f"NULLIF(trim(CAST({col} AS VARCHAR)), '')"
    numeric = tc in ("integer", "number")
    low, high = (f"CAST(min({col}) AS DOUBLE)", f"CAST(max({col}) AS DOUBLE)") if numeric else ("NULL", "NULL")
    integral = f"bool_and({col} = floor({col}))" if numeric else "NULL"
    castable = f"count(TRY_CAST({text} AS TIMESTAMP))" if tc == "text" else "0"
    stats = con.execute(f"""
        SELECT count(*), count({text}), count(DISTINCT {text}), {low}, {high}, {integral},
               coalesce(avg(length({text})), 0), {castable}
        FROM {tab}""").fetchone()
    top = con.execute(f"""
        SELECT {text} AS v, count(*) AS n FROM {tab} WHERE {text} IS NOT NULL
        GROUP BY v ORDER BY n DESC, v LIMIT 200""").fetchall()
    rows, nonnull, distinct, low_v, high_v, integral_v, avg_len, castable_n = stats
    return _Profile(column, tc, int(rows), int(nonnull), int(distinct), [(str(v), int(n)) for v, n in top],
                    low_v, high_v, bool(integral_v) if integral_v is not None else tc == "integer",
                    float(avg_len), (castable_n / nonnull) if nonnull else 0.0)


def _profiles(con: duckdb.DuckDBPyConnection, table: str) -> list[_Profile]:
    return [_profile(con, table, c, t) for c, t in _columns(con, table).items()]


# ---- role suggestion ----------------------------------------------------------------------------

# kind → concept → (role, weight): what a concept means in a table of that kind.
_KIND_CONCEPTS: dict[str, dict[str, tuple[str, float]]] = {
    ACCOUNTS: {"id": ("account_id", 1.0), "name": ("name", 1.0), "stage": ("stage", 1.0), "arr": ("arr", 1.0),
               "start": ("start_date", 1.0), "renewal": ("renewal_date", 1.0),
               "churn_reason": ("churn_reason", 1.0), "outcome": ("outcome", 1.0), "segment": ("segment", 0.9)},
    STAGE_SNAPSHOTS: {"id": ("account_id", 1.0), "stage": ("stage", 1.0), "snapshot": ("as_of", 1.0),
                      "date": ("as_of", 0.6), "last_stage": ("last_funnel_stage", 1.0),
                      "segment": ("segment", 0.9)},
    JOURNEY_EVENTS: {"id": ("account_id", 1.0), "stage": ("stage", 1.0), "date": ("ts", 1.0),
                     "start": ("ts", 0.6)},
    SURVEYS: {"id": ("account_id", 1.0), "name": ("account_id", 0.4), "respondent": ("respondent", 1.0),
              "role": ("respondent_role", 1.0), "date": ("ts", 1.0), "start": ("ts", 0.6),
              "survey_type": ("survey_type", 1.0), "score": ("score", 1.0), "NPS": ("score:NPS", 1.0),
              "CSAT": ("score:CSAT", 1.0), "CES": ("score:CES", 1.0), "comment": ("comment", 1.0),
              "stage": ("stage", 0.9), "touchpoint": ("stage", 1.0)},
    FACTOR_RATINGS: {"id": ("account_id", 1.0), "name": ("account_id", 0.4), "date": ("ts", 1.0),
                     "snapshot": ("ts", 0.8), "start": ("ts", 0.5), "factor": ("factor", 1.0),
                     "score": ("score", 1.0)},
}
_DATE_ROLES = {"start_date", "renewal_date", "as_of", "ts"}
_NUMBER_ROLES = {"arr", "score", *SCORE_ROLES, *FACTOR_ROLES}
_TEXT_ROLES = {"name", "stage", "churn_reason", "last_funnel_stage", "respondent", "respondent_role",
               "survey_type", "comment", "factor"}
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-.:/#]*$")


def _fits(role: str, p: _Profile) -> bool:
    """Whether a column's type can carry a role (dates need dates, scores need numbers, …)."""
    tc = p.type_class
    if role in _DATE_ROLES:
        return tc in ("date", "timestamp", "timestamptz") or (tc == "text" and p.castable_ts >= 0.8)
    if role in _NUMBER_ROLES:
        return tc in ("integer", "number")
    if role in _TEXT_ROLES:
        return tc == "text"
    if role == "account_id":
        return tc in ("text", "integer") or (tc == "number" and p.integral)
    if role == "outcome":
        words = tc == "text" and p.share(lambda v: _flag(v) is not None) >= 0.8
        return tc in ("boolean", "integer", "number") or words
    return True


def _snapshot_like(p: _Profile) -> bool:
    """A date column whose few distinct values each stamp many rows: snapshot runs, not events."""
    return p.type_class in ("date", "timestamp", "timestamptz", "text") and p.distinct >= 1 \
        and p.distinct * 3 <= p.nonnull and p.distinct <= 60


def _candidates(p: _Profile, kind: str, stages: list[Stage] | None) -> list[tuple[float, str]]:
    """(score, role) candidates for one column in a table of a given kind, from header and values."""
    concepts = _concepts(p.name)
    text = p.type_class == "text"
    # Values as evidence, strongest where the header says nothing.
    if text and p.nonnull:
        stage_share = p.share(lambda v: suggest_stage(v, stages) is not None)
        if stage_share >= 0.6:
            concepts["stage"] = concepts.get("stage", 1.5) + 0.5
        if p.share(lambda v: survey_type_of(v) is not None) >= 0.8:
            concepts["survey_type"] = max(concepts.get("survey_type", 0), 2.5) + 0.5
        if p.share(lambda v: factor_key(v) is not None) >= 0.8:
            concepts["factor"] = max(concepts.get("factor", 0), 2.5) + 0.5
        if p.avg_len >= 25 and p.distinct >= 0.5 * p.nonnull:
            concepts.setdefault("comment", 1.0)
        if p.castable_ts < 0.5 and p.share(lambda v: bool(_ID_RE.match(v)) and any(c.isdigit() for c in v)) >= 0.9:
            concepts.setdefault("id", 1.0)
    if p.type_class in ("date", "timestamp", "timestamptz"):
        concepts.setdefault("date", 1.0)
    nps_values = p.type_class in ("integer", "number") and p.integral and p.low is not None \
        and 0 <= p.low and p.high is not None and p.high <= 10
    out: list[tuple[float, str]] = []
    table = _KIND_CONCEPTS.get(kind, {})
    for concept, strength in concepts.items():
        if concept not in table:
            continue
        role, weight = table[concept]
        if kind == STAGE_SNAPSHOTS and concept == "date" and not _snapshot_like(p):
            continue
        score = strength * weight * 100
        if concept == "NPS" and nps_values:
            score += 30
        if _fits(role, p):
            out.append((score, role))
    if p.type_class in ("integer", "number") and kind != IGNORE:
        fk = _metric_factor(p.name)
        if fk and (kind != SURVEYS or not any(c in concepts for c in SURVEY_TYPES)):
            out.append((250.0 if kind == FACTOR_RATINGS else 200.0, f"factor:{fk}"))
    return out


def _assign(profiles: list[_Profile], kind: str, stages: list[Stage] | None) -> dict[str, str]:
    """Greedy best-first assignment: each single role to its best column, each column one role."""
    cands = [(score, i, role) for i, p in enumerate(profiles) for score, role in _candidates(p, kind, stages)]
    cands.sort(key=lambda c: (-c[0], c[1]))
    roles: dict[int, str] = {}
    taken: set[str] = set()
    for _, i, role in cands:
        if i in roles or (role not in _MULTI_ROLES and role in taken):
            continue
        roles[i] = role
        taken.add(role)
    out: dict[str, str] = {}
    for i, p in enumerate(profiles):
        role = roles.get(i)
        if role is None and kind == ACCOUNTS and p.type_class in ("text", "boolean") \
                and 2 <= p.distinct <= 50 and p.distinct * 2 <= p.nonnull:
            role = SEGMENT            # a low-cardinality label nobody named: likely a segment
        out[p.name] = role or IGNORE
    return out


def suggest_roles(con: duckdb.DuckDBPyConnection, table: str, kind: str,
                  stages: list[Stage] | None = None) -> dict[str, str]:
    """Column → suggested role for a raw table of the given kind, from header names and values."""
    if kind not in KINDS:
        raise MappingError(f'Unknown kind "{kind}" (expected one of {", ".join(KINDS)}).')
    profiles = _profiles(con, table)
    if kind == IGNORE:
        return {p.name: IGNORE for p in profiles}
    return _assign(profiles, kind, stages)


def column_notes(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Notes on columns that look useful but are deliberately not mapped (MRR is not ARR)."""
    notes: dict[str, str] = {}
    for column in _columns(con, table):
        concepts = _concepts(column)
        if "mrr" in concepts:
            notes[column] = ("Monthly recurring revenue: not used as ARR. ARR is read only from an annual "
                             "column; map this one as arr only after converting it (× 12).")
        elif _header_forms(column)[0] in ("annual revenue", "annualrevenue"):
            notes[column] = "Annual Revenue is the company's own revenue in CRM exports, not the ARR it pays you."
    return notes


_SOURCE_HINTS: dict[str, re.Pattern[str]] = {
    STAGE_SNAPSHOTS: re.compile(r"snapshot|instantane|istantanea|pillanatkep|快照"),
    JOURNEY_EVENTS: re.compile(r"event|history|journey|transition|evenement|storico|historico|esemeny|事件|历史"),
    SURVEYS: re.compile(r"survey|\bnps\b|csat|\bces\b|enquete|sondage|sondaggio|pesquisa|felmeres|调查|问卷"),
    FACTOR_RATINGS: re.compile(r"rating|factor|engagement|evaluation|notation|valutazion|avaliac|ertekeles|评分"),
}


def _kind_score(kind: str, roles: dict[str, str], profiles: dict[str, _Profile], source: str) -> float | None:
    """How well a table fits a kind, or None when it lacks what the kind needs."""
    have = {r: [c for c, rr in roles.items() if rr == r] for r in set(roles.values())}
    src = normalize_label(source)
    hint = 3.0 if kind in _SOURCE_HINTS and _SOURCE_HINTS[kind].search(src) else 0.0
    id_col = have.get("account_id", [None])[0]
    if id_col is None:
        return None
    pid = profiles[id_col]
    unique = pid.distinct == pid.nonnull == pid.rows
    score = 2.0 + hint
    if kind == ACCOUNTS:
        score += (2 if unique else 0) + 2 * ("name" in have) + 2 * ("arr" in have) + min(len(have.get(SEGMENT, [])), 3)
        score += sum(r in have for r in ("stage", "start_date", "renewal_date", "churn_reason", "outcome"))
    elif kind == STAGE_SNAPSHOTS:
        if "stage" not in have:
            return None
        as_of_col = have.get("as_of", [None])[0]
        from_name = as_of_from_source(source) is not None
        if as_of_col is None and not from_name:
            return None
        score += 2
        if as_of_col is not None:
            score += 4 if "snapshot" in _concepts(as_of_col) else 3
        else:
            score += 3
    elif kind == JOURNEY_EVENTS:
        if "stage" not in have or "ts" not in have:
            return None
        score += 4 + (2 if not unique and not _snapshot_like(profiles[have["ts"][0]]) else 0)
    elif kind == SURVEYS:
        scores = [r for r in have if r == "score" or r.startswith("score:")]
        if not scores:
            return None
        typed = sum(len(have[r]) for r in scores if r.startswith("score:"))
        score += 3 + 2 * typed + 2 * ("survey_type" in have) + ("respondent" in have) + ("comment" in have) \
            + ("respondent_role" in have)
    elif kind == FACTOR_RATINGS:
        wide = sum(len(v) for r, v in have.items() if r.startswith("factor:"))
        long_form = "factor" in have and "score" in have
        if not wide and not long_form:
            return None
        score += 3 + 2 * min(wide, 8) + 6 * long_form
    return score


# Ties go to the more specific kind.
_KIND_PRIORITY = (STAGE_SNAPSHOTS, JOURNEY_EVENTS, SURVEYS, FACTOR_RATINGS, ACCOUNTS)


def _suggest_table(con: duckdb.DuckDBPyConnection, table: str, source: str | None,
                   stages: list[Stage] | None) -> TableMapping:
    """Kind, roles and file-name hints for one raw table."""
    source = source or table
    profiles = _profiles(con, table)
    by_name = {p.name: p for p in profiles}
    best: tuple[float, int, str, dict[str, str]] | None = None
    for rank, kind in enumerate(_KIND_PRIORITY):
        roles = _assign(profiles, kind, stages)
        score = _kind_score(kind, roles, by_name, source)
        if score is not None and (best is None or (score, -rank) > (best[0], -best[1])):
            best = (score, rank, kind, roles)
    if best is None:
        return TableMapping(table, source, IGNORE, {p.name: IGNORE for p in profiles})
    kind, roles = best[2], best[3]
    tm = TableMapping(table, source, kind, roles)
    has = set(roles.values())
    needs_date = (kind == STAGE_SNAPSHOTS and "as_of" not in has) \
        or (kind in (SURVEYS, FACTOR_RATINGS) and "ts" not in has) \
        or (kind == ACCOUNTS and any(r.startswith("factor:") for r in has))
    if needs_date:
        tm.as_of = as_of_from_source(source)
    if kind == SURVEYS and "score" in has and "survey_type" not in has \
            and survey_type_of(tm.column("score")) is None:
        tm.survey_type = survey_type_of(source)
    return tm


def suggest_kind(con: duckdb.DuckDBPyConnection, table: str, source: str | None = None,
                 stages: list[Stage] | None = None) -> str:
    """The kind of table a raw table most likely is, from its columns, values and file name."""
    return _suggest_table(con, table, source, stages).kind


def _table_refs(reports_or_tables: Iterable[Any]) -> list[tuple[str, str]]:
    """(table, source) pairs from table names or load reports (objects with .table, .source, .sheet).

    A sheet goes into the source label ("book.xlsx › Accounts") so two sheets of a workbook differ.
    """
    refs = []
    for item in reports_or_tables:
        if isinstance(item, str):
            refs.append((item, item))
            continue
        source = str(getattr(item, "source", None) or item.table)
        sheet = getattr(item, "sheet", None)
        if sheet and str(sheet) not in source:
            source = f"{source} › {sheet}"
        refs.append((str(item.table), source))
    return refs


def suggest_mapping(con: duckdb.DuckDBPyConnection, reports_or_tables: Iterable[Any],
                    settings: Settings | None = None) -> Mapping:
    """cxlib's suggestion for every table: kind, roles, file-name dates and a stage map."""
    settings = settings or Settings()
    tables = [_suggest_table(con, t, s, settings.stages) for t, s in _table_refs(reports_or_tables)]
    mapping = Mapping(tables=tables, stage_map={}, settings=settings)
    values = stage_values(con, mapping)
    mapping.stage_map = dict(zip(values["value"], [None if pd.isna(s) else s for s in values["suggested_stage"]]))
    return mapping


def segment_columns(mapping: Mapping) -> dict[str, str]:
    """Segment columns of the accounts view: snake_case name → header to display."""
    out: dict[str, str] = {}
    for _, column, name in _segments(mapping):
        out.setdefault(name, column)
    return out


def accounts_column(con: duckdb.DuckDBPyConnection, mapping: Mapping | None, name: str) -> str:
    """The accounts-view column a user means by `name`: a view column, or the header it came from.

    "Tier", "tier" and "Customer Tier" (mapped as a segment) all resolve; so does a header mapped to
    a fixed role ("Outcome Achieved" → outcome). Unknown names raise MappingError listing the choices.
    """
    present = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [ACCOUNTS]).fetchall()]
    if name in present:
        return name
    wanted = normalize_label(name)
    headers: dict[str, str] = {}
    if mapping is not None:
        for view_name, header in segment_columns(mapping).items():
            headers[normalize_label(header)] = view_name
        for tm in mapping.tables:
            if tm.kind == ACCOUNTS:
                for column, role in tm.roles.items():
                    if role in present:
                        headers.setdefault(normalize_label(column), role)
    for column in present:
        headers.setdefault(normalize_label(column), column)
    if wanted in headers and headers[wanted] in present:
        return headers[wanted]
    hidden = {"source", "source_row"}
    raise MappingError(f"Column '{name}' is not in the accounts table; choose one of: "
                       + ", ".join(c for c in present if c not in hidden), column=name)


def yes_no_value(value: str) -> str:
    """A typed rate value as stored: yes/no words in six languages become '1'/'0', others unchanged."""
    flag = _flag(value)
    return value if flag is None else str(int(flag))


def _segments(mapping: Mapping) -> list[tuple[TableMapping, str, str]]:
    """(table, column, view column name) for every accounts segment column."""
    out = []
    for tm in mapping.tables:
        if tm.kind != ACCOUNTS:
            continue
        used: set[str] = set()
        for column in tm.columns_with(SEGMENT):
            name, n = segment_column_name(column), 2
            base = name
            while name in used:
                name, n = f"{base}_{n}", n + 1
            used.add(name)
            out.append((tm, column, name))
    return out


# ---- stage values -------------------------------------------------------------------------------

def _stage_names(settings: Settings) -> list[str]:
    names = [s.name for s in settings.stages]
    return names if LOST_DEAL in names else [*names, LOST_DEAL]


def _stage_columns(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> list[tuple[str, str]]:
    """(table, column) of every stage-bearing column that exists in a mapped table."""
    out = []
    for tm in mapping.tables:
        if tm.kind in (IGNORE, FACTOR_RATINGS) or not _table_exists(con, tm.table):
            continue
        present = _columns(con, tm.table)
        out += [(tm.table, c) for c, r in tm.roles.items() if r in ("stage", "last_funnel_stage") and c in present]
    return out


def _effective_stage(value: str, mapping: Mapping, allowed: set[str]) -> str | None:
    """The stage a raw value maps to: the stage map's entry (if a configured stage), else the suggestion."""
    if value in mapping.stage_map:
        target = mapping.stage_map[value]
        return target if target in allowed else None
    return suggest_stage(value, mapping.settings.stages)


def stage_values(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> pd.DataFrame:
    """Every raw stage value of every stage column: value, rows, suggested_stage, mapped_stage."""
    cols = _stage_columns(con, mapping)
    if not cols:
        return pd.DataFrame({"value": pd.Series([], dtype="str"), "rows": pd.Series([], dtype="int64"),
                             "suggested_stage": pd.Series([], dtype="object"),
                             "mapped_stage": pd.Series([], dtype="object")})
    parts = " UNION ALL ".join(f"SELECT NULLIF(trim(CAST({quote(c)} AS VARCHAR)), '') AS value FROM {quote(t)}"
                               for t, c in cols)
    counted = con.execute(f"WITH raw AS ({parts}) SELECT value, count(*) AS rows FROM raw "
                          "WHERE value IS NOT NULL GROUP BY value ORDER BY rows DESC, value").fetchall()
    allowed = set(_stage_names(mapping.settings))
    values = [v for v, _ in counted]
    return pd.DataFrame({
        "value": pd.Series(values, dtype="str"),
        "rows": pd.Series([int(n) for _, n in counted], dtype="int64"),
        "suggested_stage": pd.Series([suggest_stage(v, mapping.settings.stages) for v in values], dtype="object"),
        "mapped_stage": pd.Series([_effective_stage(v, mapping, allowed) for v in values], dtype="object"),
    })


def unmapped_stage_values(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> pd.DataFrame:
    """The raw stage values no stage is mapped to, with their row counts (their rows are excluded)."""
    values = stage_values(con, mapping)
    return values[values["mapped_stage"].isna()][["value", "rows"]].reset_index(drop=True)


# ---- checking and re-fitting a mapping ----------------------------------------------------------

def _valid_role(kind: str, role: str) -> bool:
    return role in ROLES.get(kind, ())


def check_mapping(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> list[MappingError]:
    """Everything that keeps a mapping from fitting the loaded data, each naming table and column."""
    errors: list[MappingError] = []
    allowed = set(_stage_names(mapping.settings))
    for tm in mapping.tables:
        where = f'{tm.source} (table "{tm.table}")' if tm.source != tm.table else f'table "{tm.table}"'
        if tm.kind not in KINDS:
            errors.append(MappingError(f'{where}: unknown kind "{tm.kind}" (expected one of {", ".join(KINDS)}).',
                                       file=tm.source))
            continue
        if tm.kind == IGNORE:
            continue
        if tm.table in canonical.VIEWS:
            errors.append(MappingError(f'{where}: a raw table cannot be named "{tm.table}", the name of a '
                                       "canonical view; rename the file and load it again.", file=tm.source))
            continue
        if not _table_exists(con, tm.table):
            errors.append(MappingError(f"{where} is not loaded: the mapping expects this {tm.kind} table. "
                                       "Load it, or set its kind to ignore.", file=tm.source))
            continue
        present = _columns(con, tm.table)
        for column, role in tm.roles.items():
            if role == IGNORE:
                continue
            if not _valid_role(tm.kind, role):
                errors.append(MappingError(f'{where}: "{role}" is not a role of {tm.kind} tables '
                                           f'(column "{column}").', file=tm.source, column=column))
            elif column not in present:
                errors.append(MappingError(
                    f'{where}: column "{column}" (mapped as {role}) is missing. '
                    f"Columns found: {', '.join(present)}.", file=tm.source, column=column))
        counts: dict[str, list[str]] = {}
        for column, role in tm.roles.items():
            if role not in _MULTI_ROLES:
                counts.setdefault(role, []).append(column)
        for role, cols in counts.items():
            if len(cols) > 1:
                errors.append(MappingError(f'{where}: columns {", ".join(repr(c) for c in cols)} are all mapped '
                                           f"as {role}; keep one.", file=tm.source, column=cols[1]))
        roles = set(tm.roles.values())
        for role in _REQUIRED[tm.kind]:
            if role not in roles:
                errors.append(MappingError(f"{where}: no column is mapped as {role}, which {tm.kind} needs.",
                                           file=tm.source))
        if tm.kind == SURVEYS and not roles & {"score", *SCORE_ROLES}:
            errors.append(MappingError(f"{where}: no column is mapped as a score (score, score:NPS, …).",
                                       file=tm.source))
        if tm.kind == FACTOR_RATINGS and not (("factor" in roles and "score" in roles)
                                             or any(r.startswith("factor:") for r in roles)):
            errors.append(MappingError(f"{where}: map a factor and a score column, or one column per factor.",
                                       file=tm.source))
        if tm.as_of is not None and _parse_as_of(tm.as_of) is None:
            errors.append(MappingError(f'{where}: as-of date "{tm.as_of}" is not a date (use YYYY-MM-DD).',
                                       file=tm.source))
        dated_by = {STAGE_SNAPSHOTS: "as_of", SURVEYS: "ts", FACTOR_RATINGS: "ts"}.get(tm.kind)
        if dated_by and dated_by not in roles and tm.as_of is None:
            errors.append(MappingError(f"{where}: no column is mapped as {dated_by} and the table has no as-of "
                                       "date; map a date column or set the date of the export.", file=tm.source))
        if tm.survey_type is not None and tm.survey_type not in SURVEY_TYPES:
            errors.append(MappingError(f'{where}: survey type "{tm.survey_type}" is not one of '
                                       f'{", ".join(SURVEY_TYPES)}.', file=tm.source))
        zone = mapping.settings.timezones.get(tm.table)
        if zone is not None and not _valid_zone(zone):
            errors.append(MappingError(f'{where}: time zone "{zone}" is unknown (use an IANA name such as '
                                       "Europe/Paris).", file=tm.source))
    default_zone = mapping.settings.timezones.get("*")
    if default_zone is not None and not _valid_zone(default_zone):
        errors.append(MappingError(f'Time zone "{default_zone}" is unknown (use an IANA name such as Europe/Paris).'))
    for value, target in mapping.stage_map.items():
        if target is not None and target not in allowed:
            errors.append(MappingError(f'Stage map: "{value}" is mapped to "{target}", which is not in the stage '
                                       "list.", column=value))
    return errors


def _valid_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _parse_as_of(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None


def fit_mapping(con: duckdb.DuckDBPyConnection, mapping: Mapping, tables: Iterable[Any]) -> Mapping:
    """Re-target a saved mapping onto newly loaded tables (next month's export, renamed tables).

    Tables match by name, then by source, then by file-name pattern (dates and numbers ignored),
    then by having every mapped column. Several new files of one pattern (stacked snapshots) all
    take that pattern's mapping, with their own file-name as-of dates. New tables nothing matches
    get a fresh suggestion; mapped tables nothing matches stay, so `check_mapping` names them.
    """
    refs = _table_refs(tables)
    remaining = list(refs)
    fitted: list[TableMapping] = []
    used_templates: set[int] = set()
    zones = dict(mapping.settings.timezones)
    new_zones = {k: v for k, v in zones.items() if k == "*"}

    def take(ref: tuple[str, str], i: int) -> None:
        tm = mapping.tables[i]
        as_of = tm.as_of
        if as_of is not None and as_of_from_source(tm.source) == as_of and ref[1] != tm.source:
            as_of = as_of_from_source(ref[1]) or as_of        # the date came from the old file's name
        fitted.append(TableMapping(ref[0], ref[1], tm.kind, dict(tm.roles), as_of, tm.survey_type))
        if tm.table in zones:
            new_zones[ref[0]] = zones[tm.table]
        used_templates.add(i)
        remaining.remove(ref)

    for match in (lambda r, t: r[0] == t.table, lambda r, t: r[1] == t.source):
        for i, tm in enumerate(mapping.tables):
            if i in used_templates:
                continue
            ref = next((r for r in remaining if match(r, tm)), None)
            if ref is not None:
                take(ref, i)
    # Same file-name pattern: every new file of the pattern reuses the first template of it.
    for ref in sorted(remaining, key=lambda r: r[1]):
        pattern = _source_pattern(ref[1])
        same = [i for i, tm in enumerate(mapping.tables) if pattern and _source_pattern(tm.source) == pattern]
        if same:
            take(ref, same[0])
            used_templates.update(same)    # last month's file of the pattern need not come again
    for i, tm in enumerate(mapping.tables):
        if i in used_templates or tm.kind == IGNORE:
            continue
        needed = {c for c, r in tm.roles.items() if r != IGNORE}
        ref = next((r for r in remaining if needed and needed <= set(_columns(con, r[0]))), None)
        if ref is not None:
            take(ref, i)
    for ref in list(remaining):
        fitted.append(_suggest_table(con, ref[0], ref[1], mapping.settings.stages))
        remaining.remove(ref)
    fitted += [tm for i, tm in enumerate(mapping.tables) if i not in used_templates and tm.kind != IGNORE]
    settings = Settings.from_dict(mapping.settings.to_dict())
    settings.timezones = new_zones
    out = Mapping(tables=fitted, stage_map=dict(mapping.stage_map), settings=settings, scores=mapping.scores)
    for value, suggested in zip(*_values_and_suggestions(con, out)):
        out.stage_map.setdefault(value, suggested)
    return out


def _values_and_suggestions(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> tuple[list[str], list[str | None]]:
    values = stage_values(con, mapping)
    return list(values["value"]), [None if pd.isna(s) else s for s in values["suggested_stage"]]


# ---- building the canonical views ---------------------------------------------------------------

def _lit(text: str) -> str:
    """A SQL literal for this module's own constants (reasons, survey types, factor keys) only."""
    if not re.fullmatch(r"[A-Za-z0-9_ .:\-]*", text):
        raise ValueError(f"not an internal constant: {text!r}")
    return f"'{text}'"


def _rows_view(view: str) -> str:
    return f"_cx_{view}_rows"


class _Sql:
    """SQL expressions for one mapped raw table (`r`) joined to its settings row (`m`)."""

    def __init__(self, tm: TableMapping, idx: int, types: dict[str, str]) -> None:
        self.tm, self.idx, self.types = tm, idx, types

    @property
    def from_(self) -> str:
        return f"FROM {quote(self.tm.table)} AS r CROSS JOIN (SELECT * FROM _cx_tables WHERE idx = {self.idx}) AS m"

    def head(self) -> str:
        return f"{self.idx} AS table_idx, m.source AS source, CAST(r._source_row AS BIGINT) AS source_row"

    def ref(self, column: str) -> str:
        return f"r.{quote(column)}"

    def text(self, role: str) -> str:
        col = self.tm.column(role)
        return self.text_of(col) if col else "CAST(NULL AS VARCHAR)"

    def text_of(self, column: str) -> str:
        return f"NULLIF(trim(CAST({self.ref(column)} AS VARCHAR)), '')"

    def account_id(self) -> str:
        col = self.tm.column("account_id")
        if col is None:
            return "CAST(NULL AS VARCHAR)"
        ref, tc = self.ref(col), _type_class(self.types[col])
        if tc == "number":   # 1001.0 read from a spreadsheet is account 1001
            return (f"_cx_account_id(CASE WHEN {ref} = floor({ref}) THEN CAST(CAST({ref} AS BIGINT) AS VARCHAR) "
                    f"ELSE CAST({ref} AS VARCHAR) END)")
        return f"_cx_account_id({self.text_of(col)})"

    def number_of(self, column: str) -> str:
        ref, tc = self.ref(column), _type_class(self.types[column])
        if tc in ("integer", "number"):
            return f"CAST({ref} AS DOUBLE)"
        if tc == "boolean":
            return f"CAST({ref} AS DOUBLE)"
        return f"TRY_CAST({self.text_of(column)} AS DOUBLE)"

    def number(self, role: str) -> str:
        col = self.tm.column(role)
        return self.number_of(col) if col else "CAST(NULL AS DOUBLE)"

    def present(self, column: str) -> str:
        return f"({self.text_of(column)} IS NOT NULL)"

    def ts_of(self, column: str) -> str:
        """A column as a naive TIMESTAMP: dates at midnight, zoned times in the source's zone."""
        ref, tc = self.ref(column), _type_class(self.types[column])
        if tc in ("date", "timestamp"):
            return f"CAST({ref} AS TIMESTAMP)"
        if tc == "timestamptz":
            return f"timezone(m.timezone, {ref})"
        if tc == "text":
            return f"TRY_CAST({self.text_of(column)} AS TIMESTAMP)"
        return "CAST(NULL AS TIMESTAMP)"

    def ts(self, role: str) -> tuple[str, str]:
        """(value, present) of a timestamp role, falling back to the table's as-of date."""
        col = self.tm.column(role)
        if col is None:
            return "m.as_of", "(m.as_of IS NOT NULL)"
        return self.ts_of(col), self.present(col)

    def ts_or_null(self, role: str) -> str:
        col = self.tm.column(role)
        return self.ts_of(col) if col else "CAST(NULL AS TIMESTAMP)"

    def flag(self, role: str) -> str:
        col = self.tm.column(role)
        if col is None:
            return "CAST(NULL AS DOUBLE)"
        tc = _type_class(self.types[col])
        if tc in ("integer", "number", "boolean"):
            return self.number_of(col)
        text = self.text_of(col)
        return (f"COALESCE((SELECT CAST(vm.mapped AS DOUBLE) FROM _cx_value_map vm WHERE vm.category = 'flag' "
                f"AND vm.value = {text}), TRY_CAST({text} AS DOUBLE))")


def _reason_case(checks: Sequence[tuple[str, str]]) -> str:
    """CASE over (condition, reason) in priority order: the first failing check names the row's reason."""
    return "CASE " + " ".join(f"WHEN {cond} THEN {_lit(reason)}" for cond, reason in checks) + " END"


def _union(parts: list[str]) -> str:
    return "\nUNION ALL BY NAME\n".join(f"({p})" for p in parts)


def _empty_rows(view: str, extra: Sequence[tuple[str, str]] = ()) -> str:
    cols = [*canonical.SCHEMA[view], *extra, ("table_idx", "INTEGER"), ("reason", "VARCHAR")]
    return "SELECT " + ", ".join(f"CAST(NULL AS {t}) AS {quote(c)}" for c, t in cols) + " WHERE false"


def _unknown_account(has_accounts: bool) -> tuple[str, str]:
    cond = ("(account_id NOT IN (SELECT account_id FROM accounts WHERE account_id IS NOT NULL))"
            if has_accounts else "false")
    return cond, R_ACCOUNT_UNKNOWN


def _accounts_sql(items: list[_Sql], segments: list[tuple[TableMapping, str, str]]) -> str:
    if not items:
        return _empty_rows(ACCOUNTS)
    seg_names = list(dict.fromkeys(name for _, _, name in segments))
    parts = []
    for s in items:
        segs = [f"{s.text_of(col)} AS {quote(name)}" for tm, col, name in segments if tm is s.tm]
        parts.append(
            f"SELECT {s.head()}, {s.account_id()} AS account_id, {s.text('name')} AS name, "
            f"{s.text('stage')} AS stage_raw, {s.number('arr')} AS arr, "
            f"{s.ts_or_null('start_date')} AS start_date, {s.ts_or_null('renewal_date')} AS renewal_date, "
            f"{s.text('churn_reason')} AS churn_reason, {s.flag('outcome')} AS outcome"
            + "".join(f", {x}" for x in segs) + f" {s.from_}")
    checks = _reason_case([("account_id IS NULL", R_ACCOUNT_MISSING),
                           ("stage_raw IS NOT NULL AND stage IS NULL", R_STAGE_UNMAPPED)])
    seg_select = "".join(f", CAST({quote(n)} AS VARCHAR) AS {quote(n)}" for n in seg_names)
    return f"""
WITH src AS ({_union(parts)}),
mapped AS (SELECT src.*, sm.stage FROM src LEFT JOIN _stage_map AS sm ON sm.value = src.stage_raw),
checked AS (SELECT *, {checks} AS pre_reason FROM mapped),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY account_id, pre_reason IS NULL
                                 ORDER BY table_idx, source_row) AS dup_rank
    FROM checked)
SELECT account_id, name, stage, arr, start_date, renewal_date, churn_reason, outcome, source, source_row{seg_select},
       table_idx,
       COALESCE(pre_reason, CASE WHEN dup_rank > 1 THEN {_lit(R_DUP_ACCOUNT)} END) AS reason
FROM ranked"""


def _snapshots_sql(items: list[_Sql], has_accounts: bool) -> str:
    if not items:
        return _empty_rows(STAGE_SNAPSHOTS)
    parts = []
    for s in items:
        as_of, as_of_present = s.ts("as_of")
        parts.append(
            f"SELECT {s.head()}, {s.account_id()} AS account_id, {s.text('stage')} AS stage_raw, "
            f"{as_of} AS as_of, {as_of_present} AS as_of_present, "
            f"{s.text('last_funnel_stage')} AS last_raw {s.from_}")
    checks = _reason_case([("account_id IS NULL", R_ACCOUNT_MISSING), _unknown_account(has_accounts),
                           ("stage_raw IS NULL", R_STAGE_MISSING), ("stage IS NULL", R_STAGE_UNMAPPED),
                           ("NOT as_of_present", R_TS_MISSING), ("as_of IS NULL", R_TS_BAD)])
    return f"""
WITH src AS ({_union(parts)}),
mapped AS (
    SELECT src.*, sm.stage, lm.stage AS last_funnel_stage
    FROM src LEFT JOIN _stage_map AS sm ON sm.value = src.stage_raw
             LEFT JOIN _stage_map AS lm ON lm.value = src.last_raw),
checked AS (SELECT *, {checks} AS pre_reason FROM mapped),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY account_id, as_of, pre_reason IS NULL
                                 ORDER BY table_idx, source_row) AS dup_rank
    FROM checked)
SELECT account_id, stage, as_of, last_funnel_stage, source, source_row, table_idx,
       COALESCE(pre_reason, CASE WHEN dup_rank > 1 THEN {_lit(R_DUP_SNAPSHOT)} END) AS reason
FROM ranked"""


# Accounts on an exit stage get the last funnel stage of their earlier snapshots when no column says it.
_SNAPSHOTS_VIEW = f"""
WITH used AS (SELECT * FROM {_rows_view(STAGE_SNAPSHOTS)} WHERE reason IS NULL),
walked AS (
    SELECT u.*, COALESCE(k.kind, 'lost') AS stage_kind,
           last_value(CASE WHEN k.kind = 'funnel' THEN u.stage END IGNORE NULLS) OVER (
               PARTITION BY u.account_id ORDER BY u.as_of, u.table_idx, u.source_row
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS funnel_before
    FROM used AS u LEFT JOIN _cx_stage_list AS k ON k.name = u.stage)
SELECT account_id, stage, as_of,
       CASE WHEN stage_kind = 'funnel' THEN last_funnel_stage
            ELSE COALESCE(last_funnel_stage, funnel_before) END AS last_funnel_stage,
       source, source_row
FROM walked"""


def _events_sql(items: list[_Sql], has_accounts: bool) -> str:
    if not items:
        return _empty_rows(JOURNEY_EVENTS)
    parts = []
    for s in items:
        ts, present = s.ts("ts")
        parts.append(f"SELECT {s.head()}, {s.account_id()} AS account_id, {s.text('stage')} AS stage_raw, "
                     f"{ts} AS ts, {present} AS ts_present {s.from_}")
    checks = _reason_case([("account_id IS NULL", R_ACCOUNT_MISSING), _unknown_account(has_accounts),
                           ("stage_raw IS NULL", R_STAGE_MISSING), ("stage IS NULL", R_STAGE_UNMAPPED),
                           ("NOT ts_present", R_TS_MISSING), ("ts IS NULL", R_TS_BAD)])
    return f"""
WITH src AS ({_union(parts)}),
mapped AS (SELECT src.*, sm.stage FROM src LEFT JOIN _stage_map AS sm ON sm.value = src.stage_raw)
SELECT account_id, stage, ts, 'event' AS resolution, source, source_row, table_idx, {checks} AS reason
FROM mapped"""


# Stacked snapshots: each account's stage first seen in a snapshot run becomes a monthly event —
# only for accounts that have no real event log, so an account's journey is never counted twice.
_EVENTS_VIEW = f"""
WITH real_events AS (
    SELECT account_id, stage, ts, resolution, source, source_row
    FROM {_rows_view(JOURNEY_EVENTS)} WHERE reason IS NULL),
snapshots AS (SELECT account_id, stage, as_of, source, source_row FROM stage_snapshots),
runs AS (SELECT count(DISTINCT as_of) AS n FROM snapshots),
walked AS (
    SELECT *, lag(stage) OVER (PARTITION BY account_id ORDER BY as_of, source, source_row) AS previous_stage
    FROM snapshots),
derived AS (
    SELECT account_id, stage, as_of AS ts, 'monthly' AS resolution, source, source_row
    FROM walked
    WHERE (previous_stage IS NULL OR previous_stage <> stage) AND (SELECT n FROM runs) >= 2
      AND account_id NOT IN (SELECT account_id FROM real_events WHERE account_id IS NOT NULL))
SELECT * FROM real_events
UNION ALL
SELECT * FROM derived"""


def _surveys_sql(items: list[_Sql], has_accounts: bool) -> str:
    parts = []
    for s in items:
        ts, present = s.ts("ts")
        type_col = s.tm.column("survey_type")
        type_from_column = (f"(SELECT vm.mapped FROM _cx_value_map vm WHERE vm.category = 'survey_type' "
                            f"AND vm.value = {s.text_of(type_col)})") if type_col else "CAST(NULL AS VARCHAR)"
        for column, role in s.tm.roles.items():
            if role == "score":
                header_type = survey_type_of(column)
                fallback = _lit(header_type) if header_type else "CAST(NULL AS VARCHAR)"
                survey_type = f"COALESCE({type_from_column}, m.survey_type, {fallback})"
            elif role in SCORE_ROLES:
                survey_type = _lit(role.split(":", 1)[1])
            else:
                continue
            parts.append(
                f"SELECT {s.head()}, {s.account_id()} AS account_id, {s.text('respondent')} AS respondent, "
                f"{s.text('respondent_role')} AS respondent_role, {ts} AS ts, {present} AS ts_present, "
                f"{survey_type} AS survey_type, {s.number_of(column)} AS score, {s.present(column)} AS score_present, "
                f"{s.text('comment')} AS comment, {s.text('stage')} AS stage_raw {s.from_}")
    if not parts:
        return _empty_rows(SURVEYS)
    checks = _reason_case([("account_id IS NULL", R_ACCOUNT_MISSING), _unknown_account(has_accounts),
                           ("NOT ts_present", R_TS_MISSING), ("ts IS NULL", R_TS_BAD),
                           ("survey_type IS NULL", R_TYPE_UNKNOWN), ("NOT score_present", R_SCORE_MISSING),
                           ("score IS NULL", R_SCORE_NAN),
                           ("score < low OR score > high", R_SCORE_RANGE)])
    # A touchpoint that names no stage leaves stage NULL (metrics then use the journey's stage).
    return f"""
WITH src AS ({_union(parts)}),
mapped AS (
    SELECT src.*, sm.stage, sr.low, sr.high
    FROM src LEFT JOIN _stage_map AS sm ON sm.value = src.stage_raw
             LEFT JOIN _cx_score_ranges AS sr ON sr.survey_type = src.survey_type)
SELECT account_id, respondent, respondent_role, ts, survey_type, score, comment, stage, source, source_row,
       table_idx, {checks} AS reason
FROM mapped"""


def _factors_sql(items: list[_Sql], has_accounts: bool) -> str:
    dated, from_accounts = [], []
    for s in items:
        if s.tm.kind == ACCOUNTS:
            ts = "COALESCE(m.as_of, (SELECT latest FROM latest))"
            present = f"({ts} IS NOT NULL)"
        elif s.tm.kind == STAGE_SNAPSHOTS:
            ts, present = s.ts("as_of")
        else:
            ts, present = s.ts("ts")
        common = f"{s.head()}, {s.account_id()} AS account_id, {ts} AS ts, {present} AS ts_present"
        if s.tm.kind == FACTOR_RATINGS and s.tm.column("factor") and s.tm.column("score"):
            score_col = s.tm.column("score")
            dated.append(f"SELECT {common}, (SELECT vm.mapped FROM _cx_value_map vm WHERE vm.category = 'factor' "
                         f"AND vm.value = {s.text('factor')}) AS factor, {s.number_of(score_col)} AS score, "
                         f"{s.present(score_col)} AS score_present, false AS row_excluded {s.from_}")
        target = from_accounts if s.tm.kind == ACCOUNTS else dated
        for column, role in s.tm.roles.items():
            if not role.startswith("factor:") or role not in FACTOR_ROLES:
                continue
            excluded = "false"
            if s.tm.kind == ACCOUNTS:   # only rows the accounts view kept rate an account
                excluded = (f"(SELECT a.reason IS NOT NULL FROM {_rows_view(ACCOUNTS)} a "
                            f"WHERE a.table_idx = {s.idx} AND a.source_row = r._source_row)")
            target.append(f"SELECT {common}, {_lit(role.split(':', 1)[1])} AS factor, "
                          f"{s.number_of(column)} AS score, {s.present(column)} AS score_present, "
                          f"{excluded} AS row_excluded {s.from_}")
    if not dated and not from_accounts:
        return _empty_rows(FACTOR_RATINGS)
    dated_sql = _union(dated) if dated else _empty_factor_src()
    checks = _reason_case([("row_excluded", R_ACCOUNT_ROW), ("account_id IS NULL", R_ACCOUNT_MISSING),
                           _unknown_account(has_accounts), ("NOT ts_present", R_TS_MISSING),
                           ("ts IS NULL", R_TS_BAD), ("factor IS NULL", R_FACTOR_UNKNOWN),
                           ("NOT score_present", R_SCORE_MISSING), ("score IS NULL", R_SCORE_NAN)])
    # Metric columns of the accounts table carry no date: they count at the data's latest timestamp.
    accounts_part = f"UNION ALL BY NAME ({_union(from_accounts)})" if from_accounts else ""
    return f"""
WITH dated AS ({dated_sql}),
latest AS (
    SELECT max(t) AS latest FROM (
        SELECT max(ts) AS t FROM dated UNION ALL SELECT max(ts) FROM journey_events
        UNION ALL SELECT max(as_of) FROM stage_snapshots UNION ALL SELECT max(ts) FROM surveys)),
src AS (SELECT * FROM dated {accounts_part})
SELECT account_id, ts, factor, score, source, source_row, table_idx, {checks} AS reason
FROM src"""


def _empty_factor_src() -> str:
    return ("SELECT CAST(NULL AS INTEGER) AS table_idx, CAST(NULL AS VARCHAR) AS source, "
            "CAST(NULL AS BIGINT) AS source_row, CAST(NULL AS VARCHAR) AS account_id, "
            "CAST(NULL AS TIMESTAMP) AS ts, false AS ts_present, CAST(NULL AS VARCHAR) AS factor, "
            "CAST(NULL AS DOUBLE) AS score, false AS score_present, false AS row_excluded WHERE false")


# The Salesforce checksum: for each five-character chunk, a bit per upper-case letter picks one of 32.
_SF_MACROS = (
    "CREATE OR REPLACE MACRO _cx_sf_chunk(s, k) AS substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 + "
    + " + ".join(f"(CASE WHEN regexp_matches(substr(s, k * 5 + {j + 1}, 1), '[A-Z]') THEN {1 << j} ELSE 0 END)"
                 for j in range(5)) + ", 1)",
    "CREATE OR REPLACE MACRO _cx_account_id(x) AS CASE WHEN x IS NOT NULL AND regexp_full_match(x, '[a-zA-Z0-9]{18}') "
    "AND right(x, 3) = _cx_sf_chunk(x, 0) || _cx_sf_chunk(x, 1) || _cx_sf_chunk(x, 2) THEN left(x, 15) ELSE x END",
)


def _replace_table(con: duckdb.DuckDBPyConnection, name: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {quote(name)} ({columns})")
    if rows:
        con.executemany(f"INSERT INTO {quote(name)} VALUES ({', '.join('?' for _ in rows[0])})", rows)


def _helper_tables(con: duckdb.DuckDBPyConnection, mapping: Mapping, live: list[TableMapping],
                   types: dict[str, dict[str, str]]) -> None:
    """The small tables that carry every user value into the views as data, never as SQL text."""
    settings = mapping.settings
    allowed = set(_stage_names(settings))
    values = list(stage_values(con, mapping)["value"])
    stage_rows = {v: _effective_stage(v, mapping, allowed) for v in values}
    for value, target in mapping.stage_map.items():
        stage_rows.setdefault(value, target if target in allowed else None)
    _replace_table(con, "_stage_map", "value VARCHAR PRIMARY KEY, stage VARCHAR",
                   [(v, s) for v, s in stage_rows.items() if s is not None])
    stage_list = [(s.name, s.kind, i + 1) for i, s in enumerate(settings.stages)]
    if LOST_DEAL not in {s.name for s in settings.stages}:
        stage_list.append((LOST_DEAL, "lost", len(stage_list) + 1))
    _replace_table(con, "_cx_stage_list", "name VARCHAR, kind VARCHAR, position INTEGER", stage_list)
    default_zone = settings.timezones.get("*", "UTC")
    meta = []
    for i, tm in enumerate(live):
        as_of = _parse_as_of(tm.as_of)
        if as_of is None and tm.kind == ACCOUNTS:
            as_of = settings.as_of
        if as_of is not None and as_of.tzinfo is not None:
            as_of = as_of.replace(tzinfo=None)
        meta.append((i, tm.table, tm.source, tm.kind, as_of, tm.survey_type,
                     settings.timezones.get(tm.table, default_zone)))
    _replace_table(con, "_cx_tables", "idx INTEGER, table_name VARCHAR, source VARCHAR, kind VARCHAR, "
                   "as_of TIMESTAMP, survey_type VARCHAR, timezone VARCHAR", meta)
    value_rows: dict[tuple[str, str], str] = {}
    for tm in live:
        wanted = [(c, "survey_type", survey_type_of) for c in tm.columns_with("survey_type")]
        if tm.kind == FACTOR_RATINGS:
            wanted += [(c, "factor", factor_key) for c in tm.columns_with("factor")]
        wanted += [(c, "flag", _flag) for c in tm.columns_with("outcome")
                   if _type_class(types[tm.table][c]) == "text"]
        for column, category, fn in wanted:
            distinct = con.execute(f"SELECT DISTINCT NULLIF(trim(CAST({quote(column)} AS VARCHAR)), '') "
                                   f"FROM {quote(tm.table)}").fetchall()
            for (value,) in distinct:
                mapped = fn(value) if value is not None else None
                if mapped is not None:
                    value_rows[(category, value)] = str(mapped)
    _replace_table(con, "_cx_value_map", "category VARCHAR, value VARCHAR, mapped VARCHAR",
                   [(c, v, m) for (c, v), m in value_rows.items()])
    _replace_table(con, "_cx_score_ranges", "survey_type VARCHAR, low DOUBLE, high DOUBLE",
                   [(t, lo, hi) for t, (lo, hi) in SCORE_RANGES.items()])


def apply_mapping(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> list[ValidationReport]:
    """(Re)create the five canonical views from a mapping; one validation report per view.

    Raises MappingError (naming table and column) when the mapping does not fit the data.
    """
    errors = check_mapping(con, mapping)
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        raise MappingError(first.message + more, file=first.file, column=first.column)
    live = [tm for tm in mapping.tables if tm.kind != IGNORE]
    types = {tm.table: _columns(con, tm.table) for tm in live}
    _helper_tables(con, mapping, live, types)
    for macro in _SF_MACROS:
        con.execute(macro)
    items = [_Sql(tm, i, types[tm.table]) for i, tm in enumerate(live)]
    of_kind = {kind: [s for s in items if s.tm.kind == kind] for kind in KINDS}
    has_accounts = bool(of_kind[ACCOUNTS])
    segments = _segments(Mapping(live, mapping.stage_map, mapping.settings))
    seg_names = list(dict.fromkeys(name for _, _, name in segments))
    factor_sources = [s for s in items if s.tm.kind == FACTOR_RATINGS
                      or any(r in FACTOR_ROLES for r in s.tm.roles.values())]
    rows_sql = {
        ACCOUNTS: _accounts_sql(of_kind[ACCOUNTS], segments),
        STAGE_SNAPSHOTS: _snapshots_sql(of_kind[STAGE_SNAPSHOTS], has_accounts),
        JOURNEY_EVENTS: _events_sql(of_kind[JOURNEY_EVENTS], has_accounts),
        SURVEYS: _surveys_sql(of_kind[SURVEYS], has_accounts),
        FACTOR_RATINGS: _factors_sql(factor_sources, has_accounts),
    }
    fixed = ", ".join(quote(c) for c in canonical.columns(ACCOUNTS))
    view_sql = {
        ACCOUNTS: f"SELECT {fixed}{''.join(', ' + quote(n) for n in seg_names)} "
                  f"FROM {_rows_view(ACCOUNTS)} WHERE reason IS NULL",
        STAGE_SNAPSHOTS: _SNAPSHOTS_VIEW,
        JOURNEY_EVENTS: _EVENTS_VIEW,
        SURVEYS: f"SELECT {', '.join(quote(c) for c in canonical.columns(SURVEYS))} "
                 f"FROM {_rows_view(SURVEYS)} WHERE reason IS NULL",
        FACTOR_RATINGS: f"SELECT {', '.join(quote(c) for c in canonical.columns(FACTOR_RATINGS))} "
                        f"FROM {_rows_view(FACTOR_RATINGS)} WHERE reason IS NULL",
    }
    # Dependencies run accounts → snapshots → events → surveys → factor ratings. Each is stored
    # as a table once per mapping: every page and metric then reads it without re-deriving it.
    for view in (ACCOUNTS, STAGE_SNAPSHOTS, JOURNEY_EVENTS, SURVEYS, FACTOR_RATINGS):
        canonical.drop_relation(con, view)
        canonical.drop_relation(con, _rows_view(view))
        con.execute(f"CREATE TABLE {quote(_rows_view(view))} AS {rows_sql[view]}")
        con.execute(f"CREATE TABLE {quote(view)} AS {view_sql[view]}")
    return [validation_report(con, view) for view in canonical.VIEWS]


def unmap(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the applied mapping: the canonical tables and their row ledgers go, empty views return."""
    for view in canonical.VIEWS:
        canonical.drop_relation(con, view)
        canonical.drop_relation(con, _rows_view(view))
    canonical.create_empty_views(con)


def validation_report(con: duckdb.DuckDBPyConnection, view: str) -> ValidationReport:
    """Rows in, used and excluded (by reason) for one canonical view after `apply_mapping`."""
    rows_view = quote(_rows_view(view))
    counts = con.execute(f"SELECT reason, count(*) AS rows FROM {rows_view} GROUP BY reason "
                         "ORDER BY reason IS NOT NULL, rows DESC, reason").fetchall()
    used = sum(int(n) for r, n in counts if r is None)
    excluded = [(r, int(n)) for r, n in counts if r is not None]
    derived = 0
    if view == JOURNEY_EVENTS:
        derived = int(con.execute("SELECT count(*) FROM journey_events WHERE resolution = 'monthly'").fetchone()[0])
    reasons = pd.DataFrame({"reason": pd.Series([r for r, _ in excluded], dtype="str"),
                            "rows": pd.Series([n for _, n in excluded], dtype="int64")})
    total_excluded = sum(n for _, n in excluded)
    return ValidationReport(view, used + total_excluded, used, total_excluded, reasons, derived)


def excluded_rows(con: duckdb.DuckDBPyConnection, view: str) -> pd.DataFrame:
    """Every raw row a canonical view left out: source, source_row and reason (downloadable)."""
    if view not in canonical.VIEWS:
        raise MappingError(f'Unknown view "{view}" (expected one of {", ".join(canonical.VIEWS)}).')
    empty = pd.DataFrame({"source": pd.Series([], dtype="str"), "source_row": pd.Series([], dtype="int64"),
                          "reason": pd.Series([], dtype="str")})
    if not _table_exists(con, _rows_view(view)):
        return empty
    try:
        return con.execute(f"SELECT source, source_row, reason FROM {quote(_rows_view(view))} "
                           "WHERE reason IS NOT NULL ORDER BY source, source_row, reason").df()
    except duckdb.CatalogException:
        return empty      # the raw tables were dropped since (workspace cleared): nothing is mapped


# ---- key match and as-of date -------------------------------------------------------------------

def key_match(con: duckdb.DuckDBPyConnection, top: int = 10) -> list[KeyMatch]:
    """Per view, the share of rows whose account id is in the accounts table and the top misses.

    Empty when no accounts are loaded (there is nothing to match against).
    """
    if not con.execute("SELECT count(*) FROM accounts").fetchone()[0]:
        return []
    out = []
    for view in (JOURNEY_EVENTS, STAGE_SNAPSHOTS, SURVEYS, FACTOR_RATINGS):
        source = _rows_view(view) if _table_exists(con, _rows_view(view)) else view
        sql = f"""
WITH ids AS (SELECT DISTINCT account_id FROM accounts WHERE account_id IS NOT NULL),
keyed AS (
    SELECT v.account_id, i.account_id IS NOT NULL AS hit
    FROM {quote(source)} AS v LEFT JOIN ids AS i ON i.account_id = v.account_id
    WHERE v.account_id IS NOT NULL)
SELECT count(*) AS rows, count(*) FILTER (WHERE hit) AS matched FROM keyed"""
        rows, matched = con.execute(sql).fetchone()
        if not rows:
            continue
        misses = con.execute(f"""
WITH ids AS (SELECT DISTINCT account_id FROM accounts WHERE account_id IS NOT NULL)
SELECT v.account_id, count(*) AS rows
FROM {quote(source)} AS v
WHERE v.account_id IS NOT NULL AND v.account_id NOT IN (SELECT account_id FROM ids)
GROUP BY v.account_id ORDER BY rows DESC, v.account_id LIMIT ?""", [top]).df()
        out.append(KeyMatch(view, int(rows), int(matched), int(matched) / int(rows), misses))
    return out


def as_of_date(con: duckdb.DuckDBPyConnection, settings: Settings) -> dt.datetime:
    """The date every 'days since' is measured to: the setting, else the data's latest timestamp."""
    if settings.as_of is not None:
        return settings.as_of
    latest = con.execute("""
SELECT max(t) FROM (
    SELECT max(ts) AS t FROM journey_events UNION ALL SELECT max(as_of) FROM stage_snapshots
    UNION ALL SELECT max(ts) FROM surveys UNION ALL SELECT max(ts) FROM factor_ratings)""").fetchone()[0]
    if latest is None:
        raise MetricError("No dated rows are loaded, so there is no as-of date: set one in the settings.")
    return latest
