// The retention period: validated at start-up, and the daily schedule that applies it.
import { ConfigError, loadConfig } from '../../config/env';
import { RETENTION_CRON, retentionScheduleDefinition } from '../../scripts/ensureSchedule';

describe('PERSONAL_DATA_RETENTION_DAYS', () => {
  it('defaults to three years (1096 days)', () => {
    expect(loadConfig({}).PERSONAL_DATA_RETENTION_DAYS).toBe(1096);
  });
  it('refuses what is not a whole number of days of at least 30', () => {
    expect(() => loadConfig({ PERSONAL_DATA_RETENTION_DAYS: 'three years' })).toThrow(/PERSONAL_DATA_RETENTION_DAYS/);
    expect(() => loadConfig({ PERSONAL_DATA_RETENTION_DAYS: '7' })).toThrow(/PERSONAL_DATA_RETENTION_DAYS/);
  });
  it('is not shorter than Temporal keeps closed histories', () => {
    expect(() => loadConfig({ PERSONAL_DATA_RETENTION_DAYS: '365', TEMPORAL_RETENTION_DAYS: '400' })).toThrow(ConfigError);
    expect(loadConfig({ PERSONAL_DATA_RETENTION_DAYS: '400', TEMPORAL_RETENTION_DAYS: '400' }).PERSONAL_DATA_RETENTION_DAYS).toBe(400);
  });
});

describe('the retention schedule', () => {
  it('starts personalDataRetentionWorkflow daily at 02:30 Shanghai, never two at once', () => {
    const def = retentionScheduleDefinition({ taskQueue: 'cases' });
    expect(RETENTION_CRON).toBe('30 2 * * *');
    expect(def.spec).toEqual({ cronExpressions: ['30 2 * * *'], timezone: 'Asia/Shanghai' });
    expect(def.action).toMatchObject({ type: 'startWorkflow', workflowType: 'personalDataRetentionWorkflow', taskQueue: 'cases', workflowId: 'personal-data-retention-run' });
    expect(def.policies).toMatchObject({ overlap: expect.anything(), catchupWindow: '1 day' });
  });
});
