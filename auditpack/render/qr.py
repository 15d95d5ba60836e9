"""QR codes for scannable pages, made when WeasyPrint asks for one (see :mod:`auditpack.scan_code`).

A form's stylesheet names a QR code for each page it could have, as a URL of this scheme; WeasyPrint
fetches only those of the pages the form has, so a 5-page form makes 5 codes, not 99. segno draws
the code as one SVG path, so it prints as vector at any size; the URL is checked to be a page code
first, so nothing else can be put on a page this way.
"""

from __future__ import annotations

import io

from ..scan_code import QUIET_ZONE, PageCode

SCHEME = "auditpack-qr:"


def is_qr_url(url: str) -> bool:
    return url.startswith(SCHEME)


def qr_svg(url: str) -> bytes:
    """The QR code a URL of :data:`SCHEME` names, as SVG with no size of its own (the page's
    stylesheet sizes it). Raises ValueError for a URL that holds no page code."""
    import segno  # only a build with scannable forms needs it

    code = PageCode.parse(url.removeprefix(SCHEME))
    if code is None:
        raise ValueError(f"not a page code: {url!r}")
    # Error correction M: a quarter of a code a pen crossed can be lost and it still reads.
    symbol = segno.make_qr(code.payload, error="m", boost_error=False)
    out = io.BytesIO()
    symbol.save(out, kind="svg", xmldecl=False, svgns=True, omitsize=True, border=QUIET_ZONE, dark="#000",
                nl=False)
    return out.getvalue()
