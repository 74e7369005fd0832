// The record verdict (Normal / CAS / DAS / CAS & DAS / Poor Quality), its confidence, and the events
// it rests on (click one to select and hear it). When the clinician's edits imply another verdict by
// the SPRSound rules, that is said next to the model's, never silently swapped.
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { AnalysedEvent, RecordingAnalysis } from '../../core/types';
import { eventsImply, strongestStretch, supportingEvents, verdictFamilies, GROUPS, type ActivityStretch } from '../../analysis/events';
import { normaliseRecordLabel } from '../../analysis/datasetMetrics';
import { eventColor, NORMAL, POOR_QUALITY, recordColor } from '../../core/labels';
import { COLORS } from '../theme';

export interface VerdictCardProps {
  analysis: RecordingAnalysis;
  events: readonly AnalysedEvent[];
  edited: boolean;
  referenceLabel?: string;
  durationS: number;
  onSelectEvent: (id: string) => void;
  /** Plays a stretch of the recording (where the verdict's family sounds most). */
  onPlayRange: (start: number, end: number) => void;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** For each family the verdict names that no event on the timeline carries: where it sounds most. */
function unmarkedFamilies(analysis: RecordingAnalysis, events: readonly AnalysedEvent[], durationS: number): ActivityStretch[] {
  const label = analysis.verdict?.label ?? '';
  const activity = analysis.familyActivity;
  if (!activity) return [];
  return verdictFamilies(label)
    .filter((f) => supportingEvents(f, events).length === 0)
    .map((f) => strongestStretch(activity, f, durationS))
    .filter((s): s is ActivityStretch => s !== null);
}

export function VerdictCard({ analysis, events, edited, referenceLabel, durationS, onSelectEvent, onPlayRange }: VerdictCardProps) {
  const verdict = analysis.verdict;
  if (!verdict) {
    return (
      <Box sx={{ px: 2, py: 1.5 }} data-testid="verdict">
        <Typography variant="body2" color="text.secondary">
          No record verdict: {analysis.notes.join(' ') || 'no detector model.'}
        </Typography>
      </Box>
    );
  }
  const support = supportingEvents(verdict.label, events);
  const pointers = unmarkedFamilies(analysis, events, durationS);
  const adventitiousEvents = verdict.label === NORMAL ? events.filter((e) => GROUPS[e.label] !== undefined && GROUPS[e.label] !== 'normal') : [];
  const implied = edited ? eventsImply(events) : undefined;
  const truth = normaliseRecordLabel(referenceLabel);
  const color = recordColor(verdict.label);
  return (
    <Stack
      component="section"
      aria-label="Record verdict"
      data-testid="verdict"
      data-label={verdict.label}
      data-record-probs={verdict.recordProbs ? JSON.stringify(verdict.recordProbs) : undefined}
      data-elapsed-ms={analysis.elapsedMs}
      data-stage-ms={analysis.stageMs ? JSON.stringify(analysis.stageMs) : undefined}
      direction="row"
      spacing={2}
      useFlexGap
      sx={{ px: 2, py: 1.5, alignItems: 'flex-start', flexWrap: 'wrap' }}
    >
      <Box sx={{ borderLeft: `6px solid ${color}`, pl: 1.5, minWidth: 190 }}>
        <Typography variant="overline" sx={{ lineHeight: 1.2, display: 'block' }}>
          Record verdict
        </Typography>
        <Typography variant="h5" component="p" sx={{ fontWeight: 800 }} data-testid="verdict-label">
          {verdict.label}
        </Typography>
        <Typography variant="body2" data-testid="verdict-confidence">
          confidence {pct(verdict.confidence)}
        </Typography>
        {verdict.adventitiousProbability !== undefined && (
          <Typography
            variant="body2"
            data-testid="verdict-adventitious"
            data-probability={verdict.adventitiousProbability}
            title="P(CAS, DAS or CAS & DAS), given the recording is of usable quality. The record is called adventitious at or above the threshold chosen by cross-validation."
          >
            adventitious {pct(verdict.adventitiousProbability)}
            {verdict.adventitiousThreshold !== undefined && ` (called at ≥ ${pct(verdict.adventitiousThreshold)})`}
          </Typography>
        )}
      </Box>
      <Box sx={{ flex: '1 1 280px' }}>
        <Typography variant="body2" sx={{ fontWeight: 700, mb: 0.5 }}>
          {verdict.label === POOR_QUALITY
            ? 'The recording is too noisy or faint to judge; record again if possible.'
            : support.length
              ? `Supported by ${support.length} ${verdict.label === NORMAL ? 'normal breath' : 'adventitious'} event${support.length > 1 ? 's' : ''}:`
              : verdict.label === NORMAL
                ? 'No adventitious events were found.'
                : 'No event of this kind is on the timeline; the verdict comes from the recording as a whole.'}
        </Typography>
        <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }} data-testid="verdict-support">
          {support.slice(0, 12).map((e) => (
            <Chip
              key={e.id}
              size="small"
              clickable
              onClick={() => onSelectEvent(e.id)}
              label={`${e.label} ${e.start.toFixed(1)}–${e.end.toFixed(1)} s`}
              sx={{ borderLeft: `4px solid ${eventColor(e.label)}`, borderRadius: 1 }}
            />
          ))}
          {support.length > 12 && <Chip size="small" label={`+${support.length - 12} more`} />}
        </Stack>
        {pointers.length > 0 && (
          <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center', mt: 0.75 }} data-testid="verdict-pointers">
            <Typography variant="body2">
              {support.length ? 'No event of the other family is on the timeline; it sounds most at' : 'It sounds most at'}
            </Typography>
            {pointers.map((p) => (
              <Chip
                key={p.family}
                size="small"
                clickable
                data-family={p.family}
                data-start={p.start}
                data-end={p.end}
                onClick={() => onPlayRange(p.start, p.end)}
                label={`${p.family} ${p.start.toFixed(1)}–${p.end.toFixed(1)} s (activity ${pct(p.peak)})`}
                title={`The detector's ${p.family} activity (the ${p.family} lane under the spectrogram) is highest here; click to listen.`}
                sx={{ borderLeft: `4px solid ${recordColor(p.family)}`, borderRadius: 1 }}
              />
            ))}
          </Stack>
        )}
        {adventitiousEvents.length > 0 && (
          <Typography variant="body2" sx={{ mt: 0.75 }} data-testid="verdict-normal-note">
            {adventitiousEvents.length} adventitious event{adventitiousEvents.length > 1 ? 's are' : ' is'} on the timeline, but the
            recording as a whole was judged Normal
            {verdict.adventitiousProbability !== undefined && verdict.adventitiousThreshold !== undefined
              ? ` (P(adventitious) ${pct(verdict.adventitiousProbability)}, below the ${pct(verdict.adventitiousThreshold)} at which a record is called adventitious)`
              : ''}
            : listen to {adventitiousEvents.length > 1 ? 'them' : 'it'} before relying on the verdict.
          </Typography>
        )}
        {implied && implied !== verdict.label && verdict.label !== POOR_QUALITY && (
          <Typography variant="body2" sx={{ mt: 0.75 }} data-testid="verdict-edited-note">
            With your edits the events point to <b>{implied}</b> (the model said {verdict.label}).
          </Typography>
        )}
      </Box>
      {verdict.recordProbs && verdict.recordClasses && (
        <Box sx={{ minWidth: 200 }}>
          <Typography variant="caption" color="text.secondary">
            Record probabilities
            {verdict.method === 'rules'
              ? ' (the verdict follows the events)'
              : verdict.method === 'hierarchical'
                ? ' (quality first, then normal vs adventitious, then which family)'
                : ''}
          </Typography>
          {verdict.recordClasses.map((c, k) => (
            <Stack key={c} direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <Typography variant="caption" sx={{ width: 80 }}>
                {c}
              </Typography>
              <Box sx={{ flex: 1, height: 8, bgcolor: COLORS.track, borderRadius: 1, overflow: 'hidden' }}>
                <Box sx={{ width: pct(verdict.recordProbs![k]), height: '100%', bgcolor: recordColor(c) }} />
              </Box>
              <Typography variant="caption" sx={{ width: 34, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
                {pct(verdict.recordProbs![k])}
              </Typography>
            </Stack>
          ))}
        </Box>
      )}
      {truth && (
        <Box sx={{ minWidth: 150 }} data-testid="verdict-reference">
          <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
            Annotation says
          </Typography>
          <Typography variant="body1" sx={{ fontWeight: 700 }}>
            {truth} {truth === verdict.label ? '✓ agrees' : '✗ differs'}
          </Typography>
        </Box>
      )}
    </Stack>
  );
}
