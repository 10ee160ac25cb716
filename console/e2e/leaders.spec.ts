// A case left alone climbs to the district leaders' case list (包案责任清单): nobody acts on an
// urgent hazard after the grid accepts it, its on-site window (wall clock, so the journey does
// not depend on the time of day) lapses at every level, and the pacing rules (domain/pacing.ts:
// ON_SITE climbs up to the principal leader) carry it up the ladder, through the grid's community
// (the default ladder names it). The case page is seen climbing; the principal leader finds it on his list and opens it from there; the command
// center picks his list from the leaders. Short windows come from a category of this journey's
// own (the e2e stack keeps the real catalog): an 18-second on-site window.
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { as, DESKTOP_CONTEXT, expectNoSeriousA11yViolations, openSignedIn, reportCase, SHOTS } from './helpers';

const CATEGORY = 'EZ-901';
const GRID = 'GL-S01-C01-G01';
const DEPUTY = 'p-deputy-GL';

test('a case left alone is seen climbing the default ladder (grid → community → street → …) to the leaders\' list, and the leader opens it from there', async ({ browser }) => {
  const admin = await as('demo-admin');
  // On-site is a wall-clock window: 0.005 h = 18 s at each level. A big matter of a grid-level
  // category starts with the grid (大事: no department called from the grid); a small one would start
  // with the community.
  await admin.post(
    '/admin/categories',
    { code: CATEGORY, name: '演示：危险隐患（短时限）', triage: 'BIG', completionDays: 1, urgent: true, windowOverrides: { onSiteHours: 0.005 } },
    201,
  );
  await admin.dispose();
  const code = await reportCase(CATEGORY, GRID, '井盖缺失，行人有坠落危险，无人处置');
  const worker = await as('demo-grid-worker');
  await worker.post(`/cases/${code}/accept`, {});
  await worker.dispose();

  // The command center watches the case page: the ladder moves up without a reload.
  const ccDesk = await browser.newContext(DESKTOP_CONTEXT);
  const cc = await ccDesk.newPage();
  await openSignedIn(cc, 'demo-command-center', `/cases/${code}`);
  await expect(cc.getByTestId('case-status')).toHaveText('已受理');
  const ladder = cc.getByTestId('case-ladder');
  // The district's ladder (policy.ladder, 层层) goes from the grid to its community, the street, then up.
  await expect(ladder).toHaveAttribute('data-level', 'COMMUNITY', { timeout: 120_000 });
  await expect(ladder).toHaveAttribute('data-level', 'STREET', { timeout: 120_000 });
  await expect(cc.getByTestId('event-ESCALATED').first()).toBeVisible();
  await expect(ladder).toHaveAttribute('data-level', 'COMMAND_CENTER', { timeout: 120_000 });
  await expect(ladder).toHaveAttribute('data-level', 'PRINCIPAL_LEADER', { timeout: 120_000 });
  await expect(cc.getByTestId('event-LEADER_ASSIGNED').first()).toBeVisible();

  // The command center reads the leaders' lists: the principal's first; the deputy's no longer
  // holds the case (it moved up with it).
  await cc.getByRole('navigation').getByRole('link', { name: '包案清单' }).click();
  await expect(cc).toHaveURL(/\/console\/leaders$/);
  await expect(cc.getByRole('heading', { name: /包案责任清单.*主要领导/ })).toBeVisible();
  await expect(cc.getByTestId('leader-open').getByTestId(`leader-item-${code}`)).toBeVisible();
  await cc.getByLabel('选择领导').click();
  await cc.locator('.ant-select-item-option').filter({ hasText: '分管领导' }).click();
  await expect(cc).toHaveURL(new RegExp(`/console/leaders/${DEPUTY}$`));
  await expect(cc.getByRole('heading', { name: /包案责任清单.*分管领导/ })).toBeVisible();
  await expect(cc.getByTestId(`leader-item-${code}`)).toHaveCount(0);
  await ccDesk.close();

  // The principal leader: his own list by default, the item with its level and countdown; he opens it.
  const desk = await browser.newContext(DESKTOP_CONTEXT);
  const page = await desk.newPage();
  await openSignedIn(page, 'demo-principal-leader');
  await page.getByRole('navigation').getByRole('link', { name: '包案清单' }).click();
  await expect(page.getByRole('heading', { name: /包案责任清单/ })).toBeVisible();
  const item = page.getByTestId('leader-open').getByTestId(`leader-item-${code}`);
  await expect(item).toBeVisible();
  await expect(page.getByTestId('leader-open').getByRole('row', { name: new RegExp(code) })).toContainText('主要领导');
  await expect(page.getByTestId('leader-ticked')).toBeVisible();
  await expectNoSeriousA11yViolations(page, "Leader's case list");
  await page.screenshot({ path: path.join(SHOTS, 'leaders-desktop.png'), fullPage: true });
  await item.click();
  await expect(page).toHaveURL(new RegExp(`/console/cases/${code}$`));
  await expect(page.getByTestId('case-ladder')).toHaveAttribute('data-level', 'PRINCIPAL_LEADER');
  await desk.close();
});
