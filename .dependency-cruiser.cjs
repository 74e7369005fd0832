// The import rule of the layer picture in README.md ("Architecture"): each folder of src/ may import
// only the folders listed for it, so imports point one way:
//   core ← storage, dsp ← audio ← metrics ← inference ← analysis ← pipelines ← worker ← pwa, ui
// Entry points outside src/ (workers/, cli/, bench/) may import src/ but nothing in src/ imports them,
// and no entry point but the UI itself imports src/ui. `npm test` runs it (`npm run test:deps`).
const LAYERS = {
  core: [],
  storage: ['core'],
  dsp: ['core'],
  audio: ['core', 'dsp', 'storage'],
  metrics: ['core'],
  inference: ['core', 'dsp', 'audio', 'metrics'],
  analysis: ['core', 'dsp', 'audio', 'metrics', 'inference'],
  pipelines: ['core', 'dsp', 'audio', 'metrics', 'inference', 'analysis'],
  worker: ['core', 'dsp', 'audio', 'metrics', 'inference', 'analysis', 'pipelines'],
  pwa: ['core'],
  ui: ['core', 'storage', 'dsp', 'audio', 'metrics', 'inference', 'analysis', 'pipelines', 'worker', 'pwa'],
  // Helpers for tests and benchmarks: real data on disk, synthetic long WAVs.
  testing: ['core', 'dsp', 'audio', 'metrics', 'inference'],
};

const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} may import only: ${allowed.length ? allowed.map((l) => `src/${l}`).join(', ') : 'nothing outside itself'}`,
  severity: 'error',
  from: { path: `^src/${layer}/`, pathNot: '\\.test\\.tsx?$' },
  to: { path: '^src/', pathNot: `^src/(${[layer, ...allowed].join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'src-not-to-entry-points',
      comment: 'src/ is the library; workers/, cli/, bench/ and e2e/ are entry points built on it',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(workers|cli|bench|e2e)/' },
    },
    {
      name: 'entry-points-not-to-ui',
      comment: 'the worker, the CLI and the bench run without the UI',
      severity: 'error',
      from: { path: '^(workers|cli|bench)/' },
      to: { path: '^src/ui/' },
    },
    {
      name: 'tests-helpers-only-in-tests',
      comment: 'src/testing reads ../shared/data: only tests and benchmarks may use it',
      severity: 'error',
      from: { path: '^(src|workers|cli)/', pathNot: ['\\.test\\.tsx?$', '^src/testing/'] },
      to: { path: '^src/testing/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|public|training)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
