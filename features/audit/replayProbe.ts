// Bundled into the workflow code only for replays that compare activity inputs (see
// features/audit/replay.ts): reports every activity and local activity the replayed code schedules, with its arguments,
// through a sink that runs during replay. Imports nothing but the workflow SDK.
import { proxySinks, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export interface ReplayProbeSinks extends Sinks {
  replayProbe: {
    activity(activityType: string, args: unknown[]): void;
  };
}

const { replayProbe } = proxySinks<ReplayProbeSinks>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      async scheduleActivity(input, next) {
        replayProbe.activity(input.activityType, input.args);
        return next(input);
      },
      async scheduleLocalActivity(input, next) {
        // A retry after a backoff timer comes through here again; the history has one result marker.
        if (input.attempt <= 1) replayProbe.activity(input.activityType, input.args);
        return next(input);
      },
    },
  ],
});
