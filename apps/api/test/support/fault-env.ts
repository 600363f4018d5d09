/**
 * Throwaway Redis and PostgreSQL servers for the fault-injection suite, under the names
 * faults.e2e-spec.ts uses. They live in @tasklane/cluster (libs/cluster), the one home of the
 * tests' and scripts' process handling: each server is a tracked child on a free port with its own
 * temp directory, so a test can stop, kill and restart it without touching the machine's shared
 * servers, and it dies with the test process (`setpriv --pdeathsig KILL`, exit hook).
 */
export {
  startThrowawayPostgres as startPostgres,
  startThrowawayRedis as startRedis,
  tail as logTail,
  type ThrowawayPostgres as FaultPostgres,
  type ThrowawayRedis as FaultRedis,
} from '@tasklane/cluster';
