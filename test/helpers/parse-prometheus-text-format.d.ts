// Types for parse-prometheus-text-format (a devDependency that ships none): a parser of the Prometheus text
// format, used to read --output openmetrics as a scraper would.
declare module 'parse-prometheus-text-format' {
  interface MetricFamily {
    name: string;
    help: string;
    type: string;
    metrics: { value: string; labels?: Record<string, string> }[];
  }
  function parsePrometheusTextFormat(text: string): MetricFamily[];
  export = parsePrometheusTextFormat;
}
