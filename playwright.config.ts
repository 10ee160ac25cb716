// Found by `npx playwright test` at the root; the browser suite's configuration lives with
// the console it tests (console/playwright.config.ts).
export { default } from './console/playwright.config';
