"""The annotation format: which keys each part of a review file takes, and what each key holds.

A structural description only. Which codes a coded key accepts is not listed here: a coded key names
the ontology property it fills, and the property's sg:valueScheme in ontology/sgkg.ttl names the
SKOS scheme in ontology/vocab/ whose notations are the valid codes.
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib.namespace import DCTERMS, Namespace

from kg_build.rdf.namespace import SG

TIME = Namespace("http://www.w3.org/2006/time#")

# kinds of value
ID = "id"            # a local id: lowercase letters, digits, hyphens
TEXT = "text"        # free text
CODE = "code"        # one code of the property's vocabulary
CODES = "codes"      # one code or a list of codes
REF = "ref"          # one local id of the given kinds
REFS = "refs"        # one local id or a list
DATE = "date"        # 2016, 2016-09 or 2016-09-06
BOOL = "bool"
INT = "int"
URL = "url"
GSS = "gss"
MAP = "map"          # a nested mapping
LIST = "list"        # a list of mappings
EVIDENCE = "evidence"  # {source, quote} or a list of them
NOT_STATED = "not_stated"  # names of keys of this entry whose value the sources do not state


@dataclass(frozen=True)
class Key:
    name: str
    kind: str
    required: bool = False
    prop: object = None               # ontology property (coded keys read their scheme from it)
    refs: tuple[str, ...] = ()        # for REF/REFS: which sections the id may come from
    keys: tuple["Key", ...] = ()      # for MAP/LIST: the keys of the nested mapping
    doc: str = ""
    shorthand: str | None = None      # MAP may be written as a plain scalar meaning this key
    unstated: bool = False            # may be listed under not_stated (its `prop` is then recorded)


def _keys(*ks: Key) -> tuple[Key, ...]:
    return ks


EVIDENCE_KEYS = _keys(
    Key("source", REF, True, refs=("sources",), doc="id of the source document"),
    Key("quote", TEXT, doc="a short phrase of the source, at most 200 characters"),
)

WHEN = _keys(
    Key("date", DATE, doc="when: a day, a month or a year"),
    Key("from", DATE, doc="start of a period"),
    Key("to", DATE, doc="end of a period"),
    Key("date_text", TEXT, doc="the source's wording of when, e.g. 'in the weeks before his death'"),
)

NOT_STATED_KEY = Key("not_stated", NOT_STATED,
                     doc="keys of this entry whose value the sources do not state, e.g. [publisher]")

CLAIM = _keys(Key("evidence", EVIDENCE, doc="where the claim comes from"),) + WHEN
EVENT_CLAIM = _keys(Key("evidence", EVIDENCE, doc="where the claim comes from"),
                    Key("date", DATE, doc="when: a day, a month or a year", prop=TIME.hasTime, unstated=True),
                    ) + WHEN[1:]

RISK_FACTOR = _keys(
    Key("id", ID, doc="optional; defaults to {person}-{factor}"),
    Key("factor", CODE, True, prop=SG.riskFactor),
    Key("known_to", REFS, refs=("agencies",), doc="agencies that knew"),
    Key("not_known_to", REFS, refs=("agencies",), doc="agencies that did not know"),
    Key("summary", TEXT),
) + CLAIM

OUTCOME = _keys(
    Key("type", CODE, True, prop=SG.outcomeType),
    Key("harm", CODES, prop=SG.harmType),
    Key("death_category", CODE, prop=SG.deathCategory),
    Key("preventable", BOOL, doc="the review's conclusion on whether it could have been prevented"),
    Key("summary", TEXT),
) + CLAIM

AGE_KEYS = _keys(Key("years", INT), Key("months", INT), Key("weeks", INT), Key("days", INT))

PERSON_COMMON = _keys(
    Key("id", ID, True),
    Key("as", TEXT, True, doc="how the source refers to the person: pseudonym or role"),
    Key("name", TEXT, doc="real name, only where a source published it"),
    Key("name_published_in", REF, refs=("sources",)),
    Key("sex", CODE, prop=SG.sex),
    Key("age_text", TEXT),
)

SECTIONS = _keys(
    Key("review", MAP, True, keys=_keys(
        Key("id", ID, True, doc="the review id: lowercase, hyphens, e.g. isle-of-wight-2013-baby-t"),
        Key("title", TEXT, True),
        Key("type", CODE, True, prop=SG.reviewType),
        Key("published", DATE, True),
        Key("commissioned", DATE),
        Key("completed", DATE),
        Key("board", TEXT, True, doc="the board or partnership that published it"),
        Key("local_authority", MAP, keys=_keys(Key("name", TEXT, True), Key("gss", GSS)),
            prop=SG.inLocalAuthority, unstated=True),
        Key("reviewer", REF, refs=("persons",)),
        Key("case", ID, doc="case id shared by reviews of one case; defaults to the review id"),
        Key("details_withheld", BOOL),
        Key("published_alongside", REFS, refs=("@reviews",), doc="ids of reviews published with it"),
        Key("summary", TEXT),
        NOT_STATED_KEY,
    )),
    Key("annotation", MAP, True, keys=_keys(
        Key("annotator", MAP, True, keys=_keys(
            Key("id", ID, True), Key("name", TEXT, True),
            Key("kind", TEXT, doc="person (default) or software"), Key("version", TEXT),
        )),
        Key("status", CODE, True, prop=SG.annotationStatus),
    )),
    Key("sources", LIST, True, keys=_keys(
        Key("id", ID, True),
        Key("type", CODE, True, prop=SG.sourceType),
        Key("title", TEXT, True),
        Key("publisher", TEXT, prop=DCTERMS.publisher, unstated=True),
        Key("published", DATE),
        Key("url", URL),
        NOT_STATED_KEY,
    )),
    Key("children", LIST, True, keys=PERSON_COMMON + _keys(
        Key("age", MAP, keys=AGE_KEYS, doc="exactly one of years, months, weeks, days"),
        Key("born", DATE),
        Key("outcome", MAP, keys=OUTCOME, shorthand="type", prop=SG.outcomeFor, unstated=True),
        NOT_STATED_KEY,
    )),
    Key("persons", LIST, keys=PERSON_COMMON + _keys(
        Key("relation", CODES, prop=SG.relationshipToChild, doc="family members and carers"),
        Key("related_child", REFS, refs=("children",)),
        Key("agency", REF, refs=("agencies",), doc="professionals: the agency they worked for"),
        Key("role", CODES, prop=SG.professionalRole),
        Key("experience", CODES, prop=SG.experienceLevel),
        Key("risk_factors", LIST, keys=RISK_FACTOR),
    )),
    Key("agencies", LIST, True, keys=_keys(
        Key("id", ID, True),
        Key("type", CODE, True, prop=SG.agencyType),
        Key("name", TEXT, doc="defaults to the agency type's label"),
    )),
    Key("events", LIST, keys=_keys(
        Key("id", ID, True),
        Key("type", CODES, True, prop=SG.eventType),
        Key("incident", BOOL, doc="true for the incident in which the child was harmed or died"),
        Key("agency", REFS, refs=("agencies",), prop=SG.involvedAgency, unstated=True),
        Key("persons", REFS, refs=("persons", "children")),
        Key("children", REFS, refs=("children",)),
        Key("observed", CODES, prop=SG.observedConcern),
        Key("referred_to", REF, refs=("agencies",)),
        Key("repeated", BOOL),
        Key("occasions", INT),
        Key("summary", TEXT),
        NOT_STATED_KEY,
    ) + EVENT_CLAIM),
    Key("information_sharing", LIST, keys=_keys(
        Key("id", ID, True),
        Key("held_by", REF, True, refs=("agencies",)),
        Key("not_shared_with", REFS, True, refs=("agencies",)),
        Key("about", REF, refs=("@risk_factors",)),
        Key("summary", TEXT, True),
    ) + CLAIM),
    Key("missed_opportunities", LIST, keys=_keys(
        Key("id", ID, True),
        Key("type", CODES, True, prop=SG.missedOpportunityType),
        Key("agency", REFS, True, refs=("agencies",)),
        Key("events", REFS, refs=("events",), prop=SG.relatedEvent, unstated=True),
        Key("summary", TEXT, True),
        NOT_STATED_KEY,
    ) + CLAIM),
    Key("findings", LIST, keys=_keys(
        Key("id", ID, True),
        Key("themes", CODES, True, prop=SG.theme, doc="finding-theme codes"),
        Key("summary", TEXT, True),
        Key("events", REFS, refs=("events",)),
    ) + CLAIM),
    Key("good_practice", LIST, keys=_keys(
        Key("id", ID, True),
        Key("themes", CODES, prop=SG.theme, doc="good-practice-theme codes"),
        Key("agency", REFS, refs=("agencies",)),
        Key("summary", TEXT, True),
    ) + CLAIM),
    Key("recommendations", LIST, keys=_keys(
        Key("id", ID, True),
        Key("summary", TEXT, True),
        Key("addressee", REFS, refs=("agencies", "@board", "@local_authority"), prop=SG.addressee, unstated=True),
        Key("status", CODE, prop=SG.recommendationStatus),
        Key("themes", CODES, prop=SG.theme, doc="finding-theme codes"),
        NOT_STATED_KEY,
    ) + CLAIM),
    Key("systemic_factors", LIST, keys=_keys(
        Key("id", ID, True),
        Key("factor", CODE, True, prop=SG.systemicFactor),
        Key("agency", REFS, refs=("agencies",)),
        Key("summary", TEXT),
    ) + CLAIM),
    Key("legal_outcomes", LIST, keys=_keys(
        Key("id", ID, True),
        Key("persons", REFS, refs=("persons",)),
        Key("outcome", CODES, True, prop=SG.legalOutcomeType),
        Key("sentence", TEXT),
        Key("summary", TEXT),
    ) + CLAIM),
    Key("inspections", LIST, keys=_keys(
        Key("id", ID, True),
        Key("inspected", REF, True, refs=("agencies", "@local_authority")),
        Key("inspectorate", TEXT),
        Key("judgement", CODE, True, prop=SG.inspectionJudgement),
        Key("summary", TEXT),
    ) + CLAIM),
)

#: `themes` is one key with two vocabularies: which one depends on the section
THEME_SCHEMES = {"findings": "finding-theme", "recommendations": "finding-theme",
                 "good_practice": "good-practice-theme"}

#: ids that name the review's own board and local authority where an agency id is expected
RESERVED_IDS = {"@board": "board", "@local_authority": "local-authority"}
