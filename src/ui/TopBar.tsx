import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Toolbar from '@mui/material/Toolbar';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { FolderOpenIcon, HelpIcon, MicIcon } from './icons';
import { COLORS } from './theme';

export interface TopBarProps {
  onOpen: () => void;
  onOpenFolder: () => void;
  onRecord: () => void;
  onHelp: () => void;
}

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

export function TopBar({ onOpen, onOpenFolder, onRecord, onHelp }: TopBarProps) {
  const online = useOnline();
  return (
    <AppBar position="sticky" elevation={0}>
      <Toolbar sx={{ gap: 1.5 }}>
        <Box component="img" src="/icons/icon-192.png" alt="" sx={{ width: 32, height: 32, borderRadius: 1 }} />
        <Typography variant="h6" component="h1" sx={{ fontWeight: 700 }}>
          Auscult
        </Typography>
        <Typography variant="body2" sx={{ opacity: 0.85, display: { xs: 'none', md: 'block' } }}>
          Lung &amp; heart sound analysis
        </Typography>
        {!online && <Chip size="small" label="Offline" sx={{ bgcolor: COLORS.paper, color: 'primary.main', fontWeight: 700 }} />}
        <Box sx={{ flex: 1 }} />
        <Button color="inherit" variant="outlined" startIcon={<FolderOpenIcon />} onClick={onOpen}>
          Open files
        </Button>
        <Tooltip title="Open every recording (and SPRSound .json annotation) in a folder">
          <Button color="inherit" variant="outlined" onClick={onOpenFolder} sx={{ display: { xs: 'none', sm: 'inline-flex' } }}>
            Open folder
          </Button>
        </Tooltip>
        <Button color="inherit" variant="outlined" startIcon={<MicIcon />} onClick={onRecord}>
          Record
        </Button>
        <Tooltip title="Help and keyboard shortcuts">
          <IconButton color="inherit" aria-label="Help and keyboard shortcuts" onClick={onHelp}>
            <HelpIcon />
          </IconButton>
        </Tooltip>
      </Toolbar>
    </AppBar>
  );
}
