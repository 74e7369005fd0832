// Files can be dropped anywhere on the page; an overlay confirms the drop target while dragging.
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useEffect, useRef, useState } from 'react';
import { droppedFiles } from './dropFiles';
import { COLORS, withAlpha } from './theme';

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

export function DropOverlay({ onFiles }: { onFiles: (files: File[]) => void }) {
  const [active, setActive] = useState(false);
  const depth = useRef(0);
  const onFilesRef = useRef(onFiles);
  onFilesRef.current = onFiles;

  useEffect(() => {
    // dragenter/dragleave fire for every child element; a counter tells when the pointer really left.
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current += 1;
      setActive(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // without this the browser would open the file itself
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setActive(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setActive(false);
      if (!e.dataTransfer) return;
      void droppedFiles(e.dataTransfer).then((files) => {
        if (files.length) onFilesRef.current(files);
      });
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  if (!active) return null;
  return (
    <Box
      aria-hidden
      sx={{
        position: 'fixed',
        inset: 0,
        zIndex: (t) => t.zIndex.modal + 1,
        bgcolor: withAlpha(COLORS.primary, 0.82),
        display: 'grid',
        placeItems: 'center',
        pointerEvents: 'none',
        border: `6px dashed ${withAlpha(COLORS.paper, 0.8)}`,
      }}
    >
      <Typography variant="h4" sx={{ color: COLORS.paper, fontWeight: 700, textAlign: 'center', px: 2 }}>
        Drop audio files or folders to open them
        <Typography component="span" sx={{ display: 'block', mt: 1, fontSize: '1.1rem' }}>
          WAV, FLAC, MP3, Ogg, M4A — and SPRSound .json annotations
        </Typography>
      </Typography>
    </Box>
  );
}
