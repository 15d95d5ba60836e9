"""Answers from a filled-in fillable response form (PDF).

The fillable form has one radio group per statement and question, named ``item:<item>:<dimension>``,
whose ``/Opt`` lists the answer values ('1'..'4', 'dk'); hidden text fields ``auditpack:programme``,
``auditpack:questionnaire`` and ``auditpack:version`` say what the form belongs to. They are read-only,
and keep the value they were made with as their default (/DV), so a field changed afterwards is told
apart from a form of another questionnaire.

A chosen radio button is found from its state, never from the spelling of the value: PDF engines
disagree about what they write into ``/V`` (pypdf writes the state name the caller gives, pdftk maps
an export value through ``/Opt`` to the state), but they all turn on the state of one widget, and the
widget's position in ``/Kids`` indexes ``/Opt``. Files are untrusted, so the field tree is walked with
limits and every failure to read one becomes a plain reason.

The file is read by qpdf (through pikepdf): in C++, it parses the compressed object stream in which
WeasyPrint writes nearly every object of a tagged PDF (for the staff audit's form, 2,270 objects, of
which 1,978 are the accessibility structure tree) in a fraction of the time a pure-Python reader
takes; it repairs a damaged file where it can, and decrypts RC4 and AES itself.
"""

from __future__ import annotations

import io

from ..answer_formats import HIDDEN_FIELDS, IDENTITY_FIELDS, RATER_FIELD
from ..i18n import N_, Phrase, nphrase, phrase
from .answers import FormIdentity, Rater, RawResponse, Unusable, printable

MAX_FIELDS = 20_000
"""A real form has a few hundred fields; more means a hostile or foreign file."""
MAX_DEPTH = 12
RADIO_FLAG = 1 << 15
"""Field flag bit 16: the buttons of this field are radio buttons (ISO 32000-1, table 226)."""

ITEM_PREFIX = "item:"
COMMENTS_PREFIX = "comments:"
RECORD_PREFIX = "record:"
"""A record column beside a statement: ``record:<item>:<column>``, a text field or a list to choose from."""
END_MARK = b"%%EOF"
"""Every PDF, and every incremental save appended to one (a viewer's 'Save' of a filled form), ends with
this. A file with more than blank bytes after its last one was cut short while a save was written or
copied: qpdf would piece together what it can and read the blank form underneath, or a mix of old and
new answers."""
NEEDS_PASSWORD = N_("it is password-protected: it needs a password to open; open it, save a copy without a "
                    "password and add that")


def read_pdf(data: bytes) -> RawResponse:
    """The answers in one filled form, or :class:`Unusable` saying why there are none to count.

    A form saved with only an owner password (editing restrictions) opens in any viewer without
    one, so it is read; one that needs a password to open is not.
    """
    import pikepdf

    if b"%PDF-" not in data[:1024]:
        raise Unusable(phrase("it is named .pdf but is not a PDF (a PDF begins with %PDF-): another kind of file "
                              "renamed?"))
    if END_MARK not in data or data[data.rfind(END_MARK) + len(END_MARK):].strip(b" \t\r\n\f\x00"):
        raise _damaged(phrase("it does not end as a PDF ends, with %%EOF: cut short while it was saved or copied?"))
    stream = io.BytesIO(data)
    try:
        with pikepdf.open(stream) as pdf:
            return _response(_fields(pdf.trailer))
    except Unusable:
        raise
    except pikepdf.PasswordError:
        raise Unusable(phrase(NEEDS_PASSWORD)) from None
    except (pikepdf.PdfError, RecursionError) as exc:
        raise _damaged(_short(exc, stream)) from None
    except Exception as exc:  # noqa: BLE001 - any failure inside an untrusted file is a reason to skip it
        raise Unusable(phrase("it could not be read as a PDF (%(error)s: %(detail)s)") % {
            "error": type(exc).__name__, "detail": _short(exc, stream)}) from None


def _damaged(detail: Phrase | str) -> Unusable:
    return Unusable(phrase("it is damaged or not a complete PDF (%(detail)s)") % {"detail": detail})


def _fields(trailer) -> dict[str, object]:
    """Fully qualified field name -> the field's dictionary, for every named field."""
    from pikepdf import Array, Dictionary

    root = trailer.get("/Root")
    acroform = root.get("/AcroForm") if isinstance(root, Dictionary) else None
    fields = acroform.get("/Fields") if isinstance(acroform, Dictionary) else None
    if not isinstance(fields, Array):
        raise Unusable(phrase("it has no form fields, so it is not a filled-in fillable form (a scanned or printed "
                              "form? add its answers to a tally sheet instead)"))
    found: dict[str, object] = {}
    seen: set[tuple[int, int]] = set()
    count = 0
    stack = [(field, "", 0) for field in reversed(list(fields))]
    while stack:
        node, parent, depth = stack.pop()
        if node is None:  # a field that is not in the file: one cut short and pieced together by qpdf
            raise _damaged(phrase("some of its form fields are missing"))
        if depth > MAX_DEPTH or not isinstance(node, Dictionary) or (node.is_indirect and node.objgen in seen):
            continue
        if node.is_indirect:
            seen.add(node.objgen)
        count += 1
        if count > MAX_FIELDS:
            raise Unusable(phrase("it has more than %(count)s form fields, far more than any response form") % {
                "count": f"{MAX_FIELDS:,}"})
        title = node.get("/T")
        if title is None:
            continue  # a radio button's widget: read through its group, not on its own
        name = f"{parent}.{title}" if parent else str(title)
        found.setdefault(name, node)
        kids = node.get("/Kids")
        if not isinstance(kids, Array):
            continue
        if _is_radio_group(node):
            # Its buttons are read through the group: a form repeats them in /Fields.
            buttons = {kid.objgen for kid in kids if kid.is_indirect} - seen
            seen |= buttons
            count += len(buttons)
        else:
            stack.extend((kid, name, depth + 1) for kid in reversed(list(kids)))
    return found


def _is_radio_group(node) -> bool:
    try:
        return str(node.get("/FT", "")) == "/Btn" and bool(int(node.get("/Ff", 0)) & RADIO_FLAG)
    except (TypeError, ValueError):
        return False


def _response(fields: dict[str, object]) -> RawResponse:
    _check_identity_unaltered(fields)
    identity = FormIdentity.printable(*(_text(fields.get(name)) for name in IDENTITY_FIELDS))
    if identity.questionnaire is None:
        raise Unusable(phrase("it is not an auditpack response form (it has form fields, but no "
                              "'auditpack:questionnaire' field naming its questionnaire)"))
    answers: dict[tuple[str, str], str] = {}
    for name, node in fields.items():
        if not name.startswith(ITEM_PREFIX):
            continue
        parts = name[len(ITEM_PREFIX):].split(":")
        if len(parts) != 2 or not all(parts):
            raise Unusable(phrase("its field '%(field)s' is not named item:<statement id>:<question id>") % {
                "field": printable(name)})
        value = _radio_value(node, name)
        if value is not None:
            answers[(parts[0], parts[1])] = value
    comments = sum(1 for name, node in fields.items() if name.startswith(COMMENTS_PREFIX) and _text(node))
    record = {}
    for name, node in fields.items():
        parts = name[len(RECORD_PREFIX):].split(":") if name.startswith(RECORD_PREFIX) else []
        if len(parts) == 2 and all(parts) and (text := _text(node, strip=False)):
            record[(parts[0], parts[1])] = text
    rater: Rater = "group" if _text(fields.get(RATER_FIELD)) == "group" else "individual"
    return RawResponse(identity, answers, comments, record=record, rater=rater)


def _check_identity_unaltered(fields: dict[str, object]) -> None:
    """Refuse a form whose read-only identification field no longer says what the form was made with."""
    for name in HIDDEN_FIELDS:
        node, made = _field_and_default(fields, name)
        if made is None:
            continue  # a form made before the fields kept their value, or not auditpack's
        made_text, now = str(made).strip(), _text(node) or ""
        if now != made_text:
            raise Unusable(phrase("its hidden field '%(field)s' was altered: the form was made saying '%(made)s' and "
                                  "now says '%(now)s', so what it answers cannot be trusted (add its answers to a "
                                  "tally sheet, or fill in a fresh copy of the form)") % {
                "field": name, "made": printable(made_text, 60), "now": printable(now, 60)})


def _field_and_default(fields: dict[str, object], name: str):
    node = fields.get(name)
    return node, (node.get("/DV") if hasattr(node, "get") else None)


def _radio_value(node, name: str) -> str | None:
    """The export value of the chosen button, or None when nothing is chosen.

    The button whose on-state /V names is found first where the engines put it (the state of the
    button at index k is usually named k), then among all buttons; a group with no /V is read from
    its buttons' /AS, for engines that set only those.
    """
    if str(node.get("/FT", "")) in ("/Tx", "/Ch"):
        return _text(node)  # a foreign form that asks for the value as text; the value is checked later
    refs = list(node["/Kids"]) if "/Kids" in node else [node]
    if any(ref is None for ref in refs):
        raise _damaged(phrase("boxes of '%(field)s' are missing") % {"field": printable(name)})
    options = [str(o) for o in (node.get("/Opt") or [])]

    def export(index: int, state: str) -> str:
        return options[index] if index < len(options) else state

    value = node.get("/V")
    chosen = str(value)[1:] if value is not None and str(value).startswith("/") else \
        (str(value) if value is not None else "")
    if chosen and chosen != "Off":
        likely = int(chosen) if chosen.isdigit() and int(chosen) < len(refs) else None
        if likely is not None and chosen in _on_states(refs[likely]):
            return export(likely, chosen)
        for index, ref in enumerate(refs):
            if chosen in _on_states(ref):
                return export(index, chosen)
        if chosen in options:
            return chosen  # an engine that stored the export value itself
        raise Unusable(phrase("the answer to '%(field)s' is '%(value)s', which is none of its boxes") % {
            "field": printable(name), "value": printable(chosen)})
    ticked = [(i, str(kid.get("/AS"))[1:]) for i, kid in enumerate(refs)
              if str(kid.get("/AS", "/Off")) not in ("/Off", "Off", "")]
    if len(ticked) > 1:
        raise Unusable(nphrase("'%(field)s' has %(count)d boxes ticked; a question takes one answer",
                               "'%(field)s' has %(count)d boxes ticked; a question takes one answer", len(ticked)) % {
            "field": printable(name), "count": len(ticked)})
    return export(*ticked[0]) if ticked else None


def _on_states(widget) -> set[str]:
    from pikepdf import Dictionary

    try:
        normal = widget["/AP"]["/N"]
    except (KeyError, TypeError, AttributeError, ValueError):
        return set()
    if not isinstance(normal, Dictionary):  # one appearance stream: no states to choose between
        return set()
    return {str(k)[1:] for k in normal if str(k) != "/Off"}


def _text(node, strip: bool = True) -> str | None:
    """A field's value as text; None when empty. ``strip=False`` keeps the text as written (not its ends)."""
    from pikepdf import Array

    if node is None:
        return None
    value = node.get("/V")
    if isinstance(value, Array):  # a choice as pdftk writes it: its /Opt pair, [export value, words shown]
        value = value[0] if len(value) and not isinstance(value[0], Array) else None
    if value is None:
        return None
    text = str(value).strip()
    return (text if strip else str(value)) if text else None


def _short(exc: Exception, stream: io.BytesIO) -> str:
    """The exception's message without qpdf's name for the file it read (the stream's address in memory)."""
    text = str(exc).replace(f"stream {stream!r}", "").lstrip(": ")
    return printable(" ".join(text.split()) or type(exc).__name__, 120)
