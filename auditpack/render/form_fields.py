"""The fillable form's fields as a person meets them: named, in order, each listed once.

WeasyPrint writes a form field for each HTML control (see its ``pdf/anchors.py``) and tags it; what it
leaves to the caller is finished here, on the PDF objects before they are written (a WeasyPrint
*finisher*), because only here are the fields and the structure tree still plain dictionaries:

- A field's tooltip (/TU) is what a screen reader says for it (WCAG technique PDF12). WeasyPrint takes it
  from the control's ``title``: the templates put there the statement's number and text and what the
  field asks. A radio group gets its first button's; each button gets its own too, from its
  ``aria-label`` (the group's name and that button's answer), because pdf.js (Firefox) reads a button's
  name from the button alone, where Acrobat reads the group's tooltip and then the button's export
  value. The export values (/Opt) stay the answers' codes: pdftk fills by them and collate reads them.
- Each radio button is listed once, as a kid of its group. WeasyPrint also lists every button in
  /AcroForm /Fields, which readers take for a second field ('q.q') and qpdf reports as a loop.
- The identification fields (:data:`~auditpack.answer_formats.HIDDEN_FIELDS`) are hidden, read-only,
  and out of the reading and Tab order: with /Tabs /S a viewer tabs in structure order, and a hidden
  annotation needs no structure element (PDF/UA-1 7.18.1, 7.18.4), so theirs are taken out of the tree.
  They keep what they said as their default (/DV), so collate can tell a field altered after the form
  was made from a form of another questionnaire.
"""

from __future__ import annotations

from ..answer_formats import HIDDEN_FIELDS

READ_ONLY = 1
"""Field flag bit 1: the user may not change the field's value (ISO 32000-1, table 221)."""
HIDDEN = 2
"""Annotation flag bit 2: a viewer neither shows nor prints the widget, nor lets it be edited (table 165)."""


def finish_form(document, pdf) -> None:
    """WeasyPrint's finisher for a fillable form: ``document`` as laid out, ``pdf`` (pydyf) not yet written."""
    objects = _Objects(pdf)
    _name_radio_buttons(document, objects)
    _list_each_field_once(objects)
    for widget in objects.widgets:
        if getattr(widget.get("T"), "string", None) in HIDDEN_FIELDS:
            _lock(widget)
            _untag(widget, objects)
    _hidden_last_on_each_page(objects)


class _Objects:
    """The pydyf objects of one PDF, found by their references (``b"12 0 R"``)."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.widgets: list = [obj for obj in pdf.objects if isinstance(obj, dict) and obj.get("Subtype") == "/Widget"]
        """Found once: the finishing steps change widgets' entries, never which objects are widgets."""

    def get(self, reference):
        return self.pdf.objects[int(reference.split()[0])]


def _name_radio_buttons(document, objects: _Objects) -> None:
    """A button's name is its group's: drop the /T WeasyPrint gives it too, and name it by its answer."""
    from pydyf import String  # type: ignore[import-untyped]  # WeasyPrint's PDF objects; no type information

    for widget in objects.widgets:
        if "Parent" in widget:
            widget.pop("T", None)
            widget.pop("TU", None)
    for page in document.pages:
        for box in page._page_box.descendants():
            widget = getattr(box, "widget_annotation", None)
            if widget is not None and "Parent" in widget and (name := box.element.get("aria-label")):
                widget["TU"] = String(name)


def _list_each_field_once(objects: _Objects) -> None:
    """Keep in /AcroForm /Fields only the fields at the top of the tree: a radio button is its group's kid."""
    kids = {widget.reference for widget in objects.widgets if "Parent" in widget}
    fields = objects.pdf.catalog["AcroForm"]["Fields"]
    fields[:] = [reference for reference in fields if reference not in kids]


def _lock(widget) -> None:
    """Read-only and hidden; the value made with it kept as the default (/DV).

    WeasyPrint writes a hidden input as an ordinary text field that a viewer lets anyone retype."""
    widget["Ff"] = int(widget.get("Ff", 0)) | READ_ONLY
    widget["F"] = HIDDEN
    widget["DV"] = widget["V"]


def _untag(widget, objects: _Objects) -> None:
    """Take a hidden widget's Form element out of the structure tree, and its entry out of the parent tree."""
    key = widget.pop("StructParent", None)
    if key is None:
        return
    root = objects.get(objects.pdf.catalog["StructTreeRoot"])
    nums = objects.get(root["ParentTree"])["Nums"]
    for index in range(0, len(nums), 2):
        if nums[index] == key:
            element_reference = nums[index + 1]
            del nums[index:index + 2]
            break
    else:
        return
    parent = objects.get(objects.get(element_reference)["P"])
    parent["K"][:] = [kid for kid in parent["K"] if kid != element_reference]


def _hidden_last_on_each_page(objects: _Objects) -> None:
    """Hidden widgets after every other annotation of their page: last in any order a viewer derives
    from /Annots (the row or column order of /Tabs /R and /C), never first."""
    hidden = {w.reference for w in objects.widgets if int(w.get("F", 0)) & HIDDEN}
    for number in objects.pdf.pages["Kids"][::3]:
        page = objects.pdf.objects[number]
        annots = page.get("Annots")
        if annots:
            annots[:] = [a for a in annots if a not in hidden] + [a for a in annots if a in hidden]
