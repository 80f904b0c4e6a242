// The time slider: over system time (as_of, what the platform knew) or valid time (datetime, what
// was true), from the earliest time the entity collections know to now; play steps through it.
import { getJSON } from './api.js';
import { t } from './i18n.js';
import { beijing, iso } from './time.js';

export class Timeline {
  constructor(manager, elements) {
    this.manager = manager;
    this.el = elements;
    this.axis = 'as_of';
    this.start = Date.now() - 86400000;
    this.end = Date.now();
    this.current = null;
    this.timer = null;
    this.listeners = [];
    elements.slider.addEventListener('input', () => this.preview());
    elements.slider.addEventListener('change', () => this.commit());
    elements.now.addEventListener('click', () => this.reset());
    elements.play.addEventListener('click', () => this.toggle());
    for (const radio of elements.axes) radio.addEventListener('change', () => {
      if (radio.checked) {
        this.axis = radio.value;
        this.commit();
      }
    });
    this.label();
  }

  /** The range: the earliest start of any entity collection's temporal extent (or a day ago), to now. */
  async load() {
    const { collections } = await getJSON('/collections');
    const starts = collections.filter((c) => c.kind === 'entities').map((c) => c.extent?.temporal?.interval?.[0]?.[0]).filter(Boolean)
      .map((s) => new Date(s).getTime());
    if (starts.length) this.start = Math.min(...starts) - 60000;
    this.end = Date.now();
    this.label();
  }

  valueAt(position) {
    return this.start + ((this.end - this.start) * position) / 1000;
  }

  preview() {
    this.current = Number(this.el.slider.value) >= 1000 ? null : this.valueAt(Number(this.el.slider.value));
    this.label();
  }

  commit() {
    this.preview();
    const time = { as_of: null, datetime: null };
    if (this.current !== null) time[this.axis] = iso(this.current);
    this.manager.setTime(time);
    for (const listener of this.listeners) listener(time);
  }

  reset() {
    this.stop();
    this.end = Date.now();
    this.el.slider.value = 1000;
    this.commit();
  }

  toggle() {
    if (this.timer) return this.stop();
    if (Number(this.el.slider.value) >= 1000) this.el.slider.value = 0;
    this.el.play.textContent = '❚❚';
    this.timer = setInterval(() => {
      const next = Math.min(1000, Number(this.el.slider.value) + 50);
      this.el.slider.value = next;
      this.commit();
      if (next >= 1000) this.stop();
    }, 1200);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.el.play.textContent = '▶';
  }

  label() {
    const axis = this.axis === 'as_of' ? 'as_of' : 'datetime';
    this.el.label.textContent = this.current === null ? `${axis}: ${t('now')}` : `${axis}: ${beijing(this.current)}`;
  }

  onChange(listener) { this.listeners.push(listener); }
}
