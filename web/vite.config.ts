import { defineConfig } from 'vitest/config';

const backend = 'http://127.0.0.1:5080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  // Views are tested against a DOM (happy-dom); the state tests need none but run there too.
  test: {
    environment: 'happy-dom',
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/hubs': { target: backend, changeOrigin: true, ws: true },
    },
  },
});
