// The workflows this worker runs (the bundle's entry point).
export { caseWorkflow } from './caseWorkflow';
export { archiveCaseWorkflow } from './archiveCaseWorkflow';
export { monthlyAssessmentWorkflow } from './assessmentWorkflow';
export { fanOutWorkflow } from './fanOutWorkflow';
export { personalDataRetentionWorkflow } from './retentionWorkflow';
export { endOfDaySweepWorkflow } from './endOfDayWorkflow';
