import Alert from '@mui/material/Alert';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { memo } from 'react';
import type { LoadedRecording } from '../core/recording';
import { BreakableName } from './BreakableName';
import { downloadWav } from './download';
import { formatChannels, formatDuration, formatRate } from './format';
import { CloseIcon, DownloadIcon } from './icons';
import type { FileProblem } from './recordings/notices';

export interface RecordingListProps {
  recordings: readonly LoadedRecording[];
  selectedId?: string;
  problems: readonly FileProblem[];
  onSelect: (id: string) => void;
  onRemove: (rec: LoadedRecording) => void;
  onDismissProblem: (id: string) => void;
}

/** One line on where the recording's analysis stands: queued, running, its verdict, or failed. */
export function analysisSummary(rec: LoadedRecording): string {
  const heart = rec.mode === 'heart';
  const state = heart ? rec.heartState : rec.analysisState;
  if (state?.status === 'queued') return 'Queued for analysis';
  if (state?.status === 'running') return `Analysing… ${Math.round(state.progress.fraction * 100)}%`;
  if (state?.status === 'error') return 'Analysis failed';
  if (state?.status === 'cancelled') return 'Analysis cancelled';
  if (heart) return rec.heart ? `Heart: ${rec.heart.top.className} ${Math.round(rec.heart.top.confidence * 100)}%` : '';
  if (rec.analysis?.verdict) return `${rec.analysis.verdict.label} ${Math.round(rec.analysis.verdict.confidence * 100)}%${rec.edited ? ' · edited' : ''}`;
  return '';
}

const SOURCE_CHIP: Record<LoadedRecording['source'], string | undefined> = {
  file: undefined,
  microphone: 'Recorded',
  recovered: 'Recovered',
};

export const RecordingList = memo(function RecordingList(p: RecordingListProps) {
  return (
    <Stack spacing={1} component="section" aria-label="Recordings">
      {p.problems.map((problem) => (
        <Alert
          key={problem.id}
          severity="error"
          role="alert"
          data-testid="file-error"
          onClose={() => p.onDismissProblem(problem.id)}
        >
          <Typography variant="body2" sx={{ fontWeight: 700 }}>
            Could not open “<BreakableName name={problem.fileName} />”
          </Typography>
          <Typography variant="body2">{problem.message}</Typography>
        </Alert>
      ))}
      {p.recordings.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 1 }}>
          No recordings open yet.
        </Typography>
      ) : (
        <List dense disablePadding data-testid="recording-list">
          {p.recordings.map((rec) => {
            const chip = SOURCE_CHIP[rec.source];
            return (
              <ListItem
                key={rec.id}
                disablePadding
                secondaryAction={
                  <Stack direction="row">
                    {rec.source !== 'file' && (
                      <Tooltip title="Download as WAV">
                        <IconButton edge="end" aria-label={`Download ${rec.name} as WAV`} onClick={() => downloadWav(rec)}>
                          <DownloadIcon fontSize="small" />
                        </IconButton>
                      </Tooltip>
                    )}
                    <Tooltip title="Remove from the list">
                      <IconButton edge="end" aria-label={`Remove ${rec.name}`} onClick={() => p.onRemove(rec)}>
                        <CloseIcon fontSize="small" />
                      </IconButton>
                    </Tooltip>
                  </Stack>
                }
              >
                <ListItemButton
                  selected={rec.id === p.selectedId}
                  onClick={() => p.onSelect(rec.id)}
                  data-testid="recording-item"
                  sx={{ pr: rec.source !== 'file' ? 11 : 7, borderRadius: 1 }}
                >
                  <ListItemText
                    primary={
                      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                        <Typography variant="body1" sx={{ fontWeight: 600 }}>
                          <BreakableName name={rec.name} />
                        </Typography>
                        {chip && <Chip size="small" label={chip} color={rec.source === 'recovered' ? 'warning' : 'default'} />}
                      </Stack>
                    }
                    secondary={
                      <>
                        {`${formatDuration(rec.durationS)} · ${formatRate(rec.nativeRate)} · ${formatChannels(rec.channels)}${
                          rec.events.length && rec.mode !== 'heart' ? ` · ${rec.events.length} events` : ''
                        }`}
                        {analysisSummary(rec) && (
                          <Typography component="span" variant="body2" data-testid="recording-status" sx={{ display: 'block', fontWeight: 600, color: 'text.primary' }}>
                            {analysisSummary(rec)}
                          </Typography>
                        )}
                      </>
                    }
                  />
                </ListItemButton>
              </ListItem>
            );
          })}
        </List>
      )}
    </Stack>
  );
});
