// A time series from /collections/readings/stats for one sensor, or for the sensors inside one
// district, drawn as SVG by hand: hourly means of the chosen value.
import { getJSON } from './api.js';
import { t } from './i18n.js';
import { beijing } from './time.js';

const svgNS = 'http://www.w3.org/2000/svg';

function element(name, attributes, text) {
  const node = document.createElementNS(svgNS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Draws [{time, value}] into `container` as a line chart with axes. */
export function drawSeries(container, series, label) {
  container.replaceChildren();
  const points = series.filter((p) => Number.isFinite(p.value));
  if (!points.length) {
    container.textContent = t('noData');
    return;
  }
  const width = 320, height = 200, left = 36, right = 8, top = 14, bottom = 30;
  const svg = element('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  const times = points.map((p) => p.time);
  const values = points.map((p) => p.value);
  const [t0, t1] = [Math.min(...times), Math.max(...times) || 1];
  let [v0, v1] = [Math.min(...values), Math.max(...values)];
  if (v0 === v1) [v0, v1] = [v0 - 1, v1 + 1];
  // One bucket is drawn in the middle rather than on the axis.
  const x = (time) => left + (t1 > t0 ? (time - t0) / (t1 - t0) : 0.5) * (width - left - right);
  const y = (value) => top + (1 - (value - v0) / (v1 - v0)) * (height - top - bottom);
  svg.append(element('line', { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, stroke: '#9aa5b1' }));
  svg.append(element('line', { x1: left, y1: top, x2: left, y2: height - bottom, stroke: '#9aa5b1' }));
  // As many decimals as the tick step needs, so no two ticks read the same.
  const step = (v1 - v0) / 4;
  const decimals = step >= 1 ? 0 : Math.min(4, Math.ceil(-Math.log10(step)));
  for (let i = 0; i <= 4; i++) {
    const value = v0 + step * i;
    svg.append(element('text', { x: left - 4, y: y(value) + 3, 'text-anchor': 'end' }, value.toFixed(decimals)));
    svg.append(element('line', { x1: left, y1: y(value), x2: width - right, y2: y(value), stroke: '#eef1f4' }));
  }
  for (const time of t1 > t0 ? [t0, t1] : [t0]) {
    const anchor = t1 > t0 ? (time === t0 ? 'start' : 'end') : 'middle';
    svg.append(element('text', { x: x(time), y: height - 12, 'text-anchor': anchor }, beijing(time).slice(5, 16)));
  }
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  svg.append(element('path', { d: path, fill: 'none', stroke: '#1f77b4', 'stroke-width': 2 }));
  for (const p of points) svg.append(element('circle', { cx: x(p.time), cy: y(p.value), r: 2.2, fill: '#1f77b4' }));
  svg.append(element('text', { x: left + 4, y: 10 }, label));
  container.append(svg);
}

export class Statistics {
  constructor(elements) {
    this.el = elements;
    this.subject = null;
    elements.value.addEventListener('change', () => this.refresh());
  }

  setValues(names) {
    const chosen = this.el.value.value;
    this.el.value.replaceChildren(...names.map((name) => new Option(name, name)));
    this.el.value.value = names.includes(chosen) ? chosen : (names.includes('pm25') ? 'pm25' : names[0] ?? '');
  }

  /** A sensor ({sensor}) or a district ({regions, region, name}). */
  async show(subject) {
    this.subject = subject;
    if (!this.el.value.options.length) {
      const sensors = await getJSON('/collections/sensors');
      this.setValues((sensors.properties ?? []).filter((p) => p.type === 'real').map((p) => p.name));
    }
    await this.refresh();
  }

  async refresh() {
    const subject = this.subject;
    const value = this.el.value.value;
    if (!subject || !value) return;
    const aggregate = `avg(${value})`;
    let rows;
    if (subject.sensor) {
      this.el.subject.textContent = `${t('sensors')} ${subject.sensor}`;
      ({ rows } = await getJSON('/collections/readings/stats', { sensor_id: subject.sensor, time_bucket: '1h', agg: aggregate }));
    } else {
      this.el.subject.textContent = subject.name;
      ({ rows } = await getJSON('/collections/readings/stats', { group_by: 'admin', regions: subject.regions, time_bucket: '1h', agg: aggregate }));
      rows = rows.filter((row) => String(row.region_id) === String(subject.region));
    }
    drawSeries(this.el.chart, rows.map((row) => ({ time: Date.parse(row.time), value: Number(row[aggregate]) })), `${value} · 1h`);
  }
}
