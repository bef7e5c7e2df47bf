import { defineConfig } from 'vite';

// The built files are served by `kanalvakt serve` at /, under a Content-Security-Policy
// that allows no inline script or style: keep everything in files (no inlined assets,
// no module-preload polyfill written into the page).
export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2020',
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
