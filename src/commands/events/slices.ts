// What `nsx events` says about a window it could not read whole.
import type { Slice } from '../../workflows/events/read.js';

export function sliceWarning(slice: Slice, answered: number): string {
  return `${answered} attempts between ${new Date(slice.from).toISOString()} and ${new Date(slice.to).toISOString()}: the answer may be cut short and this second may miss attempts (no narrower window can be asked for)`;
}
