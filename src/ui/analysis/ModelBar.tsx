// Which event model classifies the events (ResNet-18, VGG-16 or both) and where inference runs.
// The chip shows the backend choice in force and why (measured, the user's, no WebGPU), and opens
// the override (Automatic / WebGPU / WASM); below it every model of the shown analysis is named with
// its backend and, on WASM, the reason, so a slow analysis is explained rather than mysterious.
import Alert from '@mui/material/Alert';
import Chip from '@mui/material/Chip';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { Backend, BackendSetting, InferenceStatus, ModelBackend, ModelCatalog } from '../../core/types';
import { BACKEND_LABEL, choiceText, lineText, modelBackendLines } from './backendNames';

export interface ModelBarProps {
  catalog?: ModelCatalog;
  catalogError?: string;
  choice: string;
  /** The model the shown recording's events were classified with. */
  usedModel?: string;
  onChoose: (id: string) => void;
  status?: InferenceStatus;
  /** Where each model of the shown analysis ran (absent for analyses saved before it was kept). */
  analysedWith?: Record<string, ModelBackend>;
  /** The shown analysis's backend, for one saved without `analysedWith`. */
  analysedOn?: Backend;
  backendSetting: BackendSetting;
  onBackendSetting: (s: BackendSetting) => void;
  busy: boolean;
}

const SETTINGS: { value: BackendSetting; label: string }[] = [
  { value: 'auto', label: 'Automatic (the faster, measured)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'wasm', label: 'WASM' },
];

export function ModelBar({ catalog, catalogError, choice, usedModel, onChoose, status, analysedWith, analysedOn, backendSetting, onBackendSetting, busy }: ModelBarProps) {
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const inForce = status?.choice;
  const label = inForce ? `Runs on: ${choiceText(inForce)}` : analysedOn ? `Analysed on: ${BACKEND_LABEL[analysedOn]}` : 'Runs on: not started';
  const lines = modelBackendLines(analysedWith ?? {}, catalog);
  const fellBack = lines.filter((l) => l.backend === 'wasm' && l.reason);
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
        <Chip
          size="small"
          data-testid="backend"
          data-backend={inForce?.backend ?? analysedOn ?? ''}
          data-how={inForce?.how ?? ''}
          data-wasm-ms={inForce?.timings?.wasmMs.toFixed(1) ?? ''}
          data-webgpu-ms={inForce?.timings?.webgpuMs?.toFixed(1) ?? ''}
          data-setting={backendSetting}
          label={label}
          title="Where the models run; click to choose"
          onClick={(e) => setMenu(e.currentTarget)}
          color={inForce?.backend === 'webgpu' ? 'success' : 'default'}
          variant="outlined"
          sx={{ ml: 'auto', fontWeight: 700 }}
        />
        <Menu anchorEl={menu} open={Boolean(menu)} onClose={() => setMenu(null)} data-testid="backend-menu">
          {SETTINGS.map((o) => (
            <MenuItem
              key={o.value}
              selected={o.value === backendSetting}
              data-setting={o.value}
              onClick={() => {
                setMenu(null);
                onBackendSetting(o.value);
              }}
            >
              {o.label}
            </MenuItem>
          ))}
        </Menu>
      </Stack>
      {catalog?.defaultReason && (
        <Typography variant="caption" color="text.secondary">
          {catalog.defaultReason}
        </Typography>
      )}
      {lines.length > 0 && (
        <Typography variant="caption" color="text.secondary" data-testid="model-backends">
          This analysis ran on:{' '}
          {lines.map((l, i) => (
            <span key={l.id} data-testid="model-backend" data-model-id={l.id} data-backend={l.backend} data-reason={l.reason ?? ''}>
              {i ? ' · ' : ''}
              {lineText(l)}
            </span>
          ))}
        </Typography>
      )}
      {fellBack.length > 0 && (
        <Alert severity="info" data-testid="backend-note" sx={{ py: 0 }}>
          Running on WASM (slower when a fast GPU is there) — {fellBack.map((l) => `${l.name}: ${l.reason}`).join('; ')}.
        </Alert>
      )}
    </Stack>
  );
}
