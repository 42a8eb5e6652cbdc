import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // the survey answering page (/s) is an entry of its own, without the workspace
      input: {
        main: path.resolve(import.meta.dirname, 'src/web/index.html'),
        answer: path.resolve(import.meta.dirname, 'src/web/answer.html'),
      },
    },
  },
  server: {
    proxy: { '/api': 'http://localhost:3000' },
  },
});
