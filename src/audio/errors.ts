// One typed error for everything wrong with user-supplied audio, so the UI and the CLI
// can show a clear message and keep going with the other recordings.

export type AudioInputErrorCode =
  | 'empty'
  | 'not-audio'
  | 'truncated'
  | 'unsupported-format'
  | 'bad-header'
  | 'no-samples'
  | 'too-long'
  | 'decode-failed'
  | 'cancelled';

export class AudioInputError extends Error {
  readonly code: AudioInputErrorCode;

  constructor(code: AudioInputErrorCode, message: string) {
    // Comlink re-creates errors from name + message, so the code is repeated in the message.
    super(message);
    this.name = 'AudioInputError';
    this.code = code;
  }
}

export function isAudioInputError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'AudioInputError';
}
