// A live countdown to a deadline, coloured at the reminder point and on breach. The colour
// never carries the meaning alone: the text says "left" or "over" too.
import { useI18n } from '../i18n';
import { formatDuration, urgencyOf, useNow } from '../time';

export function Countdown({ dueAt, remindAt = null, testId }: { dueAt: number; remindAt?: number | null; testId?: string }) {
  const { t, lang } = useI18n();
  const now = useNow();
  const urgency = urgencyOf(now, dueAt, remindAt);
  const text = urgency === 'breached' ? `${t.over} ${formatDuration(now - dueAt, lang)}` : `${t.left} ${formatDuration(dueAt - now, lang)}`;
  return (
    <span className={`coe-${urgency}`} data-urgency={urgency} data-testid={testId}>
      {text}
    </span>
  );
}
