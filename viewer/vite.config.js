// Builds the viewer into the hub's classpath resources, served at /viewer/ by ViewerRoutes.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  base: '/viewer/',
  build: {
    outDir: fileURLToPath(new URL('../hub-server/src/main/resources/viewer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
  },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@cornerstonejs/dicom-image-loader'] },
});
