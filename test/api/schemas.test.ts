// The lenient reading of answers (src/api/schemas.ts) and how a mismatch is named (src/api/answers.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeMismatch } from '../../src/api/answers.js';
import { ImportErrorAnswer, ImportJob, Integration, PublishedEvent, PublishedEventList, publishedEventStatus, statusIs, TokenResponse } from '../../src/api/schemas.js';
import { ROOT } from '../helpers/cli.js';

const sample = (name: string): unknown => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'newstore-samples', name), 'utf8'));

describe('published-events.json (for events list)', () => {
  it('reads the bare array: every attempt as sent, status compared case-insensitively', () => {
    const body = sample('published-events.json');
    const parsed = PublishedEventList.parse(body);
    expect(parsed).toEqual(body); // nothing dropped, nothing added
    expect(parsed.map(publishedEventStatus)).toEqual(['success', 'failure', 'failure']);
  });
  it('keeps unknown fields, turns a numeric id into a string, and leaves an unknown status unnamed', () => {
    expect(PublishedEvent.parse({ status: 'Success', integration_id: 42, extra: 1 })).toEqual({ status: 'Success', integration_id: '42', extra: 1 });
    expect(publishedEventStatus(PublishedEvent.parse({ status: 'RETRYING' }))).toBeUndefined();
    expect(publishedEventStatus(PublishedEvent.parse({}))).toBeUndefined();
  });
});

describe('lenient reading', () => {
  it('needs only an integration id; numbers become strings; status is kept as sent', () => {
    expect(Integration.parse({ id: 7 })).toEqual({ id: '7' });
    expect(Integration.parse({ id: 'x', status: null, callback_parameters: { api_key: 'k' } })).toMatchObject({ status: null });
    expect(statusIs('RUNNING', 'running')).toBe(true);
    expect(statusIs(7, 'running')).toBe(false);
  });
  it('reads an import job by import_id or id, revision as a numeric string', () => {
    expect(ImportJob.parse({ id: 'j1', state: 'received', revision: '3' })).toMatchObject({ import_id: 'j1', revision: 3 });
  });
  it('reads import errors as a bare array or an envelope, with reason or message, plain text too', () => {
    expect(ImportErrorAnswer.parse([{ reason: 'r', entity_id: 5 }])).toEqual([{ reason: 'r', entity_id: '5' }]);
    expect(ImportErrorAnswer.parse({ errors: [{ message: 'm', item: { a: 1 } }, 'plain'] })).toEqual({ errors: [{ message: 'm', item: { a: 1 } }, { message: 'plain' }] });
    expect(ImportErrorAnswer.parse({ items: [{ error_id: 'e-1' }] })).toEqual({ items: [{ error_id: 'e-1' }] });
  });
  it('accepts expires_in as a numeric string', () => {
    expect(TokenResponse.parse({ access_token: 't', expires_in: '300' }).expires_in).toBe(300);
  });
});

describe('describeMismatch', () => {
  const where = (schema: { safeParse(v: unknown): any }, body: unknown, prefix = '') => describeMismatch(schema.safeParse(body).error, body, prefix);
  it('names the JSON path, the expected type and what came, never "Invalid input"', () => {
    expect(where(Integration, { id: null }, 'integrations[0]')).toBe('integrations[0].id: expected a string, got null');
    expect(where(Integration, {})).toBe('id: expected a string, got nothing (the field is absent)');
    expect(where(Integration, [1])).toBe('the body: expected an object, got a list of 1');
    expect(where(ImportJob, { import_id: 'j', state: 5 })).toBe('state: expected a string, got the number 5');
    expect(where(TokenResponse, { access_token: '' })).toBe('access_token must not be empty');
    expect(where(TokenResponse, {})).toBe('access_token must be a string, got nothing (the field is absent)'); // not "access_token: ..." (masked)
    expect(where(Integration, { id: 'x', s3_parameters: { bucket: { a: 1 } } })).toBe('s3_parameters.bucket: expected a string, got an object');
  });
});
