// The SPRSound challenge metrics over the open recordings that have an annotation: drop a folder
// (or many WAV + JSON pairs) and read how the models do on that set.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { memo, useMemo } from 'react';
import { datasetMetrics, type AnnotatedItem, type TaskResult } from '../../analysis/datasetMetrics';
import type { LoadedRecording } from '../../core/recording';
import { COLORS, withAlpha } from '../theme';

const f3 = (x: number) => x.toFixed(3);
const cell = { px: 1, py: 0.5, fontVariantNumeric: 'tabular-nums' } as const;

function Confusion({ title, task }: { title: string; task: TaskResult }) {
  const max = Math.max(1, ...task.confusion.flat());
  return (
    <Box sx={{ overflowX: 'auto' }} data-testid="confusion" data-task={title}>
      <Typography variant="subtitle2" sx={{ fontWeight: 700, mb: 0.5 }}>
        {title}: confusion (rows annotated, columns predicted)
      </Typography>
      <Table size="small" sx={{ width: 'auto' }}>
        <TableHead>
          <TableRow>
            <TableCell sx={cell} />
            {task.labels.map((l) => (
              <TableCell key={l} sx={{ ...cell, fontWeight: 700, textAlign: 'center' }}>
                {l}
              </TableCell>
            ))}
            <TableCell sx={{ ...cell, fontWeight: 700 }}>Recall</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {task.labels.map((l, r) => (
            <TableRow key={l}>
              <TableCell component="th" scope="row" sx={{ ...cell, fontWeight: 700 }}>
                {l}
              </TableCell>
              {task.confusion[r].map((n, c) => (
                <TableCell
                  key={c}
                  sx={{
                    ...cell,
                    textAlign: 'center',
                    fontWeight: r === c ? 700 : 400,
                    bgcolor: n ? (r === c ? withAlpha(COLORS.agree, 0.15 + (0.6 * n) / max) : withAlpha(COLORS.disagree, 0.1 + (0.5 * n) / max)) : undefined,
                  }}
                >
                  {n}
                </TableCell>
              ))}
              <TableCell sx={cell}>{task.recall?.[l] == null ? '—' : f3(task.recall[l]!)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

export function annotatedItems(recordings: readonly LoadedRecording[]): AnnotatedItem[] {
  return recordings.flatMap((r) =>
    r.reference && r.analysis && r.mode !== 'heart' ? [{ name: r.name, reference: r.reference, analysis: r.analysis, edited: Boolean(r.edited) }] : [],
  );
}

export const DatasetMetricsPanel = memo(function DatasetMetricsPanel({ recordings }: { recordings: readonly LoadedRecording[] }) {
  const items = useMemo(() => annotatedItems(recordings), [recordings]);
  const pending = recordings.filter((r) => r.reference && r.mode !== 'heart' && !r.analysis && r.analysisState?.status !== 'error').length;
  const m = useMemo(() => datasetMetrics(items), [items]);
  const tasks = [
    ['Task 1-1', 'annotated events: Normal / Adventitious', m.task11],
    ['Task 1-2', 'annotated events: 7 classes', m.task12],
    ['Task 2-1', 'records: Normal / Adventitious / Poor Quality', m.task21],
    ['Task 2-2', 'records: 5 classes', m.task22],
  ] as const;
  return (
    <Paper variant="outlined" component="section" aria-label="Dataset metrics" data-testid="dataset-metrics" data-recordings={m.recordings} sx={{ p: 2 }}>
      <Stack spacing={2}>
        <Box>
          <Typography variant="h6" component="h2" sx={{ fontWeight: 700 }}>
            Dataset metrics
          </Typography>
          <Typography variant="body2" color="text.secondary">
            SPRSound challenge scores over the {m.recordings} open recording{m.recordings === 1 ? '' : 's'} with an annotation
            {m.models.length ? ` · models: ${m.models.join(', ')}` : ''}. Drop a folder, or many WAV + JSON pairs, to score a set.
          </Typography>
        </Box>
        {pending > 0 && (
          <Box role="status">
            <Typography variant="body2">{pending} annotated recording{pending === 1 ? ' is' : 's are'} still being analysed; the scores update as they finish.</Typography>
            <LinearProgress sx={{ mt: 0.5 }} />
          </Box>
        )}
        {m.recordings === 0 ? (
          <Alert severity="info">No annotated recording is open. Drop recordings together with their SPRSound .json files.</Alert>
        ) : (
          <>
            <Table size="small" sx={{ width: 'auto' }} data-testid="task-scores">
              <TableHead>
                <TableRow>
                  {['Task', 'Items', 'SE', 'SP', 'AS', 'HS', 'Score'].map((h) => (
                    <TableCell key={h} sx={{ ...cell, fontWeight: 700 }}>
                      {h}
                    </TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {tasks.map(([name, what, t]) => (
                  <TableRow key={name} data-testid="task-row" data-task={name} data-score={t ? t.scores.Score.toFixed(4) : ''} data-n={t?.scores.n ?? 0}>
                    <TableCell sx={cell}>
                      <b>{name}</b> <Box component="span" sx={{ color: 'text.secondary' }}>({what})</Box>
                    </TableCell>
                    <TableCell sx={cell}>{t?.scores.n ?? 0}</TableCell>
                    {t ? (
                      [t.scores.SE, t.scores.SP, t.scores.AS, t.scores.HS, t.scores.Score].map((v, i) => (
                        <TableCell key={i} sx={{ ...cell, fontWeight: i === 4 ? 700 : 400 }}>
                          {f3(v)}
                        </TableCell>
                      ))
                    ) : (
                      <TableCell sx={cell} colSpan={5}>
                        —
                      </TableCell>
                    )}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {m.events && (
              <Box data-testid="event-f1" data-f1={m.events.agnostic.f1.toFixed(4)} data-class-f1={m.events.classAware.f1.toFixed(4)}>
                <Typography variant="subtitle2" sx={{ fontWeight: 700 }}>
                  Event detection (onset ±200 ms, offset ±max(200 ms, 20 %))
                </Typography>
                <Typography variant="body2">
                  Any class: F1 <b>{f3(m.events.agnostic.f1)}</b> (precision {f3(m.events.agnostic.precision)}, recall {f3(m.events.agnostic.recall)}; {m.events.agnostic.tp} found,{' '}
                  {m.events.agnostic.fp} extra, {m.events.agnostic.fn} missed) · Same class: F1 <b>{f3(m.events.classAware.f1)}</b>, macro F1{' '}
                  {f3(m.events.classAware.macroF1)} · class right on {Math.round(m.events.typeAccuracy * 100)}% of the found events.
                </Typography>
                {m.families && (
                  <Typography
                    variant="body2"
                    data-testid="family-f1"
                    data-family-f1={m.families.familyEvent.f1.toFixed(4)}
                    data-cas-f1={m.families.segment.CAS.f1.toFixed(4)}
                    data-das-f1={m.families.segment.DAS.f1.toFixed(4)}
                    data-stretch-f1={m.families.agnosticInStretch.f1.toFixed(4)}
                  >
                    Adventitious sounds (Normal events unscored: SPRSound marks only some breaths): family event F1 <b>{f3(m.families.familyEvent.f1)}</b> ·
                    CAS 1-s segments F1 <b>{f3(m.families.segment.CAS.f1)}</b> · DAS 1-s segments F1 <b>{f3(m.families.segment.DAS.f1)}</b> · any event inside
                    the annotated stretch F1 <b>{f3(m.families.agnosticInStretch.f1)}</b>.
                  </Typography>
                )}
                {m.editedRecordings > 0 && (
                  <Typography variant="caption" color="text.secondary">
                    {m.editedRecordings} recording{m.editedRecordings === 1 ? ' was' : 's were'} edited; detection is scored on the model's own events.
                  </Typography>
                )}
              </Box>
            )}
            <Stack direction="row" spacing={3} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
              {m.task12 && <Confusion title="Task 1-2" task={m.task12} />}
              {m.task22 && <Confusion title="Task 2-2" task={m.task22} />}
              {m.task11 && <Confusion title="Task 1-1" task={m.task11} />}
              {m.task21 && <Confusion title="Task 2-1" task={m.task21} />}
            </Stack>
          </>
        )}
      </Stack>
    </Paper>
  );
});
