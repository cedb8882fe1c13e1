// Log messages of the delivery engine, shared with the scenarios so that seeded history reads exactly like
// what the engine writes.

function summary(body: unknown): string {
  if (body === null || body === undefined || body === '') return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return `: ${text.length > 200 ? `${text.slice(0, 200)}...` : text}`;
}

export const LOG_MESSAGES = {
  registered: () => 'integration registered and started',
  registeredTemporary: (from: string, to: string) => `temporary integration registered and started: replaying the events published between ${from} and ${to}`,
  startedByUser: (resumeAt: string | null) => (resumeAt ? `integration started by the user; delivery resumes at ${resumeAt}` : 'integration started by the user'),
  stoppedByUser: () => 'integration stopped by the user',
  updated: (fields: string[]) => `integration updated: ${fields.join(', ')} changed`,
  rejected: (name: string, id: string, body: unknown) => `event ${name} ${id} rejected by the receiver (HTTP 400)${summary(body)}`,
  limitReached: (count: number, limit: number) =>
    `stopped: ${count} rejected events are stored, the limit of ${limit} for this integration; retry or delete the rejected events, then start the integration again`,
  limitAlreadyReached: (name: string, id: string, count: number, limit: number) =>
    `stopped: the receiver rejected ${name} ${id} (HTTP 400) and ${count} rejected events are already stored, the limit of ${limit}; retry or delete the rejected events, then start the integration again`,
  firstFailure: (name: string, id: string, what: string) => `delivery of ${name} ${id} failed (${what}); retrying with back-off`,
  deliveryFailuresStop: (attempts: number, name: string, id: string, what: string) =>
    `stopped after ${attempts} delivery failures of ${name} ${id}: last answer ${what}; start the integration to resume from this event`,
  windowFinished: (from: string | undefined, to: string | undefined) =>
    `temporary integration finished: every event published between ${from} and ${to} was delivered; it stopped by itself`,
  s3WriteFailed: (bucket: string, message: string) => `stopped: could not write to bucket ${bucket}: ${message}`,
};
