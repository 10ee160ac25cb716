// Personal data in free text: phone numbers in their usual spellings, identity card numbers,
// e-mail addresses and the reporter's own name and number are erased; ids, codes, dates and
// figures next to them are not.
import { ANONYMISED } from '../../domain/personalData';
import { FREE_TEXT_KEYS, personalTextMasker, personalTextScrubber, scrubFreeTextFields, scrubPersonalText } from '../../domain/personalText';

const X = ANONYMISED;

describe('scrubPersonalText: phone patterns', () => {
  it.each([
    ['请联系业主13812345678处理', `请联系业主${X}处理`],
    ['电话 138-1234-5678。', `电话 ${X}。`],
    ['电话 138 1234 5678', `电话 ${X}`],
    ['+86 13812345678', X],
    ['8613812345678', X],
    ['座机010-12345678或(0591) 8765432', `座机${X}或${X}`],
    ['座机 059187654321', `座机 ${X}`],
    ['身份证号 11010519491231002X 已核实', `身份证号 ${X} 已核实`],
    ['邮箱 wang.xm@example.cn 回复', `邮箱 ${X} 回复`],
  ])('%s', (text, expected) => {
    expect(scrubPersonalText(text)).toBe(expected);
  });

  it('leaves case codes, dates, instants, hashes and short numbers alone', () => {
    const text =
      'Case GL-20261123-990005 sent back on 2026-11-23T01:40:00.000Z: 3号楼 12 户, 面积 120 平方米, 12345 元, sha 0123456789abcdef0123456789abcdef; 工单 20261123990005';
    expect(scrubPersonalText(text)).toBe(text);
  });

  it('an 11-digit run not starting 13–19 is not a mobile number', () => {
    expect(scrubPersonalText('编号 12345678901')).toBe('编号 12345678901');
  });
});

describe("scrubPersonalText: the reporter's own data", () => {
  const reporter = { name: '张三丰', phone: '139-0000-1111', email: 'ZSF@example.cn' };

  it('erases the name wherever it is written, and the number however it is spaced', () => {
    expect(scrubPersonalText('张三丰反映楼道堆物，张三丰本人要求回电 13900001111', reporter)).toBe(`${X}反映楼道堆物，${X}本人要求回电 ${X}`);
    expect(scrubPersonalText('回电 139 0000 1111', reporter)).toBe(`回电 ${X}`);
  });

  it('erases a short number that only the reporter gave (no generic pattern would)', () => {
    expect(scrubPersonalText('分机 62345 转', { phone: '62345' })).toBe(`分机 ${X} 转`);
  });

  it('erases the e-mail case-insensitively', () => {
    expect(scrubPersonalText('已回复 zsf@EXAMPLE.cn', reporter)).toBe(`已回复 ${X}`);
  });

  it('ignores one-character and already anonymised names, and names with regex characters are literal', () => {
    expect(scrubPersonalText('王先生说王', { name: '王' })).toBe('王先生说王');
    expect(scrubPersonalText(`处理人 ${X}`, { name: X })).toBe(`处理人 ${X}`);
    expect(scrubPersonalText('李.四 和 李某四', { name: '李.四' })).toBe(`${X} 和 李某四`);
  });
});

describe('scrubFreeTextFields', () => {
  const scrub = personalTextScrubber({ name: '李四', phone: '13900001111' });

  it('scrubs strings under free-text keys at any depth and leaves every other field', () => {
    const value = {
      intake: { description: '李四报告：井盖缺失，电话13900001111', reporter: { name: '李四' }, gridId: 'G-13900001111', code: 'GL-1' },
      facts: [{ type: 'RETURNED', data: { reason: '联系不上李四', by: 'p-13900001111' } }, { type: 'NOTED', data: { notes: ['回电 13900001111'] } }],
      result: { summary: '已告知李四', at: 13900001111 },
    };
    expect(scrubFreeTextFields(value, scrub)).toEqual({
      intake: { description: `${X}报告：井盖缺失，电话${X}`, reporter: { name: '李四' }, gridId: 'G-13900001111', code: 'GL-1' },
      facts: [{ type: 'RETURNED', data: { reason: `联系不上${X}`, by: 'p-13900001111' } }, { type: 'NOTED', data: { notes: [`回电 ${X}`] } }],
      result: { summary: `已告知${X}`, at: 13900001111 },
    });
  });

  it('returns the same value when nothing personal is in it', () => {
    const value = { description: '路边占道经营', note: '已受理', list: [{ reason: '核实已办结' }] };
    expect(scrubFreeTextFields(value, scrub)).toBe(value);
  });

  it('covers the free-text fields the case facts and messages use', () => {
    for (const k of ['description', 'note', 'comment', 'reason', 'summary', 'message', 'instructions', 'explanation', 'decisionReason']) expect(FREE_TEXT_KEYS.has(k)).toBe(true);
  });
});

describe('personalTextMasker', () => {
  it('masks what the scrubber would erase, as the reporter fields are masked', () => {
    const mask = personalTextMasker({ name: '张三丰', phone: '13900001111', email: 'zsf@example.cn' });
    expect(mask('张三丰反映：回电 139-0000-1111 或 010-12345678，邮件 zsf@example.cn，身份证 11010519491231002X')).toBe(
      '张**反映：回电 139****1111 或 010****5678，邮件 z***@example.cn，身份证 110***********002X',
    );
    expect(mask('路边占道经营')).toBe('路边占道经营');
  });
});
