"""The publisher's logo (``brand.logo``): read once, checked like content, then used as those bytes.

The site publishes the logo and every PDF embeds it, so it is read the way auditpack reads
content: a regular file inside the project (a link anywhere on its path is refused, so a link to
a secret file is never published), no larger than :data:`MAX_BYTES`, and an image by its content,
not its name. PNG and JPEG are read by Pillow, which WeasyPrint uses to draw them. An SVG is a
document that can hold scripts and fetch other files, so one with anything beyond a plain
drawing is refused with what was found, rather than rewritten behind the author's back.
"""

from __future__ import annotations

import base64
import errno
import io
import os
import re
import xml.parsers.expat
from dataclasses import dataclass
from pathlib import Path

from . import codes
from .errors import Invalid
from .files import NotRegularFile, TooLarge, read_regular
from .i18n import ntell, tell

MAX_BYTES = 1_000_000
"""1 MB: a logo prints at most 60 mm wide; a photograph-sized file would weigh down every PDF and the site."""
MAX_PIXELS = 4000
"""Pixels on each side: 4,000 is 1,700 dpi at 60 mm. A small PNG of one colour can unpack to gigabytes."""
KINDS = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
FOREIGN = {"http://www.w3.org/1999/xhtml": "HTML", "http://www.w3.org/1998/Math/MathML": "MathML"}
DRAWING = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "style", "image",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "filter",
    "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix", "feDiffuseLighting",
    "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG",
    "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
    "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
}
"""SVG elements that draw. Not here, so refused: script, foreignObject, a, the animation elements
(which can set an href to javascript:), feImage (which fetches a file) and anything newer."""
EMBEDDED_IMAGES = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;")
FETCHING_FUNCTIONS = {"image", "image-set", "-webkit-image-set", "cross-fade", "element", "src"}


class SettingProblem(Invalid):
    """Why the logo cannot be used: ``message``, what was ``expected``, and a ``hint``, as a
    :class:`~.errors.ContentError` has. An :class:`~.errors.Invalid`, so pydantic validators can raise it."""

    def __init__(self, message: str, expected: str = "", hint: str = ""):
        super().__init__(codes.UNUSABLE_LOGO, message, expected, hint)


@dataclass(frozen=True)
class Logo:
    data: bytes
    kind: str
    """One of :data:`KINDS`, found from the content."""

    @property
    def site_path(self) -> str:
        """Where the site publishes it: a name of auditpack's choosing, clear of every page."""
        return f"assets/logo.{'jpg' if self.kind == 'jpeg' else self.kind}"

    def data_uri(self) -> str:
        """The logo inline, so a PDF renderer needs no access to the project folder."""
        return f"data:{KINDS[self.kind]};base64,{base64.b64encode(self.data).decode()}"


def read_logo(root: Path, relative: str) -> Logo:
    """The logo at ``relative`` (a path without ``..``) under ``root``, checked; or SettingProblem."""
    data = _read_inside(root, relative.split("/"))
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Logo(data, _raster("PNG", data))
    if data.startswith(b"\xff\xd8\xff"):
        return Logo(data, _raster("JPEG", data))
    _check_svg(data)
    return Logo(data, "svg")


def _read_inside(root: Path, parts: list[str]) -> bytes:
    """Open each folder and then the file without following a link, so no link on the way (even one
    swapped in while reading) leads out of the project."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    opened = []
    try:
        opened.append(os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)))
        for part in parts[:-1]:
            opened.append(os.open(part, flags | getattr(os, "O_DIRECTORY", 0), dir_fd=opened[-1]))
        return read_regular(parts[-1], MAX_BYTES, dir_fd=opened[-1], follow_links=False)
    except NotRegularFile:
        raise SettingProblem(tell("the logo is not a regular file"), expected=tell("an image file"),
                             hint=tell("point 'logo' at a PNG, JPEG or SVG file")) from None
    except TooLarge as exc:
        raise _too_large(exc.size) from None
    except OSError as exc:
        raise _unreadable(root, parts, exc) from None
    finally:
        for fd in opened:
            os.close(fd)


def _unreadable(root: Path, parts: list[str], exc: OSError) -> SettingProblem:
    if exc.errno == errno.ENOENT:
        return SettingProblem(tell("the logo file does not exist"),
                              expected=tell("a path relative to the project folder"),
                              hint=tell("check the spelling, or remove 'logo'"))
    if exc.errno in (errno.ELOOP, errno.ENOTDIR) and _has_link(root, parts):
        return SettingProblem(tell("the logo, or a folder on its path, is a link"),
                              expected=tell("an image file inside the project folder, not a link"),
                              hint=tell("copy the image into the project folder instead of linking to it"))
    return SettingProblem(tell("the logo cannot be read: %(reason)s") % {"reason": exc.strerror or exc})


def _has_link(root: Path, parts: list[str]) -> bool:
    return any((root.joinpath(*parts[:i])).is_symlink() for i in range(1, len(parts) + 1))


def _too_large(size: int | None) -> SettingProblem:
    message = ntell("the logo file is too large (%(size)s byte)", "the logo file is too large (%(size)s bytes)",
                    size) % {"size": f"{size:,}"} if size else tell("the logo file is too large")
    expected = ntell("at most %(size)s byte, 1 MB", "at most %(size)s bytes, 1 MB", MAX_BYTES) % {
        "size": f"{MAX_BYTES:,}"}
    return SettingProblem(message, expected, tell("save a smaller version: a logo is printed at most 60 mm wide"))


def _raster(kind: str, data: bytes) -> str:
    """Pillow's reading of a PNG or JPEG: a damaged file or a huge picture is refused here, not
    half-way through writing a PDF."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        message = tell("the logo starts like a %(kind)s image but cannot be read as one (%(error)s)")
        raise SettingProblem(message % {"kind": kind, "error": exc}, expected=tell("a PNG, JPEG or SVG image"),
                             hint=tell("open it in an image editor and save it again")) from exc
    if max(width, height) > MAX_PIXELS:
        raise SettingProblem(tell("the logo is %(width)s \u00d7 %(height)s pixels") % {
                                 "width": f"{width:,}", "height": f"{height:,}"},
                             expected=ntell("at most %(count)s pixel on each side",
                                            "at most %(count)s pixels on each side", MAX_PIXELS) % {
                                 "count": f"{MAX_PIXELS:,}"},
                             hint=tell("save a smaller version: a logo is printed at most 60 mm wide"))
    return kind.lower()


def _check_svg(data: bytes) -> None:
    """Refuse anything but a plain SVG drawing: no script, event handler, HTML, processing
    instruction, entity, link out of the file, or CSS that fetches something."""
    found: list[str] = []
    styles: list[str] = []
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    elements: list[str] = []  # the open ones
    seen: list[str] = []

    def start(name: str, attributes: dict) -> None:
        namespace, _, local = name.rpartition(" ")
        if not seen and (namespace, local) != (SVG, "svg"):
            raise _not_an_image()
        elements.append(local)
        seen.append(local)
        if namespace == SVG and local not in DRAWING:
            found.append(tell("a <%(element)s> element") % {"element": local})
        elif namespace in FOREIGN:
            found.append(f"{FOREIGN[namespace]} (<{local}>)")
        for attribute, value in attributes.items():
            found.extend(_attribute_problems(attribute.rpartition(" ")[2], attribute, value, local))

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: elements.pop()
    parser.CharacterDataHandler = lambda text: styles.append(text) if elements and elements[-1] == "style" else None
    parser.ProcessingInstructionHandler = lambda target, data: found.append(
        tell("a processing instruction <?%(target)s?>") % {"target": target})
    parser.EntityDeclHandler = lambda name, *rest: found.append(
        tell("an entity declaration (%(name)s)") % {"name": name})
    parser.StartDoctypeDeclHandler = lambda name, system, public, internal: found.append(
        tell("a DOCTYPE with declarations of its own")) if internal else None
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise _not_an_image() if not seen else _not_well_formed(exc) from None
    found.extend(_css_problems("".join(styles)))
    if found:
        raise _holds(list(dict.fromkeys(found)))


def _not_well_formed(exc: xml.parsers.expat.ExpatError) -> SettingProblem:
    return SettingProblem(tell("the SVG logo is not well-formed XML (line %(line)d: %(error)s)") % {
                              "line": exc.lineno, "error": xml.parsers.expat.ErrorString(exc.code)},
                          expected=tell("a PNG, JPEG or SVG image"),
                          hint=tell("open it in a drawing program and save it again"))


def _holds(found: list[str]) -> SettingProblem:
    """What an SVG holds beyond a plain drawing: the first five things found."""
    holds = tell("the SVG logo holds %(found)s and more") if len(found) > 5 else tell("the SVG logo holds %(found)s")
    return SettingProblem(holds % {"found": ", ".join(found[:5])},
                          expected=tell("a plain drawing: no scripts, event handlers, HTML, or links to other files"),
                          hint=tell("export it again as plain SVG, or use a PNG"))


def _attribute_problems(local: str, name: str, value: str, element: str) -> list[str]:
    if local.lower().startswith("on"):
        return [tell("an event handler (%(attribute)s)") % {"attribute": local}]
    if local == "href" and name in ("href", f"{XLINK} href"):
        inline_image = element == "image" and value.strip().lower().startswith(EMBEDDED_IMAGES)
        if not value.strip().startswith("#") and not inline_image:
            return [tell("a link to '%(target)s'") % {"target": _quoted(value)}]
        return []
    if "javascript:" in value.lower():
        return [tell("javascript: in %(attribute)s") % {"attribute": local}]
    return _css_problems(value) if set(value) & set("(@\\") else []


def _css_problems(css: str) -> list[str]:
    """What in CSS (a <style> or an attribute) would fetch a file; read by tinycss2, so an
    escaped ``u\\72l(`` is the ``url(`` a browser sees."""
    if not css.strip():
        return []
    import tinycss2

    found, tokens = [], list(tinycss2.parse_component_value_list(css))
    while tokens:
        token = tokens.pop()
        if token.type == "url" and not token.value.startswith("#"):
            found.append(tell("a link to '%(target)s' in CSS") % {"target": _quoted(token.value)})
        elif token.type == "function":
            arguments = "".join(a.value for a in token.arguments if a.type == "string")
            if token.lower_name in FETCHING_FUNCTIONS or (token.lower_name == "url" and not arguments.startswith("#")):
                found.append(tell("a %(function)s() in CSS") % {"function": token.lower_name})
            tokens.extend(token.arguments)
        elif token.type == "at-keyword" and token.lower_value == "import":
            found.append(tell("an @import in CSS"))
        tokens.extend(getattr(token, "content", None) or [])
    return found


def _quoted(text: str) -> str:
    """Part of the file quoted in a message: one line, no control characters, cut short."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", "\ufffd", " ".join(text.split()))[:60]


def _not_an_image() -> SettingProblem:
    return SettingProblem(tell("the logo is not a PNG, JPEG or SVG image (judged by its content, not its name)"),
                          expected=tell("a PNG, JPEG or SVG image"), hint=tell("export the logo as PNG, JPEG or SVG"))
