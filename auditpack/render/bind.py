"""Bind separately rendered PDFs into one pack, keeping tags, bookmarks and contents links.

Packs used to be bound from WeasyPrint layouts, which meant every document of a pack had to
be laid out again in the same process. Binding the finished PDFs instead lets each document
be rendered once, in any worker process, and reused from the cache. The merge keeps what a
reader relies on: each document's structure tree (so the pack stays a tagged PDF), its
bookmarks, and the cover's contents entries as links to the pages where documents start.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, NameObject, NullObject, NumberObject

LINK_SCHEME = "auditpack-part:"
"""Cover links point here (``auditpack-part:3`` = the third bound part); binding turns them into page links."""


def bind(cover: bytes, parts: list[bytes]) -> bytes:
    """One PDF: the cover, then each part; metadata, language and viewer settings from the cover."""
    writer = PdfWriter()
    structure = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    root_ref = writer._add_object(structure)
    kids, nums, next_key = ArrayObject(), ArrayObject(), 0
    starts = []
    readers = [PdfReader(io.BytesIO(data)) for data in [cover, *parts]]
    for reader in readers:
        starts.append(len(writer.pages))
        next_key = _append(writer, reader, root_ref, kids, nums, next_key)
    structure[NameObject("/K")] = kids
    structure[NameObject("/ParentTree")] = writer._add_object(DictionaryObject({NameObject("/Nums"): nums}))
    structure[NameObject("/ParentTreeNextKey")] = NumberObject(next_key)
    _catalog(writer, readers[0], root_ref)
    _link_contents(writer, starts[1:], cover_pages=len(readers[0].pages))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _append(writer: PdfWriter, reader: PdfReader, root_ref, kids: ArrayObject, nums: ArrayObject,
            next_key: int) -> int:
    """Copy one part's pages, bookmarks and structure; its parent-tree keys move up by ``next_key``."""
    first = len(writer.pages)
    old_keys = [page.get("/StructParents") for page in reader.pages]
    for page, key in zip(reader.pages, old_keys):
        new_page = writer.add_page(page)
        if key is not None:
            new_page[NameObject("/StructParents")] = NumberObject(key + next_key)
        for annotation in new_page.get("/Annots", []):
            annotation = annotation.get_object()
            if "/StructParent" in annotation:
                annotation[NameObject("/StructParent")] = NumberObject(annotation["/StructParent"] + next_key)
    tree = reader.trailer["/Root"].get("/StructTreeRoot")
    if tree is None:
        return next_key
    tree = tree.get_object()
    for element in _as_list(tree.get("/K")):
        clone = element.clone(writer)  # pages were cloned first, so /Pg references follow them
        clone.get_object()[NameObject("/P")] = root_ref
        kids.append(clone.indirect_reference if hasattr(clone, "indirect_reference") and clone.indirect_reference
                    else clone)
    flat = _number_tree(tree["/ParentTree"].get_object())
    for key, value in flat:
        nums.append(NumberObject(key + next_key))
        nums.append(value.clone(writer) if not isinstance(value, NullObject) else value)
    _import_outline(writer, reader, first)
    return next_key + int(tree.get("/ParentTreeNextKey", max([k for k, _ in flat], default=-1) + 1))


def _number_tree(node) -> list[tuple[int, object]]:
    pairs = []
    values = node.get("/Nums", [])
    pairs += [(int(values[i]), values[i + 1]) for i in range(0, len(values), 2)]
    for kid in node.get("/Kids", []):
        pairs += _number_tree(kid.get_object())
    return pairs


def _as_list(value) -> list:
    if value is None:
        return []
    value = value.get_object() if hasattr(value, "get_object") else value
    return list(value) if isinstance(value, ArrayObject) else [value]


def _import_outline(writer: PdfWriter, reader: PdfReader, first_page: int, items=None, parent=None) -> None:
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            _import_outline(writer, reader, first_page, item, last)
            continue
        page = reader.get_destination_page_number(item)
        last = writer.add_outline_item(title=item.title, page_number=first_page + page, parent=parent)


def _catalog(writer: PdfWriter, cover: PdfReader, root_ref) -> None:
    catalog = writer._root_object
    source = cover.trailer["/Root"]
    catalog[NameObject("/StructTreeRoot")] = root_ref
    catalog[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
    for key in ("/Lang", "/ViewerPreferences", "/Metadata"):
        if key in source:  # raw_get keeps indirect objects (the XMP stream must stay one) indirect
            catalog[NameObject(key)] = source.raw_get(key).clone(writer)
    if cover.metadata:
        writer.add_metadata({k: v for k, v in cover.metadata.items() if isinstance(v, str)})


def _link_contents(writer: PdfWriter, starts: list[int], cover_pages: int) -> None:
    """Turn the cover's ``auditpack-part:N`` links into links to the first page of part N."""
    for page in writer.pages[:cover_pages]:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            action = annotation.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if uri.startswith(LINK_SCHEME):
                target = writer.pages[starts[int(uri.removeprefix(LINK_SCHEME)) - 1]]
                annotation[NameObject("/A")] = DictionaryObject({
                    NameObject("/S"): NameObject("/GoTo"),
                    NameObject("/D"): ArrayObject([target.indirect_reference, NameObject("/Fit")])})
