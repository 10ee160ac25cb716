// Case codes are readable and sortable: PREFIX-YYYYMMDD-NNNNNN. The workflow id is the code itself.

const CODE_RE = /^([A-Z]{2,6})-(\d{8})-(\d{6})$/;

/** Format a case code from its parts. */
export function formatCaseCode(prefix: string, day: string, seq: number): string {
  return `${prefix}-${day.replace(/-/g, '')}-${String(seq).padStart(6, '0')}`;
}

/** Parse a case code, or null if it is not one. */
export function parseCaseCode(code: string): { prefix: string; day: string; seq: number } | null {
  const m = CODE_RE.exec(code);
  if (!m) return null;
  return { prefix: m[1], day: `${m[2].slice(0, 4)}-${m[2].slice(4, 6)}-${m[2].slice(6)}`, seq: Number(m[3]) };
}

/** The workflow id of a case (the case code; one helper so the rule lives in one place). */
export function workflowIdForCase(code: string): string {
  return code;
}

/** The case code behind a workflow id. */
export function caseCodeFromWorkflowId(workflowId: string): string {
  return workflowId;
}
