"""The content schema, declared once.

Every file kind under `content/` is a pydantic model here. The same declarations give:
- validation of each loaded file (`validate.py` turns pydantic's errors into diagnostics);
- the JSON Schemas in `schemas/` that editors' tools use (`python -m generator schema`);
- the field reference in the editors' guide, the `new` templates and `fmt`'s key order
  (`guide.py`);
- the frozen, typed objects the rest of the generator works with (`model.py`).

Field descriptions are written for editors: they are shown in their editor and in the guide.
"""

from __future__ import annotations

import functools
import types
import typing
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from generator import countries
from generator.dates import DateError, PartialDate
from generator.values import FORMAT_CHARACTERS as FORMAT_CHARACTERS
from generator.values import ID_MAX_LENGTH as ID_MAX_LENGTH
from generator.values import ID_PATTERN as ID_PATTERN
from generator.values import INVISIBLE_CHARACTERS as INVISIBLE_CHARACTERS
from generator.values import URL_PATTERN as URL_PATTERN
from generator.values import character_name as character_name
from generator.values import check_id as check_id
from generator.values import check_text, check_url
from generator.values import invisible_characters as invisible_characters

# --- value types -------------------------------------------------------------------------

_DAY = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
# The forms the checker accepts, for editors' tools: plain, about/perhaps, one of a set, a span.
DATE_PATTERN = rf"^({_DAY}[~?%]?|\[{_DAY}(, ?{_DAY})+\]|{_DAY}/{_DAY}|\.\./{_DAY}|{_DAY}/\.\.)$"

Id = Annotated[
    str,
    AfterValidator(check_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "maxLength": ID_MAX_LENGTH}),
]


def _parse_date(value: object) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, bool):
        raise PydanticCustomError("date_type", "expected a date such as 2021-05-24")
    if isinstance(value, list):
        # YAML reads an unquoted `[2015-05-13, 2015-05-14]` as a list.
        raise PydanticCustomError(
            "date_type", "write one of a set of dates in quotes, as '[2015-05-13,2015-05-14]'"
        )
    if isinstance(value, int):
        # YAML reads an unquoted `2021` as a number; a year is what the editor meant.
        value = str(value)
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "expected a date such as 2021-05-24")
    try:
        return PartialDate.parse(value)
    except DateError as error:
        raise PydanticCustomError("date", str(error)) from None


Date = Annotated[
    PartialDate,
    BeforeValidator(_parse_date),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": DATE_PATTERN},
                {"type": "integer", "minimum": 1, "maximum": 9999},
            ],
            "description": "YYYY, YYYY-MM or YYYY-MM-DD: write only as much as is known; "
            "or an EDTF date: 2015-05~ (about), 2015-05-13? (perhaps), "
            "'[2015-05-13,2015-05-14]' (one of), 2015-05-13/2015-05-14 (from–to), "
            "../2017-03 (by), 2017-03/.. (from, end unknown).",
        }
    ),
]

Url = Annotated[
    str,
    AfterValidator(check_url),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": URL_PATTERN}),
]


def _check_country(value: str) -> str:
    if not countries.is_code(value):
        suggestion = countries.code_for_name(value)
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        raise PydanticCustomError(
            "country",
            "'{value}' is not an ISO 3166-1 two-letter country code{hint}",
            {"value": value, "hint": hint},
        )
    return value


Country = Annotated[
    str,
    AfterValidator(_check_country),
    WithJsonSchema({"type": "string", "enum": list(countries.CODES)}),
]

LANGUAGE_PATTERN = r"^[a-z]{2,3}$"
Language = Annotated[str, Field(pattern=LANGUAGE_PATTERN)]

_NOT_BLANK = {"pattern": r"\S"}
Text = Annotated[str, Field(min_length=1, json_schema_extra=_NOT_BLANK), AfterValidator(check_text)]
# Text that is Markdown on the page; everything else an editor writes is shown as plain text.
Markdown = Annotated[
    str,
    Field(min_length=1, json_schema_extra={**_NOT_BLANK, "contentMediaType": "text/markdown"}),
    AfterValidator(check_text),
]
ShortText = Annotated[
    str,
    Field(min_length=1, max_length=300, json_schema_extra=_NOT_BLANK),
    AfterValidator(check_text),
]

ReviewNote = Annotated[
    Text | None,
    Field(
        default=None,
        description=(
            "Set this when the fact needs editorial review, and say why (for example "
            "'the day is unverified'). The site shows a review marker with this note."
        ),
    ),
]

SourceRefs = Annotated[
    list[Id],
    Field(description="Ids of the sources (files under content/sources/) that back this."),
]
RequiredSources = Annotated[
    list[Id],
    Field(
        min_length=1,
        description="Ids of the sources (files under content/sources/) that back this; "
        "at least one.",
    ),
]

# --- enumerations -----------------------------------------------------------------------


class ActorKind(StrEnum):
    STATE = "state"
    INTERGOVERNMENTAL_ORGANISATION = "intergovernmental_organisation"
    JUNTA = "junta"
    ARMED_GROUP = "armed_group"
    PERSON = "person"
    PRIVATE_MILITARY_COMPANY = "private_military_company"
    MILITARY_OPERATION = "military_operation"
    MEDIA = "media"
    RESEARCH_ORGANISATION = "research_organisation"


class EventKind(StrEnum):
    COUP = "coup"
    ATTACK = "attack"
    MASSACRE = "massacre"
    BATTLE = "battle"
    SUMMIT = "summit"
    TREATY = "treaty"
    SANCTION = "sanction"
    SANCTIONS_LIFTED = "sanctions_lifted"
    WITHDRAWAL = "withdrawal"
    DEPLOYMENT = "deployment"
    STATEMENT = "statement"
    APPOINTMENT = "appointment"
    INAUGURATION = "inauguration"
    REFERENDUM = "referendum"
    DESIGNATION = "designation"
    BLOCKADE = "blockade"
    DISSOLUTION = "dissolution"
    FOUNDING = "founding"
    OTHER = "other"


class LocationPrecision(StrEnum):
    EXACT = "exact"
    SITE = "site"
    CITY = "city"
    REGION = "region"
    COUNTRY = "country"


class StatementKind(StrEnum):
    """The four kinds of statement the site never mixes."""

    CLAIM = "claim"
    OFFICIAL_STATEMENT = "official_statement"
    REPORT = "report"
    ASSESSMENT = "assessment"


class ClaimStatus(StrEnum):
    CLAIMED = "claimed"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    DENIED = "denied"
    UNVERIFIED = "unverified"


class RelationshipKind(StrEnum):
    MEMBER_OF = "member_of"
    LED_BY = "led_by"
    ALLIED_WITH = "allied_with"
    OPPOSED_TO = "opposed_to"
    AFFILIATED_WITH = "affiliated_with"
    PART_OF = "part_of"
    SANCTIONED = "sanctioned"
    DEPLOYED_IN = "deployed_in"


class SourceKind(StrEnum):
    NEWS_AGENCY_REPORT = "news_agency_report"
    NEWS_REPORT = "news_report"
    OFFICIAL_STATEMENT = "official_statement"
    ARMED_GROUP_STATEMENT = "armed_group_statement"
    IGO_COMMUNIQUE = "igo_communique"
    RESEARCH = "research"
    REFERENCE = "reference"


class FigureQualifier(StrEnum):
    EXACTLY = "exactly"
    AT_LEAST = "at_least"
    MORE_THAN = "more_than"
    ABOUT = "about"
    UP_TO = "up_to"


# --- building blocks ----------------------------------------------------------------------


class Strict(BaseModel):
    """Unknown fields are errors, so a misspelt field never silently drops a fact."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Alias(Strict):
    name: ShortText = Field(description="The other name, as written in that language.")
    lang: Language | None = Field(
        default=None, description="ISO 639-1 language code of the name, such as 'fr'."
    )
    note: ShortText | None = Field(
        default=None, description="What to tell readers about this name, if anything."
    )


def _alias_from_text(value: object) -> object:
    return {"name": value} if isinstance(value, str) else value


class Location(Strict):
    place: ShortText = Field(description="Place name as readers know it, such as 'Bamako'.")
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2 code.")
    lat: float | None = Field(default=None, ge=-90, le=90, description="Latitude (WGS84).")
    lon: float | None = Field(default=None, ge=-180, le=180, description="Longitude (WGS84).")
    precision: LocationPrecision = Field(
        description="How precise the coordinates are: exact, site, city, region or country."
    )
    needs_review: ReviewNote

    @model_validator(mode="after")
    def _both_coordinates(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            raise PydanticCustomError("coordinates", "give both 'lat' and 'lon', or neither")
        return self


class Participant(Strict):
    actor: Id = Field(description="Id of the actor (a file under content/actors/).")
    role: ShortText = Field(description="What the actor did, such as 'attacker' or 'host'.")


class Milestone(Strict):
    date: Date = Field(description="When this step happened.")
    label: ShortText = Field(description="What happened at this step, such as 'Exit takes effect'.")
    sources: SourceRefs = Field(default_factory=list)
    needs_review: ReviewNote


class Claim(Strict):
    """A statement attributed to whoever made it; never presented as established fact."""

    id: Id = Field(
        description="A short id, unique among the event's claims and figures, such as "
        "'jnim-claims-attack'; it is the claim's permanent anchor: keep it when you edit the claim."
    )
    claimant: Id = Field(description="Id of the actor who made the statement.")
    kind: StatementKind = Field(
        description=(
            "claim: a party's assertion (an armed group's claim of responsibility); "
            "official_statement: a government, army or intergovernmental body; "
            "report: what a news organisation says it saw or could not verify; "
            "assessment: an analyst's or researcher's view."
        )
    )
    statement: Text = Field(description="What was said, in your own words.")
    quote: ShortText | None = Field(
        default=None, description="A short verbatim phrase, only if a source prints it."
    )
    status: ClaimStatus = Field(description="claimed, confirmed, disputed, denied or unverified.")
    date: Date | None = Field(default=None, description="When the statement was made.")
    sources: RequiredSources
    contradicts: list[Id] = Field(
        default_factory=list,
        description="Ids of other claims of this event that this statement contradicts, "
        "where a source shows that both cannot be true; the site lists them as a dispute.",
    )
    confirms: list[Id] = Field(
        default_factory=list,
        description="Ids of other claims of this event that this statement confirms.",
    )
    needs_review: ReviewNote


class DateAlternative(Strict):
    """Another date a source gives for the event, shown beside the one the event uses."""

    date: Date = Field(description="The other date, as the source gives it.")
    sources: RequiredSources
    note: ShortText | None = Field(
        default=None, description="Why the sources differ, if known, such as 'reported a day late'."
    )


class Figure(Strict):
    """One reported number (or range), attributed; sources that disagree get one each."""

    id: Id = Field(
        description="A short id, unique among the event's claims and figures, such as "
        "'killed-security-afp'; it is the figure's permanent anchor: keep it when you edit "
        "the figure."
    )
    measure: ShortText = Field(description="What is counted, such as 'killed' or 'wounded'.")
    value: int | None = Field(default=None, ge=0, description="The number, when one is given.")
    min: int | None = Field(default=None, ge=0, description="Lower bound of a range.")
    max: int | None = Field(default=None, ge=0, description="Upper bound of a range.")
    qualifier: FigureQualifier = Field(
        default=FigureQualifier.EXACTLY,
        description="exactly, at_least, more_than, about or up_to.",
    )
    as_reported: ShortText | None = Field(
        default=None,
        description="The figure in the source's words, such as 'more than 70'; required "
        "when there is no number, as with 'hundreds'.",
    )
    according_to: ShortText = Field(
        description="Who gave the figure, such as 'security sources speaking to AFP'."
    )
    claimant: Id | None = Field(
        default=None, description="Id of the actor, when a party to the events gave it."
    )
    date: Date | None = Field(
        default=None,
        description="When the figure was first given, if a source says; a source published "
        "before this date cannot carry it.",
    )
    sources: RequiredSources
    needs_review: ReviewNote

    @model_validator(mode="after")
    def _has_a_figure(self) -> Figure:
        if self.value is None and self.min is None and self.max is None and not self.as_reported:
            raise PydanticCustomError(
                "figure", "give 'value', a 'min'/'max' range, or 'as_reported' text"
            )
        if self.value is not None and (self.min is not None or self.max is not None):
            raise PydanticCustomError("figure", "give either 'value' or 'min'/'max', not both")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise PydanticCustomError("figure", "'max' is smaller than 'min'")
        return self


# --- the file kinds ------------------------------------------------------------------------


class Entity(Strict):
    id: Id = Field(description="Unique id; must equal the file name without '.yaml'.")


class Actor(Entity):
    name: ShortText = Field(description="The name most readers know, in English.")
    short_name: ShortText | None = Field(
        default=None, description="A short label for figures, such as 'ECOWAS'."
    )
    kind: ActorKind = Field(description="What sort of actor this is.")
    aliases: list[Annotated[Alias, BeforeValidator(_alias_from_text)]] = Field(
        default_factory=list,
        description="Other names, acronyms and spellings, each with its language.",
    )
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2 code.")
    description: Markdown = Field(description="Who this is, in a few sentences of Markdown.")
    founded: Date | None = Field(default=None, description="When it came into being.")
    dissolved: Date | None = Field(default=None, description="When it ceased to exist.")
    sources: SourceRefs = Field(default_factory=list)
    needs_review: ReviewNote


class Event(Entity):
    title: ShortText = Field(description="A short factual headline, such as 'Coup in Niger'.")
    kind: EventKind = Field(description="What sort of event this is.")
    date: Date = Field(description="When it happened, or began.")
    end: Date | None = Field(default=None, description="When a span of days ended.")
    date_alternatives: list[DateAlternative] = Field(
        default_factory=list,
        description="Other dates sources give for the event, each with its sources; the "
        "site shows them as a dispute over the date.",
    )
    milestones: list[Milestone] = Field(
        default_factory=list, description="Named steps of a process, each with its date."
    )
    location: Location | None = Field(default=None, description="Where it happened.")
    participants: list[Participant] = Field(
        default_factory=list, description="The actors involved, each with its role."
    )
    summary: Markdown = Field(description="What happened, in your own words (Markdown).")
    topics: list[Id] = Field(
        default_factory=list, description="Ids of the storylines (content/topics/)."
    )
    sources: RequiredSources
    claims: list[Claim] = Field(
        default_factory=list, description="Attributed statements about this event."
    )
    figures: list[Figure] = Field(
        default_factory=list, description="Reported numbers, one entry per source."
    )
    related: list[Id] = Field(default_factory=list, description="Ids of related events.")
    needs_review: ReviewNote


class Relationship(Entity):
    from_: Id = Field(alias="from", description="Id of the actor the relation starts from.")
    to: Id = Field(description="Id of the actor it points to.")
    kind: RelationshipKind = Field(
        description="'from' member_of / led_by / allied_with / opposed_to / "
        "affiliated_with / part_of / sanctioned / deployed_in 'to'."
    )
    start: Date | None = Field(default=None, description="When it began, if known.")
    end: Date | None = Field(default=None, description="When it ended; leave out if it holds.")
    description: Markdown | None = Field(
        default=None, description="What the relation was, in your own words (Markdown)."
    )
    sources: RequiredSources
    needs_review: ReviewNote


class Source(Entity):
    kind: SourceKind = Field(
        description="Which of the kinds of statement this source is: a news agency's report, "
        "another news report, an official statement, an armed group's statement, an "
        "intergovernmental communiqué, research, or a reference work."
    )
    publisher: ShortText = Field(description="Who published it, such as 'AFP' or 'BBC News'.")
    agency: ShortText | None = Field(
        default=None, description="The news agency whose story a publisher carried, if any."
    )
    title: ShortText | None = Field(
        default=None,
        description="The headline exactly as the published page shows it; leave out if you "
        "could not read it there. Never write one from a summary or an excerpt.",
    )
    url: Url | None = Field(
        default=None, description="The exact address; leave out if unknown. Never guess one."
    )
    published: Date | None = Field(
        default=None,
        description="When it was published, only as far as the page states it: YYYY, "
        "YYYY-MM or YYYY-MM-DD.",
    )
    language: Language | None = Field(default=None, description="ISO 639-1 code, such as 'en'.")
    accessed: Date | None = Field(default=None, description="When an editor last read it.")
    archive_url: Url | None = Field(
        default=None,
        description="The address of an archived copy (such as the Wayback Machine's), only "
        "from a capture you opened; never made up from the live address.",
    )
    archived: Date | None = Field(default=None, description="When that copy was captured.")
    notes: Markdown | None = Field(
        default=None, description="Anything readers should know about this source."
    )
    needs_review: ReviewNote

    @model_validator(mode="after")
    def _archive_with_its_date(self) -> Source:
        if (self.archive_url is None) != (self.archived is None):
            raise PydanticCustomError(
                "archive", "give 'archive_url' and 'archived' (the capture's date) together"
            )
        return self


class Topic(Entity):
    title: ShortText = Field(description="The storyline's title, such as 'The coups'.")
    order: int = Field(default=100, description="Position among the storylines.")
    introduction: Markdown = Field(description="The storyline's introduction, in Markdown.")
    sources: SourceRefs = Field(default_factory=list)
    needs_review: ReviewNote


FileKind = Literal["actors", "events", "relationships", "sources", "topics"]

# The folder names under content/ and the model each holds.
MODELS: dict[FileKind, type[Entity]] = {
    "actors": Actor,
    "events": Event,
    "relationships": Relationship,
    "sources": Source,
    "topics": Topic,
}


def bare_type(annotation: Any) -> Any:
    """The type declared behind `Annotated[...]` and `... | None`: `list[Id] | None` → `list[Id]`.

    The schema has no union but the optional one, so what is left is a single type.
    """
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0]
        else:
            return annotation


@functools.cache
def markdown_fields(kind: FileKind) -> tuple[str, ...]:
    """The top-level fields of a file kind that hold Markdown, read off the declarations."""
    properties = json_schema(kind)["properties"]
    return tuple(
        name
        for name, spec in properties.items()
        if any(
            option.get("contentMediaType") == "text/markdown"
            for option in (spec, *spec.get("anyOf", ()))
        )
    )


def json_schema(kind: FileKind) -> dict[str, Any]:
    schema = MODELS[kind].model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{kind}.schema.json"
    return schema
