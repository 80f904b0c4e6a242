// A click on the map: the features under it (attributes, a link to the history and, for entities,
// the list of versions), and the address of the place (/reverse).
import { getJSON, url } from './api.js';
import { t } from './i18n.js';
import { beijing } from './time.js';

const timeNames = new Set(['observed_at', 'recorded_at', 'valid_from', 'known_from', 'valid_to', 'known_to']);

function show(value, name) {
  if (value === null || value === undefined) return '';
  if (timeNames.has(name) && typeof value === 'string' && !Number.isNaN(Date.parse(value))) return `${beijing(value)} (北京时间)`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export async function describe(manager, feature, elements, openPanel) {
  const collection = feature.source.replace(/^c:/, '');
  const entry = manager.entries.get(collection);
  const id = feature.properties.id ?? feature.id;
  elements.title.textContent = `${entry?.title ?? collection} · ${id}`;
  elements.attributes.replaceChildren();
  for (const [name, value] of Object.entries(feature.properties)) {
    const row = elements.attributes.insertRow();
    row.insertCell().textContent = name;
    row.insertCell().textContent = show(value, name);
  }
  elements.links.replaceChildren();
  elements.history.replaceChildren();
  if (entry?.kind === 'entities') {
    const link = document.createElement('a');
    link.href = url(`/collections/${encodeURIComponent(collection)}/items/${encodeURIComponent(id)}/history`);
    link.target = '_blank';
    link.textContent = t('historyLink');
    elements.links.append(link);
    openPanel('feature');
    try {
      const history = await getJSON(`/collections/${encodeURIComponent(collection)}/items/${encodeURIComponent(id)}/history`);
      for (const version of history.features ?? []) {
        const p = version.properties ?? {};
        const item = document.createElement('li');
        item.textContent = `${t('validFrom')} ${show(p.valid_from, 'valid_from')} · ${t('knownFrom')} ${show(p.known_from, 'known_from')}${p.retired ? ` · ${t('retired')}` : ''}`;
        elements.history.append(item);
      }
    } catch (error) {
      elements.history.textContent = error.message;
    }
  } else {
    openPanel('feature');
  }
}

/** The address of a point (reverse geocoding), as a line of text, or null outside every boundary. */
export async function reverse(lngLat) {
  try {
    const answer = await getJSON('/reverse', { lon: lngLat.lng.toFixed(6), lat: lngLat.lat.toFixed(6) });
    return answer.standardAddress ?? (answer.admin ?? []).map((division) => division.name).join('');
  } catch {
    return null;
  }
}
