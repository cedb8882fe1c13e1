// The one listing of rejected events: each once, filtered, and the single-event read apply uses.
import { describe, expect, it } from 'vitest';
import type { RejectedEvent } from '../../../src/api/schemas.js';
import { findRejectedEvent, listAllRejected, oldestFirst, readRejected, selectRejectedEvents } from '../../../src/workflows/rejected/listing.js';


const ev = (id: string, name = 'order.created'): RejectedEvent => ({ id, rejected_at: '2026-11-20T08:00:00Z', attempts: 1, event: { name, payload: { id } } });

function reader(ids: Array<[string, string?]>) {
  let yielded = 0;
  return {
    yielded: () => yielded,
    async *rejectedEvents() {
      for (const [id, name] of ids) {
        yielded++;
        yield ev(id, name);
      }
    },
  };
}

describe('readRejected', () => {
  it('streams each event once, in the server order, and keeps only what the filter matches', async () => {
    const api = reader([['a'], ['b', 'order.items_cancelled'], ['a'], ['c']]);
    const all: string[] = [];
    for await (const e of readRejected(api, 'x')) all.push(e.id);
    expect(all).toEqual(['a', 'b', 'c']);
    const cancelled = await listAllRejected(api, 'x', { filter: { events: ['order.items_cancelled'] } });
    expect(cancelled.map((e) => e.id)).toEqual(['b']);
  });
});

describe('listAllRejected', () => {
  it('holds each event once when pages read at once overlap (the list changed during the read)', async () => {
    // Pages at offsets 0 and 200 answered either side of 200 events leaving the front: the second page
    // repeats events the first one had. The plan must not hold them twice (nor the gate count them twice).
    let asked: { parallel?: number } | undefined;
    const api = {
      async *rejectedEvents(_id: string, options?: { parallel?: number }) {
        asked = options;
        for (const id of ['a', 'b', 'c']) yield ev(id);
        for (const id of ['b', 'c', 'd']) yield ev(id);
      },
    };
    const all = await listAllRejected(api, 'x', { parallel: 4 });
    expect(all.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(asked).toEqual({ parallel: 4 });
  });
});

describe('findRejectedEvent', () => {
  it('stops reading at the event; undefined when the whole list does not hold it', async () => {
    const api = reader([['a'], ['b'], ['c']]);
    expect((await findRejectedEvent(api, 'x', 'b'))?.id).toBe('b');
    expect(api.yielded()).toBe(2);
    expect(await findRejectedEvent(api, 'x', 'zz')).toBeUndefined();
  });
});

// What `rejected retry/delete` act on (moved from the old batch engine's test).
describe('selectRejectedEvents', () => {
  const at = (id: string, when: string, name = 'order.created'): RejectedEvent => ({ ...ev(id, name), rejected_at: when });

  it('orders by rejected_at, keeping the server order for ties and unreadable times', () => {
    const list = [at('c', '2026-01-03T00:00:00Z'), at('a', '2026-01-01T00:00:00Z'), at('x', 'garbage'), at('b', '2026-01-01T00:00:00.000Z')];
    expect(oldestFirst(list).map((e) => e.id)).toEqual(['a', 'b', 'c', 'x']);
  });

  it('selects explicit ids narrowed by the filter, and names the missing and the excluded ones', async () => {
    const events = [at('a', '2026-01-02T00:00:00Z'), at('b', '2026-01-01T00:00:00Z', 'order.opened'), at('c', '2026-01-01T00:00:00Z')];
    const api = {
      async *rejectedEvents() {
        yield* events;
      },
    };
    const s = await selectRejectedEvents(api, 'i', { eventIds: ['a', 'b', 'c', 'zz'], filter: { events: ['order.created'] } });
    expect(s.events.map((e) => e.id)).toEqual(['c', 'a']);
    expect(s.missing).toEqual(['zz']);
    expect(s.excluded).toEqual(['b']);
  });
});
