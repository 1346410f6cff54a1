import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer bundle: plain static files served from app://renderer/ (or the test bridge).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    // No inline scripts or module preload polyfill: the CSP forbids inline script.
    modulePreload: { polyfill: false },
  },
});
