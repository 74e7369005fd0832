import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { FolderOpenIcon, MicIcon } from './icons';

export function EmptyState({ onOpen, onRecord }: { onOpen: () => void; onRecord: () => void }) {
  return (
    <Paper
      variant="outlined"
      sx={{ p: { xs: 3, md: 6 }, borderStyle: 'dashed', borderWidth: 2, textAlign: 'center', bgcolor: 'transparent' }}
    >
      <Stack spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="h5" component="h2" sx={{ fontWeight: 700 }}>
          Drop lung or heart sound recordings anywhere on this page
        </Typography>
        <Typography color="text.secondary" sx={{ maxWidth: 560 }}>
          WAV, FLAC, MP3, Ogg and M4A files are opened at their own sample rate. Everything stays on this device —
          nothing is uploaded, and the app works offline.
        </Typography>
        <Stack direction="row" spacing={2}>
          <Button variant="contained" size="large" startIcon={<FolderOpenIcon />} onClick={onOpen}>
            Open files
          </Button>
          <Button variant="outlined" size="large" startIcon={<MicIcon />} onClick={onRecord}>
            Record
          </Button>
        </Stack>
      </Stack>
    </Paper>
  );
}
