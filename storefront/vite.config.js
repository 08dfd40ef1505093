import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The build goes into the Go package that embeds it (internal/web), so `go build` picks it up.
export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: '../internal/web/dist/app',
    emptyOutDir: true,
    target: 'es2018', // old Android WebViews and WeChat's browser
    reportCompressedSize: true,
    chunkSizeWarningLimit: 300,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  test: { environment: 'jsdom', include: ['src/**/*.test.js'], setupFiles: ['src/testSetup.js'] },
})
