/** The job queue's public surface, for modules: enqueue work, handle it, schedule it. */
export { enqueue, enqueueMany, jobRows, registerJob, PermanentJobError, defaultBackoffMs, type JobContext, type JobHandler, type EnqueueInput } from './queue.ts';
export { upsertSchedule, deleteSchedule, nextOccurrence, InvalidScheduleError, type ScheduleInput } from './schedules.ts';
export { startWorker, type Worker, type WorkerOptions } from './worker.ts';
