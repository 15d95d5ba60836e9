"""Bind separately rendered PDFs into one pack, keeping tags, bookmarks, anchors and contents links.

Each document is rendered once, in any worker process, and reused from the cache; a pack is
then bound from the finished PDFs rather than laid out again. The merge keeps what a reader
relies on: each document's structure tree (so the pack stays a tagged PDF), its bookmarks,
its named destinations (renamed ``p{N}/{name}`` for part N, so stamping can still find them),
and the cover's contents entries as links to the pages where documents start.

qpdf (through pikepdf) does the copying: binding the bundled example's packs in pure-Python
pypdf took seconds of every build.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pikepdf
from pikepdf import Array, Dictionary, Name

from ..i18n import N_
from ..i18n import gettext as _
from .subsets import share_font_programs

if TYPE_CHECKING:
    from .stamp import StampSheet

LINK_SCHEME = "auditpack-part:"
"""Cover links point here (``auditpack-part:3`` = the third bound part); binding turns them into page links."""
PACK_PAGE = N_("Pack page %(page)s of %(pages)s")
"""Printed on every page of a pack, so the contents' page numbers can be found on paper."""
MM = 72 / 25.4
PACK_PAGE_RIGHT = 15 * MM
"""The pack page number ends here from the paper's right edge: print.css's --page-margin, where the
running head ends."""
PACK_PAGE_BASELINE = 10 * MM
"""The pack page number's baseline, from the top edge: above the running head (which ends 18 mm down),
the letters at least 7 mm from the edge, inside what office printers print."""


@dataclass(frozen=True)
class Part:
    """One document bound into a pack, and what the pack says of it."""

    data: bytes
    pages: int
    title: str
    """As the contents list names it: its link's /Contents, what a screen reader announces."""
    group: str | None = None
    """The bookmark the document's own bookmarks are nested under (its stage in a complete pack)."""


def pack_page(page: int, pages: int) -> str:
    return _(PACK_PAGE) % {"page": page, "pages": pages}


def bind(cover: bytes, parts: list[Part], labels: StampSheet | None = None) -> bytes:
    """One PDF: the cover, then each part; metadata, language and viewer settings from the cover.
    ``labels`` holds each page's :func:`pack_page` laid out, drawn at the top right of its page."""
    with pikepdf.open(io.BytesIO(cover)) as pack:
        tree = _structure_root(pack)
        next_key = int(tree.get("/ParentTreeNextKey", _next_key(_number_tree(tree.ParentTree))))
        outline_parts, destinations, starts = [], [], []
        for number, item in enumerate(parts, start=1):
            with pikepdf.open(io.BytesIO(item.data)) as part:
                starts.append(len(pack.pages))
                next_key = _append(pack, part, tree, next_key)
                outline_parts.append((starts[-1], item.group, _outline(part)))
                destinations += _destinations(pack, part, f"p{number}/")
        tree.ParentTreeNextKey = next_key
        _rebuild_outline(pack, outline_parts)
        _set_destinations(pack, destinations)
        _link_contents(pack, starts, [p.title for p in parts])
        if labels is not None:
            _number_pages(pack, labels)
        share_font_programs(pack)
        output = io.BytesIO()
        pack.save(output, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def _structure_root(pack: pikepdf.Pdf) -> pikepdf.Object:
    """The cover's structure tree with a flat parent tree, ready to take the parts' trees."""
    tree = pack.Root.StructTreeRoot
    flat = _number_tree(tree.ParentTree)
    tree.ParentTree = pack.make_indirect(Dictionary(Nums=Array([x for pair in flat for x in pair])))
    tree.K = Array(_as_list(tree.get("/K")))
    return tree


def _append(pack: pikepdf.Pdf, part: pikepdf.Pdf, tree: pikepdf.Object, next_key: int) -> int:
    """Copy one part's pages and structure; its parent-tree keys move up by ``next_key``."""
    first = len(pack.pages)
    pack.pages.extend(part.pages)  # copies are remembered, so /Pg references below follow the pages
    for page in pack.pages[first:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + next_key
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + next_key
    source = part.Root.get("/StructTreeRoot")
    if source is None:
        return next_key
    for element in _as_list(source.get("/K")):
        copy = _copy(pack, part, element)
        copy.P = tree
        tree.K.append(copy)
    flat = _number_tree(source.ParentTree)
    nums = tree.ParentTree.Nums
    for key, value in flat:
        nums.append(key + next_key)
        nums.append(_copy(pack, part, value) if isinstance(value, (Dictionary, Array)) else value)
    return next_key + int(source.get("/ParentTreeNextKey", _next_key(flat)))


def _copy(pack: pikepdf.Pdf, part: pikepdf.Pdf, obj):
    """``obj`` in ``pack``; qpdf copies only indirect objects, and remembers what it copied."""
    return pack.copy_foreign(obj if obj.is_indirect else part.make_indirect(obj))


def _number_tree(node) -> list[tuple[int, object]]:
    values = node.get("/Nums", Array())
    pairs = [(int(values[i]), values[i + 1]) for i in range(0, len(values), 2)]
    for kid in node.get("/Kids", []):
        pairs += _number_tree(kid)
    return pairs


def _next_key(flat: list[tuple[int, object]]) -> int:
    return max((key for key, _ in flat), default=-1) + 1


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _outline(pdf: pikepdf.Pdf) -> list[tuple[str, int, list]]:
    """Bookmarks as (title, page index, children), independent of the file they came from."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

    def walk(items) -> list:
        entries = []
        for item in items:
            target = item.destination[0] if item.destination is not None else None
            page = pages.get(target.objgen, 0) if isinstance(target, Dictionary) else 0
            entries.append((item.title, page, walk(item.children)))
        return entries

    with pdf.open_outline() as outline:
        return walk(outline.root)


def _rebuild_outline(pack: pikepdf.Pdf, parts: list[tuple[int, str | None, list]]) -> None:
    """After the cover's own bookmarks, each part's; parts of one group (a stage) nested under a
    bookmark naming it, which opens the group's first page."""
    def items(entries, offset) -> list:
        made = []
        for title, page, children in entries:
            item = pikepdf.OutlineItem(title, offset + page)
            item.children.extend(items(children, offset))
            made.append(item)
        return made

    with pack.open_outline() as outline:
        parent = None
        for offset, group, entries in parts:
            if group is None:
                parent = None
                outline.root.extend(items(entries, offset))
                continue
            if parent is None or parent.title != group:
                parent = pikepdf.OutlineItem(group, offset)
                outline.root.append(parent)
            parent.children.extend(items(entries, offset))


def _destinations(pack: pikepdf.Pdf, part: pikepdf.Pdf, prefix: str) -> list[tuple[str, object]]:
    names = part.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return []
    return [(prefix + str(name), _copy(pack, part, target))
            for name, target in _name_tree(names.Dests)]


def _name_tree(node) -> list[tuple[object, object]]:
    values = node.get("/Names", Array())
    pairs = [(values[i], values[i + 1]) for i in range(0, len(values), 2)]
    for kid in node.get("/Kids", []):
        pairs += _name_tree(kid)
    return pairs


def _set_destinations(pack: pikepdf.Pdf, added: list[tuple[str, object]]) -> None:
    """The cover's own destinations plus the parts', in the sorted order a name tree needs."""
    names = pack.Root.get("/Names")
    own = [(str(k), v) for k, v in _name_tree(names.Dests)] if names is not None and "/Dests" in names else []
    merged = sorted(own + added, key=lambda pair: pair[0].encode("utf-8"))
    if not merged:
        return
    if names is None:
        pack.Root.Names = names = Dictionary()
    names.Dests = pack.make_indirect(Dictionary(Names=Array(
        [x for name, target in merged for x in (pikepdf.String(name), target)])))


def _link_contents(pack: pikepdf.Pdf, starts: list[int], titles: list[str]) -> None:
    """Turn the cover's ``auditpack-part:N`` links into links to the first page of part N, described
    (/Contents, what a screen reader announces) by part N's title."""
    for page in pack.pages[:starts[0] if starts else len(pack.pages)]:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(LINK_SCHEME):
                number = int(uri.removeprefix(LINK_SCHEME)) - 1
                annotation.A = Dictionary(S=Name.GoTo, D=Array([pack.pages[starts[number]].obj, Name.Fit]))
                annotation.Contents = pikepdf.String(titles[number])


def _number_pages(pack: pikepdf.Pdf, labels: StampSheet) -> None:
    """Draw "Pack page N of M" at the top right of every page, as a pagination artifact; the page's
    own content is wrapped in q/Q first, so the label is placed in the page's default space."""
    total = len(pack.pages)
    for number, page in enumerate(pack.pages, start=1):
        form, width = labels.form(pack, pack_page(number, total))
        box = [float(v) for v in page.mediabox]
        x, y = box[2] - PACK_PAGE_RIGHT - width, box[3] - PACK_PAGE_BASELINE
        if Name.XObject not in page.resources:
            page.resources.XObject = Dictionary()
        name = Name(f"/AuditpackPackPage{number}")  # one name per page: pages may share their resources
        page.resources.XObject[name] = form
        page.contents_add(pikepdf.Stream(pack, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(pack, (
            f"Q\n/Artifact << /Type /Pagination /Subtype /Header >> BDC\nq 1 0 0 1 {_n(x)} {_n(y)} cm "
            f"{name} Do Q\nEMC\n").encode()))


def _n(value: float) -> str:
    """Fixed decimals, so the same pack always gives the same bytes."""
    return f"{value:.3f}"
