import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const MiB = 1024 * 1024;

/**
 * Content-Security-Policy of the built app: everything from our own origin, nothing else.
 * 'wasm-unsafe-eval' lets ONNX Runtime compile its WebAssembly; blob: carries the worker-made
 * audio and spectrogram data; inline styles are Emotion's (MUI). Only in builds: the dev server
 * needs inline scripts for hot reload.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: data:",
  "connect-src 'self' blob: data:",
  "font-src 'self' data:",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

const contentSecurityPolicy: Plugin = {
  name: 'auscult-csp',
  apply: 'build',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
  ],
};

export default defineConfig({
  plugins: [
    react(),
    contentSecurityPolicy,
    VitePWA({
      // Never swap versions under a clinician's feet: the UI asks before reloading (src/pwa/).
      registerType: 'prompt',
      injectRegister: false,
      strategies: 'generateSW',
      // The icons and the manifest are already matched by globPatterns (and the plugin adds the
      // manifest itself); listing them again would only duplicate precache entries.
      includeManifestIcons: false,
      manifest: {
        name: 'Auscult',
        short_name: 'Auscult',
        description: 'View and analyse lung and heart sound recordings, entirely in your browser and offline.',
        theme_color: '#0b3d4a',
        background_color: '#f5f7f8',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Everything the app needs offline: shell, worker, worklet, ORT's WASM runtime and models.
        globPatterns: ['**/*.{js,css,html,wasm,mjs,onnx,json,png,svg,webmanifest}'],
        // ORT's WebGPU (JSEP) runtime, 28 MB, is only fetched when a session runs on WebGPU
        // (src/inference/ortAssets.ts) and cached then, by the rule below.
        globIgnores: ['**/node_modules/**', 'manifest.webmanifest', '**/ort-wasm-simd-threaded.jsep*'],
        runtimeCaching: [
          {
            urlPattern: /\/ort-wasm-simd-threaded\.jsep[^/]*\.(wasm|mjs)$/,
            handler: 'CacheFirst',
            options: { cacheName: 'ort-webgpu-runtime', expiration: { maxEntries: 4 } },
          },
        ],
        // The ORT WebAssembly runtime alone is ~14 MB.
        maximumFileSizeToCacheInBytes: 64 * MiB,
        cleanupOutdatedCaches: true,
        // The first install takes control at once so the app works offline from the first visit;
        // later versions still wait for the user's "Reload" (no skipWaiting).
        clientsClaim: true,
        navigateFallback: 'index.html',
      },
    }),
  ],
  worker: { format: 'es' },
  // ORT ships its own wasm loader; pre-bundling it breaks the relative asset lookups in dev.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
  preview: { port: 4173, strictPort: true },
});
