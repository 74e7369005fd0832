import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { memo } from 'react';
import type { TimedEvent } from '../../core/types';
import { AGREEMENT_TEXT, type AgreementKind } from '../../analysis/agreement';
import { EVENT_CLASSES, HEART_CLASSES, type LabelInfo } from '../../core/labels';
import { withAlpha } from '../theme';
import { REGION_FILL_ALPHA } from './regions';

export interface LegendProps {
  /** Predicted (possibly edited) events. */
  events: readonly TimedEvent[];
  /** Annotated events (the reference lane). */
  reference?: readonly TimedEvent[];
  heart?: readonly { className: string }[];
  source?: string;
  agreement?: Record<AgreementKind, number>;
}

function counts(items: readonly { label?: string; className?: string }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of items) {
    const k = e.label ?? e.className ?? '';
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function Row({ title, classes, n }: { title: string; classes: readonly LabelInfo[]; n: Map<string, number> }) {
  const present = classes.filter((c) => n.has(c.name));
  if (!present.length) return null;
  return (
    <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
      <Typography variant="body2" sx={{ fontWeight: 700, minWidth: 92 }}>
        {title}
      </Typography>
      {present.map((c) => (
        <Stack key={c.name} direction="row" spacing={0.75} sx={{ alignItems: 'center' }}>
          <Box
            aria-hidden
            sx={{ width: 18, height: 14, borderRadius: 0.5, bgcolor: withAlpha(c.color, REGION_FILL_ALPHA + 0.25), border: `2px solid ${c.color}` }}
          />
          <Typography variant="body2">
            {c.name} <Box component="span" sx={{ color: 'text.secondary' }}>× {n.get(c.name)}</Box>
          </Typography>
        </Stack>
      ))}
    </Stack>
  );
}

/** The classes present on the timeline, in label-table order, with their counts, per lane. */
export const Legend = memo(function Legend({ events, reference, heart, source, agreement }: LegendProps) {
  const nothing = !events.length && !reference?.length && !heart?.length;
  return (
    <Box component="section" aria-label="Event legend" data-testid="legend" sx={{ px: 2, py: 1.5 }}>
      {nothing ? (
        <Typography variant="body2" color="text.secondary">
          No events on this recording yet. Drop its SPRSound annotation (.json, same name) to compare with the reference events.
        </Typography>
      ) : (
        <Stack spacing={0.75}>
          {heart ? <Row title="Heart sounds" classes={HEART_CLASSES} n={counts(heart)} /> : <Row title="Model" classes={EVENT_CLASSES} n={counts(events)} />}
          {reference && <Row title="Annotation" classes={EVENT_CLASSES} n={counts(reference)} />}
          <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
            {agreement && (
              <Typography variant="body2" data-testid="agreement-summary">
                {(Object.keys(AGREEMENT_TEXT) as AgreementKind[])
                  .filter((k) => agreement[k] > 0)
                  .map((k) => `${AGREEMENT_TEXT[k].mark} ${agreement[k]} ${AGREEMENT_TEXT[k].text}`)
                  .join(' · ')}
              </Typography>
            )}
            <Typography variant="body2" color="text.secondary" sx={{ ml: 'auto' }}>
              {source ? `${source} · ` : ''}Click an event to play it
            </Typography>
          </Stack>
        </Stack>
      )}
    </Box>
  );
});
