// The seed catalog against the seeds (docs/RULES.md, "Windows as the seeds count them"): no
// category overrides a window the seeds state, every completion window is 1 to 7 working days,
// no invented rule is left in a description, and the configured defaults are the seeds' numbers.
import { loadConfig } from '../../config/env';
import { buildCasePolicy } from '../../domain/policy';
import { CATALOG_SOURCES, SEED_CATEGORIES } from '../../prisma/seedData';

const cfg = loadConfig({ NODE_ENV: 'test' });

describe('the seed catalog', () => {
  it('overrides none of the windows the seeds state (accept, response, on site)', () => {
    for (const c of SEED_CATEGORIES) {
      expect([c.code, Object.keys(c.windowOverrides).filter((k) => ['acceptMinutes', 'responseWorkingHours', 'onSiteHours'].includes(k))]).toEqual([c.code, []]);
    }
  });

  it('gives every category a completion window of 1 to 7 working days', () => {
    for (const c of SEED_CATEGORIES) {
      expect(Number.isInteger(c.completionDays) && c.completionDays >= 1 && c.completionDays <= 7 ? c.code : `${c.code}: ${c.completionDays}`).toBe(c.code);
    }
  });

  it('no longer carries the invented "维保单位30分钟内到场" rule', () => {
    expect(SEED_CATEGORIES.filter((c) => /30分钟/.test(c.description)).map((c) => c.code)).toEqual([]);
  });

  it("urgent categories run on the seeds' windows: accept 10 wall minutes, response 1 working hour, on site 2 wall hours", () => {
    const urgent = SEED_CATEGORIES.filter((c) => c.urgent);
    expect(urgent.map((c) => c.code).sort()).toEqual(['CG-006', 'JT-002', 'SC-002', 'YJ-001', 'YJ-002', 'ZJ-002', 'ZJ-003']);
    for (const c of urgent) {
      const p = buildCasePolicy(c, cfg);
      expect([c.code, p.windows.accept, p.windows.response, p.windows.onSite]).toEqual([
        c.code,
        { clock: 'WALL', minutes: 10 },
        { clock: 'WORKING', hours: 1 },
        { clock: 'WALL', hours: 2 },
      ]);
    }
  });

  it("SL-001 (停水) responds within 1 working hour like every matter", () => {
    const sl = SEED_CATEGORIES.find((c) => c.code === 'SL-001')!;
    expect(buildCasePolicy(sl, cfg).windows.response).toEqual({ clock: 'WORKING', hours: 1 });
  });

  it("the configured defaults are the seeds' numbers, and the values no seed states are marked DEFAULT", () => {
    expect(cfg.ACCEPT_MINUTES).toBe(CATALOG_SOURCES.acceptMinutes.value);
    expect(cfg.RESPONSE_WORKING_HOURS).toBe(CATALOG_SOURCES.responseWorkingHours.value);
    expect(cfg.ON_SITE_HOURS).toBe(CATALOG_SOURCES.onSiteHours.value);
    expect(Object.entries(CATALOG_SOURCES).filter(([, v]) => v.source === 'DEFAULT').map(([k]) => k)).toEqual(['completionDays', 'urgent', 'defaultLevel', 'departmentIds', 'triage']);
  });
});
