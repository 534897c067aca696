// Builds the viewer into the hub's classpath resources, served at /viewer/ by ViewerRoutes.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The codecs are Emscripten builds whose in-browser virtual file system sets HOME to the
// directory of its default user "web_user"; nothing here reads it. The build writes "/" instead,
// so that the bundles in the hub's resources name no home-directory path.
const EMSCRIPTEN_HOME = /"\/home\/web_user"/g;
const emscriptenHome = {
  name: 'emscripten-home',
  renderChunk(code) {
    return code.includes('web_user') ? code.replace(EMSCRIPTEN_HOME, '"/"') : null;
  },
};

export default defineConfig({
  base: '/viewer/',
  plugins: [emscriptenHome],
  build: {
    outDir: fileURLToPath(new URL('../hub-server/src/main/resources/viewer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
  },
  worker: { format: 'es', plugins: () => [emscriptenHome] },
  optimizeDeps: { exclude: ['@cornerstonejs/dicom-image-loader'] },
});
