// Which event model classifies the events (ResNet-18, VGG-16 or both) and where inference runs.
// The backend is what the worker reports after a run; a fallback to WASM is shown with its reason,
// so a slow analysis on a machine without WebGPU is explained rather than mysterious.
import Alert from '@mui/material/Alert';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { InferenceStatus, ModelCatalog } from '../../core/types';

export interface ModelBarProps {
  catalog?: ModelCatalog;
  catalogError?: string;
  choice: string;
  /** The model the shown recording's events were classified with. */
  usedModel?: string;
  onChoose: (id: string) => void;
  status?: InferenceStatus;
  /** Where the shown recording was analysed (e.g. reopened from History, before any run today). */
  analysedOn?: InferenceStatus['backend'];
  busy: boolean;
}

export function backendLabel(status?: InferenceStatus): string {
  if (!status?.backend) return 'not started';
  return status.backend === 'webgpu' ? 'WebGPU' : 'WASM';
}

/** Fallback reasons, once each (the store reports one per model). */
export function fallbackNotes(status?: InferenceStatus): string[] {
  const reasons = new Set<string>();
  for (const n of status?.notes ?? []) reasons.add(n.replace(/^[^:]+:\s*/, ''));
  return [...reasons];
}

export function ModelBar({ catalog, catalogError, choice, usedModel, onChoose, status, analysedOn, busy }: ModelBarProps) {
  const notes = status?.backend === 'wasm' ? fallbackNotes(status) : [];
  // Nothing ran in this session yet: say where the shown results were computed.
  const shown: InferenceStatus | undefined = status?.backend ? status : analysedOn ? { backend: analysedOn, preferred: [], notes: [] } : status;
  const verb = status?.backend ? 'Runs on' : analysedOn ? 'Analysed on' : 'Runs on';
  return (
    <Stack spacing={1} sx={{ px: 2, pt: 1.5 }}>
      <Stack direction="row" spacing={1.5} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2" sx={{ fontWeight: 700 }} id="event-model-label">
          Event model
        </Typography>
        {catalog && catalog.eventChoices.length > 0 ? (
          <ToggleButtonGroup
            size="small"
            exclusive
            value={choice}
            disabled={busy}
            onChange={(_, v: string | null) => v && onChoose(v)}
            aria-labelledby="event-model-label"
            data-testid="model-choice"
          >
            {catalog.eventChoices.map((c) => (
              <ToggleButton key={c.id} value={c.id} sx={{ py: 0.25, px: 1.25 }} data-model={c.id}>
                {c.label}
                {c.id === catalog.defaultEventChoice ? ' · default' : ''}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
        ) : (
          <Typography variant="body2" color={catalogError ? 'error' : 'text.secondary'}>
            {catalogError ? `The models could not be loaded: ${catalogError}` : 'Loading the model list…'}
          </Typography>
        )}
        {usedModel && usedModel !== choice && (
          <Typography variant="body2" color="text.secondary">
            (this recording: {catalog?.eventChoices.find((c) => c.id === usedModel)?.label ?? usedModel})
          </Typography>
        )}
        <Tooltip title={shown?.backend === 'webgpu' ? 'The models run on the graphics processor (WebGPU).' : 'The models run on the processor (WebAssembly).'}>
          <Chip
            size="small"
            data-testid="backend"
            data-backend={shown?.backend ?? ''}
            label={`${verb}: ${backendLabel(shown)}`}
            color={shown?.backend === 'webgpu' ? 'success' : 'default'}
            variant="outlined"
            sx={{ ml: 'auto', fontWeight: 700 }}
          />
        </Tooltip>
      </Stack>
      {catalog?.defaultReason && (
        <Typography variant="caption" color="text.secondary">
          {catalog.defaultReason}
        </Typography>
      )}
      {notes.length > 0 && (
        <Alert severity="info" data-testid="backend-note" sx={{ py: 0 }}>
          Running on WASM (slower) — {notes.join('; ')}.
        </Alert>
      )}
    </Stack>
  );
}
