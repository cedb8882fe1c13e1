// The sandbox's core: state, delivery engine, import processor, tokens, faults, the event source and the
// demo receiver, wired together. The HTTP servers (server.ts, admin.ts) are thin layers over it.
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { DeliveryEngine } from './delivery.js';
import { EventGenerator, type EventDraft, type SandboxEvent } from './events.js';
import type { FaultSpec } from './faults.js';
import { ImportProcessor } from './imports.js';
import type { ReceiverRule, RunningReceiver } from './receiver.js';
import { SCENARIOS, type ScenarioContext } from './scenarios/index.js';
import { SandboxState, StatePersister, type IntegrationRecord } from './state.js';
import { TokenIssuer } from './tokens.js';
import { pause } from '../timers.js';
import { seededRandom } from './util.js';
import { WebhookClient } from './webhook.js';

export interface CoreOptions {
  tenant: string;
  clientId: string;
  clientSecret: string;
  statePath: string | null;
  reset: boolean;
  scenario: string;
  timeScale: number;
  tokenTtlSeconds: number;
  rejectedLimit: number;
  duplicateProbability: number;
  reorderProbability: number;
  deliveryTimeoutMs: number;
  faults: FaultSpec;
  s3Dir: string;
  seed: number;
  log: (line: string) => void;
}

export interface EmitSpec {
  count?: number | undefined;
  /** Events per second; without it every event is published at once. */
  rate?: number | undefined;
  /** Only events whose name matches this glob ("order.*", "fulfillment_request.items_completed"). */
  names?: string | undefined;
  /** Explicit events (payload optional: generated from the name when absent). */
  events?: { name: string; payload?: Record<string, unknown> | undefined }[] | undefined;
  /** Orders contain a product the demo ERP does not know (what reject-unknown-products rejects). */
  unknownProduct?: boolean | undefined;
}

export interface EmitResult {
  emitted: number;
  first_seq: number | null;
  last_seq: number | null;
  events: { id: string; name: string; payload_id: string | null }[];
}

export class SandboxCore {
  readonly state: SandboxState;
  readonly engine: DeliveryEngine;
  readonly imports: ImportProcessor;
  readonly tokens: TokenIssuer;
  readonly webhooks = new WebhookClient();
  readonly persister: StatePersister | null;
  faults: FaultSpec;
  receiver: RunningReceiver | null = null;
  generator: EventGenerator;
  private notifyScheduled = false;
  private closed = false;

  constructor(readonly options: CoreOptions) {
    this.state = new SandboxState(options.tenant);
    this.faults = options.faults;
    this.persister = options.statePath ? new StatePersister(this.state, options.statePath, 100, options.log) : null;
    if (this.persister) {
      const persister = this.persister;
      this.state.onChange = () => persister.schedule();
    }
    this.tokens = new TokenIssuer(() => this.state.tokenSecret, options.tokenTtlSeconds);
    this.engine = new DeliveryEngine(this.state, this.webhooks, {
      timeScale: options.timeScale,
      duplicateProbability: options.duplicateProbability,
      reorderProbability: options.reorderProbability,
      deliveryTimeoutMs: options.deliveryTimeoutMs,
      rejectedLimit: options.rejectedLimit,
      s3Dir: options.s3Dir,
      log: options.log,
    });
    this.imports = new ImportProcessor(this.state, { timeScale: options.timeScale, log: options.log });
    this.generator = this.newGenerator(Math.random);
  }

  private newGenerator(random: () => number): EventGenerator {
    return new EventGenerator({ random, nextLogicalTimestamp: () => this.state.nextLogicalTimestamp() });
  }

  /** Loads the state file (unless reset) or seeds the scenario; then starts the workers. */
  async init(): Promise<{ loaded: boolean }> {
    let loaded = false;
    if (this.persister && !this.options.reset) loaded = await this.persister.load();
    if (!loaded) {
      if (this.persister) await this.persister.clearBlobs();
      this.loadScenario(this.options.scenario);
    }
    this.followReceiver();
    this.engine.sync();
    this.imports.resume();
    return { loaded };
  }

  /** Callbacks that point at the built-in receiver follow its current origin (its port may change between runs). */
  followReceiver(): void {
    if (!this.receiver) return;
    for (const rec of this.state.integrations.values()) {
      if (!rec.internal.builtin_receiver || !rec.callback_parameters) continue;
      try {
        const url = new URL(rec.callback_parameters.callback_url);
        const next = `${this.receiver.url}${url.pathname}${url.search}`;
        if (next !== rec.callback_parameters.callback_url) {
          rec.callback_parameters.callback_url = next;
          this.state.touch();
        }
      } catch {
        // leave a malformed URL alone
      }
    }
  }

  isBuiltinReceiverUrl(url: string): boolean {
    if (!this.receiver) return false;
    try {
      return new URL(url).origin === new URL(this.receiver.url).origin;
    } catch {
      return false;
    }
  }

  loadScenario(name: string): void {
    const scenario = SCENARIOS[name];
    if (!scenario) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
    const st = this.state;
    st.logicalTimestamp = scenario.logicalTimestampStart ?? 0;
    const random = seededRandom(this.options.seed);
    let clock = Date.now();
    const generator = new EventGenerator({ random, nextLogicalTimestamp: () => st.nextLogicalTimestamp(), unknownProductRate: 0, now: () => new Date(clock) });
    const receiverBase = this.receiver?.url ?? 'http://127.0.0.1:4546';
    const ctx: ScenarioContext = {
      now: Date.now(),
      random,
      generator,
      rejectedLimit: this.options.rejectedLimit,
      receiverUrl: (path) => `${receiverBase}${path}`,
      publish: (draft, at) => {
        clock = at.getTime();
        const made = typeof draft === 'function' ? draft() : draft;
        clock = Date.now();
        return st.appendEvent(made, at.toISOString());
      },
      nextSeq: () => st.nextSeq,
      firstSeqAtOrAfter: (iso) => st.firstSeqAtOrAfter(iso),
      addIntegration: (def, cursor) => {
        const rec: IntegrationRecord = {
          id: def.id,
          status: def.status,
          integration_type: def.integration_type ?? 'permanent',
          starts_at: def.starts_at,
          ends_at: def.ends_at,
          callback_parameters: def.callback_parameters,
          s3_parameters: def.s3_parameters,
          filter_conditions: def.filter_conditions,
          created_at: def.created_at.toISOString(),
          internal: { cursor, resume_seq: null, rejected_limit: null, builtin_receiver: def.builtin_receiver ?? false, stop_reason: def.stop_reason ?? null },
        };
        st.integrations.set(rec.id, rec);
        return rec;
      },
      addLog: (id, level, message, at, extra) => {
        st.addLog(id, level, message, { ...extra, at: at.toISOString() });
      },
      addRejected: (id, event, at, response) => {
        st.addRejected(id, { id: event.id, rejected_at: at.toISOString(), attempts: 1, event: st.webhookBody(event), response });
      },
      setStock: (s) => {
        const rec = st.stock.record(s.product_id, s.fulfillment_node_id);
        rec.on_hand = s.on_hand;
        rec.reservations = s.reservations ?? 0;
        rec.safety_stock = s.safety_stock ?? 0;
        rec.allocations = [];
        for (const a of s.allocations ?? []) st.stock.addAllocation(s.product_id, s.fulfillment_node_id, a);
      },
      setNode: (nodeId, storeId) => {
        st.stock.nodes.set(nodeId, { fulfillment_node_id: nodeId, store_id: storeId });
      },
    };
    scenario.build(ctx);
    st.touch();
  }

  scenarioReceiverRule(): ReceiverRule | undefined {
    return SCENARIOS[this.options.scenario]?.receiverRule;
  }

  /** Publishes one event: appended to the event log, applied to the stock model, workers woken. */
  publish(draft: EventDraft): SandboxEvent {
    const event = this.state.appendEvent(draft);
    this.applyStock(event);
    this.state.touch();
    if (!this.notifyScheduled) {
      this.notifyScheduled = true;
      setImmediate(() => {
        this.notifyScheduled = false;
        this.engine.notify();
      });
    }
    return event;
  }

  /** Fulfillment events create, complete or drop allocations at their fulfillment location. */
  applyStock(event: SandboxEvent): void {
    if (!event.name.startsWith('fulfillment_request.')) return;
    const p = event.payload;
    const node = typeof p.fulfillment_location_id === 'string' ? p.fulfillment_location_id : null;
    const lt = typeof p.logical_timestamp === 'number' ? p.logical_timestamp : null;
    const frId = typeof p.id === 'string' ? p.id : '';
    if (!node || lt === null || !Array.isArray(p.items)) return;
    for (const raw of p.items as unknown[]) {
      const item = raw as { id?: unknown; product_id?: unknown };
      if (typeof item.product_id !== 'string') continue;
      const itemId = typeof item.id === 'string' ? item.id : `${frId}:${item.product_id}`;
      switch (event.name) {
        case 'fulfillment_request.assigned':
          this.state.stock.removeAllocation(item.product_id, node, itemId); // a re-assignment replaces it
          this.state.stock.addAllocation(item.product_id, node, { id: itemId, logical_timestamp: lt, quantity: 1, state: 'open', fulfillment_request_id: frId });
          break;
        case 'fulfillment_request.items_completed':
          this.state.stock.completeAllocation(item.product_id, node, itemId, lt, frId);
          break;
        case 'fulfillment_request.items_failed':
          this.state.stock.removeAllocation(item.product_id, node, itemId);
          break;
        default:
          break;
      }
    }
  }

  async emit(spec: EmitSpec, signal?: AbortSignal): Promise<EmitResult> {
    const drafts: (() => EventDraft)[] = [];
    if (spec.events && spec.events.length > 0) {
      for (const e of spec.events) {
        drafts.push(() => {
          if (!e.payload) return this.generator.byName(e.name, { unknownProduct: spec.unknownProduct ?? false });
          const payload = { ...e.payload };
          if (e.name.startsWith('fulfillment_request.') && typeof payload.logical_timestamp !== 'number') payload.logical_timestamp = this.state.nextLogicalTimestamp();
          return { name: e.name, payload };
        });
      }
    } else {
      const count = spec.count ?? 1;
      const pick = spec.names ? this.generator.matching(spec.names) : null;
      const opts = spec.unknownProduct === undefined ? {} : { unknownProduct: spec.unknownProduct };
      for (let i = 0; i < count; i++) drafts.push(pick ? () => pick(opts) : () => this.generator.next());
    }
    const result: EmitResult = { emitted: 0, first_seq: null, last_seq: null, events: [] };
    const started = Date.now();
    for (let i = 0; i < drafts.length; i++) {
      if (signal?.aborted || this.closed) break;
      if (spec.rate && spec.rate > 0) {
        const due = started + (i * 1000) / spec.rate;
        if (due > Date.now() && !(await pause(due - Date.now(), signal))) break;
      } else if (i > 0 && i % 2000 === 0) {
        await new Promise((r) => setImmediate(r)); // keep serving while emitting a lot
      }
      const event = this.publish(drafts[i]!());
      result.emitted += 1;
      result.first_seq ??= event.seq;
      result.last_seq = event.seq;
      if (result.events.length < 1000) result.events.push({ id: event.id, name: event.name, payload_id: typeof event.payload.id === 'string' ? event.payload.id : null });
    }
    return result;
  }

  /** Forgets everything and seeds a scenario again (the admin API's reset). */
  async reset(scenario = this.options.scenario): Promise<void> {
    if (!SCENARIOS[scenario]) throw new Error(`unknown scenario "${scenario}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
    await this.engine.stopAll();
    this.imports.reset();
    this.state.clear();
    if (this.persister) await this.persister.clearBlobs();
    this.loadScenario(scenario);
    this.followReceiver();
    this.engine.sync();
  }

  /** Stops the workers and saves the state (unless `save: false`: a start that failed saves nothing). */
  async close(options: { save?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.imports.close();
    await this.engine.close();
    await this.webhooks.close();
    if (this.persister && options.save === false) this.persister.discard();
    else if (this.persister) await this.persister.flush();
  }
}

export function defaultS3Dir(statePath: string | null): string {
  return statePath ? join(dirname(statePath), 's3') : join(tmpdir(), `nsx-sandbox-s3-${process.pid}`);
}

