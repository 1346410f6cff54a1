import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One measured figure and its target; a miss is printed as missed, never hidden. */
export interface BenchFigure {
  metric: string;
  value: number;
  unit: string;
  /** e.g. '<= 250' or '>= 300'; null when there is no target (reported for information). */
  target: string | null;
}

export const RESULTS_DIR = path.resolve(import.meta.dirname, '..', '..', 'bench', 'results');

/** Whether a figure meets its target. */
export function meets(figure: BenchFigure): boolean | null {
  if (!figure.target) return null;
  const match = /^(<=|>=)\s*([\d.]+)$/.exec(figure.target.trim());
  if (!match) return null;
  const bound = Number(match[2]);
  return match[1] === '<=' ? figure.value <= bound : figure.value >= bound;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The p-th percentile (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * A pause of random length, up to `maxMs`, before a timed card insertion. The virtual reader
 * (vpcd) polls its socket every ~400 ms: a fixed pause lines every insertion up at the same point
 * of that cycle and turns the poll into a constant; random pauses sample the whole cycle, as a
 * person inserting a card does.
 */
export function randomPause(maxMs = 800): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * maxMs));
}

/** Prints the figures as a table and writes them to bench/results/NAME.json. */
export function reportFigures(name: string, figures: BenchFigure[]): void {
  const rows = figures.map((figure) => {
    const met = meets(figure);
    return [
      figure.metric,
      figure.value.toFixed(figure.value < 10 ? 2 : 1),
      figure.unit,
      figure.target ?? '—',
      met === null ? '' : met ? 'met' : 'MISSED',
    ];
  });
  const header = ['metric', 'value', 'unit', 'target', ''];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    path.join(RESULTS_DIR, `${name}.json`),
    `${JSON.stringify({ name, measuredAt: new Date().toISOString(), figures: figures.map((f) => ({ ...f, met: meets(f) })) }, null, 2)}\n`,
  );
}
