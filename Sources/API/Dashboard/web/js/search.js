// The address search box: /geocode finds a standard address and a point; the map flies there.
import { getJSON } from './api.js';
import { t } from './i18n.js';

export function startSearch(map, form, input, status) {
  let marker = null;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    status(t('loading'));
    try {
      const result = await getJSON('/geocode', { q });
      const { lon, lat } = result.point;
      marker?.remove();
      marker = new maplibregl.Marker({ color: '#d62728' }).setLngLat([lon, lat])
        .setPopup(new maplibregl.Popup({ offset: 24 }).setText(result.standardAddress ?? q)).addTo(map);
      marker.getElement().dataset.found = result.standardAddress ?? q;
      marker.togglePopup();
      map.flyTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), result.precision === 'address_point' ? 16 : 13), duration: 800 });
      status(result.standardAddress ?? '');
    } catch (error) {
      status(`${t('notFound')}: ${error.message}`);
    }
  });
}
