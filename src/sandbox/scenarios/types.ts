// What a scenario gets to seed a tenant with. Scenarios are modules under src/sandbox/scenarios/ (so tsc
// carries them into dist/); add one by writing a module and listing it in scenarios/index.ts.
import type { EventDraft, EventGenerator, SandboxEvent } from '../events.js';
import type { Allocation } from '../stock.js';
import type { CallbackParams, Filter, IntegrationRecord, LogRecord, ReceiverAnswer, S3Params, StopReason } from '../state.js';
import type { ReceiverRule } from '../receiver.js';

export interface ScenarioIntegration {
  id: string;
  status: 'running' | 'stopped';
  integration_type?: 'permanent' | 'temporary';
  starts_at?: string;
  ends_at?: string;
  callback_parameters?: CallbackParams;
  s3_parameters?: S3Params;
  filter_conditions?: Filter;
  created_at: Date;
  /** The callback points at the built-in demo receiver (its origin follows the receiver's port). */
  builtin_receiver?: boolean;
  stop_reason?: StopReason;
}

export interface ScenarioStock {
  product_id: string;
  fulfillment_node_id: string;
  on_hand: number;
  reservations?: number;
  safety_stock?: number;
  allocations?: (Omit<Allocation, 'id'> & { id?: string })[];
}

export interface ScenarioContext {
  /** The moment the scenario is loaded (ms). */
  now: number;
  /** A seeded PRNG: the same scenario comes out the same. */
  random: () => number;
  /** A generator on the seeded PRNG, whose orders only contain products the demo ERP knows. */
  generator: EventGenerator;
  rejectedLimit: number;
  /** URL of the built-in receiver for a path ("/erp"). */
  receiverUrl(path: string): string;
  /**
   * Publishes an event in the past, without touching the stock (scenarios set stock explicitly). Pass a
   * function to have the generator's clock read `at` while it builds the payload.
   */
  publish(draft: EventDraft | (() => EventDraft), at: Date): SandboxEvent;
  /** The seq the next published event gets: an integration's cursor "caught up". */
  nextSeq(): number;
  firstSeqAtOrAfter(iso: string): number;
  addIntegration(def: ScenarioIntegration, cursor: number): IntegrationRecord;
  addLog(integrationId: string, level: LogRecord['level'], message: string, at: Date, extra?: { event_name?: string; status_code?: number }): void;
  addRejected(integrationId: string, event: SandboxEvent, at: Date, response: ReceiverAnswer): void;
  setStock(stock: ScenarioStock): void;
  setNode(fulfillmentNodeId: string, storeId: string | null): void;
}

export interface Scenario {
  description: string;
  /** The demo receiver's rule when the sandbox starts with this scenario (an explicit option wins). */
  receiverRule?: ReceiverRule;
  /** The logical timestamp counter to start from (fulfillment events count up from here). */
  logicalTimestampStart?: number;
  build(ctx: ScenarioContext): void;
}
