import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is built to static files served by Electron's app:// protocol or the browser host.
export default defineConfig({
  root: 'renderer',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // CSP forbids inline scripts; keep every asset a file.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
