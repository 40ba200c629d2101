"""The report model: what a report source means, validated at the boundary.

Field names follow the source format (``spec/rapportformat.md``); validation messages are Norwegian
and are turned into located :class:`~ekspertrapport.errors.Problem` objects by the source readers.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from stdnum.no import orgnr as stdnum_orgnr

from .sections import BY_KEY, SECTION_KEYS


class Ansvarlig(StrEnum):
    ARBEIDSGIVER = "arbeidsgiver"
    ARBEIDSTAKER = "arbeidstaker"
    BEGGE = "begge"
    ANNEN = "annen"


class Spor(StrEnum):
    SAMME_ARBEID = "samme-arbeid"
    ANNET_ARBEID = "annet-arbeid-samme-arbeidsgiver"
    ANNEN_ARBEIDSGIVER = "annen-arbeidsgiver"


SPOR_ORDER: tuple[Spor, ...] = (Spor.SAMME_ARBEID, Spor.ANNET_ARBEID, Spor.ANNEN_ARBEIDSGIVER)

Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Arbeidsgiver(_Model):
    navn: Text
    orgnr: str
    leder: str | None = None

    @field_validator("orgnr", mode="before")
    @classmethod
    def _orgnr_text(cls, value: object) -> object:
        # YAML reads 974760673 as an int; accept it, the check digit decides.
        return str(value) if isinstance(value, int) else value

    @field_validator("orgnr")
    @classmethod
    def _valid_orgnr(cls, value: str) -> str:
        compact = stdnum_orgnr.compact(value)
        if not stdnum_orgnr.is_valid(compact):
            raise ValueError(f"«{value}» er ikke et gyldig organisasjonsnummer (9 siffer med kontrollsiffer)")
        return compact


class Arbeidstaker(_Model):
    navn: Text
    stilling: str | None = None


class Ekspert(_Model):
    navn: Text
    kompetanse: Text
    virksomhet: Text
    kontakt: str | None = None


class Nav(_Model):
    referanse: str | None = None

    @field_validator("referanse", mode="before")
    @classmethod
    def _ref_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class Periode(_Model):
    fra: date
    til: date

    @model_validator(mode="after")
    def _ordered(self) -> Periode:
        if self.fra > self.til:
            raise ValueError(f"fra ({self.fra.isoformat()}) er etter til ({self.til.isoformat()}); fra må være før eller lik til")
        return self


class Ressursbruk(_Model):
    timer: float | None = Field(default=None, ge=0)
    kostnad: float | None = Field(default=None, ge=0)


class Tiltak(_Model):
    hva: Text
    ansvarlig: Ansvarlig | None = None
    frist: date | str | None = None
    oppfolging: str | None = None
    spor: Spor = Spor.SAMME_ARBEID

    @field_validator("frist", mode="before")
    @classmethod
    def _frist(cls, value: object) -> object:
        if isinstance(value, int):
            return str(value)
        return value

    def frist_text(self) -> str:
        if self.frist is None:
            return ""
        return self.frist.strftime("%d.%m.%Y") if isinstance(self.frist, date) else self.frist


class FrontMatter(_Model):
    malform: Literal["nb", "nn"] = "nb"
    arbeidsgiver: Arbeidsgiver
    arbeidstaker: Arbeidstaker
    ekspert: Ekspert
    nav: Nav | None = None
    periode: Periode
    ressursbruk: Ressursbruk | None = None
    tiltak: list[Tiltak] = Field(default_factory=list)
    ingen_tiltak_begrunnelse: str | None = None

    @model_validator(mode="after")
    def _measures_or_reason(self) -> FrontMatter:
        if not self.tiltak and not (self.ingen_tiltak_begrunnelse or "").strip():
            raise ValueError(
                "rapporten må ha minst ett tiltak under «tiltak», eller forklare hvorfor i «ingen_tiltak_begrunnelse»"
            )
        return self

    def party_names(self) -> set[str]:
        names = {self.arbeidstaker.navn, self.ekspert.navn}
        if self.arbeidsgiver.leder:
            names.add(self.arbeidsgiver.leder)
        return names


class Section(_Model):
    """A ``##`` section of the body. ``body`` is Markdown with guidance comments removed."""

    key: str | None
    heading: str
    body: str
    start: int = 0  # offset of the heading in the source text
    end: int = 0  # offset where the section ends
    line: int = 0  # 1-based line of the heading

    @property
    def required(self) -> bool:
        return self.key is not None and BY_KEY[self.key].required


class Approval(_Model):
    """The worker's approval as recorded by the approval step (never written in the source)."""

    by: Text
    date: date
    method: Literal["signatur", "e-post", "digital", "muntlig"]
    statement: Text
    remarks: str | None = None
    share_remarks: bool = False


class Report(_Model):
    meta: FrontMatter
    sections: list[Section]

    @property
    def malform(self) -> str:
        return self.meta.malform

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def ordered_sections(self) -> list[Section]:
        """Known sections in the standard order, then any extra sections in source order."""
        known = [s for k in SECTION_KEYS if (s := self.section(k)) is not None]
        return known + [s for s in self.sections if s.key is None]

    def measures_by_spor(self) -> list[tuple[Spor, list[Tiltak]]]:
        return [(spor, [t for t in self.meta.tiltak if t.spor == spor]) for spor in SPOR_ORDER
                if any(t.spor == spor for t in self.meta.tiltak)]

    def canonical_content(self) -> str:
        """The report's content as canonical JSON: what the fingerprint covers."""
        payload = {
            "meta": self.meta.model_dump(mode="json"),
            "sections": [{"key": s.key, "heading": s.heading, "body": s.body.strip()} for s in self.ordered_sections()],
        }
        return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def fingerprint(self) -> str:
        """SHA-256 of :meth:`canonical_content`, hex."""
        return hashlib.sha256(self.canonical_content().encode("utf-8")).hexdigest()
