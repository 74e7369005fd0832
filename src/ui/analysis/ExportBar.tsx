// Exports of the shown recording: SPRSound JSON (drops back onto Auscult, or into the challenge
// tools), a CSV of the events, and the printable one-page report.
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { LoadedRecording } from '../../core/recording';
import { eventsImply } from '../../analysis/events';
import { exportName, toCsv, toSprsound } from '../../analysis/exporters';
import { downloadText } from '../download';
import { DownloadIcon } from '../icons';

export function exportJson(rec: LoadedRecording): void {
  const verdict = rec.analysis?.verdict;
  // Without a detector verdict, the record label follows the events by the SPRSound rules.
  const json = toSprsound(verdict?.label ?? eventsImply(rec.events), verdict?.confidence, rec.events);
  downloadText(exportName(rec.name, '.json'), `${JSON.stringify(json, null, 1)}\n`, 'application/json');
}

export function exportCsv(rec: LoadedRecording): void {
  downloadText(exportName(rec.name, '.events.csv'), toCsv(rec.events), 'text/csv');
}

export function ExportBar({ recording, onPrint, onRevert }: { recording: LoadedRecording; onPrint: () => void; onRevert?: () => void }) {
  const ready = Boolean(recording.analysis);
  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ px: 2, py: 1, alignItems: 'center', flexWrap: 'wrap' }}>
      <Typography variant="body2" sx={{ fontWeight: 700, mr: 0.5 }}>
        Export
      </Typography>
      <Button size="small" variant="outlined" startIcon={<DownloadIcon />} disabled={!ready} onClick={() => exportJson(recording)}>
        SPRSound JSON
      </Button>
      <Button size="small" variant="outlined" startIcon={<DownloadIcon />} disabled={!ready} onClick={() => exportCsv(recording)}>
        Events CSV
      </Button>
      <Button size="small" variant="outlined" disabled={!ready} onClick={onPrint}>
        Print report…
      </Button>
      {recording.edited && onRevert && (
        <Button size="small" color="secondary" onClick={onRevert} sx={{ ml: 'auto' }}>
          Undo all edits (back to the model's events)
        </Button>
      )}
    </Stack>
  );
}
