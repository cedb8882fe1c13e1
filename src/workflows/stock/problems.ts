// Validation problems of a stock input: every one is counted, the first few are kept with their line or
// JSON path, and they become one UsageError (exit 2: nothing was sent).
import { UsageError } from '../../errors.js';

export const SHOWN_PROBLEMS = 20;

export class ProblemList {
  readonly shown: string[] = [];
  total = 0;

  constructor(private readonly limit = SHOWN_PROBLEMS) {}

  add(message: string): void {
    this.total++;
    if (this.shown.length < this.limit) this.shown.push(message);
  }

  get empty(): boolean {
    return this.total === 0;
  }

  /** Throws InvalidStockInputError when anything was found. */
  throwIfAny(source: string): void {
    if (this.total > 0) throw new InvalidStockInputError(source, this);
  }
}

/** The input cannot be imported as it is; the message lists the first problems and the total. */
export class InvalidStockInputError extends UsageError {
  readonly problems: readonly string[];
  readonly total: number;

  constructor(source: string, problems: ProblemList) {
    const more = problems.total - problems.shown.length;
    const lines = problems.shown.map((p) => `  ${p}`);
    if (more > 0) lines.push(`  ... and ${more} more`);
    super(`${problems.total} problem${problems.total === 1 ? '' : 's'} in ${source}; nothing was sent:\n${lines.join('\n')}`, {
      hint: more > 0 ? `the first ${problems.shown.length} of ${problems.total} are shown` : undefined,
    });
    this.problems = problems.shown;
    this.total = problems.total;
  }
}
