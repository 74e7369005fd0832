// Reading a folder of audio files for the CLI: every readable file, and a reason for each unreadable one.
import { openAsBlob } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { readWav, type WavAudio } from '../src/audio/wav';
import { AudioInputError } from '../src/audio/errors';
import { openWavSource, type WavSource } from '../src/audio/source';

export const AUDIO_EXTENSIONS = ['.wav', '.wave', '.flac', '.mp3', '.ogg', '.opus', '.m4a'];

export interface AudioFileResult {
  name: string;
  audio?: WavAudio;
  error?: string;
}

/** The audio files of `dir` by extension (symbolic links to files count: datasets are often linked). */
export async function listAudioFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names: string[] = [];
  for (const e of entries) {
    if (!AUDIO_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) continue;
    if (e.isFile() || (e.isSymbolicLink() && (await stat(path.join(dir, e.name)).catch(() => null))?.isFile())) names.push(e.name);
  }
  return names.sort();
}

function wavOnly(name: string): void {
  const ext = path.extname(name).toLowerCase();
  if (ext !== '.wav' && ext !== '.wave') {
    // Node has no built-in decoder for compressed formats; the app decodes them in the browser.
    throw new AudioInputError('unsupported-format', `${ext} files are read by the app in the browser; the CLI reads WAV only.`);
  }
}

/** A whole recording as a source read a chunk at a time (bounded memory, however long the file). */
export async function openAudioSource(dir: string, name: string, maxDurationS: number): Promise<{ name: string; source?: WavSource; error?: string }> {
  try {
    wavOnly(name);
    return { name, source: await openWavSource(await openAsBlob(path.join(dir, name)), { maxDurationS }) };
  } catch (e) {
    return { name, error: e instanceof Error ? e.message : String(e) };
  }
}

export async function readAudioFile(dir: string, name: string, maxDurationS: number): Promise<AudioFileResult> {
  try {
    const bytes = await readFile(path.join(dir, name));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    wavOnly(name);
    return { name, audio: readWav(buffer, { maxDurationS }) };
  } catch (e) {
    return { name, error: e instanceof Error ? e.message : String(e) };
  }
}
