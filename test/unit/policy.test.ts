import { loadConfig } from '../../config/env';
import { extensionApproverLevel } from '../../domain/extensions';
import type { ExtensionRule } from '../../domain/types';
import { buildCasePolicy, parseExtensionThresholds, parseLadder, parseWindowOverrides, PolicyError } from '../../domain/policy';

const cfg = loadConfig({});
const plain = { completionDays: 3, urgent: false, windowOverrides: {} };

describe('buildCasePolicy', () => {
  it('uses the configured defaults on their clocks; the default ladder names the community (层层)', () => {
    const p = buildCasePolicy(plain, cfg);
    expect(p.windows).toEqual({
      accept: { clock: 'WALL', minutes: 10 },
      response: { clock: 'WORKING', hours: 1 },
      completion: { clock: 'WORKING', days: 3 },
      review: { clock: 'WORKING', days: 1 },
      report: { clock: 'WORKING', hours: 2 },
      extensionDecision: { clock: 'WORKING', hours: 4 },
      survey: { clock: 'WORKING', days: 3 },
      planReview: { clock: 'WALL', days: 30 },
      remindAt: 0.8,
    });
    expect(p.windows.onSite).toBeUndefined();
    expect(p.ladder).toEqual(['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']);
    expect(p.extensionRules).toEqual([
      { maxDays: 3, approver: 'COMMAND_CENTER' },
      { maxDays: 10, approver: 'DEPUTY_LEADER' },
      { maxDays: null, approver: 'PRINCIPAL_LEADER' },
    ]);
    expect(p).toMatchObject({ maxExtensions: 2, maxReopens: 2, unreachablePolicy: 'NEUTRAL', historyEventLimit: 5000 });
  });

  it('follows the configuration', () => {
    const custom = loadConfig({
      ACCEPT_MINUTES: '15',
      RESPONSE_WORKING_HOURS: '4',
      ON_SITE_HOURS: '3',
      REMIND_AT_FRACTION: '0',
      LADDER: 'GRID,STREET,PRINCIPAL_LEADER',
      EXTENSION_THRESHOLDS: '5:DEPUTY_LEADER,*:PRINCIPAL_LEADER',
      MAX_EXTENSIONS: '1',
      SURVEY_UNREACHABLE_POLICY: 'EXCLUDED',
    });
    const p = buildCasePolicy({ completionDays: 7, urgent: true, windowOverrides: null }, custom);
    expect(p.windows.accept).toEqual({ clock: 'WALL', minutes: 15 });
    expect(p.windows.response).toEqual({ clock: 'WORKING', hours: 4 });
    expect(p.windows.completion).toEqual({ clock: 'WORKING', days: 7 });
    expect(p.windows.onSite).toEqual({ clock: 'WALL', hours: 3 });
    expect(p.windows.remindAt).toBe(0);
    expect(p.ladder).toEqual(['GRID', 'STREET', 'PRINCIPAL_LEADER']);
    expect(p.extensionRules).toEqual([
      { maxDays: 5, approver: 'DEPUTY_LEADER' },
      { maxDays: null, approver: 'PRINCIPAL_LEADER' },
    ]);
    expect(p.maxExtensions).toBe(1);
    expect(p.unreachablePolicy).toBe('EXCLUDED');
  });

  it('opens an on-site window only for urgent categories', () => {
    expect(buildCasePolicy({ ...plain, urgent: true }, cfg).windows.onSite).toEqual({ clock: 'WALL', hours: 2 });
    expect(buildCasePolicy(plain, cfg).windows).not.toHaveProperty('onSite');
  });

  it('applies category overrides', () => {
    const p = buildCasePolicy(
      {
        completionDays: 1,
        urgent: true,
        windowOverrides: {
          acceptMinutes: 5,
          responseWorkingHours: 0.5,
          onSiteHours: 0.5,
          reviewWorkingDays: 2,
          reportWorkingHours: 1,
          extensionDecisionWorkingHours: 2,
          surveyWorkingDays: 5,
          planReviewDays: 60,
          remindAt: 0.5,
        },
      },
      cfg,
    );
    expect(p.windows).toEqual({
      accept: { clock: 'WALL', minutes: 5 },
      response: { clock: 'WORKING', hours: 0.5 },
      completion: { clock: 'WORKING', days: 1 },
      onSite: { clock: 'WALL', hours: 0.5 },
      review: { clock: 'WORKING', days: 2 },
      report: { clock: 'WORKING', hours: 1 },
      extensionDecision: { clock: 'WORKING', hours: 2 },
      survey: { clock: 'WORKING', days: 5 },
      planReview: { clock: 'WALL', days: 60 },
      remindAt: 0.5,
    });
  });

  it('treats a partial override as partial', () => {
    const p = buildCasePolicy({ completionDays: 2, urgent: false, windowOverrides: { acceptMinutes: 5 } }, cfg);
    expect(p.windows.accept).toEqual({ clock: 'WALL', minutes: 5 });
    expect(p.windows.response).toEqual({ clock: 'WORKING', hours: 1 });
  });

  it.each([
    ['an unknown key', { acceptMinute: 5 }, /acceptMinute/],
    ['completionDays (the column is the override)', { completionDays: 3 }, /completionDays/],
    ['a negative number', { acceptMinutes: -1 }, /acceptMinutes/],
    ['zero', { responseWorkingHours: 0 }, /responseWorkingHours/],
    ['a string', { acceptMinutes: '5' }, /acceptMinutes/],
    ['remindAt of 1', { remindAt: 1 }, /remindAt/],
    ['an array', [1, 2], /windowOverrides/],
    ['a number', 5, /windowOverrides/],
  ])('rejects overrides with %s', (_label, windowOverrides, message) => {
    expect(() => buildCasePolicy({ ...plain, windowOverrides }, cfg)).toThrow(PolicyError);
    expect(() => buildCasePolicy({ ...plain, windowOverrides }, cfg)).toThrow(message);
  });

  it('rejects an on-site override on a category that is not urgent', () => {
    expect(() => buildCasePolicy({ ...plain, windowOverrides: { onSiteHours: 1 } }, cfg)).toThrow(/not urgent/);
  });

  it('rejects a non-positive completion', () => {
    expect(() => buildCasePolicy({ ...plain, completionDays: 0 }, cfg)).toThrow(/completionDays/);
  });

  it('accepts null as "no overrides"', () => {
    expect(parseWindowOverrides(null)).toEqual({});
    expect(parseWindowOverrides(undefined)).toEqual({});
  });

  it.each([
    [['GRID', 'STREET', 'MAYOR'], /unknown level "MAYOR"/],
    [['GRID', 'STREET', 'GRID'], /"GRID" appears more than once/],
    [[], /empty/],
  ])('rejects the ladder %j', (ladder, message) => {
    expect(() => buildCasePolicy(plain, { ...cfg, LADDER: ladder })).toThrow(message);
    expect(() => parseLadder(ladder)).toThrow(PolicyError);
  });
});

describe('parseExtensionThresholds', () => {
  it('parses the default thresholds', () => {
    expect(parseExtensionThresholds('3:COMMAND_CENTER,10:DEPUTY_LEADER,*:PRINCIPAL_LEADER')).toEqual([
      { maxDays: 3, approver: 'COMMAND_CENTER' },
      { maxDays: 10, approver: 'DEPUTY_LEADER' },
      { maxDays: null, approver: 'PRINCIPAL_LEADER' },
    ]);
  });

  it('tolerates spaces and a lone "*"', () => {
    expect(parseExtensionThresholds(' 2 : STREET , * : COMMAND_CENTER ')).toEqual([
      { maxDays: 2, approver: 'STREET' },
      { maxDays: null, approver: 'COMMAND_CENTER' },
    ]);
    expect(parseExtensionThresholds('*:PRINCIPAL_LEADER')).toEqual([{ maxDays: null, approver: 'PRINCIPAL_LEADER' }]);
  });

  it.each([
    ['', /empty/],
    ['3:COMMAND_CENTER,10:DEPUTY_LEADER', /last entry must be "\*/],
    ['10:COMMAND_CENTER,3:DEPUTY_LEADER,*:PRINCIPAL_LEADER', /ascending/],
    ['3:COMMAND_CENTER,3:DEPUTY_LEADER,*:PRINCIPAL_LEADER', /ascending/],
    ['*:DEPUTY_LEADER,10:PRINCIPAL_LEADER', /"\*" must be the last/],
    ['3:MAYOR,*:PRINCIPAL_LEADER', /unknown level "MAYOR"/],
    ['three:COMMAND_CENTER,*:PRINCIPAL_LEADER', /not "<days>:<LEVEL>"/],
    ['0:COMMAND_CENTER,*:PRINCIPAL_LEADER', /positive/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseExtensionThresholds(spec)).toThrow(PolicyError);
    expect(() => parseExtensionThresholds(spec)).toThrow(message);
  });

  it('is applied by buildCasePolicy', () => {
    expect(() => buildCasePolicy(plain, { ...cfg, EXTENSION_THRESHOLDS: '3:COMMAND_CENTER' })).toThrow(/EXTENSION_THRESHOLDS/);
  });
});

describe('extensionApproverLevel', () => {
  const rules = parseExtensionThresholds(cfg.EXTENSION_THRESHOLDS);

  it.each([
    [1, 'COMMAND_CENTER'],
    [3, 'COMMAND_CENTER'],
    [4, 'DEPUTY_LEADER'],
    [10, 'DEPUTY_LEADER'],
    [11, 'PRINCIPAL_LEADER'],
    [365, 'PRINCIPAL_LEADER'],
  ])('%d working days → %s', (days, level) => {
    expect(extensionApproverLevel(days, rules)).toBe(level);
  });

  it('treats a fraction above a limit as above it', () => {
    expect(extensionApproverLevel(3.5, rules)).toBe('DEPUTY_LEADER');
  });

  it('falls back to the most senior approver when no rule is open-ended', () => {
    const closed: ExtensionRule[] = [{ maxDays: 3, approver: 'COMMAND_CENTER' }, { maxDays: 10, approver: 'DEPUTY_LEADER' }];
    expect(extensionApproverLevel(30, closed)).toBe('DEPUTY_LEADER');
  });

  it('rejects non-positive lengths and empty rules', () => {
    expect(() => extensionApproverLevel(0, rules)).toThrow(/positive/);
    expect(() => extensionApproverLevel(Number.NaN, rules)).toThrow(/positive/);
    expect(() => extensionApproverLevel(1, [])).toThrow(/No extension approval rules/);
  });
});
