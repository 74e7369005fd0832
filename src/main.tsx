import { storedBackendSetting, storedEventChoice, storedMeasurement } from './ui/analysis/backendSettings';
import { configureInference, warmUpModels } from './ui/analysis/jobs';

// First, before the UI's code is even fetched: start the analysis worker, its inference runtime and
// the models the first analysis needs (the first drop's longest wait). The UI (React and MUI, most of
// the app's JavaScript) is a separate chunk, parsed meanwhile: as one chunk, the worker started
// ~0.8 s after navigation on the bench machine, and the models only once React had rendered.
void configureInference(storedBackendSetting(), storedMeasurement()).catch(() => undefined);
void warmUpModels(storedEventChoice()).catch(() => undefined);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
void import('./ui/mount').then(({ mount }) => mount(root));
