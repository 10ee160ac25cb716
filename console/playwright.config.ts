// The browser suite (`npm run test:e2e`, part of `npm test`): console/e2e/ in Debian's
// Chromium (/usr/bin/chromium; Playwright's own browser download is not reachable from the
// project's machines, so it is installed with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1). The global
// setup starts the whole system once; the journeys run in one worker. Paths are absolute, so
// the root playwright.config.ts (which `npx playwright test` finds) can re-export this one.
import path from 'node:path';
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: path.join(__dirname, 'e2e'),
  globalSetup: path.join(__dirname, 'e2e', 'globalSetup.ts'),
  // A journey has several people, pages and axe runs; the machine is a shared 2-core one.
  timeout: 300_000,
  // The workflow writes the projection asynchronously and the console polls every 5 s.
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: path.join(__dirname, '..', 'test-results'),
  use: {
    browserName: 'chromium',
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
