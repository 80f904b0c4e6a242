// Symbolisation: a colour per layer, colour by a property (classes for numbers, categories for
// text), the air-quality scale for sensor values, and choropleth classes for district statistics.
export const palette = ['#1f77b4', '#e6550d', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];

/** China's AQI bands (HJ 633-2012) and colours. */
export const airQuality = [
  [0, '#00e400'], [50, '#ffff00'], [100, '#ff7e00'], [150, '#ff0000'], [200, '#99004c'], [300, '#7e0023'],
];

/** A step expression over a numeric property with `classes` [[from, colour], …]. */
export function steps(property, classes, fallback = '#9aa5b1') {
  const expression = ['step', ['to-number', ['get', property], -1], fallback];
  for (const [from, colour] of classes) expression.push(from, colour);
  return expression;
}

/** Categories: [[value, colour], …] as a match expression. */
export function categories(property, values, fallback = '#9aa5b1') {
  if (!values.length) return fallback;
  const expression = ['match', ['to-string', ['get', property]]];
  for (const [value, colour] of values) expression.push(String(value), colour);
  expression.push(fallback);
  return expression;
}

/** Five equal-count classes of `values` (numbers), light to dark. */
export function quantiles(values) {
  const ramp = ['#fee5d9', '#fcae91', '#fb6a4a', '#de2d26', '#a50f15'];
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return [];
  const classes = [];
  for (let i = 0; i < ramp.length; i++) {
    const from = sorted[Math.floor((i * sorted.length) / ramp.length)];
    if (!classes.length || from > classes[classes.length - 1][0]) classes.push([from, ramp[i]]);
  }
  classes[0][0] = -Infinity;
  return classes;
}

export function swatch(colour) {
  const span = document.createElement('span');
  span.className = 'swatch';
  span.style.background = colour;
  return span;
}
