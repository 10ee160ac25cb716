// Extension approval: who approves an extension depends on its length (延期按层级审批).
// Pure, no imports but types: safe inside the Temporal workflow sandbox.
import type { ExtensionRule, Level } from './types';

/**
 * The level that must approve an extension of `days` working days: the first rule
 * whose `maxDays` is at least `days` (a rule with `maxDays: null` takes any length).
 * Rules are expected in ascending order with a final open-ended rule (domain/policy
 * validates that); if none matches, the last (most senior) approver is used, so a
 * malformed list never lets an extension through with a too-junior approver.
 */
export function extensionApproverLevel(days: number, rules: readonly ExtensionRule[]): Level {
  if (!Number.isFinite(days) || days <= 0) {
    throw new Error(`Extension length must be a positive number of working days, got ${days}`);
  }
  if (rules.length === 0) throw new Error('No extension approval rules configured');
  for (const rule of rules) {
    if (rule.maxDays === null || days <= rule.maxDays) return rule.approver;
  }
  return rules[rules.length - 1].approver;
}
