import { writeFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One point of a chart: x, y, and the series (a line, or a bar colour) it belongs to. */
export interface ChartPoint {
  readonly x: number | string;
  readonly y: number;
  readonly series: string;
}

/** What to draw. */
export interface ChartOptions {
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  /** Logarithmic axes (table sizes and times span decades). */
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** `line` (numeric x, one line per series) or `bar` (categorical x). Default `line`. */
  readonly kind?: 'line' | 'bar';
  /** A dashed horizontal rule at this y (e.g. 1.0 for relative values). */
  readonly rule?: number;
}

/** Renders a chart to a standalone SVG document with Vega-Lite (no browser, no canvas). */
export async function chartSvg(points: readonly ChartPoint[], options: ChartOptions): Promise<string> {
  const kind = options.kind ?? 'line';
  const x =
    kind === 'bar'
      ? { field: 'x', type: 'nominal' as const, title: options.xTitle, axis: { labelAngle: -30 } }
      : {
          field: 'x',
          type: 'quantitative' as const,
          title: options.xTitle,
          scale: options.logX ? { type: 'log' as const } : { zero: false },
        };
  const y = {
    field: 'y',
    type: 'quantitative' as const,
    title: options.yTitle,
    scale: options.logY ? { type: 'log' as const } : {},
  };
  const main = {
    mark: kind === 'bar' ? { type: 'bar' as const } : { type: 'line' as const, point: true },
    encoding: {
      x,
      y,
      // Series names are long (model, strategy, update mode): list them in full below the chart.
      color: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        legend: { orient: 'bottom' as const, direction: 'vertical' as const, labelLimit: 1000 },
      },
      ...(kind === 'bar' ? { xOffset: { field: 'series' } } : {}),
    },
  };
  const layers: unknown[] = [main];
  if (options.rule !== undefined) {
    layers.push({
      data: { values: [{ y: options.rule }] },
      mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
      encoding: { y: { field: 'y', type: 'quantitative' } },
    });
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: 480,
    height: 300,
    background: 'white',
    data: { values: points.map((p) => ({ ...p })) },
    layer: layers,
  } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a chart (see {@link chartSvg}) into an SVG file. */
export async function writeChart(
  path: string,
  points: readonly ChartPoint[],
  options: ChartOptions,
): Promise<void> {
  writeFileSync(path, await chartSvg(points, options));
}
