import { describe, expect, it } from 'vitest';
import { spectrogramLevelMap } from './displayScale';
import { spectrogramJsonBytes } from './spectrogramData';

describe('spectrogramJsonBytes', () => {
  it('writes the Uint8 frames as the [channel][frame][bin] JSON the Spectrogram plugin reads', async () => {
    const nFrames = 1100; // more than one slice
    const nBins = 5;
    const data = new Uint8Array(nFrames * nBins).map((_, i) => (i * 37) % 256);
    const bytes = await spectrogramJsonBytes({ nFrames, nBins, sampleRate: 8000, data }, spectrogramLevelMap(80));
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as number[][][];
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toHaveLength(nFrames);
    expect(parsed[0][3]).toEqual(Array.from(data.subarray(15, 20)));
    expect(parsed[0].flat()).toEqual(Array.from(data));
  });

  it('applies the display level map', async () => {
    const data = new Uint8Array([0, 60, 255]);
    const bytes = await spectrogramJsonBytes({ nFrames: 1, nBins: 3, sampleRate: 8000, data }, spectrogramLevelMap(60));
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual([[[0, 0, 255]]]);
  });

  it('handles an empty spectrogram', async () => {
    const bytes = await spectrogramJsonBytes({ nFrames: 0, nBins: 129, sampleRate: 8000, data: new Uint8Array(0) });
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual([[]]);
  });
});
