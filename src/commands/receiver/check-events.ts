// The synthetic events of `nsx receiver check`, from the sandbox's event generator, limited to --events.
// Check 1 sends one event of each family meant for the receiver, with the variants receivers trip on:
// an exchange order (is_exchange: true), fulfillment requests with their logical timestamps, a cash payment
// with extended_attributes.rounded_amount and one without.
import { UsageError } from '../../errors.js';
import { EVENT_NAMES, EventGenerator, entityOf, type EventDraft } from '../../sandbox/events.js';
import { globListMatcher } from '../../input/glob.js';
import type { CheckEvents, SampleDraft } from '../../workflows/receiver/check.js';

/** Throws UsageError (exit 2) when --events matches no event name. */
export function checkEventsFor(glob: string): CheckEvents {
  const match = globListMatcher(glob);
  const names = EVENT_NAMES.filter((n) => match(n));
  if (names.length === 0) throw new UsageError(`--events: "${glob}" matches no NewStore event name`, { hint: `names: ${EVENT_NAMES.join(', ')}` });
  let lt = Math.floor(Date.now() / 1000) * 1000;
  // Only known products: an unknown product is a valid reason for a 400, not a receiver bug.
  const gen = new EventGenerator({ random: Math.random, nextLogicalTimestamp: () => ++lt, unknownProductRate: 0 });

  const payment = (rounded: boolean): EventDraft => {
    // Cash payments at a store carry rounded_amount when rounding changed the amount; draw until one does (or not).
    for (let i = 0; i < 500; i++) {
      const e = gen.byName('payment_account.amount_authorized');
      if (('extended_attributes' in e.payload) === rounded) return e;
    }
    throw new Error('the event generator gave no payment of the kind asked for');
  };
  const order = (exchange: boolean): EventDraft => {
    const e = gen.byName('order.created');
    return { name: e.name, payload: { ...e.payload, is_exchange: exchange } };
  };
  const variants: (() => SampleDraft)[] = [
    () => ({ label: 'order.created', ...order(false) }),
    () => ({ label: 'order.created (exchange)', ...order(true) }),
    () => ({ label: 'fulfillment_request.assigned', ...gen.byName('fulfillment_request.assigned') }),
    () => ({ label: 'fulfillment_request.items_completed', ...gen.byName('fulfillment_request.items_completed') }),
    () => ({ label: 'payment_account.amount_authorized (rounded)', ...payment(true) }),
    () => ({ label: 'payment_account.amount_authorized (not rounded)', ...payment(false) }),
    () => ({ label: 'return.processed', ...gen.byName('return.processed') }),
  ];
  const variantNames = ['order.created', 'order.created', 'fulfillment_request.assigned', 'fulfillment_request.items_completed', 'payment_account.amount_authorized', 'payment_account.amount_authorized', 'return.processed'];
  const samples: SampleDraft[] = [];
  variants.forEach((make, i) => {
    if (match(variantNames[i]!)) samples.push(make());
  });
  // Every other family (entity) --events allows: its first matching name.
  const covered = new Set(samples.map((s) => entityOf(s.name)));
  for (const name of names) {
    if (covered.has(entityOf(name))) continue;
    covered.add(entityOf(name));
    samples.push({ label: name, ...gen.byName(name) });
  }

  const outOfOrder: CheckEvents['outOfOrder'] = [];
  for (const early of ['order.cancelled', 'order.items_cancelled'] as const) {
    if (!match(early)) continue;
    const [first, created] = gen.forOneOrder([early, 'order.created']);
    outOfOrder.push({ early: first!, created: match('order.created') ? created! : null });
  }

  const fresh = gen.matching(glob);
  return {
    samples,
    fresh: () => fresh(),
    otherThan(name) {
      const others = names.filter((n) => n !== name);
      return others.length ? gen.byName(others[Math.floor(Math.random() * others.length)]!) : null;
    },
    outOfOrder,
  };
}
