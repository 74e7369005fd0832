// Audio input devices, and the clinician's choice among them remembered across visits
// (a stethoscope plugged into the same port should not have to be picked every time).

export interface InputDevice {
  deviceId: string;
  label: string;
}

const STORAGE_KEY = 'auscult.inputDeviceId';

export async function listInputDevices(): Promise<InputDevice[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    // Chrome's 'default'/'communications' are aliases of real devices; the picker has its own default entry.
    .filter((d) => d.kind === 'audioinput' && d.deviceId !== '' && d.deviceId !== 'default' && d.deviceId !== 'communications')
    // Labels stay empty until the user has granted microphone access once.
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Input ${i + 1}` }));
}

export function rememberedDeviceId(): string | undefined {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled (private mode policies)
  }
}

export function rememberDeviceId(deviceId: string | undefined): void {
  try {
    if (deviceId) localStorage.setItem(STORAGE_KEY, deviceId);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Not remembering is acceptable; recording still works.
  }
}
