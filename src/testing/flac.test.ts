// The test-only FLAC decoder against the published WAV files of the same recordings: SPRSound's 20
// original WAVs (8 kHz) and PASCAL's 8 (44.1 kHz and 4 kHz) must decode to the same samples.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { readWav } from '../audio/wav';
import { DATA } from './data';
import { decodeFlac, flacStreamInfo, readFlacFile } from './flac';
import { describeWithData } from './withData';

function wavSamples(file: string) {
  const bytes = readFileSync(file);
  return readWav(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

describeWithData('decodeFlac equals the published WAV sample for sample', [DATA.sprsound, DATA.sprsoundOriginalWav, DATA.heartbeatSounds, DATA.heartOriginalWav], () => {
  const pairs = [
    ...readdirSync(DATA.sprsoundOriginalWav.path).map((f) => [
      path.join(DATA.sprsoundOriginalWav.path, f),
      path.join(DATA.sprsound.path, 'audio', f.replace(/\.wav$/, '.flac')),
    ]),
    ...readdirSync(DATA.heartOriginalWav.path).map((f) => [
      path.join(DATA.heartOriginalWav.path, f),
      path.join(DATA.heartbeatSounds.path, f.split('_')[0], f.replace(/\.wav$/, '.flac')),
    ]),
  ];

  it('has the 28 pairs', () => expect(pairs).toHaveLength(28));

  it.each(pairs.map(([w, f]) => [path.basename(f), w, f]))('%s', (_name, wavFile, flacFile) => {
    const wav = wavSamples(wavFile);
    const flac = readFlacFile(flacFile);
    expect(flac.sampleRate).toBe(wav.sampleRate);
    expect(flac.samples.length).toBe(wav.samples.length);
    const info = flacStreamInfo(new Uint8Array(readFileSync(flacFile)));
    expect(info).toEqual({ sampleRate: wav.sampleRate, channels: 1, bitsPerSample: 16, frames: wav.samples.length });
    let firstDiff = -1;
    for (let i = 0; i < wav.samples.length && firstDiff < 0; i++) if (flac.samples[i] !== wav.samples[i]) firstDiff = i;
    expect(firstDiff, `first differing sample of ${path.basename(flacFile)}`).toBe(-1);
  });

  it('refuses bytes that are not FLAC, and a truncated stream', () => {
    expect(() => decodeFlac(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(/no fLaC marker/);
    const bytes = new Uint8Array(readFileSync(pairs[0][1]));
    expect(() => decodeFlac(bytes.subarray(0, bytes.length >> 1))).toThrow(/unexpected end of data|lost frame sync|samples decoded/);
  });
});
