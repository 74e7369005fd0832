// Reading a folder of audio files for the CLI: every readable file, and a reason for each unreadable one.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { readWav, type WavAudio } from '../src/audio/wav';
import { AudioInputError } from '../src/audio/errors';

export const AUDIO_EXTENSIONS = ['.wav', '.wave', '.flac', '.mp3', '.ogg', '.opus', '.m4a'];

export interface AudioFileResult {
  name: string;
  audio?: WavAudio;
  error?: string;
}

export async function listAudioFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && AUDIO_EXTENSIONS.includes(path.extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();
}

export async function readAudioFile(dir: string, name: string, maxDurationS: number): Promise<AudioFileResult> {
  try {
    const bytes = await readFile(path.join(dir, name));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const ext = path.extname(name).toLowerCase();
    if (ext !== '.wav' && ext !== '.wave') {
      // Node has no built-in decoder for compressed formats; the app decodes them in the browser.
      throw new AudioInputError('unsupported-format', `${ext} files are read by the app in the browser; the CLI reads WAV only.`);
    }
    return { name, audio: readWav(buffer, { maxDurationS }) };
  } catch (e) {
    return { name, error: e instanceof Error ? e.message : String(e) };
  }
}
