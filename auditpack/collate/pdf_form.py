"""Answers from a filled-in fillable response form (PDF).

The fillable form has one radio group per statement and question, named ``item:<item>:<dimension>``,
whose ``/Opt`` lists the answer values ('1'..'4', 'dk'); hidden text fields ``auditpack:programme``,
``auditpack:questionnaire`` and ``auditpack:version`` say what the form belongs to.

A chosen radio button is found from its state, never from the spelling of the value: PDF engines
disagree about what they write into ``/V`` (pypdf writes the state name the caller gives, pdftk maps
an export value through ``/Opt`` to the state), but they all turn on the state of one widget, and the
widget's position in ``/Kids`` indexes ``/Opt``. Files are untrusted, so the field tree is walked with
limits and every pypdf failure becomes a plain reason.
"""

from __future__ import annotations

import io
import logging

from .answers import FormIdentity, RawResponse, Unusable, printable

MAX_FIELDS = 20_000
"""A real form has a few hundred fields; more means a hostile or foreign file."""
MAX_DEPTH = 12
RADIO_FLAG = 1 << 15
"""Field flag bit 16: the buttons of this field are radio buttons (ISO 32000-1, table 226)."""

ITEM_PREFIX = "item:"
COMMENTS_PREFIX = "comments:"
IDENTITY_FIELDS = ("auditpack:programme", "auditpack:questionnaire", "auditpack:version")
NEEDS_PASSWORD = ("it is password-protected: it needs a password to open; open it, save a copy without a password "
                  "and add that")


def read_pdf(data: bytes) -> RawResponse:
    """The answers in one filled form, or :class:`Unusable` saying why there are none to count.

    The first, fast read is strict and parses only the objects it needs (see :func:`_fast_reader`);
    a file that is not perfectly formed is read again by pypdf's own lenient reader, which repairs
    what it can. Both give the same answers for a well-formed file.
    """
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    if b"%PDF-" not in data[:1024]:
        raise Unusable("it is named .pdf but is not a PDF (a PDF begins with %PDF-): another kind of file renamed?")
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # damaged files are reported once, as a reason, not as log noise
    try:
        try:
            return _read(data, strict=True)
        except Unusable:
            raise
        except Exception:  # noqa: BLE001 - not perfectly formed: the lenient read below decides
            pass
        try:
            return _read(data, strict=False)
        except Unusable:
            raise
        except FileNotDecryptedError:
            raise Unusable(NEEDS_PASSWORD) from None
        except DependencyError:
            raise Unusable("it is encrypted, and this installation cannot decrypt it: auditpack's dependency "
                           "'cryptography' is missing (reinstall auditpack with pip)") from None
        except (PdfReadError, RecursionError) as exc:
            raise Unusable(f"it is damaged or not a complete PDF ({_short(exc)})") from None
        except Exception as exc:  # noqa: BLE001 - any failure inside an untrusted file is a reason to skip it
            raise Unusable(f"it could not be read as a PDF ({type(exc).__name__}: {_short(exc)})") from None
    finally:
        quiet.setLevel(level)


def _read(data: bytes, strict: bool) -> RawResponse:
    import pypdf

    reader = _fast_reader()(io.BytesIO(data), strict=True) if strict else pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not _decrypts_without_password(reader):
        raise Unusable(NEEDS_PASSWORD)
    return _response(_fields(reader))


_FAST_READER = None


def _fast_reader():
    """pypdf's reader, made to parse only the objects asked for out of an object stream.

    WeasyPrint writes nearly every object of a tagged PDF into one compressed object stream: for the
    staff audit's form, 2,270 objects of which 1,978 are the accessibility structure tree. Viewers
    that save a filled form as an incremental update keep that stream, and pypdf parses all of it on
    first use: about 90% of the time spent reading a form. Answers need only the form's fields.

    Only the fast, strict read uses this; anything unexpected raises, and the caller then reads the
    file with pypdf's own reader. If a pypdf release renames what is overridden here, this simply
    stops being used (pypdf's method runs instead) and reading is slower, never different.
    """
    global _FAST_READER
    if _FAST_READER is not None:
        return _FAST_READER
    import pypdf
    from pypdf.errors import PdfReadError
    from pypdf.generic import IndirectObject, StreamObject, read_object

    class FastReader(pypdf.PdfReader):
        def _get_object_from_stream(self, indirect_reference):
            streams = self.__dict__.setdefault("_auditpack_streams", {})
            stream_number, _ = self.xref_objStm[indirect_reference.idnum]
            if stream_number not in streams:
                if stream_number in self.xref_objStm:
                    raise PdfReadError(f"object stream {stream_number} is itself inside an object stream")
                stream = IndirectObject(stream_number, 0, self).get_object()
                if not isinstance(stream, StreamObject) or stream.get("/Type") != "/ObjStm":
                    raise PdfReadError(f"object {stream_number} is not an object stream")
                # pypdf types a dictionary's values as PdfObject; /First and /N are NumberObjects (ints).
                content, first, count = stream.get_data(), int(stream["/First"]), int(stream["/N"])  # type: ignore[call-overload]
                header = content[:first].split()
                if count < 0 or len(header) < 2 * count:
                    raise PdfReadError(f"object stream {stream_number} has a damaged index")
                offsets = {int(header[2 * i]): first + int(header[2 * i + 1]) for i in range(count)}
                if any(not first <= at < len(content) for at in offsets.values()):
                    raise PdfReadError(f"object stream {stream_number} points outside itself")
                streams[stream_number] = (content, offsets)
            content, offsets = streams[stream_number]
            if indirect_reference.idnum not in offsets:
                raise PdfReadError(f"object {indirect_reference.idnum} is missing from its object stream")
            buffer = io.BytesIO(content)
            buffer.seek(offsets[indirect_reference.idnum])
            found = read_object(buffer, self)
            self.cache_indirect_object(0, indirect_reference.idnum, found)
            return found

    _FAST_READER = FastReader
    return FastReader


def _decrypts_without_password(reader) -> bool:
    """Forms saved with only an owner password (editing restrictions) open in any viewer without one, so
    they are read. Most are AES-encrypted, which pypdf decrypts with the 'cryptography' package."""
    from pypdf.errors import DependencyError

    try:
        return bool(reader.decrypt(""))
    except DependencyError:
        raise
    except Exception:  # noqa: BLE001 - unsupported or broken encryption is the same as a password
        return False


def _fields(reader) -> dict[str, object]:
    """Fully qualified field name -> the field's dictionary, for every named field."""
    root = reader.trailer["/Root"]
    acroform = root.get("/AcroForm") if hasattr(root, "get") else None
    acroform = acroform.get_object() if acroform is not None else None
    if not acroform or "/Fields" not in acroform:
        raise Unusable("it has no form fields, so it is not a filled-in fillable form (a scanned or printed "
                       "form? add its answers to a tally sheet instead)")
    found: dict[str, object] = {}
    seen: set[int] = set()
    stack = [(ref, "", 0) for ref in reversed(list(acroform["/Fields"].get_object()))]
    while stack:
        ref, parent, depth = stack.pop()
        key = ref.idnum if hasattr(ref, "idnum") else id(ref)
        if key in seen or depth > MAX_DEPTH:
            continue
        seen.add(key)
        if len(seen) > MAX_FIELDS:
            raise Unusable(f"it has more than {MAX_FIELDS:,} form fields, far more than any response form")
        node = ref.get_object()
        if not hasattr(node, "get"):
            continue
        title = node.get("/T")
        if title is None:
            continue  # a radio button's widget: read through its group, not on its own
        name = f"{parent}.{title}" if parent else str(title)
        found.setdefault(name, node)
        kids = node.get("/Kids")
        if kids is None:
            continue
        kids = list(kids.get_object())
        if _is_radio_group(node):
            # Its buttons are read through the group, and only as needed: a form repeats them in
            # /Fields, and parsing every one costs more than the rest of the file.
            seen.update(kid.idnum for kid in kids if hasattr(kid, "idnum"))
        else:
            stack.extend((kid, name, depth + 1) for kid in reversed(kids))
    return found


def _is_radio_group(node) -> bool:
    try:
        return str(node.get("/FT", "")) == "/Btn" and bool(int(node.get("/Ff", 0)) & RADIO_FLAG)
    except (TypeError, ValueError):
        return False


def _response(fields: dict[str, object]) -> RawResponse:
    identity = FormIdentity.printable(*(_text(fields.get(name)) for name in IDENTITY_FIELDS))
    if identity.questionnaire is None:
        raise Unusable("it is not an auditpack response form (it has form fields, but no "
                       "'auditpack:questionnaire' field naming its questionnaire)")
    answers: dict[tuple[str, str], str] = {}
    for name, node in fields.items():
        if not name.startswith(ITEM_PREFIX):
            continue
        parts = name[len(ITEM_PREFIX):].split(":")
        if len(parts) != 2 or not all(parts):
            raise Unusable(f"its field '{printable(name)}' is not named item:<statement id>:<question id>")
        value = _radio_value(node, name)
        if value is not None:
            answers[(parts[0], parts[1])] = value
    comments = sum(1 for name, node in fields.items() if name.startswith(COMMENTS_PREFIX) and _text(node))
    return RawResponse(identity, answers, comments)


def _radio_value(node, name: str) -> str | None:
    """The export value of the chosen button, or None when nothing is chosen.

    The button whose on-state /V names is found first where the engines put it (the state of the
    button at index k is usually named k), then among all buttons; a group with no /V is read from
    its buttons' /AS, for engines that set only those.
    """
    if str(node.get("/FT", "")) in ("/Tx", "/Ch"):
        return _text(node)  # a foreign form that asks for the value as text; the value is checked later
    refs = list(node["/Kids"].get_object()) if "/Kids" in node else [node]
    options = [str(o) for o in (node.get("/Opt") or [])]

    def export(index: int, state: str) -> str:
        return options[index] if index < len(options) else state

    value = node.get("/V")
    chosen = str(value)[1:] if value is not None and str(value).startswith("/") else \
        (str(value) if value is not None else "")
    if chosen and chosen != "Off":
        likely = int(chosen) if chosen.isdigit() and int(chosen) < len(refs) else None
        if likely is not None and chosen in _on_states(refs[likely].get_object()):
            return export(likely, chosen)
        for index, ref in enumerate(refs):
            if chosen in _on_states(ref.get_object()):
                return export(index, chosen)
        if chosen in options:
            return chosen  # an engine that stored the export value itself
        raise Unusable(f"the answer to '{printable(name)}' is '{printable(chosen)}', which is none of its boxes")
    kids = [ref.get_object() for ref in refs]
    ticked = [(i, str(kid.get("/AS"))[1:]) for i, kid in enumerate(kids)
              if str(kid.get("/AS", "/Off")) not in ("/Off", "Off", "")]
    if len(ticked) > 1:
        raise Unusable(f"'{printable(name)}' has {len(ticked)} boxes ticked; a question takes one answer")
    return export(*ticked[0]) if ticked else None


def _on_states(widget) -> set[str]:
    from pypdf.generic import DictionaryObject, StreamObject

    try:
        normal = widget["/AP"].get_object()["/N"].get_object()
    except (KeyError, TypeError, AttributeError):
        return set()
    if not isinstance(normal, DictionaryObject) or isinstance(normal, StreamObject):
        return set()
    return {str(k)[1:] for k in normal if str(k) != "/Off"}


def _text(node) -> str | None:
    if node is None:
        return None
    value = node.get("/V")
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _short(exc: Exception) -> str:
    return printable(" ".join(str(exc).split()) or type(exc).__name__, 120)
