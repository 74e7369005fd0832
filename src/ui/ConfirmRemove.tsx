import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import type { LoadedRecording } from '../core/recording';

/** Recordings made here exist nowhere else, so removing one is confirmed first. */
export function ConfirmRemove({ recording, onCancel, onConfirm }: { recording?: LoadedRecording; onCancel: () => void; onConfirm: () => void }) {
  return (
    <Dialog open={!!recording} onClose={onCancel} aria-labelledby="confirm-remove-title">
      <DialogTitle id="confirm-remove-title">Remove “{recording?.name}”?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          This recording was made in Auscult and is only stored in this browser. Download it as WAV first if you want to
          keep it.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} autoFocus>
          Keep it
        </Button>
        <Button color="error" onClick={onConfirm}>
          Remove
        </Button>
      </DialogActions>
    </Dialog>
  );
}
