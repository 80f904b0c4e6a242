// The operations panel: consumer lag and throughput from /metrics (Prometheus text), and the dead
// letters waiting in /dlq, each linked to its own record.
import { getJSON, getText, url } from './api.js';
import { t } from './i18n.js';
import { beijing } from './time.js';

function parse(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+([-+0-9.eE]+|NaN)/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const pair of (match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

export class Operations {
  constructor(elements) {
    this.el = elements;
    this.previous = null;
  }

  async refresh() {
    const samples = parse(await getText('/metrics'));
    const lag = new Map();
    for (const s of samples.filter((s) => s.name === 'shikong_consumer_lag')) {
      const key = `${s.labels.kind} ${s.labels.name}`;
      lag.set(key, (lag.get(key) ?? 0) + s.value);
    }
    const applied = samples.filter((s) => s.name === 'shikong_projection_applied_total').reduce((sum, s) => sum + s.value, 0);
    const now = Date.now();
    let rate = '';
    if (this.previous) rate = ((applied - this.previous.applied) / ((now - this.previous.at) / 1000)).toFixed(1);
    this.previous = { applied, at: now };
    const table = document.createElement('table');
    const row = (a, b) => {
      const r = table.insertRow();
      r.insertCell().textContent = a;
      r.insertCell().textContent = b;
    };
    row(t('throughput'), rate === '' ? `${applied} ${t('records')}` : `${rate} /s (${applied})`);
    for (const [name, value] of [...lag.entries()].sort()) row(`${t('lag')} · ${name}`, String(value));
    this.el.summary.replaceChildren(table);
    const letters = await getJSON('/dlq', { limit: 20 });
    this.el.dlq.replaceChildren();
    for (const letter of letters.items ?? []) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = url(`/dlq/${letter.id}`);
      link.target = '_blank';
      link.textContent = `${letter.failed_at ? beijing(letter.failed_at) : ''} ${letter.stage}`;
      item.append(link, ` — ${letter.reason}`);
      this.el.dlq.append(item);
    }
    if (!this.el.dlq.children.length) this.el.dlq.textContent = '—';
  }
}
