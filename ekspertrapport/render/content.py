"""What a rendered report shows, in the order it shows it: one view that every renderer draws.

:func:`build_view` turns a validated :class:`~ekspertrapport.report.Report` and the
:class:`~ekspertrapport.render.RenderOptions` into plain strings and blocks (all fixed texts from
:mod:`ekspertrapport.texts`), so that Word, PDF and HTML carry the same content in the same order and
no renderer formats a date or looks up a label on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from stdnum.no import orgnr as stdnum_orgnr

from ..report import Report
from ..texts import Texts, texts
from .markdown_blocks import Block, parse_blocks

if TYPE_CHECKING:
    from . import RenderOptions

NBSP = "\u00a0"
#: Characters that XML (and so .docx) cannot hold, and that no reader wants to see: replaced by a space.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _printable(report: Report) -> Report:
    """The report with control characters replaced, so that every renderer can write every text."""
    if not _UNPRINTABLE.search(report.canonical_content()) and not any(
            _UNPRINTABLE.search(s.body) for s in report.sections):
        return report

    def clean(value):
        if isinstance(value, str):
            return _UNPRINTABLE.sub(" ", value)
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return Report.model_validate(clean(report.model_dump()))


def format_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def format_number(value: float) -> str:
    """18.0 → «18», 17.5 → «17,5», 21500 → «21 500» (non-breaking space between thousands)."""
    if float(value).is_integer():
        text = f"{int(value):,}".replace(",", NBSP)
    else:
        text = f"{value:,.1f}".replace(",", NBSP).replace(".", ",")
    return text


@dataclass(frozen=True)
class MeasureRow:
    hva: str
    ansvarlig: str
    frist: str
    oppfolging: str


@dataclass(frozen=True)
class MeasureGroup:
    spor: str  # the model's value, e.g. "samme-arbeid"
    heading: str  # in words
    rows: list[MeasureRow]


@dataclass(frozen=True)
class SectionView:
    key: str | None
    heading: str
    blocks: list[Block]


@dataclass
class ReportView:
    t: Texts
    language: str
    title: str
    draft: bool
    header_marks: list[str]  # the draft mark and/or the recipient mark: printed in every page header
    footer_reference: str  # "NAV-referanse: 2025/123456" or ""
    parties: list[list[tuple[str, str]]]  # groups of (label, value) rows
    recipients_line: str
    sections: list[SectionView]
    measures_heading: str
    measure_columns: tuple[str, str, str, str]
    measure_groups: list[MeasureGroup]
    no_measures: str | None  # «Ingen tiltak foreslått» when there are none
    no_measures_reason: tuple[str, str] | None  # (label, text)
    approval_heading: str
    approved: bool
    approval_lines: list[str]  # the statement, or «Ikke godkjent av arbeidstaker ennå»
    approval_rows: list[tuple[str, str]]  # by / date / method
    remarks_heading: str | None  # set when the remarks appendix is included
    remarks_blocks: list[Block] = field(default_factory=list)
    info_heading: str = ""
    info_rows: list[tuple[str, str]] = field(default_factory=list)
    fingerprint_label: str = ""
    fingerprint: str = ""
    # document metadata
    meta_title: str = ""
    meta_author: str = ""
    meta_subject: str = ""
    meta_keywords: str = ""
    extra_metadata: dict[str, str] = field(default_factory=dict)


def build_view(report: Report, options: RenderOptions) -> ReportView:
    fingerprint = options.fingerprint or report.fingerprint()  # of the report as given
    report = _printable(report)
    t = texts(report.malform)
    m = report.meta
    periode = t.period_format.format(fra=format_date(m.periode.fra), til=format_date(m.periode.til))
    nav_ref = m.nav.referanse if m.nav and m.nav.referanse else None

    parties: list[list[tuple[str, str]]] = []
    employer = [(t.label_arbeidsgiver, m.arbeidsgiver.navn), (t.label_orgnr, stdnum_orgnr.format(m.arbeidsgiver.orgnr))]
    if m.arbeidsgiver.leder:
        employer.append((t.label_leder, m.arbeidsgiver.leder))
    worker = [(t.label_arbeidstaker, m.arbeidstaker.navn)]
    if m.arbeidstaker.stilling:
        worker.append((t.label_stilling, m.arbeidstaker.stilling))
    expert = [(t.label_ekspert, m.ekspert.navn), (t.label_kompetanse, m.ekspert.kompetanse),
              (t.label_virksomhet, m.ekspert.virksomhet)]
    if m.ekspert.kontakt:
        expert.append((t.label_kontakt, m.ekspert.kontakt))
    assignment = [(t.label_periode, periode)]
    if nav_ref:
        assignment.append((t.label_nav_referanse, nav_ref))
    if m.ressursbruk and m.ressursbruk.timer is not None:
        assignment.append((t.label_timer, format_number(m.ressursbruk.timer)))
    if m.ressursbruk and m.ressursbruk.kostnad is not None:
        assignment.append((t.label_kostnad, t.cost_format.format(kostnad=format_number(m.ressursbruk.kostnad))))
    parties = [employer, worker, expert, assignment]

    sections = [SectionView(s.key, s.heading if s.key is None else _standard_heading(s.key, report.malform),
                            parse_blocks(s.body)) for s in report.ordered_sections()]

    groups = [MeasureGroup(str(spor), t.spor(spor), [
        MeasureRow(x.hva, t.ansvarlig(x.ansvarlig), x.frist_text(), x.oppfolging or "") for x in items])
        for spor, items in report.measures_by_spor()]
    reason = (m.ingen_tiltak_begrunnelse or "").strip()

    marks: list[str] = []
    if options.draft:
        marks.append(t.draft_mark)
    if options.recipient:
        marks.append(t.copy_mark(options.recipient))

    approval = options.approval
    approval_lines: list[str]
    approval_rows: list[tuple[str, str]] = []
    if approval is None:
        approval_lines = [t.not_approved]
    else:
        approval_lines = [approval.statement]
        approval_rows = [(t.approval_by_label, approval.by), (t.approval_date_label, format_date(approval.date)),
                         (t.approval_method_label, t.method(approval.method))]
    include_remarks = bool(options.include_remarks and approval is not None and (approval.remarks or "").strip())
    if include_remarks:
        approval_lines.append(t.remarks_see_appendix)

    title = t.title
    return ReportView(
        t=t,
        language=t.language,
        title=title,
        draft=options.draft,
        header_marks=marks,
        footer_reference=f"{t.label_nav_referanse}: {nav_ref}" if nav_ref else "",
        parties=parties,
        recipients_line=t.recipients_line,
        sections=sections,
        measures_heading=t.measures_heading,
        measure_columns=(t.col_tiltak, t.col_ansvarlig, t.col_frist, t.col_oppfolging),
        measure_groups=groups,
        no_measures=None if groups else t.no_measures,
        no_measures_reason=(t.no_measures_reason_label, reason) if reason and not groups else None,
        approval_heading=t.approval_heading,
        approved=approval is not None,
        approval_lines=approval_lines,
        approval_rows=approval_rows,
        remarks_heading=t.remarks_heading if include_remarks else None,
        remarks_blocks=parse_blocks(approval.remarks) if include_remarks and approval else [],
        info_heading=t.document_info_heading,
        info_rows=[(t.version_label, str(options.version))],
        fingerprint_label=t.fingerprint_label,
        fingerprint=fingerprint,
        meta_title=f"{title} – {m.arbeidsgiver.navn}",
        meta_author=m.ekspert.navn,
        meta_subject=t.subject_format.format(arbeidsgiver=m.arbeidsgiver.navn, periode=periode),
        meta_keywords=", ".join(k for k in ("ekspertbistand", nav_ref or "") if k),
        extra_metadata={k.lstrip("/"): str(v) for k, v in options.extra_metadata.items()},
    )


def _standard_heading(key: str, malform: str) -> str:
    from ..sections import BY_KEY

    return BY_KEY[key].heading(malform)
