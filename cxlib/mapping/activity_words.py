"""Activity value vocabulary: what a type, status or "initiated by" cell of an activities export says.

Six languages, the project's own (English, French, Italian, Portuguese, Hungarian, Chinese), plus
the German and Spanish words the named exports use ("Referenz", "Llamada"). Values are compared
after `normalize_label` (case and accents folded): an exact word first, then a whole word inside a
longer value ("QBR meeting", "Call: outbound"), in the order of `_TYPES` (so a "Reference call" is
a reference, a "QBR meeting" a QBR). A type that names nothing is `other`, never dropped.
"""

from __future__ import annotations

import re

from cxlib.canonical import CUSTOMER, PROVIDER
from cxlib.stages import normalize_label


def _words(*groups: str) -> tuple[str, ...]:
    """Folded words from '|'-separated groups (one group per language)."""
    return tuple(dict.fromkeys(normalize_label(w) for g in groups for w in g.split("|") if w.strip()))


# In matching order: more specific types first.
_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("qbr", _words("qbr|ebr|business review|quarterly business review|executive business review|qbr meeting|"
                   "ebr meeting|quarterly review|executive review",
                   "revue trimestrielle|revue d affaires|bilan trimestriel",
                   "revisione trimestrale|business review trimestrale",
                   "revisao trimestral|revisao de negocios",
                   "negyedeves attekintes|uzleti attekintes",
                   "季度业务回顾|业务回顾|季度回顾",
                   "quartalsgesprach|geschaftsbericht|revision trimestral")),
    ("reference", _words("reference|reference call|reference visit|customer reference|referral call",
                         "appel de reference|reference client|visite de reference",
                         "referenza|chiamata di referenza",
                         "referencia|chamada de referencia",
                         "referencia hivas|referencia",
                         "客户推荐|推荐电话|参考客户",
                         "referenz|referenzanruf|referenzbesuch|llamada de referencia")),
    ("ticket", _words("ticket|support ticket|support case|incident|support request|help desk ticket",
                      "demande de support|incident",
                      "ticket di supporto|richiesta di assistenza",
                      "chamado|ticket de suporte|solicitacao",
                      "hibajegy|bejelentes",
                      "工单|支持工单|服务请求",
                      "supportanfrage|incidencia")),
    ("training", _words("training|onboarding training|enablement|workshop|class|course",
                        "formation|atelier",
                        "formazione|corso",
                        "treinamento|capacitacao|oficina",
                        "kepzes|oktatas",
                        "培训|工作坊",
                        "schulung|formacion|capacitacion")),
    ("webinar", _words("webinar|webcast|online seminar",
                       "webinaire",
                       "webinar|seminario online",
                       "webinario|seminario online",
                       "webinarium|webinar",
                       "网络研讨会|线上研讨会",
                       "webinar")),
    ("meeting", _words("meeting|event|visit|onsite|on site|appointment|demo|kickoff|kick off|video call",
                       "reunion|rendez vous|visite|rencontre",
                       "riunione|incontro|appuntamento|visita",
                       "reuniao|encontro|visita",
                       "megbeszeles|talalkozo|ertekezlet|latogatas",
                       "会议|会面|拜访",
                       "besprechung|termin|treffen")),
    ("call", _words("call|phone call|phone|outbound call|inbound call|log a call|logged call",
                    "appel|appel telephonique",
                    "chiamata|telefonata",
                    "ligacao|chamada|telefonema",
                    "hivas|telefonhivas|telefon",
                    "电话|通话|来电",
                    "anruf|telefonat|llamada")),
    ("email", _words("email|e mail|mail|sent email|inbound email|outbound email|newsletter",
                     "courriel|mel",
                     "posta elettronica",
                     "correio eletronico",
                     "level|e level",
                     "邮件|电子邮件",
                     "correo|correo electronico")),
    ("task", _words("task|to do|todo|follow up|followup|action item|next step",
                    "tache|suivi|relance",
                    "attivita|compito|azione",
                    "tarefa|acompanhamento",
                    "feladat|teendo|utankovetes",
                    "任务|待办|跟进",
                    "aufgabe|nachverfolgung|tarea|seguimiento")),
)

_DONE = _words("completed|complete|closed|done|held|finished|resolved|solved|sent|logged|attended|occurred",
               "termine|terminee|fait|ferme|fermee|realise|resolu|tenu",
               "completato|completata|chiuso|chiusa|fatto|svolto|risolto",
               "concluido|concluida|fechado|fechada|feito|realizado|resolvido",
               "kesz|befejezett|lezart|lezarva|megtartott|megoldott|teljesitett",
               "已完成|完成|已关闭|关闭|已举行|已解决",
               "erledigt|abgeschlossen|completado|cerrado|hecho")
_OPEN = _words("open|not started|in progress|waiting|waiting on someone else|deferred|planned|scheduled|pending|new|"
               "to do|overdue|cancelled|canceled|no show|rescheduled",
               "ouvert|ouverte|a faire|en cours|planifie|prevu|en attente|annule",
               "aperto|aperta|da fare|in corso|pianificato|programmato|in attesa|annullato",
               "aberto|aberta|a fazer|em andamento|planejado|agendado|pendente|cancelado",
               "nyitott|folyamatban|tervezett|utemezett|fuggoben|torolt",
               "未开始|进行中|待办|计划中|已安排|待处理|已取消",
               "offen|geplant|ausstehend|abierto|pendiente|programado")

_CUSTOMER = _words("customer|client|inbound|incoming|customer initiated|by customer|from customer",
                   "client|entrant|a l initiative du client",
                   "cliente|in entrata",
                   "cliente|entrada|recebido",
                   "ugyfel|bejovo",
                   "客户|来电|呼入|客户发起",
                   "kunde|eingehend|entrante")
_PROVIDER = _words("provider|vendor|us|we|csm|internal|outbound|outgoing|provider initiated|by us",
                   "fournisseur|sortant|interne",
                   "fornitore|in uscita|interno",
                   "fornecedor|saida|enviado|interno",
                   "szolgaltato|kimeno|belso",
                   "供应商|我方|呼出|内部",
                   "anbieter|ausgehend|proveedor|saliente")
_YES = _words("yes|y|true|t|1|oui|vrai|si|sim|verdadeiro|igen|是|对|ja")
_NO = _words("no|n|false|f|0|non|faux|nao|falso|nem|否|不|nein")


def _has_word(key: str, word: str) -> bool:
    """Whether a folded value holds a folded word as a whole word (any position, CJK by substring)."""
    if not word.isascii():
        return word in key
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", key) is not None


def _lookup(value: object, table: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """The first entry whose words equal the folded value, else the first with a whole word in it."""
    if value is None:
        return None
    key = normalize_label(value)
    if not key:
        return None
    for name, words in table:
        if key in words:
            return name
    for name, words in table:
        if any(_has_word(key, w) for w in words):
            return name
    return None


def activity_type_of(value: object) -> str:
    """The activity type a type cell names (one of `canonical.ACTIVITY_TYPES`); `other` when none."""
    return _lookup(value, _TYPES) or "other"


def subject_type_of(value: object) -> str | None:
    """'qbr' or 'reference' when a subject names one ("Q3 QBR", "Reference call for Initech"), else None.

    Read only when the type column says meeting or there is none (Salesforce's Type picklist
    has no QBR; a "QBR prep call" stays a call, a "Send QBR notes" task a task)."""
    return _lookup(value, _TYPES[:2])


def activity_state_of(value: object) -> str | None:
    """'done' when a status says it happened (completed, closed, held …), 'open' when it says not yet, else None."""
    return _lookup(value, (("open", _OPEN), ("done", _DONE)))


def initiated_by_of(value: object, *, customer_flag: bool = False) -> str | None:
    """Who started it, from an "initiated by"/direction cell: PROVIDER, CUSTOMER or None when not said.

    A yes/no cell (`customer_flag`: a "Customer initiated" column) says customer for yes, provider for no."""
    key = normalize_label(value) if value is not None else ""
    if key in _YES:
        return CUSTOMER if customer_flag else None
    if key in _NO:
        return PROVIDER if customer_flag else None
    found = _lookup(value, (("customer", _CUSTOMER), ("provider", _PROVIDER)))
    return {"customer": CUSTOMER, "provider": PROVIDER}.get(found or "")
