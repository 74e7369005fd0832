#!/usr/bin/env python3
"""Draws the app icons (public/icons/*.png) with numpy + zlib only, so no image tool is needed.

A white sound trace (quiet breath, a burst of crackles, quiet breath) on a deep-teal tile.
Run from the repo root: python3 scripts/make-icons.py
"""
import struct
import zlib
from pathlib import Path

import numpy as np

BG = np.array([11, 61, 74], dtype=np.float64)  # deep teal, also the manifest theme colour
FG = np.array([255, 255, 255], dtype=np.float64)
ACCENT = np.array([230, 159, 0], dtype=np.float64)  # Okabe-Ito orange (Fine Crackle in the label table)

# The trace in unit coordinates (x 0..1, y 0..1, y down); the middle segment is the "event".
TRACE = [(0.0, 0.5), (0.1, 0.5), (0.16, 0.4), (0.22, 0.6), (0.28, 0.5), (0.36, 0.5),
         (0.42, 0.1), (0.5, 0.9), (0.58, 0.22), (0.64, 0.5), (0.72, 0.5),
         (0.78, 0.4), (0.84, 0.6), (0.9, 0.5), (1.0, 0.5)]
EVENT_X = (0.37, 0.67)


def png(path: Path, rgba: np.ndarray) -> None:
    h, w, _ = rgba.shape
    raw = b''.join(b'\x00' + rgba[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + tag + data + struct.pack('>I', zlib.crc32(tag + data) & 0xFFFFFFFF)

    path.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 6, 0, 0, 0))
                     + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


def seg_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0, 1)
    return np.hypot(px - (ax + t * dx), py - (ay + t * dy))


def draw(size: int, maskable: bool) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    # Maskable icons may be cropped to a circle of 80 % diameter, so keep the trace inside it.
    inset = 0.22 if maskable else 0.14
    span = size * (1 - 2 * inset)
    pts = [(size * inset + x * span, size * 0.5 + (y - 0.5) * span * 0.7) for x, y in TRACE]
    dist = np.full((size, size), np.inf)
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        dist = np.minimum(dist, seg_distance(xx, yy, ax, ay, bx, by))
    half_width = size * 0.022
    ink = np.clip(half_width + 0.5 - dist, 0, 1)[..., None]

    # The event as the app draws it: a translucent band of its label colour behind the trace.
    x0, x1 = size * inset + EVENT_X[0] * span, size * inset + EVENT_X[1] * span
    y0, y1 = size * 0.5 - span * 0.4, size * 0.5 + span * 0.4
    band = ((xx >= x0) & (xx <= x1) & (yy >= y0) & (yy <= y1))[..., None] * 0.55
    rgb = BG * (1 - band) + ACCENT * band
    rgb = rgb * (1 - ink) + FG * ink

    if maskable:
        alpha = np.full((size, size), 255.0)
    else:
        # Rounded tile with anti-aliased corners; transparent outside.
        r = size * 0.18
        cx = np.clip(xx, r, size - r)
        cy = np.clip(yy, r, size - r)
        alpha = np.clip(r + 0.5 - np.hypot(xx - cx, yy - cy), 0, 1) * 255
    return np.dstack([rgb, alpha])


def main() -> None:
    out = Path('public/icons')
    out.mkdir(parents=True, exist_ok=True)
    png(out / 'icon-192.png', draw(192, False))
    png(out / 'icon-512.png', draw(512, False))
    png(out / 'maskable-512.png', draw(512, True))
    png(out / 'apple-touch-icon-180.png', draw(180, True))
    print('wrote', sorted(p.name for p in out.glob('*.png')))


if __name__ == '__main__':
    main()
