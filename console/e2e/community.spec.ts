// Community work in a real browser against the real system (globalSetup.ts): a small matter
// (三事分流 小事) starts with the residents' committee of its grid, and the community records its
// five-step deliberation (五步议事: 说、问、议、办、评) in the case page's form, step by step; the
// street cannot close it until the residents' evaluation is in, then closes it. Every page passes
// axe; the README's screenshot is written to docs/screenshots/.
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { as, DESKTOP_CONTEXT, expectNoSeriousA11yViolations, openSignedIn, reportCase, SHOTS } from './helpers';

/**
 * The form has finished its last submit (it resets, then reloads the case, with its button
 * loading meanwhile: a click then is ignored and a field filled then is cleared).
 */
async function settled(form: Locator): Promise<void> {
  await expect(form.locator('.ant-btn-loading')).toHaveCount(0);
}

/** Choose `option` in the antd Select labelled `label` inside `form`. */
async function choose(page: Page, form: Locator, label: string, option: string): Promise<void> {
  await form.getByLabel(label, { exact: true }).click();
  await page.locator(`.ant-select-item-option[title="${option}"]`).click();
}

test("a small matter starts with the community, which records its five-step deliberation; the street closes it after the residents' evaluation", async ({ browser }) => {
  // The demo community worker's community holds the demo grid worker's grid.
  const [grid, community] = await Promise.all([as('demo-grid-worker'), as('demo-community-worker')]);
  const gridId = (await grid.get<{ unitId: string }>('/me')).unitId;
  const communityId = (await community.get<{ unitId: string }>('/me')).unitId;
  expect(gridId.startsWith(`${communityId}-`), `grid ${gridId} lies in community ${communityId}`).toBe(true);
  await grid.dispose();

  // 邻里纠纷 is a small matter: it starts with the residents' committee, not the grid (居委会主导).
  const code = await reportCase('SQ-001', gridId, '小区停车乱象，车辆长期占用消防通道');
  // The workflow's live state (the projection follows a moment later).
  const started = await community.get<{ live: { level: string } | null }>(`/cases/${code}`);
  expect(started.live?.level).toBe('COMMUNITY');
  await community.post(`/cases/${code}/accept`, { note: '居委会受理' });
  await community.post(`/cases/${code}/respond`, { decision: 'SELF', note: '社区组织居民议事' });

  const desk = await browser.newContext(DESKTOP_CONTEXT);
  const page = await desk.newPage();
  await openSignedIn(page, 'demo-community-worker', `/cases/${code}`);
  await expect(page.getByTestId('case-status')).toHaveText('处置中');
  const card = page.getByTestId('deliberation');
  await expect(card).toContainText('尚未开展议事');
  const form = page.getByTestId('form-deliberate');
  await expect(form).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'Case: the deliberation form');

  // 群众说事: the residents' matter as raised (the form starts at this step).
  await form.getByLabel('群众反映的事项').fill('书香门第小区停车乱象，消防通道常被占用');
  await form.getByLabel('反映渠道（民情驿站、微信群、入户走访等）').fill('民情驿站');
  await form.getByRole('button', { name: '五步议事' }).click();
  await expect(page.getByTestId('deliberation-SAY')).toContainText('消防通道常被占用');
  await settled(form);
  await expect(card).toContainText('议事进行中');

  // 干部问事: the topic.
  await choose(page, form, '议事步骤', '干部问事');
  await form.getByLabel('议事主题（议题）').fill('小区停车管理与消防通道畅通');
  await form.getByRole('button', { name: '五步议事' }).click();
  await expect(page.getByTestId('deliberation-ASK')).toContainText('小区停车管理');
  await settled(form);

  // 集中议事: the body that deliberated, who took part, the decision.
  await choose(page, form, '议事步骤', '集中议事');
  await form.getByLabel('处理意见').fill('由小区物业公司出资安装起降杆，划定停车位');
  await choose(page, form, '议事组织', '社区协商议事会');
  await form.getByLabel('参会人员（每行一人：姓名，身份，单位）').fill('王书记，社区党委书记，御康社区\n李经理，物业经理，小区物业公司\n张代表，居民代表');
  await form.getByRole('button', { name: '五步议事' }).click();
  await expect(page.getByTestId('deliberation-DISCUSS')).toContainText('社区协商议事会');
  await expect(page.getByTestId('deliberation-DISCUSS')).toContainText('李经理（物业经理，小区物业公司）');
  await settled(form);

  // 合力办事: the work done, as a small matter solved together.
  await choose(page, form, '议事步骤', '合力办事');
  await form.getByLabel('办理情况').fill('起降杆已安装，停车位已划线');
  await form.getByText('小事 协商共办').click();
  await form.getByRole('button', { name: '五步议事' }).click();
  await expect(page.getByTestId('deliberation-DO')).toContainText('小事 协商共办');
  await settled(form);

  // The community submits its result; the street may not close before the residents have evaluated.
  await community.post(`/cases/${code}/result`, { summary: '起降杆已安装，消防通道畅通' });
  const street = await as('demo-street-dispatcher');
  await street.post(`/cases/${code}/review`, { decision: 'CLOSE', reason: '社区已办结' }, 409);

  // 民主评事: the residents' votes and the cadres who took part.
  await choose(page, form, '议事步骤', '民主评事');
  await form.getByLabel('评议说明').fill('居民代表大会民主评议');
  await form.getByLabel('满意', { exact: true }).fill('12');
  await form.getByLabel('基本满意', { exact: true }).fill('5');
  await form.getByLabel('不满意', { exact: true }).fill('2');
  await form.getByLabel('参与干部（逗号分隔）').fill('王书记，刘主任');
  await form.getByRole('button', { name: '五步议事' }).click();
  await expect(page.getByTestId('deliberation-verdict')).toHaveText('评议结果: 满意');
  await expect(page.getByTestId('deliberation-EVALUATE')).toContainText('满意 12 · 基本满意 5 · 不满意 2');
  await expect(page.getByTestId('event-DELIBERATION_STEP').first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'Case: the deliberation completed');
  await page.screenshot({ path: path.join(SHOTS, 'case-deliberation-desktop.png'), fullPage: true });

  // Now the street closes it.
  await street.post(`/cases/${code}/review`, { decision: 'CLOSE', reason: '社区已办结，居民评议满意' });
  await expect(page.getByTestId('case-status')).toHaveText('已办结');
  await Promise.all([street.dispose(), community.dispose(), desk.close()]);
});
