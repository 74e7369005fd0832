import { createTheme } from '@mui/material/styles';

// High contrast and generous type: the app is read at arm's length next to a patient.
export const theme = createTheme({
  palette: {
    mode: 'light',
    primary: { main: '#0b3d4a', contrastText: '#ffffff' },
    secondary: { main: '#b3261e' },
    background: { default: '#f3f6f7', paper: '#ffffff' },
  },
  typography: {
    fontSize: 15,
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    button: { textTransform: 'none', fontWeight: 600 },
  },
  shape: { borderRadius: 8 },
  components: {
    MuiTooltip: { styleOverrides: { tooltip: { fontSize: '0.85rem' } } },
  },
});
