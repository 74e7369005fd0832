import type { LoadedRecording } from '../core/recording';

/** The playback WAV is the recording at its native rate as 16-bit PCM (the lead's encodeWav), ready to save. */
export function downloadWav(recording: LoadedRecording): void {
  const url = URL.createObjectURL(recording.prepared.playback);
  const a = document.createElement('a');
  a.href = url;
  a.download = /\.wav$/i.test(recording.name) ? recording.name : `${recording.name.replace(/[\\/:*?"<>|]+/g, '-')}.wav`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: some browsers start the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves text (JSON, CSV) under `fileName` through the browser's download. */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
