import { startPeriodicLoop } from '../../worker/periodicLoop';

describe('startPeriodicLoop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs rounds one after another, keeps going after a failed round, and stops after the round in progress', async () => {
    const rounds: number[] = [];
    const warnings: string[] = [];
    let n = 0;
    const loop = startPeriodicLoop(
      async () => {
        n++;
        rounds.push(n);
        if (n === 2) throw new Error('database restarting');
      },
      { intervalMs: 1000, firstDelayMs: 0, what: 'a round', logger: { warn: (_o: unknown, msg: string) => warnings.push(msg) } as never },
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds).toEqual([1]);
    await jest.advanceTimersByTimeAsync(999);
    expect(rounds).toEqual([1]);
    await jest.advanceTimersByTimeAsync(1);
    expect(rounds).toEqual([1, 2]);
    expect(warnings).toEqual(['a round failed']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(rounds).toEqual([1, 2, 3]);
    await loop.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(rounds).toEqual([1, 2, 3]);
  });
});
