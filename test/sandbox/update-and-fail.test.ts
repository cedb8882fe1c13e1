// The sandbox's PATCH of an integration, import list and set_fail [contract §2, §4 "updated"], called
// directly: strict bodies, 404s, states, and what each answer holds.
import { afterEach, describe, expect, it } from 'vitest';
import { EVENTSTREAM, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const webhook = (id: string) => ({ id, callback_parameters: { callback_url: 'https://erp.example.com/hook', api_key: 'k1' }, filter_conditions: { entities: ['order'] } });
const job = { provider: 'test', name: 'j', source_uri: 'https://example.com/x.zip', entities: ['availabilities'], full: false };

describe('PATCH an integration', () => {
  it('changes the given callback fields (the others kept), replaces the filter, logs it, answers the integration', async () => {
    t = await startTestSandbox();
    expect((await t.api('POST', EVENTSTREAM, webhook('erp'))).status).toBe(201);
    const key = await t.api('PATCH', `${EVENTSTREAM}/erp`, { callback_parameters: { api_key: 'k2' } });
    expect(key.status).toBe(200);
    expect(key.body.callback_parameters).toEqual({ callback_url: 'https://erp.example.com/hook', api_key: 'k2' });
    const filter = await t.api('PATCH', `${EVENTSTREAM}/erp`, { filter_conditions: { events: ['order.created'] } });
    expect(filter.body.filter_conditions).toEqual({ events: ['order.created'] });
    expect(t.sb.state.logs.get('erp')!.at(-1)!.message).toBe('integration updated: filter_conditions changed');
  });

  it('refuses what register would refuse (400 naming the field), an empty change (400), an unknown id (404), webhook fields on an S3 export (400)', async () => {
    t = await startTestSandbox();
    await t.api('POST', EVENTSTREAM, webhook('erp'));
    const before = JSON.stringify(t.sb.state.integrations.get('erp'));
    const cases: Array<[unknown, RegExp]> = [
      [{ callback_parameters: { callback_url: 'not a url' } }, /^callback_parameters\.callback_url: /],
      [{ colour: 'red' }, /colour/],
      [{ callback_parameters: { callback_url: 'https://x.example.com', extra: 1 } }, /extra/],
      [{ callback_parameters: {} }, /callback_url or api_key is needed/],
      [{ callback_parameters: { api_key: '' } }, /api_key/],
      [{}, /nothing to change/],
      [{ filter_conditions: { events: 'order.created' } }, /filter_conditions\.events/],
    ];
    for (const [body, detail] of cases) {
      const res = await t.api('PATCH', `${EVENTSTREAM}/erp`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.detail).toMatch(detail);
    }
    expect(JSON.stringify(t.sb.state.integrations.get('erp'))).toBe(before);
    expect((await t.api('PATCH', `${EVENTSTREAM}/nope`, { filter_conditions: {} })).status).toBe(404);
    await t.api('POST', EVENTSTREAM, { id: 's3', s3_parameters: { aws_access_key_id: 'A', aws_secret_access_key: 'S', aws_region: 'eu-central-1', bucket: 'b' } });
    const s3 = await t.api('PATCH', `${EVENTSTREAM}/s3`, { callback_parameters: { api_key: 'k' } });
    expect(s3.status).toBe(400);
    expect(s3.body.detail).toMatch(/is an S3 export/);
  });
});

describe('import list and set_fail', () => {
  it('lists oldest first with filter[state] and pagination_info; a state it does not know is a 400', async () => {
    t = await startTestSandbox();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await t.api('POST', '/v0/d/import', { ...job, name: `j${i}` })).body.id);
    await t.api('POST', `/v0/d/import/${ids[1]}/set_fail`, { reason: 'x' });
    const received = await t.api('GET', '/v0/d/import?filter%5Bstate%5D=received');
    expect(received.status).toBe(200);
    expect(received.body.items.map((j: { import_id: string }) => j.import_id)).toEqual([ids[0], ids[2]]);
    expect(received.body.pagination_info).toEqual({ offset: 0, count: 50, total: 2 });
    expect(received.body.items[0]).not.toHaveProperty('errors');
    const page = await t.api('GET', '/v0/d/import?offset=1&count=1');
    expect(page.body.items.map((j: { import_id: string }) => j.import_id)).toEqual([ids[1]]);
    expect((await t.api('GET', '/v0/d/import?filter%5Bstate%5D=stuck')).status).toBe(400);
  });

  it('set_fail: received -> failed with the reason (a place freed); failed again: 200, the first reason kept; 404; a bad body 400', async () => {
    t = await startTestSandbox();
    const id = (await t.api('POST', '/v0/d/import', job)).body.id as string;
    expect(t.sb.core.imports.openJobs()).toBe(1);
    const failed = await t.api('POST', `/v0/d/import/${id}/set_fail`, { reason: 'stuck' });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ import_id: id, state: 'failed', reason: 'stuck' });
    expect(t.sb.core.imports.openJobs()).toBe(0);
    const again = await t.api('POST', `/v0/d/import/${id}/set_fail`, { reason: 'other' });
    expect(again.status).toBe(200);
    expect(again.body.reason).toBe('stuck');
    expect((await t.api('POST', '/v0/d/import/imp-nope/set_fail', { reason: 'x' })).status).toBe(404);
    const other = (await t.api('POST', '/v0/d/import', job)).body.id as string;
    for (const body of [{}, { reason: '' }, { reason: 'x', extra: 1 }]) {
      expect((await t.api('POST', `/v0/d/import/${other}/set_fail`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect(t.sb.state.imports.get(other)!.state).toBe('received');
  });

  it('a finished job answers 409 and stays finished', async () => {
    t = await startTestSandbox();
    const id = (await t.api('POST', '/v0/d/import', job)).body.id as string;
    t.sb.state.imports.get(id)!.state = 'finished';
    const res = await t.api('POST', `/v0/d/import/${id}/set_fail`, { reason: 'late' });
    expect(res.status).toBe(409);
    expect(t.sb.state.imports.get(id)!.state).toBe('finished');
  });
});
