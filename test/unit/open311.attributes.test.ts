// Service definitions as catalog data: stored definitions are validated, and submitted
// attribute[code]=value answers are checked against them, every problem at once.
import {
  AttributeDefinitionError,
  checkAttributeAnswers,
  describeAnswers,
  parseServiceAttributes,
  type ServiceAttributeInput,
} from '../../features/open311/attributes';
import { validateSeedData } from '../../prisma/seed';
import { SEED_CATEGORIES } from '../../prisma/seedData';

const defs = parseServiceAttributes(
  [
    {
      code: 'size', datatype: 'singlevaluelist', required: true, description: '坑洼大小 / How big?',
      values: [{ key: 'SMALL', name: '小 / small' }, { key: 'LARGE', name: '大 / large' }],
    },
    { code: 'depth_cm', datatype: 'number', required: false, description: '深度 / depth' },
    {
      code: 'where', datatype: 'multivaluelist', required: false, description: '位置 / where',
      values: [{ key: 'ROAD', name: '机动车道 / road' }, { key: 'WALK', name: '人行道 / sidewalk' }],
    },
    { code: 'seen_at', datatype: 'datetime', required: false, description: '发现时间 / seen at' },
    { code: 'note', datatype: 'string', required: false, description: '备注 / note' },
    { code: 'story', datatype: 'text', required: false, description: '经过 / what happened' },
    { code: 'info', datatype: 'string', required: false, variable: false, description: '仅供参考 / for information' },
  ] satisfies ServiceAttributeInput[],
  'TEST',
);

describe('parseServiceAttributes', () => {
  it('defaults variable to true and keeps the order given', () => {
    expect(defs.map((d) => [d.code, d.variable])).toEqual([
      ['size', true], ['depth_cm', true], ['where', true], ['seen_at', true], ['note', true], ['story', true], ['info', false],
    ]);
    expect(parseServiceAttributes(null)).toEqual([]);
  });

  it.each([
    ['a list without values', [{ code: 'a', datatype: 'singlevaluelist', required: true, description: 'd' }]],
    ['values on a string', [{ code: 'a', datatype: 'string', required: true, description: 'd', values: [{ key: 'X', name: 'x' }] }]],
    ['a duplicate code', [{ code: 'a', datatype: 'string', required: false, description: 'd' }, { code: 'a', datatype: 'number', required: false, description: 'd' }]],
    ['a duplicate value key', [{ code: 'a', datatype: 'multivaluelist', required: false, description: 'd', values: [{ key: 'X', name: 'x' }, { key: 'X', name: 'y' }] }]],
    ['an unknown datatype', [{ code: 'a', datatype: 'photo', required: false, description: 'd' }]],
    ['a required informational field', [{ code: 'a', datatype: 'string', required: true, variable: false, description: 'd' }]],
    ['not a list', { code: 'a' }],
  ])('refuses %s', (_what, json) => {
    expect(() => parseServiceAttributes(json, 'X')).toThrow(AttributeDefinitionError);
  });

  it('the seeded catalog is valid and 4 categories ask extra fields', () => {
    expect(() => validateSeedData()).not.toThrow();
    const withAttributes = SEED_CATEGORIES.filter((c) => parseServiceAttributes(c.attributes ?? [], c.code).length > 0).map((c) => c.code);
    expect(withAttributes.sort()).toEqual(['JT-001', 'JT-002', 'SC-002', 'ZJ-002']);
    const lift = parseServiceAttributes(SEED_CATEGORIES.find((c) => c.code === 'SC-002')!.attributes);
    expect(lift[0]).toMatchObject({ code: 'people_at_risk', datatype: 'singlevaluelist', required: true });
  });
});

describe('checkAttributeAnswers', () => {
  it('accepts good answers and normalises them', () => {
    const r = checkAttributeAnswers(defs, { size: 'LARGE', depth_cm: '12.5', where: ['ROAD', 'WALK', 'ROAD'], seen_at: '2026-11-22T09:30:00+08:00', note: ' 靠近公交站 ' });
    expect(r.problems).toEqual([]);
    expect(r.answers).toEqual([
      { code: 'size', value: 'LARGE' },
      { code: 'depth_cm', value: 12.5 },
      { code: 'where', value: ['ROAD', 'WALK'] },
      { code: 'seen_at', value: '2026-11-22T09:30:00+08:00' },
      { code: 'note', value: '靠近公交站' },
    ]);
  });

  it('a multivaluelist may come as one value', () => {
    expect(checkAttributeAnswers(defs, { size: 'SMALL', where: 'WALK' }).answers).toContainEqual({ code: 'where', value: ['WALK'] });
  });

  it('reports every problem at once', () => {
    const r = checkAttributeAnswers(defs, {
      depth_cm: 'deep', where: ['ROAD', 'SKY'], seen_at: '2026-11-22 09:30', note: 'two\nlines', bogus: '1', info: 'x',
    });
    expect(r.problems.map((p) => p.code).sort()).toEqual(['bogus', 'depth_cm', 'info', 'note', 'seen_at', 'size', 'where']);
    expect(r.problems.find((p) => p.code === 'size')!.message).toMatch(/attribute\[size\] is required/);
    expect(r.problems.find((p) => p.code === 'bogus')!.message).toMatch(/not defined for this service/);
  });

  it('a singlevaluelist takes one of its keys only', () => {
    expect(checkAttributeAnswers(defs, { size: 'HUGE' }).problems[0].message).toBe('attribute[size] must be one of SMALL, LARGE');
    expect(checkAttributeAnswers(defs, { size: ['SMALL', 'LARGE'] }).problems[0].message).toBe('attribute[size] takes one value');
  });

  it('nothing submitted: only the required ones are missing', () => {
    expect(checkAttributeAnswers(defs, undefined).problems.map((p) => p.code)).toEqual(['size']);
    expect(checkAttributeAnswers([], undefined)).toEqual({ answers: [], problems: [] });
    expect(checkAttributeAnswers(defs, 'size=LARGE').problems).toHaveLength(1);
  });
});

describe('describeAnswers', () => {
  it('writes description: value name lines in definition order', () => {
    const { answers } = checkAttributeAnswers(defs, { where: ['WALK', 'ROAD'], size: 'LARGE', depth_cm: 30 });
    expect(describeAnswers(defs, answers)).toEqual([
      '坑洼大小 / How big?: 大 / large',
      '深度 / depth: 30',
      '位置 / where: 人行道 / sidewalk; 机动车道 / road',
    ]);
  });
});
