"""Header vocabulary: the words and patterns by which headers, values and file names name a concept.

Headers are recognised in English, French, Italian, Portuguese, Hungarian and Chinese and from
common CRM/CS-tool exports (README, "Data you can bring"), compared after `normalize_label`. Stage
value synonyms live in `cxlib.stages` and factor names in `cxlib.factors`; this module holds the rest:
column concepts, metric headers that rate a factor, survey-type words and yes/no words.
"""

from __future__ import annotations

import re

from cxlib.factors import factor_key
from cxlib.mapping.roles import SURVEY_TYPES
from cxlib.stages import default_stages, normalize_label, suggest_stage


def _words(*groups: str) -> frozenset[str]:
    """One frozenset of folded words from '|'-separated groups (one group per language)."""
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
        "annualized revenue|annualised revenue|arr amount|annual revenue|annualrevenue|yearly revenue",
        "revenu annuel recurrent|revenus annuels recurrents|chiffre d affaires annuel recurrent|"
        "valeur annuelle du contrat|chiffre d affaires annuel",
        "fatturato annuo|ricavi annui|ricavi ricorrenti annui|ricavo ricorrente annuo|fatturato ricorrente annuo|valore annuo del contratto",
        "receita recorrente anual|receita anual recorrente|valor anual do contrato|receita anual|faturamento anual",
        "eves ismetlodo bevetel|eves visszatero bevetel|eves szerzodeses ertek|eves bevetel|eves arbevetel",
        "年度经常性收入|年经常性收入|年度合同价值|年收入|年营收"),
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
    "churn_flag": (_words(
        "churn|churned|is churned|has churned|churn flag|churned flag|churn status|churn indicator|churn yn|"
        "churned yn|is cancelled|is canceled|cancelled|canceled|attrition|attrition flag|attrited|exited|"
        "lost customer|customer lost|account churned|churned customer",
        "churne|client perdu|resilie|a resilie|desabonne",
        "abbandonato|cliente perso|disdetto|churnato",
        "cancelou|cancelado|cliente perdido|evadido|churnou",
        "lemorzsolodott|lemondott|elvesztett ugyfel|felmondott",
        "是否流失|流失|已流失|流失标志|流失客户|是否取消"),
        r"^(is |has )?(churn|churned|cancel+ed|attrited)( flag| status| indicator| yn)?$|^attrition flag$|流失$"),
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
    # Why the account bought, as text (role `intent`); a numeric intent score stays the factor customer_intent.
    "intent": (_words(
        "intent|intention|customer intent|buying intent|purchase intent|why they bought|why bought|"
        "buying reason|reason for buying|purchase reason|reason for purchase|reason to buy|use case|"
        "primary use case|main use case|business case|buying motive|purchase motive|goal of purchase",
        "intention d achat|raison de l achat|motif d achat|pourquoi ils ont achete|cas d usage|cas d utilisation|"
        "raison d achat",
        "intento|intenzione|intenzione d acquisto|motivo dell acquisto|motivo d acquisto|perche hanno acquistato|"
        "caso d uso",
        "intencao|intencao de compra|motivo da compra|razao da compra|por que compraram|caso de uso",
        "vasarlasi szandek|vasarlas oka|miert vasaroltak|felhasznalasi eset|szandek",
        "购买意图|购买原因|购买动机|为什么购买|使用场景|用例|采购原因"),
        r"\b(why (they|the customer) (bought|buy)|buying reason|reason for (purchase|buying)|purchase reason|"
        r"use case|raison (de l |d )achat|motivo (dell |d |da )?(acquisto|compra)|vasarlas oka)\b|购买(原因|动机|意图)"),
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

_CONCEPT_PATTERNS = {c: (ex, re.compile(p) if p else None) for c, (ex, p) in _CONCEPTS.items()}

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
# Account status words (README, "Accounts exports with flags"): what a Status column says about churn.
_ACTIVE_STATUS = _words(
    "active|current|existing|existing customer|active customer|live|retained|renewed|paying|subscribed|"
    "in good standing|not churned|stayed",
    "actif|active|client actif|en cours|abonne",
    "attivo|attiva|cliente attivo|in corso",
    "ativo|ativa|cliente ativo|vigente",
    "aktiv|aktiv ugyfel|elo",
    "活跃|在用|正常|有效|活跃客户|留存")
_CHURNED_STATUS = _words(
    "churned|churn|cancelled|canceled|attrited|attrited customer|terminated|former customer|lost customer|"
    "not renewed|closed churned|unsubscribed|left",
    "churne|resilie|annule|ancien client|client perdu|desabonne",
    "disdetto|annullato|cessato|cliente perso|ex cliente|abbandonato",
    "cancelado|cancelada|encerrado|ex cliente|cliente perdido|evadido",
    "lemondott|lemorzsolodott|megszunt|felmondott|elvesztett ugyfel",
    "已流失|流失|已取消|取消|已终止|终止|流失客户")
_YES = _words("yes|y|true|t|1|oui|vrai|si|sim|verdadeiro|igen|是|对|达成|achieved|met|done")
_NO = _words("no|n|false|f|0|non|faux|nao|falso|nem|否|不|未达成|not achieved|not met")


def header_forms(header: str) -> tuple[str, str]:
    """(key, full): the header folded for matching, without and with bracketed hints."""
    text = re.sub(r"__c$", "", str(header))                 # Salesforce custom-field suffix
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)          # CamelCase API names: RecordedDate
    full = normalize_label(text)
    key = normalize_label(re.sub(r"\(.*?\)|\[.*?\]|（.*?）", " ", text)) or full
    return key, full


def header_concepts(header: str) -> dict[str, float]:
    """Concepts a header names, with strength 3 (exact) or 2 (pattern)."""
    key, full = header_forms(header)
    found: dict[str, float] = {}
    for concept, (exact, pattern) in _CONCEPT_PATTERNS.items():
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
    if "churn_flag" in found:
        found.pop("stage", None)          # "Churn status" is a flag, not the current stage
    if "churn_reason" in found:
        found.pop("stage", None)
    if "renewal" in found and found["renewal"] < 3 and "date" not in found:
        found.pop("renewal")              # "Renewal" alone is a stage value, not a date header
    return found


def metric_factor(header: str) -> str | None:
    """The engagement factor a numeric column's header rates ("Relationships (1-5)", "% licences active")."""
    key, _ = header_forms(header)
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
    key, full = header_forms(str(text))
    if key in _SURVEY_TYPE_VALUES:
        return _SURVEY_TYPE_VALUES[key]
    hits = [t for t in SURVEY_TYPES if _CONCEPT_PATTERNS[t][1].search(full)]  # type: ignore[union-attr]
    return hits[0] if len(hits) == 1 else None


def yes_no_number(value: object) -> float | None:
    """Yes/no words of six languages as 1.0/0.0, else None."""
    key = normalize_label(value)
    if key in _YES:
        return 1.0
    if key in _NO:
        return 0.0
    return None


def churn_status(value: object) -> bool | None:
    """What an account status word says: True churned ("Cancelled"), False active ("Active"), else None.

    Strict: only status words, so a Status column of them is recognised as a churn flag.
    """
    key = normalize_label(value)
    if key in _CHURNED_STATUS:
        return True
    if key in _ACTIVE_STATUS:
        return False
    return None


def churn_flag_value(value: object) -> bool | None:
    """A churn flag's cell as churned True/False: yes/no words, status words, then stage values.

    "Yes", "true", "1", "Cancelled", "Churned" → True; "No", "Active" → False; a stage value means
    its stage ("Onboarding" → a customer, not churned; "Churn" → churned); anything else (a lost
    deal, "n/a") → None, not said.
    """
    flag = yes_no_number(value)
    if flag is not None:
        return flag == 1.0
    status = churn_status(value)
    if status is not None:
        return status
    stage = suggest_stage(value)
    if stage is None:
        return None
    kind = next((s.kind for s in default_stages() if s.name == stage), None)
    if stage == "Churn":
        return True
    return False if kind == "funnel" else None


def yes_no_value(value: str) -> str:
    """A typed rate value as stored: yes/no words in six languages become '1'/'0', others unchanged."""
    flag = yes_no_number(value)
    return value if flag is None else str(int(flag))
