import { describe, expect, it } from 'vitest';
import { spectrogramPalette } from './colorMap';
import { spectrogramLevelMap } from './displayScale';
import { shownBins, spectrogramPixels } from './spectrogramImage';

/** 3 frames × 4 bins at 8 kHz (bins at 0, 1333, 2667, 4000 Hz), frame-major as the worker sends it. */
const display = { nFrames: 3, nBins: 4, sampleRate: 8000, data: Uint8Array.from([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]) };

/** A palette whose red byte is the level itself, so pixels can be read back as levels. */
const identity = new Uint8ClampedArray(1024);
for (let v = 0; v < 256; v++) identity.set([v, 255 - v, 7, 255], v * 4);

describe('spectrogramPixels', () => {
  it('puts frame f in column f and bin 0 in the bottom row, through the palette', () => {
    const px = spectrogramPixels(display, identity, 0, 3, 4);
    const red = (row: number, col: number) => px[(row * 3 + col) * 4];
    expect([red(3, 0), red(3, 1), red(3, 2)]).toEqual([0, 10, 20]); // bottom row: bin 0
    expect([red(0, 0), red(0, 1), red(0, 2)]).toEqual([3, 13, 23]); // top row: bin 3
    expect(Array.from(px.slice(0, 4))).toEqual([3, 252, 7, 255]);
  });

  it('draws a stretch of frames and the lowest bins only', () => {
    const px = spectrogramPixels(display, identity, 1, 3, 2);
    expect(px.length).toBe(2 * 2 * 4);
    expect([px[0], px[4], px[8], px[12]]).toEqual([11, 21, 10, 20]);
  });
});

describe('shownBins', () => {
  it('keeps the bins up to the top frequency, all of them at Nyquist or above', () => {
    expect(shownBins(display, 4000)).toBe(4);
    expect(shownBins(display, 9000)).toBe(4);
    expect(shownBins(display, 2000)).toBe(2);
    expect(shownBins(display, 2667)).toBe(3);
    expect(shownBins(display, 0)).toBe(1);
  });
});

describe('spectrogramPalette', () => {
  it('maps levels below the display floor to the colour map start and the top level to its end', () => {
    const palette = spectrogramPalette(spectrogramLevelMap(60));
    expect(Array.from(palette.slice(0, 4))).toEqual([0, 0, 4, 255]); // inferno's first anchor #000004
    expect(Array.from(palette.slice(255 * 4))).toEqual([252, 255, 164, 255]); // its last, #fcffa4
    expect(Array.from(palette.slice(60 * 4, 61 * 4))).toEqual([0, 0, 4, 255]); // 60 dB of 80: floor at 63.75
    expect(palette[200 * 4]).toBeGreaterThan(palette[100 * 4]);
  });
});
