import { describe, expect, it } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import type { DataSource } from 'typeorm';
import type { Metrics } from '../metrics/metrics.service.js';
import { JobQueue } from './job-queue.service.js';

// JobQueue.define's checks that need no database; the queue itself is covered by the e2e specs
// (job-workers, transfer, reminders). The `@ts-expect-error` lines are checked by `tsc --noEmit`.
describe('JobQueue.define', () => {
  const queue = () => new JobQueue({} as DataSource, {} as ConfigService<never, true>, {} as Metrics);

  it('takes a defined job name as dead letter queue, and refuses a name defined twice', () => {
    const jobs = queue();
    jobs.define({ name: 'imports.fail', handler: async () => undefined });
    jobs.define({ name: 'imports.run', handler: async () => undefined, queue: { deadLetter: 'imports.fail' } });
    expect(() => jobs.define({ name: 'imports.fail', handler: async () => undefined })).toThrow('job imports.fail defined twice');
  });

  it('does not compile with a dead letter queue that is not a job name (a typo)', () => {
    const jobs = queue();
    // @ts-expect-error 'imports.failed' is not a JobName
    const typo = () => jobs.define({ name: 'imports.run', handler: async () => undefined, queue: { deadLetter: 'imports.failed' } });
    expect(typo).not.toThrow();
  });
});
