// setupFilesAfterEnv of the workflow and integration projects.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

// Servers, bundling workflow code and migrations take longer than jest's 5 s default.
jest.setTimeout(Number(process.env.TEST_TIMEOUT_MS ?? 60_000));

// The SDK logs every worker state change at INFO; keep test output readable.
// TEMPORAL_TEST_LOG_LEVEL=INFO|DEBUG brings them back.
Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_TEST_LOG_LEVEL ?? 'WARN') as LogLevel) });
