// The sandbox's stock model, per (product_id, fulfillment_node_id):
//   ATP = on hand - (allocations + reservations + safety stock)           [contract §4]
// On hand comes from imports (or the admin API); allocations are created by fulfillment events and carry
// the logical timestamp of the last fulfillment event that touched them; an import whose head states a
// logical_timestamp_range removes the allocations whose logical timestamp falls inside that range (the
// on-hand count it carries already reflects those shipments).

export type AllocationState = 'open' | 'completed';

export interface Allocation {
  id: string;
  logical_timestamp: number;
  quantity: number;
  state: AllocationState;
  fulfillment_request_id?: string | null;
}

export interface StockRecord {
  product_id: string;
  fulfillment_node_id: string;
  on_hand: number;
  reservations: number;
  safety_stock: number;
  allocations: Allocation[];
}

export interface StockView extends StockRecord {
  allocated: number;
  atp: number;
}

export interface StockNode {
  fulfillment_node_id: string;
  store_id: string | null;
}

const key = (productId: string, nodeId: string): string => `${productId}\u0000${nodeId}`;

export class StockModel {
  private readonly records = new Map<string, StockRecord>();
  /** Known fulfillment nodes (store_mapping of imports, scenarios); a node with store_id null is a DC. */
  readonly nodes = new Map<string, StockNode>();
  private allocationCounter = 0;

  record(productId: string, nodeId: string): StockRecord {
    const k = key(productId, nodeId);
    let rec = this.records.get(k);
    if (!rec) {
      rec = { product_id: productId, fulfillment_node_id: nodeId, on_hand: 0, reservations: 0, safety_stock: 0, allocations: [] };
      this.records.set(k, rec);
    }
    return rec;
  }

  find(productId: string, nodeId: string): StockRecord | undefined {
    return this.records.get(key(productId, nodeId));
  }

  view(filter: { product_id?: string | undefined; fulfillment_node_id?: string | undefined } = {}): StockView[] {
    const out: StockView[] = [];
    for (const rec of this.records.values()) {
      if (filter.product_id && rec.product_id !== filter.product_id) continue;
      if (filter.fulfillment_node_id && rec.fulfillment_node_id !== filter.fulfillment_node_id) continue;
      out.push(viewOf(rec));
    }
    return out.sort((a, b) => a.fulfillment_node_id.localeCompare(b.fulfillment_node_id) || a.product_id.localeCompare(b.product_id));
  }

  addAllocation(productId: string, nodeId: string, alloc: Omit<Allocation, 'id'> & { id?: string | undefined }): Allocation {
    const created: Allocation = {
      id: alloc.id ?? `alloc-${++this.allocationCounter}`,
      logical_timestamp: alloc.logical_timestamp,
      quantity: alloc.quantity,
      state: alloc.state,
      fulfillment_request_id: alloc.fulfillment_request_id ?? null,
    };
    this.record(productId, nodeId).allocations.push(created);
    return created;
  }

  /** Marks an item's allocation shipped at a logical timestamp (creates it when the assignment was not seen). */
  completeAllocation(productId: string, nodeId: string, id: string, logicalTimestamp: number, fulfillmentRequestId: string): void {
    const rec = this.record(productId, nodeId);
    const alloc = rec.allocations.find((a) => a.id === id);
    if (alloc) {
      alloc.state = 'completed';
      alloc.logical_timestamp = logicalTimestamp;
    } else {
      this.addAllocation(productId, nodeId, { id, logical_timestamp: logicalTimestamp, quantity: 1, state: 'completed', fulfillment_request_id: fulfillmentRequestId });
    }
  }

  removeAllocation(productId: string, nodeId: string, id: string): void {
    const rec = this.find(productId, nodeId);
    if (rec) rec.allocations = rec.allocations.filter((a) => a.id !== id);
  }

  /** Applies one validated import: on hand per item, then drops the allocations the range covers. */
  applyImport(items: readonly { product_id: string; fulfillment_node_id: string; quantity: number }[], range?: { from: number; to: number }, mapping?: readonly StockNode[]): void {
    for (const node of mapping ?? []) this.nodes.set(node.fulfillment_node_id, { ...node });
    for (const item of items) {
      const rec = this.record(item.product_id, item.fulfillment_node_id);
      rec.on_hand = item.quantity;
      if (!this.nodes.has(item.fulfillment_node_id)) this.nodes.set(item.fulfillment_node_id, { fulfillment_node_id: item.fulfillment_node_id, store_id: null });
    }
    if (range) {
      // Only the (product, node) pairs this import counts: their on-hand figure is the one that reflects the shipments.
      for (const item of items) {
        const rec = this.record(item.product_id, item.fulfillment_node_id);
        rec.allocations = rec.allocations.filter((a) => a.logical_timestamp < range.from || a.logical_timestamp > range.to);
      }
    }
  }

  clear(): void {
    this.records.clear();
    this.nodes.clear();
  }

  toJSON(): { records: StockRecord[]; nodes: StockNode[]; allocationCounter: number } {
    return { records: [...this.records.values()], nodes: [...this.nodes.values()], allocationCounter: this.allocationCounter };
  }

  load(data: { records?: StockRecord[]; nodes?: StockNode[]; allocationCounter?: number } | undefined): void {
    this.clear();
    for (const rec of data?.records ?? []) this.records.set(key(rec.product_id, rec.fulfillment_node_id), rec);
    for (const node of data?.nodes ?? []) this.nodes.set(node.fulfillment_node_id, node);
    this.allocationCounter = data?.allocationCounter ?? 0;
  }
}

export function viewOf(rec: StockRecord): StockView {
  const allocated = rec.allocations.reduce((sum, a) => sum + a.quantity, 0);
  return {
    ...rec,
    allocations: [...rec.allocations].sort((a, b) => a.logical_timestamp - b.logical_timestamp),
    allocated,
    atp: rec.on_hand - allocated - rec.reservations - rec.safety_stock,
  };
}
