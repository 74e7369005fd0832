import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { storedBackendSetting, storedMeasurement } from './ui/analysis/backendSettings';
import { configureInference } from './ui/analysis/jobs';
import { theme } from './ui/theme';

// First, before React renders: this starts the analysis worker, which starts the inference runtime
// while the page is still loading (the first drop's longest wait).
void configureInference(storedBackendSetting(), storedMeasurement()).catch(() => undefined);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <App />
    </ThemeProvider>
  </StrictMode>,
);
