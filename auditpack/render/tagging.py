"""Finish WeasyPrint's tags where PDF/UA asks more than it writes: pagination artifacts and header scope.

WeasyPrint marks the text of page-margin boxes (running heads, footers, page numbers) as ordinary
marked content with MCIDs whose structure elements it leaves outside the structure tree, and draws
their rules as plain /Artifact. A screen reader then reads "Page 2 of 3" between two statements. It
also writes no /Scope on table header cells. Both are put right here, once per rendered PDF, with
pikepdf: the margin boxes become /Artifact << /Type /Pagination >> marked content (and leave the
parent tree), and every TH gets /Scope /Column (under THead) or /Row (in a body row).
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

PAGINATION = Dictionary(Type=Name.Pagination)


def finish(data: bytes) -> bytes:
    """``data`` (a tagged PDF from WeasyPrint) with margin boxes as pagination artifacts and scoped headers."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return data
        reachable = _elements(tree)
        nums = _parent_tree(tree)
        for page in pdf.pages:
            key = page.obj.get("/StructParents")
            marks = nums.get(int(key)) if key is not None else None
            if not isinstance(marks, Array):
                continue
            outside = {mcid for mcid, element in enumerate(marks)
                       if isinstance(element, Dictionary) and element.objgen not in reachable}
            if outside:
                _paginate(pdf, page, outside)
                kept = [None if mcid in outside else element for mcid, element in enumerate(marks)]
                while kept and kept[-1] is None:
                    kept.pop()
                marks[:] = kept
        for element in reachable.values():
            if element.get("/S") == Name.TH:
                _scope(element)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True, fix_metadata_version=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def _elements(tree) -> dict[tuple[int, int], pikepdf.Object]:
    """Every structure element reachable from the root, by object number."""
    found: dict[tuple[int, int], pikepdf.Object] = {}
    todo = list(_kids(tree))
    while todo:
        element = todo.pop()
        if not isinstance(element, Dictionary) or element.get("/Type") in (Name.MCR, Name.OBJR):
            continue
        if element.is_indirect:
            if element.objgen in found:
                continue
            found[element.objgen] = element
        todo.extend(_kids(element))
    return found


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _parent_tree(tree) -> dict[int, pikepdf.Object]:
    pairs: dict[int, pikepdf.Object] = {}
    todo = [tree.get("/ParentTree", Dictionary())]
    while todo:
        node = todo.pop()
        values = node.get("/Nums", Array())
        for i in range(0, len(values) - 1, 2):
            pairs[int(values[i])] = values[i + 1]
        todo.extend(node.get("/Kids", []))
    return pairs


def _paginate(pdf: pikepdf.Pdf, page: pikepdf.Page, outside: set[int]) -> None:
    """Turn the drawings of margin boxes on ``page`` into pagination artifacts.

    A margin box is drawn in a graphics-state group (q ... Q) of its own after the page's body;
    its text carries the MCIDs ``outside`` the structure tree. The largest groups holding such
    text and no text of the tree are margin boxes: everything marked in them (text and the rules
    drawn as their borders) becomes /Artifact << /Type /Pagination >>.
    """
    ops = list(pikepdf.parse_content_stream(page))
    groups, stack = [], []
    for index, op in enumerate(ops):
        name = str(op.operator)
        if name == "q":
            stack.append([index, 0, 0])
        elif name == "Q" and stack:
            start, inside, margin = stack.pop()
            groups.append((start, index, inside, margin))
        elif name == "BDC":
            mcid = _mcid(op)
            if mcid is not None:
                for group in stack:
                    group[2 if mcid in outside else 1] += 1
    chosen: list[tuple[int, int]] = []
    for start, end, inside, margin in sorted(groups):
        if margin and not inside and not (chosen and start < chosen[-1][1]):
            chosen.append((start, end))
    within = {index for start, end in chosen for index in range(start, end + 1)}
    pagination = pikepdf.ContentStreamInstruction([Name.Artifact, PAGINATION], pikepdf.Operator("BDC"))
    out = [pagination if _in_margin(op, index in within, outside) else op for index, op in enumerate(ops)]
    page.obj.Contents = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(out))


def _in_margin(op, in_margin_box: bool, outside: set[int]) -> bool:
    """Whether ``op`` opens marked content of a margin box: its text, or an artifact (rule) drawn in it."""
    name = str(op.operator)
    return (name == "BMC" and op.operands[0] == Name.Artifact and in_margin_box) or \
        (name == "BDC" and _mcid(op) in outside)


def _mcid(op) -> int | None:
    if len(op.operands) == 2 and isinstance(op.operands[1], Dictionary) and "/MCID" in op.operands[1]:
        return int(op.operands[1].MCID)
    return None


def _scope(element) -> None:
    """/Scope /Column for a header cell in the table's head, /Row for one that heads a body row."""
    row = element.get("/P")
    section = row.get("/P") if isinstance(row, Dictionary) else None
    scope = Name.Column if isinstance(section, Dictionary) and section.get("/S") == Name.THead else Name.Row
    attributes = element.get("/A")
    if isinstance(attributes, Dictionary) and attributes.get("/O") == Name.Table:
        attributes.Scope = scope
    else:
        listed = list(attributes) if isinstance(attributes, Array) else [attributes] if attributes is not None else []
        element.A = Array([*listed, Dictionary(O=Name.Table, Scope=scope)])
