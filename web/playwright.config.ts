import { defineConfig } from '@playwright/test';

// The browser test runs Debian's chromium (never a downloaded browser) against
// a `kanalvakt serve` that the test itself starts (tests/day.spec.ts).
const artifacts = process.env.KV_ARTIFACTS || 'test-results';

export default defineConfig({
  testDir: 'tests',
  outputDir: `${artifacts}/playwright`,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: {
    launchOptions: { executablePath: process.env.KV_CHROMIUM || '/usr/lib/chromium/chromium' },
    viewport: { width: 1280, height: 800 },
    locale: 'sv-SE',
    timezoneId: 'Europe/Stockholm',
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
