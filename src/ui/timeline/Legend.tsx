import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { memo } from 'react';
import type { TimedEvent } from '../../../workers/api';
import { EVENT_CLASSES } from '../../labels';
import { REGION_FILL_ALPHA, withAlpha } from './regions';

export interface LegendProps {
  events: readonly TimedEvent[];
  source?: string;
}

/** The event classes present on the timeline, in label-table order, with their counts. */
export const Legend = memo(function Legend({ events, source }: LegendProps) {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  const present = EVENT_CLASSES.filter((c) => counts.has(c.name));
  return (
    <Box component="section" aria-label="Event legend" data-testid="legend" sx={{ px: 2, py: 1.5 }}>
      {present.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          No events marked on this recording. Drop its SPRSound annotation (.json, same name) to show reference events.
        </Typography>
      ) : (
        <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
          {present.map((c) => (
            <Stack key={c.name} direction="row" spacing={0.75} sx={{ alignItems: 'center' }}>
              <Box
                aria-hidden
                sx={{ width: 18, height: 14, borderRadius: 0.5, bgcolor: withAlpha(c.color, REGION_FILL_ALPHA + 0.25), border: `2px solid ${c.color}` }}
              />
              <Typography variant="body2">
                {c.name} <Box component="span" sx={{ color: 'text.secondary' }}>× {counts.get(c.name)}</Box>
              </Typography>
            </Stack>
          ))}
          <Typography variant="body2" color="text.secondary" sx={{ ml: 'auto' }}>
            {source ? `${source} · ` : ''}Click an event to play it
          </Typography>
        </Stack>
      )}
    </Box>
  );
});
