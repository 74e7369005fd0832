// Heart mode: the heart-sound classifier's answer for the whole recording (top class and every
// class's confidence), the heart rate from the S1/S2 periodicity, and where the model ran.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { AnalysisState } from '../../core/recording';
import type { HeartAnalysis } from '../../core/types';
import { HEART_CLASSES, heartColor } from '../../core/labels';
import { COLORS } from '../theme';
import { BACKEND_LABEL } from './backendNames';

const pct = (x: number) => `${Math.round(x * 100)}%`;

const DESCRIPTIONS: Record<string, string> = {
  normal: 'normal heart sounds',
  murmur: 'a murmur',
  extrahls: 'an extra heart sound (e.g. S3/S4, click)',
  artifact: 'artifact: noise, speech or no heart sounds',
};

export function HeartPanel({ heart, state }: { heart?: HeartAnalysis; state?: AnalysisState }) {
  if (state?.status === 'error') {
    return (
      <Alert severity="error" sx={{ m: 2 }}>
        The heart-sound analysis failed: {state.message}
      </Alert>
    );
  }
  if (!heart) {
    return (
      <Box sx={{ px: 2, py: 1.5 }} role="status">
        <Typography variant="body2">{state?.status === 'queued' ? 'Waiting for the other recordings to be analysed…' : 'Analysing heart sounds…'}</Typography>
        <LinearProgress sx={{ mt: 1 }} />
      </Box>
    );
  }
  const hr = heart.heartRate;
  return (
    <Stack direction="row" spacing={3} useFlexGap sx={{ px: 2, py: 1.5, flexWrap: 'wrap', alignItems: 'flex-start' }} data-testid="heart-result" data-top={heart.top.className}>
      <Box sx={{ borderLeft: `6px solid ${heartColor(heart.top.className)}`, pl: 1.5, minWidth: 200 }}>
        <Typography variant="overline" sx={{ display: 'block', lineHeight: 1.2 }}>
          Heart sounds
        </Typography>
        <Typography variant="h5" component="p" sx={{ fontWeight: 800 }} data-testid="heart-top">
          {heart.top.className}
        </Typography>
        <Typography variant="body2">
          {DESCRIPTIONS[heart.top.className] ?? ''} · confidence {pct(heart.top.confidence)}
        </Typography>
        {heart.support && (
          <Typography variant="body2" color="text.secondary" data-testid="heart-support" data-windows={heart.support.windows} data-of={heart.support.of}>
            {heart.top.className} in {heart.support.windows} of {heart.support.of} window{heart.support.of === 1 ? '' : 's'}
          </Typography>
        )}
      </Box>
      <Box sx={{ minWidth: 260 }} data-testid="heart-classes">
        {HEART_CLASSES.map((c) => {
          const p = heart.predictions.find((x) => x.className === c.name)?.confidence ?? 0;
          return (
            <Stack key={c.name} direction="row" spacing={1} sx={{ alignItems: 'center' }} data-class={c.name} data-confidence={p.toFixed(4)}>
              <Typography variant="body2" sx={{ width: 72, fontWeight: c.name === heart.top.className ? 700 : 400 }}>
                {c.name}
              </Typography>
              <Box sx={{ flex: 1, height: 10, bgcolor: COLORS.track, borderRadius: 1, overflow: 'hidden' }}>
                <Box sx={{ width: pct(p), height: '100%', bgcolor: c.color }} />
              </Box>
              <Typography variant="body2" sx={{ width: 40, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
                {pct(p)}
              </Typography>
            </Stack>
          );
        })}
      </Box>
      <Box sx={{ minWidth: 160 }} data-testid="heart-rate" data-bpm={hr.bpm ?? ''}>
        <Typography variant="overline" sx={{ display: 'block', lineHeight: 1.2 }}>
          Heart rate
        </Typography>
        {hr.bpm !== null ? (
          <>
            <Typography variant="h5" component="p" sx={{ fontWeight: 800 }}>
              {Math.round(hr.bpm)} bpm
            </Typography>
            <Typography variant="body2" color="text.secondary">
              periodicity {pct(hr.confidence)}
            </Typography>
          </>
        ) : (
          <Typography variant="body2">Not measurable: {hr.reason}</Typography>
        )}
      </Box>
      <Typography variant="caption" color="text.secondary" sx={{ flexBasis: '100%' }}>
        {heart.modelId} · each coloured stretch on the timeline is the class of the 3 s window centred there.
      </Typography>
      <Typography variant="caption" color="text.secondary" sx={{ flexBasis: '100%', mt: '0 !important' }} data-testid="heart-backend" data-backend={heart.backend} data-reason={heart.backendReason ?? ''}>
        Ran on {BACKEND_LABEL[heart.backend]}
        {heart.backendReason ? ` (${heart.backendReason})` : ''}.
      </Typography>
    </Stack>
  );
}
