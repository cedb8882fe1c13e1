// The Prometheus / OpenMetrics text format, for monitors that scrape a file (node_exporter's textfile
// collector): gauge families with # HELP and # TYPE lines, label values escaped (backslash, double quote,
// newline), and the closing # EOF.

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface GaugeFamily {
  name: string;
  help: string;
  samples: Sample[];
}

/** A label value as the text format writes it between double quotes. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Gauge families, each sample on one line, ending with # EOF. */
export function openMetricsText(families: GaugeFamily[]): string {
  const out: string[] = [];
  for (const family of families) {
    out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} gauge`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
      out.push(`${family.name}${labels.length ? `{${labels.join(',')}}` : ''} ${number(sample.value)}`);
    }
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}
