import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Slider from '@mui/material/Slider';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { KeyboardIcon, PauseIcon, PlayIcon, ZoomInIcon, ZoomOutIcon } from '../icons';
import { formatClock } from '../format';
import { sliderToZoom, zoomToSlider } from './zoom';

export interface TransportProps {
  ready: boolean;
  playing: boolean;
  currentTime: number;
  durationS: number;
  pxPerSec: number;
  fitPxPerSec: number;
  onPlayPause: () => void;
  onZoom: (pxPerSec: number) => void;
  onZoomIn: () => void;
  onZoomOut: () => void;
  onShowShortcuts: () => void;
}

export function Transport(p: TransportProps) {
  const sliderPos = Math.round(zoomToSlider(p.pxPerSec, p.fitPxPerSec) * 1000);
  return (
    <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', px: 2, py: 1 }}>
      <Button
        variant="contained"
        size="large"
        onClick={p.onPlayPause}
        disabled={!p.ready}
        startIcon={p.playing ? <PauseIcon /> : <PlayIcon />}
        aria-keyshortcuts="Space"
        sx={{ minWidth: 120 }}
      >
        {p.playing ? 'Pause' : 'Play'}
      </Button>
      <Typography
        data-testid="position"
        aria-label="Playback position"
        sx={{ fontVariantNumeric: 'tabular-nums', fontSize: '1.1rem', minWidth: 170 }}
      >
        {formatClock(p.currentTime)} <Box component="span" sx={{ color: 'text.secondary' }}>/ {formatClock(p.durationS)}</Box>
      </Typography>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flex: '1 1 260px', maxWidth: 420 }}>
        <Tooltip title="Zoom out (−)">
          <span>
            <IconButton aria-label="Zoom out" onClick={p.onZoomOut} disabled={!p.ready}>
              <ZoomOutIcon />
            </IconButton>
          </span>
        </Tooltip>
        <Slider
          aria-label="Zoom"
          value={sliderPos}
          min={0}
          max={1000}
          disabled={!p.ready}
          onChange={(_, v) => p.onZoom(sliderToZoom((Array.isArray(v) ? v[0] : v) / 1000, p.fitPxPerSec))}
          valueLabelDisplay="auto"
          valueLabelFormat={() => `${Math.round(p.pxPerSec)} px/s`}
        />
        <Tooltip title="Zoom in (+)">
          <span>
            <IconButton aria-label="Zoom in" onClick={p.onZoomIn} disabled={!p.ready}>
              <ZoomInIcon />
            </IconButton>
          </span>
        </Tooltip>
      </Stack>
      <Tooltip title="Keyboard shortcuts (?)">
        <IconButton aria-label="Keyboard shortcuts" onClick={p.onShowShortcuts} sx={{ ml: 'auto' }}>
          <KeyboardIcon />
        </IconButton>
      </Tooltip>
    </Stack>
  );
}
