import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import IconButton from '@mui/material/IconButton';
import InputLabel from '@mui/material/InputLabel';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useState } from 'react';
import { listInputDevices, rememberDeviceId, rememberedDeviceId, type InputDevice } from '../audio/devices';
import { MicRecorder, type FinishedRecording, type RecorderProgress } from '../audio/recorder';
import { formatClock, formatRate } from './format';
import { CloseIcon, RecordDotIcon, StopIcon } from './icons';

export interface RecorderPanelProps {
  onFinished: (result: FinishedRecording) => void;
  onClose: () => void;
}

const METER_FLOOR_DB = -60;
/** Not a real deviceId: means "let the browser pick" (MUI's Select shows nothing for ''). */
const DEFAULT_DEVICE = 'system-default';

function peakToDb(peak: number): number {
  return peak > 0 ? 20 * Math.log10(peak) : -Infinity;
}

function LevelMeter({ peak }: { peak: number }) {
  const db = peakToDb(peak);
  const pct = Number.isFinite(db) ? Math.max(0, Math.min(100, ((db - METER_FLOOR_DB) / -METER_FLOOR_DB) * 100)) : 0;
  const clipping = db > -1;
  return (
    <Box>
      <LinearProgress
        variant="determinate"
        value={pct}
        color={clipping ? 'error' : db > -6 ? 'warning' : 'success'}
        aria-label="Input level"
        sx={{ height: 12, borderRadius: 1 }}
      />
      <Typography variant="caption" color={clipping ? 'error' : 'text.secondary'}>
        {clipping ? 'Clipping — move the stethoscope or lower the input gain' : `Peak ${Number.isFinite(db) ? db.toFixed(0) : '−∞'} dBFS`}
      </Typography>
    </Box>
  );
}

export function RecorderPanel({ onFinished, onClose }: RecorderPanelProps) {
  const [devices, setDevices] = useState<InputDevice[]>([]);
  const [deviceId, setDeviceId] = useState(rememberedDeviceId() ?? DEFAULT_DEVICE);
  const [recorder, setRecorder] = useState<MicRecorder>();
  const [starting, setStarting] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [progress, setProgress] = useState<RecorderProgress>({ elapsedS: 0, peak: 0 });
  const [error, setError] = useState<string>();

  const refreshDevices = useCallback(() => {
    listInputDevices().then(setDevices, () => setDevices([]));
  }, []);

  useEffect(() => {
    refreshDevices();
    navigator.mediaDevices?.addEventListener?.('devicechange', refreshDevices);
    return () => navigator.mediaDevices?.removeEventListener?.('devicechange', refreshDevices);
  }, [refreshDevices]);

  // Closing the tab mid-recording keeps what was saved, but the clinician should be asked first.
  useEffect(() => {
    if (!recorder) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [recorder]);

  const start = async () => {
    setError(undefined);
    setStarting(true);
    setProgress({ elapsedS: 0, peak: 0 });
    try {
      const rec = await MicRecorder.start({
        deviceId: deviceId === DEFAULT_DEVICE ? undefined : deviceId,
        onProgress: setProgress,
        onInterrupted: (result) => {
          setRecorder(undefined);
          setError(result.interruption);
          onFinished(result);
          refreshDevices();
        },
      });
      setRecorder(rec);
      refreshDevices(); // labels become available once permission is granted
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setStarting(false);
    }
  };

  const stop = async () => {
    if (!recorder) return;
    setStopping(true);
    try {
      onFinished(await recorder.stop());
    } finally {
      setRecorder(undefined);
      setStopping(false);
    }
  };

  const selectable = devices.some((d) => d.deviceId === deviceId) ? deviceId : DEFAULT_DEVICE;
  return (
    <Paper variant="outlined" component="section" aria-label="Recorder" sx={{ p: 2 }}>
      <Stack spacing={1.5}>
        <Stack direction="row" sx={{ alignItems: 'center' }}>
          <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 700, flex: 1 }}>
            Record (microphone or stethoscope)
          </Typography>
          <IconButton aria-label="Close the recorder" onClick={onClose} disabled={!!recorder || starting}>
            <CloseIcon />
          </IconButton>
        </Stack>
        <FormControl size="small" fullWidth disabled={!!recorder || starting}>
          <InputLabel id="input-device-label">Input device</InputLabel>
          <Select
            labelId="input-device-label"
            label="Input device"
            value={selectable}
            onChange={(e) => {
              const id = e.target.value;
              setDeviceId(id);
              rememberDeviceId(id === DEFAULT_DEVICE ? undefined : id);
            }}
          >
            <MenuItem value={DEFAULT_DEVICE}>System default input</MenuItem>
            {devices.map((d) => (
              <MenuItem key={d.deviceId} value={d.deviceId}>
                {d.label}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        {recorder ? (
          <Button variant="contained" color="secondary" size="large" startIcon={<StopIcon />} onClick={stop} disabled={stopping}>
            Stop
          </Button>
        ) : (
          <Button variant="contained" color="secondary" size="large" startIcon={<RecordDotIcon />} onClick={start} disabled={starting}>
            {starting ? 'Starting…' : 'Record'}
          </Button>
        )}
        {(recorder || progress.elapsedS > 0) && (
          <Stack spacing={0.5}>
            <Typography
              data-testid="record-elapsed"
              data-seconds={progress.elapsedS}
              sx={{ fontSize: '1.5rem', fontVariantNumeric: 'tabular-nums', fontWeight: 600 }}
              aria-live="off"
            >
              {recorder && (
                <Box component="span" sx={{ color: 'secondary.main', mr: 1 }} aria-label="Recording">
                  ●
                </Box>
              )}
              {formatClock(progress.elapsedS)}
              {recorder && (
                <Typography component="span" variant="body2" color="text.secondary" sx={{ ml: 1 }}>
                  at {formatRate(recorder.sampleRate)}
                </Typography>
              )}
            </Typography>
            {recorder && <LevelMeter peak={progress.peak} />}
          </Stack>
        )}
        <Typography variant="caption" color="text.secondary">
          Echo cancellation, noise suppression and automatic gain are off, so chest sounds are captured unaltered. The
          recording is saved in this browser as it is made.
        </Typography>
        {error && (
          <Alert severity="warning" role="alert" onClose={() => setError(undefined)}>
            {error}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
