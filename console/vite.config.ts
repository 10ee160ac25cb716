// The console's build: `npm run console:build` writes console/dist, which the API serves
// under /console/ (api/console.ts). No React plugin: Vite's own transform compiles TSX with
// the automatic JSX runtime, which is all a production build needs; @vitejs/plugin-react
// would only add fast refresh for `vite dev`, and its optional Babel peers conflict with
// jest's Babel 7 in this lock.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One chunk for React + antd is expected (~ the size reported by the build); the
    // warning threshold is set just above it so a real growth still shows.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // antd marks its modules "use client" for React Server Components; a browser bundle has
      // no use for the directive, and the warning for each of them would hide real ones.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: {
    // `npx vite console` during development: the API on :3000 answers the data calls.
    proxy: Object.fromEntries(['/auth', '/me', '/cases', '/categories', '/units', '/inbox', '/board', '/assessment', '/admin'].map((p) => [p, 'http://127.0.0.1:3000'])),
  },
});
