"""The period summary as a .docx (python-docx): what a township office edits and files. The
same content as the printable page, with the charts as pictures (`core.charts.png`) and their
legend written beside them; fonts set for Chinese (宋体 body, 黑体 headings) so the file opens
right in Word and WPS."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from fangkong.core import charts
from fangkong.core.days import full_date

from .summary import Summary


def _east_asian(style: Any, font: str, size: float | None = None) -> None:
    style.font.name = font
    style.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    if size:
        style.font.size = Pt(size)


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text


def write(summary: Summary, title: str) -> bytes:
    doc = Document()
    _east_asian(doc.styles["Normal"], "宋体", 12)
    for name in ("Title", "Heading 1", "Heading 2"):
        _east_asian(doc.styles[name], "黑体")
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.5)
    heading = doc.add_heading(title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(
        _("Period: %(start)s to %(end)s")
        % {"start": full_date(summary.start), "end": full_date(summary.end)}
    )

    doc.add_heading(_("1. Figures of the period"), level=1)
    for group, figures in summary.figures:
        doc.add_heading(group, level=2)
        _table(
            doc,
            [_("Figure"), _("Number")],
            [[f.label, str(f.value)] for f in figures],
        )

    doc.add_heading(_("2. Charts"), level=1)
    for chart in summary.charts:
        doc.add_heading(chart.title, level=2)
        if chart.empty:
            doc.add_paragraph(_("Nothing recorded in this period."))
            continue
        doc.add_picture(io.BytesIO(charts.png(chart)), width=Cm(16))
        legend = doc.add_paragraph()
        for i, s in enumerate(chart.series):
            swatch = legend.add_run("■ ")
            swatch.font.color.rgb = RGBColor.from_string(chart.colour(i).lstrip("#").upper())
            legend.add_run(f"{s.name}    ")

    doc.add_heading(_("3. Course of events"), level=1)
    if summary.events:
        _table(
            doc,
            [_("Day"), _("Event")],
            [[e.day.strftime("%m-%d"), e.text] for e in summary.events],
        )
    else:
        doc.add_paragraph(_("No index case, lockdown, testing round or change of risk level."))

    doc.add_heading(_("4. Aftercare"), level=1)
    doc.add_heading(_("Visits to patients' families (安抚)"), level=2)
    if summary.visits:
        _table(
            doc,
            [_("Day"), _("Community"), _("What was done"), _("What the family still needs")],
            [
                [v.visited_on.strftime("%m-%d"), v.community.name, v.done, v.needs]
                for v in summary.visits
            ],
        )
    else:
        doc.add_paragraph(_("None recorded."))
    doc.add_heading(_("Removal of environmental contamination (环境污染消除)"), level=2)
    if summary.decontaminations:
        _table(
            doc,
            [_("Day"), _("Community"), _("Place"), _("Agent and amount")],
            [
                [d.done_on.strftime("%m-%d"), d.community.name, d.place, d.agent]
                for d in summary.decontaminations
            ],
        )
    else:
        doc.add_paragraph(_("None recorded."))

    doc.add_heading(_("5. Assessment"), level=1)
    if summary.assessment:
        for line in summary.assessment.text.splitlines():
            doc.add_paragraph(line)
    else:
        doc.add_paragraph(_("(To be written by the township.)"))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
