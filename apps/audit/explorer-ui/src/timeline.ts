import { svgElement } from './dom';

const WIDTH = 1000;
const HEIGHT = 160;
const MARGIN = { top: 10, right: 10, bottom: 24, left: 36 };

/**
 * Accesses per day as an SVG bar chart, drawn by hand: a few dozen elements need no chart library,
 * scale with the page, print as vectors and keep to the page's CSP. Each bar has a title (a tooltip
 * and its accessible name); the chart as a whole is summarised in its label.
 */
export function timelineChart(
  days: readonly { day: string; count: number }[],
): SVGSVGElement {
  const most = Math.max(1, ...days.map((entry) => entry.count));
  const total = days.reduce((sum, entry) => sum + entry.count, 0);
  const busiest = days.reduce<{ day: string; count: number } | undefined>(
    (best, entry) => (!best || entry.count > best.count ? entry : best),
    undefined,
  );
  const svg = svgElement('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label':
      days.length === 0
        ? 'No accesses'
        : `${total} accesses over ${days.length} days, from ${days[0].day} to ${days[days.length - 1].day}; most on ${busiest?.day} (${busiest?.count})`,
  });
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(1, Math.min(slot * 0.8, 60));

  svg.append(
    svgElement('line', {
      class: 'baseline',
      x1: MARGIN.left,
      x2: WIDTH - MARGIN.right,
      y1: MARGIN.top + plotHeight,
      y2: MARGIN.top + plotHeight,
    }),
  );
  for (const [label, value] of [
    [String(most), MARGIN.top + 10],
    ['0', MARGIN.top + plotHeight],
  ] as const) {
    const text = svgElement('text', { class: 'axis', x: 4, y: value });
    text.textContent = label;
    svg.append(text);
  }
  // Label at most about 8 days along the axis, so the labels never overlap.
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  days.forEach((entry, index) => {
    const height = (entry.count / most) * plotHeight;
    const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
    const bar = svgElement('rect', {
      class: 'bar',
      x,
      y: MARGIN.top + plotHeight - height,
      width: barWidth,
      height,
    });
    const title = svgElement('title', {});
    title.textContent = `${entry.day}: ${entry.count}`;
    bar.append(title);
    svg.append(bar);
    if (index % labelEvery === 0) {
      const label = svgElement('text', {
        class: 'axis',
        x: MARGIN.left + index * slot + slot / 2,
        y: HEIGHT - 6,
        'text-anchor': 'middle',
      });
      label.textContent = entry.day;
      svg.append(label);
    }
  });
  return svg;
}
