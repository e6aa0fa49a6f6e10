/**
 * Reads a `/metrics` exposition with a real Prometheus text-format parser
 * (parse-prometheus-text-format, a port of the Python client's parser), so the tests check what
 * a scraper would read, not strings.
 */
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';

export interface Scrape {
  readonly families: readonly PromFamily[];
  /** The value of the one series of `name` whose labels include `labels`; 0 when absent. */
  value(name: string, labels?: Readonly<Record<string, string>>): number;
  /** Every series of `name` with its labels. */
  series(name: string): readonly { labels: Readonly<Record<string, string>>; value: number }[];
  family(name: string): PromFamily | undefined;
  /**
   * Observations in a histogram, all series together (the parser keeps a histogram's buckets
   * but not its labels, so the `+Inf` buckets are summed).
   */
  observations(name: string): number;
}

export function parseScrape(text: string): Scrape {
  const families = parsePrometheusTextFormat(text);
  const family = (name: string): PromFamily | undefined => families.find((f) => f.name === name);
  const series = (name: string) =>
    (family(name)?.metrics ?? []).map((sample) => ({
      labels: sample.labels ?? {},
      value: Number(sample.value ?? sample.count ?? Number.NaN),
    }));
  return {
    families,
    family,
    series,
    observations: (name) =>
      (family(name)?.metrics ?? []).reduce(
        (sum, sample) => sum + Number(sample.buckets?.['+Inf'] ?? 0),
        0,
      ),
    value(name, labels = {}) {
      const matching = series(name).filter((s) =>
        Object.entries(labels).every(([key, value]) => s.labels[key] === value),
      );
      return matching.reduce((sum, s) => sum + s.value, 0);
    },
  };
}

export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`scrape ${url}: HTTP ${response.status}`);
  return parseScrape(await response.text());
}
