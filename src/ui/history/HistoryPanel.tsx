// The local history: recordings analysed on this device, with their results and edits; reopen one
// as it was saved, or delete it. The storage it takes is shown, since browsers cap it.
import Alert from '@mui/material/Alert';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { memo } from 'react';
import type { HistoryEntry, StorageUse } from '../../storage/history';
import { BreakableName } from '../BreakableName';
import { formatDuration } from '../format';
import { CloseIcon } from '../icons';

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} kB`;
  return `${n} B`;
}

function summary(e: HistoryEntry): string {
  const when = new Date(e.savedAt).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
  const result =
    e.mode === 'heart'
      ? e.heart
        ? `heart: ${e.heart.top.className}`
        : 'heart'
      : e.analysis?.verdict
        ? `${e.analysis.verdict.label} · ${e.events.length} events`
        : `${e.events.length} events`;
  return `${formatDuration(e.durationS)} · ${result}${e.edited ? ' · edited' : ''} · ${when}`;
}

export interface HistoryPanelProps {
  entries: readonly HistoryEntry[];
  storage: StorageUse | null;
  available: boolean;
  openIds: ReadonlySet<string>;
  failures: Record<string, string>;
  onOpen: (entry: HistoryEntry) => void;
  onDelete: (entry: HistoryEntry) => void;
}

export const HistoryPanel = memo(function HistoryPanel(p: HistoryPanelProps) {
  const used = p.entries.reduce((n, e) => n + e.audioBytes, 0);
  // Open recordings are already listed above; listing them twice would only confuse.
  const closed = p.entries.filter((e) => !p.openIds.has(e.id));
  const openSaved = p.entries.length - closed.length;
  return (
    <Stack component="section" aria-label="History" spacing={1} data-testid="history" data-saved={p.entries.length}>
      <Typography variant="overline" component="h2" sx={{ fontWeight: 700, px: 1, lineHeight: 1.5 }}>
        History (this device)
      </Typography>
      {!p.available && (
        <Alert severity="warning">This browser does not allow local storage here (e.g. a private window), so nothing is kept after closing the page.</Alert>
      )}
      {Object.keys(p.failures).length > 0 && (
        <Alert severity="error" data-testid="history-save-failed">
          {Object.keys(p.failures).length === 1 ? 'A recording is' : `${Object.keys(p.failures).length} recordings are`} not saved: storage is full or
          unavailable. Delete older recordings below to make room. Everything listed here is intact.
        </Alert>
      )}
      {closed.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 1 }}>
          {openSaved
            ? `The ${openSaved === 1 ? 'recording' : `${openSaved} recordings`} open above ${openSaved === 1 ? 'is' : 'are'} saved here with your edits; closed ones are listed here to reopen.`
            : 'Analysed recordings are kept here, with your edits, until you delete them.'}
        </Typography>
      ) : (
        <List dense disablePadding data-testid="history-list">
          {closed.map((e) => (
            <ListItem
              key={e.id}
              disablePadding
              secondaryAction={
                <Tooltip title="Delete from History">
                  <IconButton edge="end" aria-label={`Delete ${e.name} from History`} onClick={() => p.onDelete(e)}>
                    <CloseIcon fontSize="small" />
                  </IconButton>
                </Tooltip>
              }
            >
              <ListItemButton onClick={() => p.onOpen(e)} data-testid="history-item" data-name={e.name} sx={{ pr: 7, borderRadius: 1 }}>
                <ListItemText
                  primary={
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      <BreakableName name={e.name} />
                    </Typography>
                  }
                  secondary={summary(e)}
                />
              </ListItemButton>
            </ListItem>
          ))}
        </List>
      )}
      <Typography variant="caption" color="text.secondary" sx={{ px: 1 }} data-testid="storage-use">
        {p.entries.length} saved{openSaved && closed.length ? ` (${openSaved} open above)` : ''} · audio {formatBytes(used)}
        {p.storage ? ` · storage used ${formatBytes(p.storage.usage)} of ${formatBytes(p.storage.quota)} available to Auscult` : ''}
      </Typography>
    </Stack>
  );
});
