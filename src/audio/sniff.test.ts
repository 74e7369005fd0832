import { describe, expect, it } from 'vitest';
import { sniffAudio } from './sniff';

function bytes(...parts: (string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const c of p) out.push(c.charCodeAt(0));
    else out.push(...p);
  }
  return new Uint8Array([...out, ...new Array(64).fill(0)]);
}

function u32le(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
}

describe('sniffAudio', () => {
  it('recognises RIFF, RF64 and BW64 WAVE', () => {
    for (const head of ['RIFF', 'RF64', 'BW64']) expect(sniffAudio(bytes(head, [0, 0, 0, 0], 'WAVE'))?.container).toBe('wav');
  });

  it('reads rate, channels and length from FLAC STREAMINFO', () => {
    // STREAMINFO: 4 kHz, mono, 16-bit, 80 000 frames.
    const rate = 4000;
    const si = [0x10, 0x00, 0x10, 0x00, 0, 0, 0, 0, 0, 0];
    si.push(rate >> 12, (rate >> 4) & 0xff, ((rate & 0x0f) << 4) | (0 << 1) | 0);
    si.push((15 << 4) | 0, 0x00, 0x01, 0x38, 0x80); // bps-1 = 15, total 80 000 = 0x13880
    const r = sniffAudio(bytes('fLaC', [0x80, 0, 0, 34], si));
    expect(r).toEqual({ container: 'flac', sampleRate: 4000, channels: 1, totalFrames: 80000 });
  });

  it('reads the rate of MPEG-1 layer III and skips an ID3v2 tag', () => {
    const frame = [0xff, 0xfb, 0x90, 0xc4]; // MPEG-1 L3, 128 kbit/s, 44.1 kHz, mono
    expect(sniffAudio(bytes(frame))).toMatchObject({ container: 'mp3', sampleRate: 44100, channels: 1 });
    const id3 = bytes('ID3', [4, 0, 0, 0, 0, 0, 10], new Array(10).fill(0), [0xff, 0xf3, 0x84, 0x00]); // MPEG-2 L3 24 kHz stereo
    expect(sniffAudio(id3)).toMatchObject({ container: 'mp3', sampleRate: 24000, channels: 2 });
  });

  it('reads ADTS AAC', () => {
    expect(sniffAudio(bytes([0xff, 0xf1, 0x50, 0x80]))).toMatchObject({ container: 'aac', sampleRate: 44100, channels: 2 });
  });

  it('reads the Vorbis rate and treats Opus as 48 kHz', () => {
    const page = (packet: number[]) => bytes('OggS', new Array(22).fill(0), [1, packet.length], packet);
    const vorbis = [1, ...'vorbis'.split('').map((c) => c.charCodeAt(0)), 0, 0, 0, 0, 2, ...u32le(22050)];
    expect(sniffAudio(page(vorbis))).toMatchObject({ container: 'ogg-vorbis', sampleRate: 22050, channels: 2 });
    const opus = [...'OpusHead'.split('').map((c) => c.charCodeAt(0)), 1, 1, 0, 0, ...u32le(16000)];
    expect(sniffAudio(page(opus))).toMatchObject({ container: 'ogg-opus', sampleRate: 48000, channels: 1 });
  });

  it("reads the rate from an MP4 'mp4a' sample entry", () => {
    const entry = [...'mp4a'.split('').map((c) => c.charCodeAt(0)), 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 16, 0, 0, 0, 0, 0xbb, 0x80, 0, 0];
    const r = sniffAudio(bytes([0, 0, 0, 24], 'ftypM4A ', new Array(12).fill(0), [0, 0, 0, 36], entry));
    expect(r).toEqual({ container: 'mp4', channels: 2, sampleRate: 48000 });
  });

  it('says nothing for text, PDFs and tiny files', () => {
    expect(sniffAudio(bytes('Patient 12, left base'))).toBeUndefined();
    expect(sniffAudio(bytes('%PDF-1.7'))).toBeUndefined();
    expect(sniffAudio(new Uint8Array([0x52, 0x49]))).toBeUndefined();
  });
});
