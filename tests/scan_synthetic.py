"""Filled and scanned forms, made here: the real PDF rendered, pen marks drawn as people make them,
then the faults of printing and scanning or photographing. Used by the scan tests and bench/scan.py.

Marks are drawn in page points through the form's own layout, so the test knows the answer each
box was given; the degradations (rotation, perspective, blur, noise, JPEG, uneven light) use OpenCV.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2

PEN = 30
PENCIL = 165


@dataclass
class Sheet:
    """One rendered page and its scale, in pixels per point."""

    image: np.ndarray
    scale: float
    layout: dict


def render(pdf: Path, dpi: int = 200) -> list[Sheet]:
    layout = json.loads(pdf.with_name(pdf.name.removesuffix(".pdf") + ".layout.json").read_text())
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [Sheet(np.array(document[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")),
                      dpi / 72, layout["pages"][i]) for i in range(len(document))]
    finally:
        document.close()


def questions(sheet: Sheet) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for box in sheet.layout["boxes"]:
        found.setdefault(box["field"], []).append(box)
    return found


def tick(sheet: Sheet, box: dict, rng: random.Random, ink: int = PEN, width_pt: float = 1.4, kind: str = "tick",
         spill: bool = False) -> None:
    """A pen mark in a box: a tick, a cross, or (kind 'fill') the box filled in to withdraw an answer."""
    s = sheet.scale
    x, y, w, h = (box[k] * s for k in ("x", "y", "width", "height"))
    thick = max(1, round(width_pt * s))
    j = lambda: rng.uniform(-0.08, 0.08) * w  # noqa: E731 - a hand never draws the same stroke twice
    if kind == "fill":
        pad = rng.uniform(-0.05, 0.12) * w
        cv2.rectangle(sheet.image, (round(x - pad), round(y - pad)), (round(x + w + pad), round(y + h + pad)), ink, -1)
        return
    if kind == "cross":
        lines = [((0.2, 0.2), (0.8, 0.8)), ((0.8, 0.2), (0.2, 0.8))]
    else:
        lines = [((0.2, 0.55), (0.42, 0.8)), ((0.42, 0.8), (0.85 if not spill else 1.35, 0.15 if not spill else -0.3))]
    for (ax, ay), (bx, by) in lines:
        cv2.line(sheet.image, (round(x + ax * w + j()), round(y + ay * h + j())),
                 (round(x + bx * w + j()), round(y + by * h + j())), ink, thick, cv2.LINE_AA)


def scribble(sheet: Sheet, area: dict, rng: random.Random) -> None:
    """Handwriting-like strokes across a writing area."""
    s = sheet.scale
    x, y, w, h = (area[k] * s for k in ("x", "y", "width", "height"))
    points = np.array([[x + w * (0.05 + 0.6 * t / 40), y + h * 0.3 + rng.uniform(-0.08, 0.08) * h]
                       for t in range(40)], np.int32)
    cv2.polylines(sheet.image, [points], False, PEN, max(1, round(1.2 * s)), cv2.LINE_AA)


def stray(sheet: Sheet, rng: random.Random) -> None:
    """A doodle in the margin, away from the corner marks and code."""
    hgt, wid = sheet.image.shape
    cx, cy = round(wid * 0.04), round(hgt * rng.uniform(0.3, 0.7))
    cv2.circle(sheet.image, (cx, cy), round(wid * 0.012), PEN, 2, cv2.LINE_AA)


def degrade(image: np.ndarray, rng: random.Random, *, photo: bool = False, rotate: float = 3.0,
            quality: int = 75, noise: float = 6.0, blur: float = 0.6, light: float = 0.25) -> np.ndarray:
    """Print-and-scan faults: a turned sheet, blur, sensor noise, uneven light and JPEG; a phone photo
    adds perspective and a background around the page."""
    h, w = image.shape
    if photo:
        pad = round(0.08 * w)
        canvas = np.full((h + 2 * pad, w + 2 * pad), 90, np.uint8)
        canvas[pad:pad + h, pad:pad + w] = image
        src = np.float32([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]])
        d = lambda: rng.uniform(-0.04, 0.04) * w  # noqa: E731
        dst = src + np.float32([[d(), d()] for _ in range(4)])
        matrix = cv2.getPerspectiveTransform(src, dst)
        image = cv2.warpPerspective(canvas, matrix, (canvas.shape[1], canvas.shape[0]), borderValue=90)
        h, w = image.shape
    else:  # a flatbed's glass is larger than the sheet, and its lid is white
        pad = round(0.02 * w)
        image = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=245)
        h, w = image.shape
    angle = rng.uniform(-rotate, rotate)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    image = cv2.warpAffine(image, matrix, (w, h), borderValue=255 if not photo else 90)
    if blur:
        image = cv2.GaussianBlur(image, (0, 0), blur)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gradient = 1 - light * (xx / w * rng.uniform(0.3, 1) + yy / h * rng.uniform(0.3, 1)) / 2
    noisy = image.astype(np.float32) * gradient + np.random.default_rng(rng.randrange(1 << 30)).normal(0, noise, (h, w))
    image = np.clip(noisy, 0, 255).astype(np.uint8)
    _, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


@dataclass
class Filled:
    given: dict[str, str]
    """The answer marked, by question."""
    faint: set[str]
    """Questions marked in light pencil: not clearly marked, so a reader may rightly doubt them."""


def fill_form(sheets: list[Sheet], rng: random.Random, *, pencil_share: float = 0.0, change_share: float = 0.0,
              blank_share: float = 0.1, spill_share: float = 0.0) -> Filled:
    """Mark one answer per question (some left blank, some changed by filling another box in first)."""
    given: dict[str, str] = {}
    faint: set[str] = set()
    for sheet in sheets:
        for field, boxes in questions(sheet).items():
            if rng.random() < blank_share:
                continue
            box = rng.choice(boxes)
            if rng.random() < change_share and len(boxes) > 1:
                withdrawn = rng.choice([b for b in boxes if b is not box])
                tick(sheet, withdrawn, rng, kind="fill")
            pencil = rng.random() < pencil_share
            tick(sheet, box, rng, ink=PENCIL if pencil else PEN, width_pt=1.0 if pencil else rng.uniform(0.7, 2.0),
                 kind=rng.choice(["tick", "tick", "cross"]), spill=rng.random() < spill_share)
            given[field] = box["value"]
            if pencil:
                faint.add(field)
    return Filled(given, faint)


def save_pdf(images: list[np.ndarray], path: Path, dpi: int = 200) -> None:
    from PIL import Image

    pages = [Image.fromarray(i) for i in images]
    pages[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
