// Journeys past the first response, in a real browser against the real system (globalSetup.ts).
// Each sets its case up through the API as the demo accounts (program sessions), then the
// people who matter act in the console: a street dispatcher calls a department and its officer
// reports with evidence (the officer sees the resident's phone masked and cannot reveal it; the
// grid worker of the place, no longer holding the case, reveals it, logged); the deputy leader approves an extension from the inbox; a resident
// answers a revisit link on a phone; an auditor reads a case's timeline and replay verdict.
// Every page passes axe (no serious or critical violations); the README's screenshots are
// written to docs/screenshots/.
import path from 'node:path';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import {
  as,
  beijing,
  DESKTOP_CONTEXT,
  expectNoSeriousA11yViolations,
  openSignedIn,
  PHONE_CONTEXT,
  reportCase,
  SHOTS,
  signIn,
  baseUrl,
  type LiveCase,
} from './helpers';

/** The resident who called the hotline. */
const RESIDENT = { name: '王建国', phone: '13812345678' };

/** The demo grid worker's grid, in the demo street dispatcher's street (both are the first of their role by id). */
async function demoGrid(): Promise<{ gridId: string; streetId: string }> {
  const [worker, dispatcher] = await Promise.all([as('demo-grid-worker'), as('demo-street-dispatcher')]);
  const [g, s] = await Promise.all([worker.get<{ unitId: string }>('/me'), dispatcher.get<{ unitId: string }>('/me')]);
  await Promise.all([worker.dispose(), dispatcher.dispose()]);
  expect(g.unitId.startsWith(`${s.unitId}-`), `grid ${g.unitId} lies in street ${s.unitId}`).toBe(true);
  return { gridId: g.unitId, streetId: s.unitId };
}

test('a big matter is fast-tracked to its departments, the street calls one more, and the department officer reports with evidence', async ({ browser }) => {
  const { gridId } = await demoGrid();
  // 违法建设 starts at the street (its category's default level) and is a big matter (大事政府快办):
  // its usual departments (城管, 住建) are called at intake; the street's acceptance is its first response.
  const code = await reportCase('CG-003', gridId, '小区楼顶私自加建彩钢房，疑似违法建设', RESIDENT);

  const desk = await browser.newContext(DESKTOP_CONTEXT);
  const page = await desk.newPage();
  await openSignedIn(page, 'demo-street-dispatcher', `/cases/${code}`);
  await expect(page.getByTestId('case-status')).toHaveText('已上报');
  // The street holds the case: it sees the resident in full, with nothing to reveal.
  await expect(page.getByTestId('reporter-phone')).toHaveText(RESIDENT.phone);
  await expect(page.getByTestId('reporter-name')).toHaveText(RESIDENT.name);
  await expect(page.getByTestId('reveal-reporter')).toHaveCount(0);
  await expect(page.getByTestId('call-GL-D-CG')).toContainText('未报到');
  await expect(page.getByTestId('call-GL-D-ZJ')).toContainText('未报到');
  await page.getByTestId('form-accept').getByRole('button', { name: '受理' }).click();
  await expect(page.getByTestId('case-status')).toHaveText('处置中');
  await expect(page.getByTestId('event-RESPONDED')).toBeVisible();

  // The street calls one more department: the rooftop structure may be unsafe.
  const call = page.getByTestId('form-calls');
  await expect(call).toBeVisible();
  await call.getByLabel('部门', { exact: true }).click();
  await page.locator('.ant-select-item-option[title="鼓楼区应急管理局"]').click();
  await page.keyboard.press('Escape');
  await call.getByLabel('报到地点').fill('小区3号楼楼顶');
  await call.getByLabel('工作要求').fill('核查彩钢房结构安全，必要时现场警戒');
  // The API's field error shows next to its field: a time to report in the past is refused by the case.
  const reportBy = call.getByLabel('报到时间（北京时间）');
  const future = await reportBy.inputValue();
  await reportBy.fill('2020-01-06T09:00');
  await call.getByRole('button', { name: '呼叫部门' }).click();
  await expect(call.getByText('the time to report must be in the future')).toBeVisible();
  await expect(page.getByTestId('call-GL-D-YJ')).toHaveCount(0);
  await reportBy.fill(future);
  // The error fades out (antd animates the help text away, half transparent meanwhile): axe after it is gone.
  await expect(call.getByText('the time to report must be in the future')).toHaveCount(0);
  await expect(call.locator('.ant-form-show-help-item-leave')).toHaveCount(0);
  await expectNoSeriousA11yViolations(page, 'Case: the call form');
  await call.getByRole('button', { name: '呼叫部门' }).click();
  await expect(page.getByTestId('call-GL-D-YJ')).toContainText('未报到');
  await expect(page.getByTestId('case-status')).toHaveText('处置中');
  await expect(page.getByTestId('event-DEPARTMENT_CALLED')).toHaveCount(3);
  await page.screenshot({ path: path.join(SHOTS, 'case-call-desktop.png'), fullPage: true });
  await desk.close();

  // The department officer, on a phone at the place named: reports on site, uploads a photo, reports the result.
  const phone = await browser.newContext(PHONE_CONTEXT);
  const officer = await phone.newPage();
  await openSignedIn(officer, 'demo-department-officer', `/cases/${code}`);
  const report = officer.getByTestId('form-report');
  await expect(report).toBeVisible();
  await expect(officer.getByTestId('form-accept')).toHaveCount(0);
  // Minimum necessary: the department acts on the place, so it sees the resident masked and may not reveal.
  await expect(officer.getByTestId('reporter-phone')).toHaveText('138****5678');
  await expect(officer.getByTestId('reporter-name')).toHaveText('王**');
  await expect(officer.getByTestId('reveal-reporter')).toHaveCount(0);
  await expect(officer.getByText('13812345678')).toHaveCount(0);
  await expectNoSeriousA11yViolations(officer, 'Case (department officer)');
  await report.getByRole('button', { name: '部门报到' }).click();
  await expect(officer.getByTestId('call-reported')).toBeVisible();
  await expect(report).toHaveCount(0);

  const evidence = officer.getByTestId('form-evidence');
  const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#b45309' } }).jpeg().toBuffer();
  await evidence.getByLabel('文件').setInputFiles({ name: 'site.jpg', mimeType: 'image/jpeg', buffer: photo });
  await evidence.getByRole('button', { name: '上传证据' }).click();
  await expect(officer.getByTestId('call-evidence').getByRole('img')).toBeVisible();
  await expect(officer.getByTestId('event-EVIDENCE_UPLOADED')).toBeVisible();
  // The case page's evidence card shows it too, as a thumbnail that actually loaded (the
  // authorised …/thumbnail read, with the session cookie).
  const thumb = officer.getByTestId('case-evidence').getByRole('img').first();
  await expect(thumb).toBeVisible();
  // (The test files compile without the DOM library: the element's fields are read by name.)
  await expect.poll(() => thumb.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth)).toBe(320);

  const result = officer.getByTestId('form-result');
  await result.getByLabel('处置结果').fill('已现场责令停工，违建部分限期自行拆除');
  await result.getByRole('button', { name: '提交结果' }).click();
  await expect(officer.getByTestId('event-DEPARTMENT_RESULT')).toBeVisible();
  await expectNoSeriousA11yViolations(officer, 'Case (department officer, after the report)');
  await officer.screenshot({ path: path.join(SHOTS, 'case-department-phone.png'), fullPage: true });
  await phone.close();

  // The grid worker of the place: the case is the street's now, so masked, but theirs to reveal — logged.
  const gridDesk = await browser.newContext(DESKTOP_CONTEXT);
  const grid = await gridDesk.newPage();
  await openSignedIn(grid, 'demo-grid-worker', `/cases/${code}`);
  await expect(grid.getByTestId('reporter-phone')).toHaveText('138****5678');
  await expect(grid.getByText('查看完整信息会记入访问日志')).toBeVisible();
  await expectNoSeriousA11yViolations(grid, 'Case (grid worker, reporter masked)');
  await grid.getByRole('button', { name: '显示完整信息' }).click();
  await expect(grid.getByTestId('reporter-phone')).toHaveText(RESIDENT.phone);
  await expect(grid.getByTestId('reporter-name')).toHaveText(RESIDENT.name);
  await expect(grid.getByTestId('reveal-logged-note')).toBeVisible();
  await expect(grid.getByTestId('reveal-reporter')).toHaveCount(0);
  await gridDesk.close();
});

test('the deputy leader approves a 5-day extension from the inbox and the completion deadline moves on the case page', async ({ browser }) => {
  const { gridId } = await demoGrid();
  const code = await reportCase('CG-005', gridId, '小区路灯损坏，需更换线路，协调供电部门');
  const worker = await as('demo-grid-worker');
  await worker.post(`/cases/${code}/accept`, {});
  await worker.post(`/cases/${code}/respond`, { decision: 'SELF' });
  const before = (await worker.get<LiveCase>(`/cases/${code}`)).live!.completionDueAt!;

  // The grid worker asks for 5 working days in the console: above 3, so the deputy leader decides.
  const desk = await browser.newContext(DESKTOP_CONTEXT);
  const page = await desk.newPage();
  await openSignedIn(page, 'demo-grid-worker', `/cases/${code}`);
  await expect(page.getByTestId('completion-due')).toHaveText(beijing(before));
  const ask = page.getByTestId('form-extensions');
  await ask.getByRole('button', { name: '申请延期' }).click();
  await expect(ask.getByText('必填').first()).toBeVisible();
  await ask.getByLabel('延期天数（工作日）').fill('5');
  await ask.getByLabel('理由').fill('需供电公司配合更换地下线路，排期在下周');
  await ask.getByRole('button', { name: '申请延期' }).click();
  await expect(page.getByTestId('extension-status')).toHaveText('待审批');
  await desk.close();

  const leader = await browser.newContext(DESKTOP_CONTEXT);
  const lp = await leader.newPage();
  await openSignedIn(lp, 'demo-deputy-leader');
  await lp.getByRole('link', { name: '延期审批' }).click();
  await expect(lp).toHaveURL(/\/console\/inbox$/);
  const item = lp.getByTestId(`inbox-${code}`);
  await expect(item).toBeVisible();
  await expect(item).toContainText('需供电公司配合更换地下线路');
  await expect(lp.getByTestId(`decide-countdown-${code}`)).toContainText('剩余');
  await expectNoSeriousA11yViolations(lp, 'Extension inbox');
  await lp.screenshot({ path: path.join(SHOTS, 'inbox-desktop.png'), fullPage: true });

  // A decision needs a reason (as the API requires); then approve.
  await item.getByRole('button', { name: '提交' }).click();
  await expect(item.getByText('请填写理由')).toBeVisible();
  await item.getByLabel('理由').fill('确需协调供电部门，同意延期5个工作日');
  await item.getByRole('button', { name: '提交' }).click();
  await expect(item).toHaveCount(0);

  const after = (await worker.get<LiveCase>(`/cases/${code}`)).live!.completionDueAt!;
  expect(after).toBeGreaterThan(before);
  await worker.dispose();
  await lp.goto(`${baseUrl()}/console/cases/${code}`);
  await expect(lp.getByTestId('extension-status')).toHaveText('已批准');
  await expect(lp.getByTestId('completion-due')).toHaveText(beijing(after));
  await expect(lp.getByTestId('event-EXTENSION_APPROVED')).toBeVisible();
  await expectNoSeriousA11yViolations(lp, 'Case (after the extension)');
  await lp.screenshot({ path: path.join(SHOTS, 'case-extension-desktop.png'), fullPage: true });
  await leader.close();
});

test('the command center issues a revisit link and a resident answers it on a phone; an unsatisfied answer reopens the case', async ({ browser }) => {
  const { gridId } = await demoGrid();
  const code = await reportCase('CG-002', gridId, '小区门口垃圾桶满溢，无人清运');
  const [worker, dispatcher] = await Promise.all([as('demo-grid-worker'), as('demo-street-dispatcher')]);
  await worker.post(`/cases/${code}/accept`, {});
  await worker.post(`/cases/${code}/respond`, { decision: 'SELF' });
  await worker.post(`/cases/${code}/result`, { summary: '已联系物业清运，垃圾桶已清空' });
  await dispatcher.post(`/cases/${code}/review`, { decision: 'CLOSE', reason: '现场核实已清运' });
  await Promise.all([worker.dispose(), dispatcher.dispose()]);

  const desk = await browser.newContext(DESKTOP_CONTEXT);
  const page = await desk.newPage();
  await openSignedIn(page, 'demo-command-center', `/cases/${code}`);
  await expect(page.getByTestId('case-status')).toHaveText('已办结');
  await page.getByRole('button', { name: '生成回访链接' }).click();
  const link = (await page.getByTestId('survey-link').innerText()).trim();
  expect(link).toMatch(new RegExp(`^${baseUrl()}/survey/\\S{20,}$`));
  await expectNoSeriousA11yViolations(page, 'Case (survey link issued)');

  // The resident: no account, a phone.
  const phone = await browser.newContext(PHONE_CONTEXT);
  const resident = await phone.newPage();
  await resident.goto(link);
  await expect(resident.getByRole('heading', { name: '群众回访' })).toBeVisible();
  await expect(resident.getByText(code)).toBeVisible();
  await expect(resident.getByText('已联系物业清运，垃圾桶已清空')).toBeVisible();
  await expect(resident.getByTestId('me')).toHaveCount(0);
  await expectNoSeriousA11yViolations(resident, 'Resident survey');
  await resident.screenshot({ path: path.join(SHOTS, 'survey-phone.png'), fullPage: true });
  await resident.getByRole('button', { name: '提交评价' }).click();
  await expect(resident.getByText('必填').first()).toBeVisible();
  await resident.getByLabel('不满意').check();
  await resident.getByLabel('否', { exact: true }).check();
  await resident.getByLabel('意见建议').fill('第二天又堆满了，希望增加清运频次');
  await resident.getByRole('button', { name: '提交评价' }).click();
  await expect(resident.getByTestId('survey-done')).toHaveText('感谢您的反馈。该事项已重新交办，将再次处理。');
  // One submission: the link now opens the "already used" page.
  await resident.reload();
  await expect(resident.getByTestId('survey-used')).toBeVisible();
  await expectNoSeriousA11yViolations(resident, 'Resident survey (used link)');
  await resident.screenshot({ path: path.join(SHOTS, 'survey-used-phone.png') });
  await resident.goto(`${baseUrl()}/survey/not-a-link-this-service-signed-0123456789`);
  await expect(resident.getByTestId('survey-invalid')).toBeVisible();
  await phone.close();

  // The case was reopened, and the command center sees it without reloading.
  await expect(page.getByTestId('event-REOPENED')).toBeVisible();
  await expect(page.getByTestId('case-status')).not.toHaveText('已办结');
  await expect(page.getByTestId('survey-answer')).toContainText('不满意');
  await desk.close();
});

test("an auditor opens a case's timeline and replay verdict", async ({ browser }) => {
  const { gridId } = await demoGrid();
  const code = await reportCase('CG-001', gridId, '消防通道长期被私家车占用');
  const worker = await as('demo-grid-worker');
  await worker.post(`/cases/${code}/accept`, { note: '已到场' });
  await worker.dispose();

  const desk = await browser.newContext(DESKTOP_CONTEXT);
  const page = await desk.newPage();
  await page.goto(`${baseUrl()}/console/cases/${code}`);
  await signIn(page, 'demo-auditor');
  await expect(page.getByTestId('case-status')).toHaveText('已受理');
  // An auditor reads; the case page lists no form for it.
  await expect(page.locator('[data-testid^="form-"]')).toHaveCount(0);
  await page.getByTestId('audit-link').click();
  await expect(page).toHaveURL(new RegExp(`/console/cases/${code}/audit$`));
  await expect(page.getByRole('heading', { name: `审计 ${code}` })).toBeVisible();
  await expect(page.getByTestId('audit-REPORTED').first()).toBeVisible();
  await expect(page.getByTestId('audit-ACCEPTED').first()).toBeVisible();
  // The first replay in the API process bundles the workflow code: allow it time.
  await expect(page.getByTestId('replay-verdict')).toHaveAttribute('data-ok', 'true', { timeout: 120_000 });
  await expectNoSeriousA11yViolations(page, 'Audit');
  await page.screenshot({ path: path.join(SHOTS, 'audit-desktop.png'), fullPage: true });

  const download = page.waitForEvent('download');
  await page.getByTestId('dossier-link').click();
  expect((await download).suggestedFilename()).toBe(`${code}-dossier.json`);
  await desk.close();
});
